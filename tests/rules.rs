//! Meta-tests: the rule files are well formed, documented, exercised by fixtures, and the README
//! tells the same story as the rule files.

mod common;

use std::collections::BTreeSet;

use e2ee_lint::app::{explain_text, rules_markdown};
use e2ee_lint::engine::ids;
use e2ee_lint::engine::rule::{EMBEDDED_RULES, Registry, is_kebab_case};

#[test]
fn every_rule_file_loads_with_a_unique_kebab_case_id() {
    let registry = Registry::embedded().expect("embedded rules load");
    let ids: Vec<&str> = registry.rules().map(|r| r.info.id.as_str()).collect();
    assert_eq!(ids.len(), EMBEDDED_RULES.len(), "one rule per file");
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len());
    for id in &ids {
        assert!(is_kebab_case(id), "{id}");
    }
    for builtin in ids::BUILTIN.iter().chain(e2ee_lint::policy::ids::ALL) {
        assert!(
            registry.get(builtin).is_some(),
            "builtin rule {builtin} has no file"
        );
    }
}

#[test]
fn every_rule_is_documented() {
    for rule in Registry::embedded().unwrap().infos() {
        let rule = &rule;
        for heading in ["## What it does", "## Why is this bad?", "## How to fix"] {
            assert!(
                rule.docs.contains(heading),
                "{}: missing {heading}",
                rule.id
            );
        }
        assert!(
            !rule.summary.is_empty() && !rule.summary.ends_with('.'),
            "{}",
            rule.id
        );
        assert!(explain_text(rule).contains(rule.summary.as_str()));
    }
}

#[test]
fn every_rule_is_triggered_by_a_fixture() {
    // `check fixtures` applies each policy scenario's own config; the rules that need a date or
    // a baseline file are triggered by the extra runs.
    let runs: &[&[&str]] = &[
        &["check", "fixtures", "--format", "json"],
        &[
            "check",
            "fixtures/policy/expiring",
            "--today",
            "2099-06-15",
            "--format",
            "json",
        ],
        // The rules that are off by default, turned on by that scenario's config; far enough in
        // the future that every catalog entry is more than a year past its review.
        &[
            "check",
            "fixtures/policy/catalog-rules",
            "--today",
            "2099-06-15",
            "--format",
            "json",
        ],
        &[
            "check",
            "fixtures/policy/baseline",
            "--baseline",
            "fixtures/policy/baseline/baseline.json",
            "--format",
            "json",
        ],
    ];
    let mut fired = BTreeSet::new();
    for args in runs {
        let out = common::e2ee_lint(args);
        fired.extend(common::json_rules(&out.stdout));
    }
    // `invalid-config` is no finding: a broken config stops the run with its diagnostics.
    let out = common::e2ee_lint(&[
        "check",
        "fixtures/acme.yaml",
        "--config",
        "fixtures/policy/config-errors/unknown-key/e2ee-lint.yaml",
    ]);
    if out.code == 2 && out.stderr.contains("error[invalid-config]") {
        fired.insert("invalid-config".to_owned());
    }
    for rule in Registry::embedded().unwrap().infos() {
        assert!(
            fired.contains(&rule.id),
            "no fixture triggers `{}`",
            rule.id
        );
    }
}

#[test]
fn readme_rule_table_matches_the_rule_files() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let start = readme
        .find("<!-- rules:start -->")
        .expect("README has rules:start")
        + 20;
    let end = readme
        .find("<!-- rules:end -->")
        .expect("README has rules:end");
    let table = readme[start..end].trim();
    let expected = rules_markdown(&Registry::embedded().unwrap().infos());
    assert_eq!(
        table,
        expected.trim(),
        "README rule table is stale: regenerate it with `cargo run -- rules --format markdown`"
    );
    // Every rule has its own section in the README, anchored by its id.
    for rule in Registry::embedded().unwrap().infos() {
        assert!(
            readme.contains(&format!("### `{}`", rule.id)),
            "README has no section for {}",
            rule.id
        );
    }
}

#[test]
fn rule_files_reject_mistakes() {
    let bad = [
        (
            "bad-id.yaml",
            "id: Bad_Id\nseverity: error\nsummary: s\ndocs: d\nbuiltin: true\nmessage: m\n",
        ),
        (
            "x.yaml",
            "id: x\nseverity: error\nsummary: s\ndocs: d\nwhen: {field: tool.nam, equals: a}\nmessage: m\n",
        ),
        (
            "x.yaml",
            "id: x\nseverity: error\nsummary: s\ndocs: d\nwhen: {field: channel.e2ee, equals: none}\nmessage: m\n",
        ),
        (
            "x.yaml",
            "id: x\nseverity: error\nsummary: s\ndocs: d\nwhen: {field: tool.name, matches: '('}\nmessage: m\n",
        ),
        (
            "x.yaml",
            "id: x\nseverity: error\nsummary: s\ndocs: d\nwhen: {field: tool.name, equals: a}\nmessage: '{tol}'\n",
        ),
        (
            "x.yaml",
            "id: x\nseverity: fatal\nsummary: s\ndocs: d\nbuiltin: true\nmessage: m\n",
        ),
        (
            "y.yaml",
            "id: x\nseverity: error\nsummary: s\ndocs: d\nbuiltin: true\nmessage: m\n",
        ),
        (
            "x.yaml",
            "id: x\nseverity: error\nsummary: s\ndocs: d\nbuiltin: true\nmessage: m\nextra: 1\n",
        ),
    ];
    for (file, text) in bad {
        assert!(Registry::from_files([(file, text)]).is_err(), "{text}");
    }
}
