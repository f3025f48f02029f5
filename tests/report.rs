//! The compliance report (`--format report`): evidence an auditor can file.

mod common;

use common::{e2ee_lint, e2ee_lint_env};

/// Rows of the Markdown table under `## heading`.
fn table_rows(report: &str, heading: &str) -> Vec<String> {
    let start = report
        .find(&format!("## {heading}\n"))
        .unwrap_or_else(|| panic!("no section {heading}"));
    report[start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with("## "))
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(str::to_owned)
        .collect()
}

/// The report of the exceptions scenario, on a fixed date.
fn exceptions_report() -> common::Output {
    e2ee_lint(&[
        "check",
        "fixtures/policy/exceptions",
        "--today",
        "2026-11-27",
        "--format",
        "report",
    ])
}

#[test]
fn report_snapshot_with_exceptions() {
    let out = exceptions_report();
    assert_eq!(out.code, 1, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn report_lists_the_same_findings_as_json() {
    for args in [
        &["check", "fixtures/acme.yaml"][..],
        &[
            "check",
            "fixtures/policy/exceptions",
            "--today",
            "2026-11-27",
        ][..],
        &["check", "fixtures/policy/ignores", "--today", "2026-11-27"][..],
    ] {
        let report = e2ee_lint(&[args, &["--format", "report"]].concat()).stdout;
        let json = e2ee_lint(&[args, &["--format", "json"]].concat()).stdout;
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        let findings = json["findings"].as_array().unwrap();
        let active = findings
            .iter()
            .filter(|f| f.get("suppressed").is_none())
            .count();
        let accepted = findings.len() - active;
        let open_rows = table_rows(&report, "Open findings").len();
        let accepted_rows = table_rows(&report, "Accepted risks").len();
        assert_eq!(
            (open_rows, accepted_rows),
            (active, accepted),
            "{args:?}\n{report}"
        );
        // One row per listed tool, classified or not.
        assert_eq!(
            table_rows(&report, "Tools").len(),
            json["summary"]["tools"].as_u64().unwrap() as usize,
            "{args:?}"
        );
    }
}

#[test]
fn report_names_approvers_expiry_and_sources() {
    let out = exceptions_report();
    let accepted = table_rows(&out.stdout, "Accepted risks");
    assert_eq!(accepted.len(), 1);
    assert!(accepted[0].contains("ciso\\@acme.example") && accepted[0].contains("2099-12-31"));
    assert!(
        out.stdout
            .contains("| policy evaluated on | **2026-11-27** |")
    );
    let sources = table_rows(&out.stdout, "Classification sources");
    assert!(
        sources
            .iter()
            .all(|r| r.contains("<https://") && r.contains("| 2026-"))
    );
    let controls = table_rows(&out.stdout, "Controls");
    assert!(
        controls
            .iter()
            .any(|r| r.contains("A.8.24") && r.contains("**fail**"))
    );
}

#[test]
fn report_is_reproducible_with_source_date_epoch() {
    // 2026-01-02T03:04:05Z: the policy date comes from SOURCE_DATE_EPOCH when --today is absent.
    let env = [("SOURCE_DATE_EPOCH", "1767323045")];
    let args = ["check", "fixtures/acme.yaml", "--format", "report"];
    let first = e2ee_lint_env(&args, &env);
    let second = e2ee_lint_env(&args, &env);
    assert_eq!(first.stdout, second.stdout);
    assert!(
        first
            .stdout
            .contains("| policy evaluated on | **2026-01-02** |"),
        "{}",
        first.stdout
    );
}

#[test]
fn inventory_text_cannot_break_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inventory.yaml");
    std::fs::write(
        &path,
        "tools:\n  - name: \"Slack | <b>x</b>\"\n    category: messaging\n  - name: Slack\n    data_classification: \"a|b\"\n",
    )
    .unwrap();
    let out = e2ee_lint(&[
        "check",
        path.to_str().unwrap(),
        "--isolated",
        "--format",
        "report",
    ]);
    for row in table_rows(&out.stdout, "Open findings")
        .iter()
        .chain(&table_rows(&out.stdout, "Tools"))
    {
        // Every row keeps its column count: escaped pipes do not split cells.
        let cells = row.replace("\\|", "").matches('|').count();
        // Open findings: 5 columns; tools: 10 (the channels in use share one cell).
        assert!(cells == 6 || cells == 11, "{row}");
        assert!(!row.contains("<b>"), "{row}");
    }
}
