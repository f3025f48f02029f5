//! Policy tests: config discovery and errors, severity overrides, exceptions around their expiry
//! date, inline ignores, auditor flags, the baseline, `init` and the JSON Schemas.

mod common;

use std::fs;
use std::path::Path;

use common::{e2ee_lint, json_rules};
use serde_json::Value;

use common::json;

/// Findings as `rule tool [suppressed-kind]` lines, in output order.
fn digest(value: &Value) -> Vec<String> {
    value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let mut line = format!(
                "{} {} {}",
                f["severity"].as_str().unwrap(),
                f["rule"].as_str().unwrap(),
                f["tool"].as_str().unwrap_or("-")
            );
            if let Some(kind) = f["suppressed"]["kind"].as_str() {
                line.push_str(&format!(" suppressed:{kind}"));
            }
            line
        })
        .collect()
}

fn human(args: &[&str]) -> String {
    let out = e2ee_lint(args);
    format!("exit: {}\n{}{}", out.code, out.stdout, out.stderr)
}

const TODAY: &str = "2026-11-27";

#[test]
fn exceptions_active_expired_and_unused() {
    let dir = "fixtures/policy/exceptions";
    insta::assert_snapshot!("exceptions_human", human(&["check", dir, "--today", TODAY]));
    let (code, out) = json(&["check", dir, "--today", TODAY]);
    assert_eq!(code, 1);
    assert_eq!(
        digest(&out),
        [
            "warning unused-exception -",
            "error no-e2ee Slack suppressed:exception",
            "error expired-exception Discord",
            "error no-e2ee Discord",
            "info e2ee-not-enforced Zoom",
        ]
    );
    let slack = &out["findings"][1];
    assert_eq!(
        slack["suppressed"],
        serde_json::json!({
            "kind": "exception",
            "reason": "Public announcements channel only; no customer data",
            "approved_by": "ciso@acme.example",
            "expires": "2099-12-31",
            "ticket": "SEC-1234",
        })
    );
    // An active finding has no `suppressed` key.
    assert!(out["findings"][3].get("suppressed").is_none());
    // The expired exception points at the finding, with a label on the config entry.
    let expired = &out["findings"][2];
    assert_eq!(expired["file"], "fixtures/policy/exceptions/inventory.yaml");
    assert_eq!(
        expired["labels"][0]["file"],
        "fixtures/policy/exceptions/e2ee-lint.yaml"
    );
    assert_eq!(expired["labels"][0]["span"]["line"], 16);
    let unused = &out["findings"][0];
    assert_eq!(unused["file"], "fixtures/policy/exceptions/e2ee-lint.yaml");
    assert_eq!(unused["span"]["line"], 17);
    assert_eq!(out["summary"]["suppressed"], 1);
    // The config file itself is not linted as an inventory.
    assert_eq!(out["summary"]["files"], 1);
}

#[test]
fn today_around_an_expiry_date() {
    let dir = "fixtures/policy/expiring";
    let cases: &[(&str, i32, &[&str])] = &[
        // 31 days before: quiet.
        (
            "2099-05-30",
            0,
            &["error no-e2ee Slack suppressed:exception"],
        ),
        // 30 days before: a reminder.
        (
            "2099-05-31",
            0,
            &[
                "info exception-expiring -",
                "error no-e2ee Slack suppressed:exception",
            ],
        ),
        // The last day still applies.
        (
            "2099-06-30",
            0,
            &[
                "info exception-expiring -",
                "error no-e2ee Slack suppressed:exception",
            ],
        ),
        // The day after, the finding is back, and so is the reason why.
        (
            "2099-07-01",
            1,
            &["error expired-exception Slack", "error no-e2ee Slack"],
        ),
    ];
    for (today, code, expected) in cases {
        let (got_code, out) = json(&["check", dir, "--today", today]);
        let mut got = digest(&out);
        got.sort();
        let mut expected = expected.to_vec();
        expected.sort();
        assert_eq!(got, expected, "--today {today}");
        assert_eq!(got_code, *code, "--today {today}");
    }
    let soon = human(&["check", dir, "--today", "2099-05-31"]);
    assert!(soon.contains("expires in 30 days (2099-06-30)"), "{soon}");
    let bad = e2ee_lint(&["check", dir, "--today", "2099-02-30"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("not a date as YYYY-MM-DD"),
        "{}",
        bad.stderr
    );
}

#[test]
fn inline_ignores_with_and_without_reason() {
    let dir = "fixtures/policy/ignores";
    insta::assert_snapshot!("ignores_human", human(&["check", dir]));
    let (code, out) = json(&["check", dir]);
    assert_eq!(code, 1);
    assert_eq!(
        digest(&out),
        [
            "error no-e2ee Slack suppressed:inline",
            "error no-e2ee Discord suppressed:inline",
            "warning unused-ignore -",
            "error no-e2ee Microsoft Teams",
            "warning ignore-without-reason -",
            "info backups-not-e2ee Telegram",
            "warning e2ee-not-enforced Telegram",
            // Telegram's group chats have no E2EE at all.
            "error no-e2ee Telegram",
            "warning unused-ignore -",
        ]
    );
    assert_eq!(
        out["findings"][0]["suppressed"],
        serde_json::json!({"kind": "inline", "reason": "public announcements only"})
    );
    assert_eq!(out["summary"]["suppressed"], 2);
}

#[test]
fn auditor_flags_show_what_is_suppressed() {
    // --no-ignores: inline ignores do not apply, and are not judged either.
    let (_, out) = json(&["check", "fixtures/policy/ignores", "--no-ignores"]);
    let rules = digest(&out);
    assert!(rules.iter().all(|r| !r.contains("suppressed")), "{rules:?}");
    assert!(rules.iter().all(|r| !r.contains("ignore")), "{rules:?}");
    // no-e2ee for Slack, Discord, Microsoft Teams and Telegram's groups.
    assert_eq!(out["summary"]["error"], 4);

    // --no-ignores keeps config exceptions.
    let (_, out) = json(&[
        "check",
        "fixtures/policy/exceptions",
        "--today",
        TODAY,
        "--no-ignores",
    ]);
    assert_eq!(out["summary"]["suppressed"], 1);

    // --no-exceptions: nothing is suppressed, and the policy's own findings are not produced.
    let (code, out) = json(&[
        "check",
        "fixtures/policy/exceptions",
        "--today",
        TODAY,
        "--no-exceptions",
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        digest(&out),
        [
            "error no-e2ee Slack",
            "error no-e2ee Discord",
            "info e2ee-not-enforced Zoom",
        ]
    );
}

#[test]
fn summary_line_counts_suppressions_by_kind() {
    // Two scenarios, two configs: each inventory uses its nearest config.
    let out = human(&[
        "check",
        "fixtures/policy/exceptions",
        "fixtures/policy/ignores",
        "--today",
        TODAY,
    ]);
    // The summary line, then the coverage line.
    let last = out.trim_end().lines().rev().nth(1).unwrap();
    assert_eq!(
        last,
        "2 files, 7 tools checked: 4 errors, 5 warnings, 2 infos (1 suppressed by exceptions, 2 by inline ignores)"
    );
}

#[test]
fn config_is_discovered_from_a_nested_directory() {
    let inventory = "fixtures/policy/nested/teams/eu/inventory.yaml";
    // `.e2ee-lint.yaml` two directories up: custom levels make `secret` sensitive, and
    // `unclassified-tool: off` silences Acme Chat.
    let (code, out) = json(&["check", inventory]);
    assert_eq!(code, 1);
    assert_eq!(digest(&out), ["error e2ee-not-enforced Zoom"]);
    // --isolated: default levels, where `secret` is not a level.
    let (_, out) = json(&["check", inventory, "--isolated"]);
    assert_eq!(
        json_rules(&serde_json::to_string(&out).unwrap()),
        [
            "e2ee-not-enforced",
            "invalid-inventory",
            "unclassified-tool"
        ]
    );
    // --config wins over discovery.
    let (_, out) = json(&[
        "check",
        inventory,
        "--config",
        "fixtures/policy/ignores/e2ee-lint.yaml",
    ]);
    assert!(digest(&out).contains(&"warning unclassified-tool Acme Chat".to_owned()));
}

#[test]
fn discovery_stops_at_the_repository_root() {
    let root = tempfile::tempdir().unwrap();
    // A parent directory's config that would turn no-e2ee off.
    fs::write(
        root.path().join("e2ee-lint.yaml"),
        "rules:\n  no-e2ee: off\n",
    )
    .unwrap();
    let repo = root.path().join("repo");
    fs::create_dir_all(repo.join("inventories")).unwrap();
    let inventory = repo.join("inventories/chat.yaml");
    fs::write(&inventory, "tools:\n  - name: Slack\n").unwrap();
    let path = inventory.to_str().unwrap();
    // Not a repository yet: the walk reaches the parent's config.
    let (code, _) = json(&["check", path]);
    assert_eq!(code, 0);
    // A `.git` (directory or worktree file) marks the root: the parent's policy stops there.
    fs::write(repo.join(".git"), "gitdir: elsewhere\n").unwrap();
    let (code, out) = json(&["check", path]);
    assert_eq!(code, 1);
    assert_eq!(digest(&out), ["error no-e2ee Slack"]);
    // Both names in one directory is ambiguous.
    fs::write(repo.join("e2ee-lint.yaml"), "").unwrap();
    fs::write(repo.join(".e2ee-lint.yaml"), "").unwrap();
    let out = e2ee_lint(&["check", path]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("keep one of them"), "{}", out.stderr);
}

#[test]
fn config_errors_point_into_the_config_file() {
    let cases = [
        ("unknown-key", "did you mean `rules`?"),
        ("wrong-type", "`rules` must be a mapping, found a list"),
        ("unknown-rule", "did you mean `no-e2ee`?"),
        (
            "bad-date",
            "`expires` must be a date as YYYY-MM-DD, found `2027-02-30`",
        ),
        ("missing-fields", "this exception has no `approved_by`"),
        ("bad-level", "did you mean `confidential`?"),
    ];
    // Every snapshot is compared before the test fails, so one run writes every `.snap.new`.
    let mut differ = Vec::new();
    for (name, expected) in cases {
        let config = format!("fixtures/policy/config-errors/{name}/e2ee-lint.yaml");
        let out = e2ee_lint(&["check", "fixtures/seed/slack.yaml", "--config", &config]);
        assert_eq!(out.code, 2, "{name}");
        assert!(out.stderr.contains(expected), "{name}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!("[{config}:")),
            "{name}: {}",
            out.stderr
        );
        assert!(
            out.stdout.is_empty(),
            "nothing is checked with a broken config"
        );
        let compared = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            insta::assert_snapshot!(format!("config_error_{name}"), out.stderr);
        }));
        if compared.is_err() {
            differ.push(name);
        }
    }
    assert!(differ.is_empty(), "snapshots differ: {differ:?}");
    // A YAML syntax error and a missing file never panic.
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("e2ee-lint.yaml");
    fs::write(&broken, "rules: [\n").unwrap();
    let out = e2ee_lint(&[
        "check",
        "fixtures/seed/slack.yaml",
        "--config",
        broken.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("invalid YAML"), "{}", out.stderr);
    let out = e2ee_lint(&["check", "fixtures/seed/slack.yaml", "--config", "nope.yaml"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("nope.yaml: no such file"),
        "{}",
        out.stderr
    );
}

#[test]
fn severity_overrides_cli_wins_over_config() {
    let slack = "fixtures/seed/slack.yaml";
    let (code, out) = json(&["check", slack, "--severity", "no-e2ee=warning"]);
    assert_eq!(code, 0);
    assert_eq!(digest(&out), ["warning no-e2ee Slack"]);
    let (code, out) = json(&["check", slack, "--severity", "no-e2ee=off"]);
    assert_eq!(code, 0);
    assert!(digest(&out).is_empty());
    // The config sets e2ee-not-enforced to info; the flag wins.
    let (_, out) = json(&[
        "check",
        "fixtures/policy/exceptions",
        "--today",
        TODAY,
        "--severity",
        "e2ee-not-enforced=error",
    ]);
    assert!(digest(&out).contains(&"error e2ee-not-enforced Zoom".to_owned()));
    for (flag, message) in [
        ("no-e2e=warning", "did you mean `no-e2ee`?"),
        ("no-e2ee=fatal", "unknown level `fatal`"),
        ("no-e2ee", "expected RULE=LEVEL"),
    ] {
        let out = e2ee_lint(&["check", slack, "--severity", flag]);
        assert_eq!(out.code, 2, "{flag}");
        assert!(out.stderr.contains(message), "{flag}: {}", out.stderr);
    }
}

#[test]
fn fail_on_from_the_config_and_the_flag_wins() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    fs::write(dir.path().join("e2ee-lint.yaml"), "fail_on: warning\n").unwrap();
    let inventory = dir.path().join("inventory.yaml");
    fs::copy(common::root().join("fixtures/seed/zoom.yaml"), &inventory).unwrap();
    let path = inventory.to_str().unwrap();
    assert_eq!(e2ee_lint(&["check", path]).code, 1);
    assert_eq!(e2ee_lint(&["check", path, "--fail-on", "error"]).code, 0);
}

#[test]
fn baseline_survives_reordering_and_reports_new_tools() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    let inventory = dir.path().join("inventory.yaml");
    fs::write(
        &inventory,
        "tools:\n  - name: Slack\n  - name: Zoom\n  - name: Signal\n",
    )
    .unwrap();
    let baseline = dir.path().join("baseline.json");
    let (inv, base) = (inventory.to_str().unwrap(), baseline.to_str().unwrap());
    let out = e2ee_lint(&["check", inv, "--write-baseline", base]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        // Slack no-e2ee; Zoom e2ee-not-enforced and unknown-e2ee-status (Signal is clean).
        out.stderr.contains("wrote 3 baseline entries"),
        "{}",
        out.stderr
    );
    let written = fs::read_to_string(&baseline).unwrap();
    insta::assert_snapshot!("baseline_file", written);
    // Deterministic: writing again gives the same bytes.
    e2ee_lint(&["check", inv, "--write-baseline", base]);
    assert_eq!(fs::read_to_string(&baseline).unwrap(), written);

    // Move the entries around (lines change) and add a new tool with the same problem.
    fs::write(
        &inventory,
        "tools:\n  - name: Signal\n\n  - name: Zoom\n  - name: Discord\n    channels: [text]\n  - name: Slack\n",
    )
    .unwrap();
    let (code, out) = json(&["check", inv, "--baseline", base]);
    assert_eq!(code, 1);
    assert_eq!(
        digest(&out),
        [
            "warning e2ee-not-enforced Zoom suppressed:baseline",
            "info unknown-e2ee-status Zoom suppressed:baseline",
            "error no-e2ee Discord",
            "error no-e2ee Slack suppressed:baseline",
        ]
    );
    // --no-exceptions shows everything, the baseline included.
    let (_, out) = json(&["check", inv, "--baseline", base, "--no-exceptions"]);
    assert_eq!(out["summary"]["suppressed"], 0);
}

#[test]
fn stale_baseline_entries_are_reported() {
    let out = human(&[
        "check",
        "fixtures/policy/baseline",
        "--baseline",
        "fixtures/policy/baseline/baseline.json",
    ]);
    insta::assert_snapshot!("baseline_human", out);
    let bad = tempfile::NamedTempFile::new().unwrap();
    fs::write(bad.path(), "{\"version\": 2, \"entries\": []}\n").unwrap();
    let out = e2ee_lint(&[
        "check",
        "fixtures/seed/slack.yaml",
        "--baseline",
        bad.path().to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("unsupported baseline version"),
        "{}",
        out.stderr
    );
}

#[test]
fn init_writes_a_valid_starter_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e2ee-lint.yaml");
    let p = path.to_str().unwrap();
    assert_eq!(e2ee_lint(&["init", p]).code, 0);
    let starter = fs::read_to_string(&path).unwrap();
    assert!(starter.contains("exceptions:"));
    // The starter config loads, and changes nothing about the defaults.
    let (code, out) = json(&["check", "fixtures/seed/slack.yaml", "--config", p]);
    assert_eq!(code, 1);
    assert_eq!(digest(&out), ["error no-e2ee Slack"]);
    fs::write(&path, "mine\n").unwrap();
    let again = e2ee_lint(&["init", p]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(fs::read_to_string(&path).unwrap(), "mine\n");
}

#[test]
fn printed_schemas_match_the_committed_files() {
    for which in ["inventory", "config"] {
        let out = common::e2ee_lint_live(&["schema", which]);
        assert_eq!(out.code, 0);
        let committed =
            fs::read_to_string(common::root().join(format!("schemas/{which}.schema.json")))
                .unwrap();
        assert_eq!(
            out.stdout, committed,
            "schemas/{which}.schema.json is stale: regenerate it with `cargo run -- schema {which} > schemas/{which}.schema.json`"
        );
    }
}

fn validator(which: &str) -> jsonschema::Validator {
    let text =
        fs::read_to_string(common::root().join(format!("schemas/{which}.schema.json"))).unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
}

fn yaml_value(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap();
    // YAML 1.2, as e2ee-lint and schema-checking editors read it (`off` is a string).
    serde_saphyr::from_str_with_options::<Value>(&text, common::yaml_options())
        .unwrap_or(Value::Null)
}

#[test]
fn fixtures_validate_against_the_schemas() {
    let inventory = validator("inventory");
    let root = common::root().join("fixtures");
    let mut valid = vec![root.join("acme.yaml")];
    for dir in [
        "seed",
        "policy/exceptions",
        "policy/ignores",
        "policy/baseline",
        "policy/expiring",
    ] {
        for entry in fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            if name.ends_with(".yaml") && name != "e2ee-lint.yaml" {
                valid.push(path);
            }
        }
    }
    for path in &valid {
        let value = yaml_value(path);
        let errors: Vec<String> = inventory
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
    for bad in ["wrong-types", "missing-name", "tools-not-a-list", "scalar"] {
        let value = yaml_value(&root.join(format!("malformed/{bad}.yaml")));
        assert!(!inventory.is_valid(&value), "{bad} should not validate");
    }

    let config = validator("config");
    for dir in ["exceptions", "expiring", "ignores", "nested"] {
        let mut path = root.join("policy").join(dir).join("e2ee-lint.yaml");
        if !path.exists() {
            path = root.join("policy").join(dir).join(".e2ee-lint.yaml");
        }
        let value = yaml_value(&path);
        let errors: Vec<String> = config.iter_errors(&value).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{dir}: {errors:?}");
    }
    let starter: Value = common::yaml_value(&common::starter_config());
    assert!(config.is_valid(&starter));
    for bad in [
        "unknown-key",
        "wrong-type",
        "unknown-rule",
        "missing-fields",
    ] {
        let value = yaml_value(&root.join(format!("policy/config-errors/{bad}/e2ee-lint.yaml")));
        assert!(!config.is_valid(&value), "{bad} should not validate");
    }
}
