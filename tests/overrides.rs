//! Catalog overrides and added systems in the config's `catalog:` section: the effective
//! catalog per config, findings marked with a label into the config, `e2ee-lint catalog`
//! showing the working directory's catalog, and located config errors.

mod common;

use common::{e2ee_lint_in, put, repo};
use serde_json::Value;

const ZOOM_OVERRIDE: &str = "catalog:
  overrides:
    - system: zoom
      channels: {voice: default, video: default}
      reason: \"Admin locked E2EE on for every meeting (Zoom admin console, 2026-10)\"
      source: \"https://wiki.acme.example/zoom-e2ee\"
";

const ACME: &str = "catalog:
  systems:
    - id: acme-chat
      name: Acme Chat
      vendor: Acme
      category: messaging
      aliases: [AChat]
      confidence: verified
      reviewed: 2026-10-01
      sources:
        - {id: wiki, url: \"https://wiki.acme.example/chat\", title: Acme Chat security, date: 2026-09, kind: vendor}
      channels:
        text_1to1: {status: none, sources: [wiki]}
        text_group: {status: none, sources: [wiki]}
      note: Internal chat server, TLS only.
";

const ZOOM_CALLS: &str = "version: 1
tools:
  - name: Zoom
    category: video-conferencing
    channels: [voice, video]
    data_classification: restricted
";

fn check_json(dir: &std::path::Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check", "--today", "2026-11-28", "--format", "json"];
    all.extend(args);
    let out = e2ee_lint_in(dir, &all, &[]);
    let value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr));
    (out.code, value)
}

fn rules_of(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn an_override_changes_the_verdict_for_its_config_only() {
    let dir = repo();
    put(dir.path(), "locked/e2ee-lint.yaml", ZOOM_OVERRIDE);
    put(dir.path(), "locked/inventory.yaml", ZOOM_CALLS);
    put(dir.path(), "plain/inventory.yaml", ZOOM_CALLS);
    let (_, locked) = check_json(dir.path(), &["locked/inventory.yaml"]);
    assert!(
        !rules_of(&locked).contains(&"e2ee-not-enforced".to_owned()),
        "{locked:#}"
    );
    // The same inventory under no config: the built-in opt-in status applies.
    let (code, plain) = check_json(dir.path(), &["plain/inventory.yaml"]);
    assert_eq!(code, 1);
    assert!(rules_of(&plain).contains(&"e2ee-not-enforced".to_owned()));
    // Both in one run: each group uses its own config's catalog.
    let (_, both) = check_json(
        dir.path(),
        &["locked/inventory.yaml", "plain/inventory.yaml"],
    );
    let files: Vec<&str> = both["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "e2ee-not-enforced")
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["plain/inventory.yaml"]);
}

#[test]
fn findings_on_an_overridden_channel_point_at_the_override() {
    let dir = repo();
    // The company says voice has no E2EE at all: the finding rests on its word.
    let config = ZOOM_OVERRIDE.replace("{voice: default, video: default}", "{voice: none}");
    put(dir.path(), "e2ee-lint.yaml", &config);
    put(dir.path(), "inventory.yaml", ZOOM_CALLS);
    let (code, report) = check_json(dir.path(), &["inventory.yaml"]);
    assert_eq!(code, 1);
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "no-e2ee")
        .unwrap_or_else(|| panic!("{report:#}"));
    let label = finding["labels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["file"] == "e2ee-lint.yaml")
        .unwrap_or_else(|| panic!("{finding:#}"));
    assert_eq!(label["span"]["line"], 3, "{label}");
    let message = label["message"].as_str().unwrap();
    assert!(message.contains("override"), "{message}");
    assert!(
        message.contains("voice: none (catalog: opt-in)"),
        "{message}"
    );
    assert!(message.contains("Admin locked"), "{message}");
    // The video finding does not name the voice override.
    let video = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "e2ee-not-enforced")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert!(
        video["labels"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["file"] != "e2ee-lint.yaml"),
        "{video:#}"
    );
}

#[test]
fn an_added_system_is_matched_and_marked() {
    let dir = repo();
    put(dir.path(), "e2ee-lint.yaml", ACME);
    put(
        dir.path(),
        "inventory.yaml",
        "version: 1\ntools:\n  - name: achat\n    category: messaging\n",
    );
    let (code, report) = check_json(dir.path(), &["inventory.yaml"]);
    assert_eq!(code, 1, "{report:#}");
    let findings = report["findings"].as_array().unwrap();
    // The addition itself is a `catalog-override` finding at its config entry.
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "catalog-override" && f["file"] == "e2ee-lint.yaml"),
        "{report:#}"
    );
    let finding = findings
        .iter()
        .find(|f| f["rule"] == "no-e2ee")
        .expect("a no-e2ee finding");
    assert_eq!(finding["catalog_id"], "acme-chat");
    let label = &finding["labels"][0];
    assert_eq!(label["file"], "e2ee-lint.yaml");
    assert_eq!(label["span"]["line"], 3);
    assert!(label["message"].as_str().unwrap().contains("adds it here"));
}

#[test]
fn the_outcome_carries_the_effective_catalog() {
    let dir = repo();
    let config = format!("{ACME}{}", ZOOM_OVERRIDE.trim_start_matches("catalog:\n"));
    let config_path = put(dir.path(), "e2ee-lint.yaml", &config);
    let inventory = put(dir.path(), "inventory.yaml", ZOOM_CALLS);
    let request = e2ee_lint::Request {
        paths: vec![inventory],
        settings: e2ee_lint::policy::Settings {
            config: e2ee_lint::policy::ConfigChoice::Path(config_path.clone()),
            max_file_size: 1 << 20,
            ..e2ee_lint::policy::Settings::new(e2ee_lint::date::Date::parse("2026-11-28").unwrap())
        },
    };
    let outcome = e2ee_lint::check(&request).unwrap();
    let zoom = outcome.catalog.by_id("zoom").unwrap();
    let voice = &zoom.channels[&e2ee_lint::catalog::Channel::Voice];
    assert_eq!(voice.status, e2ee_lint::catalog::Support::Default);
    let marker = voice.overridden.as_ref().unwrap();
    assert_eq!(marker.was, Some(e2ee_lint::catalog::Support::OptIn));
    assert_eq!(marker.config, format!("{}:17", config_path.display()));
    let acme = outcome.catalog.by_id("acme-chat").unwrap();
    assert!(acme.added_by.is_some());
    assert!(outcome.catalog.by_id("slack").unwrap().added_by.is_none());
}

#[test]
fn the_catalog_command_shows_the_working_directorys_catalog() {
    let dir = repo();
    let config = format!("{ACME}{}", ZOOM_OVERRIDE.trim_start_matches("catalog:\n"));
    put(dir.path(), "e2ee-lint.yaml", &config);
    let out = e2ee_lint_in(dir.path(), &["catalog"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let zoom = out.stdout.lines().find(|l| l.starts_with("Zoom ")).unwrap();
    assert!(zoom.contains("default!"), "{zoom}");
    assert!(out.stdout.contains("Acme Chat +"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("Zoom voice: default (catalog: opt-in), overridden at e2ee-lint.yaml:17"),
        "{}",
        out.stdout
    );
    let one = e2ee_lint_in(dir.path(), &["catalog", "zoom"], &[]);
    assert!(
        one.stdout
            .contains("overridden by the company's config at e2ee-lint.yaml:17")
    );
    let json = e2ee_lint_in(dir.path(), &["catalog", "--format", "json"], &[]);
    let value: Value = serde_json::from_str(&json.stdout).unwrap();
    let zoom = value["systems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "zoom")
        .unwrap();
    assert_eq!(zoom["channels"]["video"]["overridden"]["was"], "opt-in");
    assert_eq!(
        zoom["channels"]["video"]["overridden"]["source"],
        "https://wiki.acme.example/zoom-e2ee"
    );
    // --isolated: the built-in catalog, unmarked.
    let isolated = e2ee_lint_in(dir.path(), &["catalog", "--isolated"], &[]);
    assert!(!isolated.stdout.contains("Acme Chat"));
    assert!(!isolated.stdout.contains('!'));
}

/// Runs `check` in a repo whose config is `config`; returns the exit code and stderr.
fn config_error(config: &str) -> (i32, String) {
    let dir = repo();
    put(dir.path(), "e2ee-lint.yaml", config);
    put(dir.path(), "inventory.yaml", ZOOM_CALLS);
    let out = e2ee_lint_in(
        dir.path(),
        &["check", "inventory.yaml", "--color", "never"],
        &[],
    );
    (out.code, out.stderr)
}

#[test]
fn catalog_mistakes_are_located_config_errors() {
    let cases: Vec<(String, &str, &str)> = vec![
        (
            ACME.replace("aliases: [AChat]", "aliases: [MS Teams]"),
            "`MS Teams` already names `microsoft-teams` in the catalog",
            "e2ee-lint.yaml:7",
        ),
        (
            ACME.replace("id: acme-chat", "id: slack"),
            "`slack` is already a catalog id",
            "e2ee-lint.yaml:3",
        ),
        (
            ACME.replace("      vendor: Acme\n", ""),
            "invalid catalog entry: missing field `vendor`",
            "e2ee-lint.yaml:3",
        ),
        (
            ACME.replace(
                "sources: [wiki]}\n      note",
                "sources: [blog]}\n      note",
            ),
            "text_group cites `blog`, which is not in `sources`",
            "e2ee-lint.yaml:3",
        ),
        (
            ACME.replace(
                "status: none, sources: [wiki]}\n      note",
                "status: nope, sources: [wiki]}\n      note",
            ),
            "unknown variant `nope`",
            "e2ee-lint.yaml:14",
        ),
        (
            ZOOM_OVERRIDE.replace("system: zoom", "system: Zoom Meetings"),
            "`Zoom Meetings` is not a catalog id",
            "e2ee-lint.yaml:3",
        ),
        (
            ZOOM_OVERRIDE.replace("system: zoom", "system: microsoft-365"),
            "is a suite",
            "e2ee-lint.yaml:3",
        ),
        (
            ZOOM_OVERRIDE.replace("voice: default", "voice: partial"),
            "an override cannot set `partial`",
            "e2ee-lint.yaml:4",
        ),
        (
            ZOOM_OVERRIDE.replace("voice: default", "vocie: default"),
            "unknown channel `vocie`",
            "e2ee-lint.yaml:4",
        ),
        (
            ZOOM_OVERRIDE.replace(
                "      source: \"https://wiki.acme.example/zoom-e2ee\"\n",
                "",
            ),
            "this catalog override has no `source`",
            "e2ee-lint.yaml:3",
        ),
        (
            ZOOM_OVERRIDE.replace("overrides:", "overides:"),
            "unknown key `overides` in `catalog`",
            "e2ee-lint.yaml:2",
        ),
    ];
    for (config, message, at) in cases {
        let (code, stderr) = config_error(&config);
        assert_eq!(code, 2, "{message}: {stderr}");
        assert!(stderr.contains("invalid-config"), "{stderr}");
        assert!(stderr.contains(message), "want {message}: {stderr}");
        assert!(stderr.contains(&format!("[{at}:")), "want {at}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}
