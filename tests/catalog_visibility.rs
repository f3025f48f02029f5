//! A config's catalog changes are visible in every output: a pull request that marks Slack
//! `default` everywhere cannot whitewash it silently, and cannot hide an alias that looks like
//! Slack.

mod common;

use clap::ValueEnum;
use common::{Output, put, repo, run_with};
use e2ee_lint::output::Format;

const WHITEWASH: &str = "catalog:
  overrides:
    - system: slack
      channels: {text: default, voice: default, video: default, files: default}
      reason: trust us
      source: https://example.com/trust
";

const INVENTORY: &str = "tools:
  - name: Slack
    channels: [text_1to1, text_group, voice]
";

fn run(dir: &std::path::Path, args: &[&str]) -> Output {
    run_with(dir, args, &[], |_| {})
}

fn whitewashed() -> tempfile::TempDir {
    let dir = repo();
    put(dir.path(), "e2ee-lint.yaml", WHITEWASH);
    put(dir.path(), "inventory.yaml", INVENTORY);
    dir
}

#[test]
fn every_format_shows_a_whitewash() {
    let dir = whitewashed();
    for format in Format::value_variants() {
        let name = format.to_possible_value().unwrap().get_name().to_owned();
        let out = run(
            dir.path(),
            &[
                "check",
                "inventory.yaml",
                "--format",
                &name,
                "--today",
                "2027-01-01",
            ],
        );
        let raw = if *format == Format::Human {
            &out.stderr
        } else {
            &out.stdout
        };
        // Markdown escapes `_`.
        let unescaped = raw.replace("\\_", "_");
        let text = &unescaped;
        assert!(
            text.contains("raises Slack text_1to1 from none to default"),
            "--format {name} does not show the override:\n{text}"
        );
        match format {
            Format::Json => {
                let json: serde_json::Value = serde_json::from_str(text).unwrap();
                assert_eq!(json["catalog_overrides"][0]["kind"], "override");
                assert_eq!(
                    json["catalog_overrides"][0]["channels"][0]["direction"],
                    "raises"
                );
                assert!(
                    json["findings"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|f| f["rule"] == "catalog-override")
                );
            }
            Format::Sarif => {
                let json: serde_json::Value = serde_json::from_str(text).unwrap();
                let bag = &json["runs"][0]["properties"]["catalogOverrides"];
                assert_eq!(bag[0]["system"], "slack", "{text}");
            }
            Format::Junit => assert!(
                text.contains("<property name=\"catalog-override\""),
                "{text}"
            ),
            Format::Human => assert!(text.contains("with 1 catalog override in force"), "{text}"),
            Format::Markdown => {
                assert!(text.contains("## Catalog overrides"), "{text}");
                assert!(text.contains("with 1 catalog override."), "{text}");
                assert!(!text.contains("(embedded catalog and rules)"), "{text}");
                // The catalog's own scope text must not vouch for the company's status.
                assert!(!text.contains("Slack's servers still decrypt"), "{text}");
            }
            Format::Html => {
                assert!(text.contains("id=\"catalog-overrides\""), "{text}");
                assert!(text.contains("with 1 catalog override."), "{text}");
                assert!(!text.contains("Slack's servers still decrypt"), "{text}");
            }
            Format::ReportJson => {
                let json: serde_json::Value = serde_json::from_str(text).unwrap();
                assert_eq!(json["catalog_overrides"][0]["system"], "slack");
            }
            _ => {}
        }
    }
}

#[test]
fn the_report_json_with_overrides_matches_its_schema() {
    let dir = whitewashed();
    let out = run(
        dir.path(),
        &[
            "check",
            "inventory.yaml",
            "--format",
            "report-json",
            "--today",
            "2027-01-01",
        ],
    );
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        report["catalog_overrides"][0]["channels"][0]["direction"], "raises",
        "{report:#}"
    );
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("schemas/report.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn lowering_is_told_apart_from_raising() {
    let dir = repo();
    put(
        dir.path(),
        "e2ee-lint.yaml",
        "catalog:\n  overrides:\n    - system: signal\n      channels: {voice: none}\n      reason: r\n      source: s\n",
    );
    put(dir.path(), "inventory.yaml", "tools:\n  - name: Signal\n");
    let out = run(dir.path(), &["check", "inventory.yaml"]);
    assert!(
        out.stderr
            .contains("lowers Signal voice from default to none"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("raises"), "{}", out.stderr);
}

#[test]
fn overrides_can_be_forbidden_by_config_and_flag() {
    let dir = whitewashed();
    let refused = run(
        dir.path(),
        &["check", "inventory.yaml", "--no-catalog-overrides"],
    );
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("--no-catalog-overrides forbids"),
        "{}",
        refused.stderr
    );

    // A shared policy that forbids them holds for the file that extends it.
    put(
        dir.path(),
        "policy/base.yaml",
        "catalog_overrides: forbid\n",
    );
    put(
        dir.path(),
        "e2ee-lint.yaml",
        &format!("extends: [policy/base.yaml]\n{WHITEWASH}"),
    );
    let refused = run(dir.path(), &["check", "inventory.yaml"]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused
            .stderr
            .contains("`catalog_overrides: forbid` in policy/base.yaml:1"),
        "{}",
        refused.stderr
    );
}

#[test]
fn the_finding_cannot_be_turned_off() {
    let dir = whitewashed();
    put(
        dir.path(),
        "e2ee-lint.yaml",
        &format!("rules:\n  catalog-override: off\n{WHITEWASH}"),
    );
    let out = run(dir.path(), &["check", "inventory.yaml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let out = run(
        dir.path(),
        &[
            "check",
            "inventory.yaml",
            "--isolated",
            "--severity",
            "catalog-override=off",
        ],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn a_confusable_alias_of_an_added_system_is_a_config_error() {
    let dir = repo();
    put(
        dir.path(),
        "e2ee-lint.yaml",
        "catalog:
  systems:
    - id: totally-safe
      name: Totally Safe
      aliases: [\"Sl\u{430}ck\"]
      vendor: Acme
      category: messaging
      confidence: verified
      reviewed: 2026-10-01
      sources:
        - {id: w, url: \"https://example.com\", title: t, date: 2026-09, kind: vendor}
      channels:
        text_1to1: {status: default, sources: [w]}
      note: n
",
    );
    put(dir.path(), "inventory.yaml", INVENTORY);
    let out = run(dir.path(), &["check", "inventory.yaml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("confusable"), "{}", out.stderr);
    assert!(out.stderr.contains("`slack`"), "{}", out.stderr);
}

#[test]
fn a_merge_of_a_whitewashed_run_still_shows_the_override() {
    let dir = whitewashed();
    let out = run(
        dir.path(),
        &[
            "check",
            "inventory.yaml",
            "--format",
            "report-json",
            "--repository",
            "acme/chat",
        ],
    );
    assert!(matches!(out.code, 0 | 1), "{}", out.stderr);
    put(dir.path(), "run.json", &out.stdout);
    let expected: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let summaries: Vec<&str> = expected["catalog_overrides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["summary"].as_str().unwrap())
        .collect();
    assert!(!summaries.is_empty());
    for format in ["markdown", "report-json"] {
        let merged = run(dir.path(), &["merge", "run.json", "--format", format]);
        assert!(matches!(merged.code, 0 | 1), "{}", merged.stderr);
        // Markdown escapes `_`: read the change back unescaped.
        let shown = merged.stdout.replace("\\_", "_");
        for summary in &summaries {
            assert!(shown.contains(summary), "{format}: {}", merged.stdout);
        }
        assert!(shown.contains("acme/chat: e2ee-lint.yaml:3"), "{format}");
        // The verdict line, which report-json keeps as data, says it rests on the change.
        assert!(
            format == "report-json"
                || merged
                    .stdout
                    .contains(&format!("with {} catalog override", summaries.len())),
            "{format}: {}",
            merged.stdout
        );
    }
}
