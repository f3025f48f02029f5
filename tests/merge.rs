//! `e2ee-lint merge`: many runs' `report-json` files give one organization's evidence in every
//! format, with per-repository provenance, tools grouped across repositories, control counts
//! and verdict recomputed on the union, and unreadable inputs located while the rest merge.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

/// One repository's run: `check INVENTORIES --repository NAME`, its report-json in `dir`.
fn run(dir: &Path, repository: &str, inventories: &[&str]) -> PathBuf {
    let mut args = vec!["check"];
    args.extend(inventories);
    args.extend([
        "--isolated",
        "--format",
        "report-json",
        "--repository",
        repository,
    ]);
    let out = common::e2ee_lint(&args);
    assert!(matches!(out.code, 0 | 1), "{}", out.stderr);
    let path = dir.join(format!("{}.json", repository.replace('/', "_")));
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

fn merge(args: &[&str]) -> common::Output {
    let mut all = vec!["merge"];
    all.extend(args);
    common::e2ee_lint(&all)
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn three(dir: &Path) -> Vec<PathBuf> {
    vec![
        run(dir, "acme/chat", &["fixtures/acme.yaml"]),
        run(dir, "acme/legacy", &["fixtures/messy.yaml"]),
        run(dir, "acme/seed", &["fixtures/seed"]),
    ]
}

#[test]
fn three_runs_merge_with_provenance_and_sums() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = three(dir.path());
    let runs: Vec<Value> = inputs
        .iter()
        .map(|p| json(&std::fs::read_to_string(p).unwrap()))
        .collect();
    let names: Vec<&str> = inputs.iter().map(|p| p.to_str().unwrap()).collect();
    let mut args = names.clone();
    args.extend(["--format", "report-json"]);
    let out = merge(&args);
    assert_eq!(out.code, 1, "the runs have errors: {}", out.stderr);
    let merged = json(&out.stdout);
    assert_eq!(merged["version"], runs[0]["version"]);
    // Provenance: one row per run, with its commit, policy hash and catalog version.
    let repositories = merged["header"]["repositories"].as_array().unwrap();
    let repo_names: Vec<&str> = repositories
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(repo_names, ["acme/chat", "acme/legacy", "acme/seed"]);
    for (repository, run) in repositories.iter().zip(&runs) {
        assert_eq!(repository["policy_sha256"], run["header"]["policy_sha256"]);
        assert_eq!(
            repository["catalog_version"],
            run["header"]["catalog"]["version"]
        );
        assert_eq!(repository["tools"], run["tools"].as_array().unwrap().len());
        assert_eq!(repository["verdict"], run["summary"]["verdict"]);
        assert_eq!(repository["inputs_sha256"].as_str().unwrap().len(), 64);
    }
    // Every tool row of every run, each named by its repository.
    let sum = |f: &dyn Fn(&Value) -> u64| runs.iter().map(f).sum::<u64>();
    let tools = merged["tools"].as_array().unwrap();
    assert_eq!(
        tools.len() as u64,
        sum(&|r| r["tools"].as_array().unwrap().len() as u64)
    );
    for tool in tools {
        let repository = tool["repository"].as_str().unwrap();
        assert!(
            tool["file"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{repository}: "))
        );
    }
    // The same catalog entry in several repositories: its rows are together.
    let slack: Vec<usize> = tools
        .iter()
        .enumerate()
        .filter(|(_, t)| t["catalog_id"] == "slack")
        .map(|(i, _)| i)
        .collect();
    assert!(slack.len() >= 3);
    assert_eq!(
        slack.last().unwrap() - slack[0] + 1,
        slack.len(),
        "Slack rows are grouped"
    );
    // Coverage and control counts are the runs' sums; statuses follow from the sums.
    for key in [
        "tools",
        "communication",
        "judged",
        "not_applicable",
        "files",
    ] {
        assert_eq!(
            merged["summary"]["coverage"][key].as_u64().unwrap(),
            sum(&|r| r["summary"]["coverage"][key].as_u64().unwrap()),
            "{key}"
        );
    }
    for control in merged["controls"].as_array().unwrap() {
        let name = control["control"].as_str().unwrap();
        let of = |key: &str| {
            sum(&|r| {
                r["controls"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|c| c["control"] == name)
                    .map(|c| c[key].as_u64().unwrap())
                    .sum()
            })
        };
        assert_eq!(control["pass"].as_u64().unwrap(), of("pass"), "{name}");
        assert_eq!(control["fail"].as_u64().unwrap(), of("fail"), "{name}");
        if of("fail") > 0 {
            assert_eq!(control["status"], "fail", "{name}");
        }
    }
    // Verdict: the single-run rules; one run fails its threshold, so the union does.
    assert_eq!(merged["summary"]["verdict"], "non-compliant");
    // Same inputs in another order: same bytes; every evidence format renders.
    let mut reversed: Vec<&str> = names.iter().rev().copied().collect();
    reversed.extend(["--format", "report-json"]);
    assert_eq!(merge(&reversed).stdout, out.stdout);
    for format in ["markdown", "html", "csv", "oscal"] {
        let mut args = names.clone();
        args.extend(["--format", format]);
        let rendered = merge(&args);
        assert_eq!(rendered.code, 1, "{format}: {}", rendered.stderr);
        assert!(rendered.stdout.contains("acme/legacy"), "{format}");
    }
    let mut args = names.clone();
    args.extend(["--format", "markdown"]);
    let markdown = merge(&args).stdout;
    assert!(markdown.contains("### Repositories"));
    assert!(markdown.contains("### Tools in several repositories"));
    assert!(markdown.contains("| commit | one per repository: see Repositories |"));
}

#[test]
fn a_truncated_input_is_located_and_the_others_still_merge() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = three(dir.path());
    let text = std::fs::read_to_string(&inputs[1]).unwrap();
    std::fs::write(&inputs[1], &text[..text.len() / 2]).unwrap();
    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, "{\"version\": 2,\n  \"header\": [1, 2]\n}\n").unwrap();
    let html = dir.path().join("merged.html");
    let out = merge(&[
        inputs[0].to_str().unwrap(),
        inputs[1].to_str().unwrap(),
        inputs[2].to_str().unwrap(),
        garbage.to_str().unwrap(),
        "--format",
        "report-json",
        "--output",
        &format!("html={}", html.display()),
    ]);
    assert_eq!(out.code, 2, "an input was not merged: {}", out.stderr);
    assert!(
        out.stderr.contains("error[unreadable-report]"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("acme_legacy.json"), "{}", out.stderr);
    assert!(out.stderr.contains("truncated"), "{}", out.stderr);
    assert!(
        out.stderr.contains("garbage.json:2:"),
        "located: {}",
        out.stderr
    );
    let merged = json(&out.stdout);
    assert_eq!(
        merged["header"]["repositories"].as_array().unwrap().len(),
        2
    );
    assert_eq!(merged["summary"]["verdict"], "incomplete", "coverage first");
    assert_eq!(merged["path_errors"].as_array().unwrap().len(), 2);
    assert!(html.exists(), "outputs are still written");
}

#[test]
fn a_compliant_union_passes_and_catalog_versions_that_differ_are_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let a = run(dir.path(), "acme/a", &["fixtures/seed/signal.yaml"]);
    let b = run(dir.path(), "acme/b", &["fixtures/seed/wire.yaml"]);
    let out = merge(&[
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--format",
        "report-json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let merged = json(&out.stdout);
    assert_eq!(merged["summary"]["verdict"], "compliant");
    assert!(merged["header"].get("warnings").is_none());
    // An older catalog in one run: merged, and flagged.
    let mut older = json(&std::fs::read_to_string(&b).unwrap());
    older["header"]["catalog"]["version"] = "0.0.1+0000000000000000".into();
    std::fs::write(&b, older.to_string()).unwrap();
    let out = merge(&[
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--format",
        "markdown",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("catalog versions"), "{}", out.stdout);
    assert!(out.stdout.contains("0.0.1+0000000000000000"));
}

#[test]
fn merge_refuses_non_evidence_formats_and_outputs_onto_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let a = run(dir.path(), "acme/a", &["fixtures/seed/signal.yaml"]);
    let out = merge(&[a.to_str().unwrap(), "--format", "sarif"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("evidence formats"), "{}", out.stderr);
    let out = merge(&[a.to_str().unwrap(), "-o", &format!("html={}", a.display())]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("refusing"), "{}", out.stderr);
    assert!(
        std::fs::read_to_string(&a).unwrap().starts_with('{'),
        "input untouched"
    );
}

/// `--repository` names the run; without it the CI's variables do.
#[test]
fn the_repository_comes_from_the_flag_or_the_ci() {
    let out = common::e2ee_lint_env(
        &[
            "check",
            "fixtures/seed/signal.yaml",
            "--isolated",
            "--format",
            "report-json",
        ],
        &[("CI_PROJECT_PATH", "group/project")],
    );
    assert_eq!(json(&out.stdout)["header"]["repository"], "group/project");
    let out = common::e2ee_lint(&[
        "check",
        "fixtures/seed/signal.yaml",
        "--isolated",
        "--format",
        "report-json",
    ]);
    assert!(json(&out.stdout)["header"].get("repository").is_none());
    assert_eq!(
        json(&out.stdout)["header"]["policy_sha256"]
            .as_str()
            .unwrap()
            .len(),
        64
    );
}

/// The merged report-json is a report-json: it validates against schemas/report.schema.json,
/// including when an input was unreadable and when catalog versions differ.
#[test]
fn the_merged_report_json_validates_against_the_report_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("schemas/report.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let inputs = three(dir.path());
    let mut older = json(&std::fs::read_to_string(&inputs[2]).unwrap());
    older["header"]["catalog"]["version"] = "0.0.1+0000000000000000".into();
    std::fs::write(&inputs[2], older.to_string()).unwrap();
    let missing = dir.path().join("missing.json");
    let mut args: Vec<&str> = inputs.iter().map(|p| p.to_str().unwrap()).collect();
    args.extend([missing.to_str().unwrap(), "--format", "report-json"]);
    let out = merge(&args);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let merged = json(&out.stdout);
    assert!(
        merged["header"]["warnings"]
            .as_array()
            .is_some_and(|w| !w.is_empty())
    );
    let errors: Vec<String> = validator
        .iter_errors(&merged)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// A merge input comes from another repository's CI job, so a hostile one is normal: its
/// error snippet escapes control and bidi characters and cuts long lines, as an inventory's or
/// a config's does, in the human output and in every merged format's list of unread inputs.
#[test]
fn a_hostile_input_is_located_with_escaped_and_cut_snippets() {
    let dir = tempfile::tempdir().unwrap();
    let good = run(dir.path(), "acme/chat", &["fixtures/acme.yaml"]);
    let not_json = dir.path().join("not-json.json");
    std::fs::write(&not_json, "\u{1b}[31mnot json\u{7}\n").unwrap();
    let long = dir.path().join("long.json");
    std::fs::write(
        &long,
        format!(
            "{{\"version\": 2, \"header\": \"\u{1b}]0;pwned\u{7}\u{202e}{}\n",
            "x".repeat(5_000)
        ),
    )
    .unwrap();
    // A well-formed report whose `fail_on` word is hostile: the message quotes it.
    let mut report = json(&std::fs::read_to_string(&good).unwrap());
    report["header"]["policy"]["fail_on"] = Value::from("\u{1b}[2J\u{202e}never");
    let word = dir.path().join("word.json");
    std::fs::write(&word, report.to_string()).unwrap();
    for format in ["markdown", "html", "csv", "report-json", "oscal"] {
        let out = merge(&[
            good.to_str().unwrap(),
            not_json.to_str().unwrap(),
            long.to_str().unwrap(),
            word.to_str().unwrap(),
            "--format",
            format,
        ]);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert_eq!(
            out.stderr.matches("error[unreadable-report]").count(),
            3,
            "{}",
            out.stderr
        );
        for (stream, text) in [("stderr", &out.stderr), ("stdout", &out.stdout)] {
            for raw in ['\u{1b}', '\u{7}', '\u{202e}'] {
                assert!(
                    !text.contains(raw),
                    "{format} {stream}: raw {raw:?}:\n{text}"
                );
            }
            assert!(
                !text.contains(&"x".repeat(500)),
                "{format} {stream}: a 5,000-byte line printed whole"
            );
        }
        assert!(out.stderr.contains("\\u{1b}"), "{}", out.stderr);
    }
}
