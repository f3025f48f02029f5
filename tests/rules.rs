//! Meta-tests: the rule files are well formed and documented. That every rule is exercised is
//! tests/rule_examples.rs's job; that the README matches them, tests/generated.rs's.

mod common;

use std::collections::BTreeSet;

use e2ee_lint::commands::explain_text;
use e2ee_lint::engine::ids;
use e2ee_lint::engine::rule::{EMBEDDED_RULES, Registry, is_kebab_case};

#[test]
fn every_rule_file_loads_with_a_unique_kebab_case_id() {
    let registry = Registry::embedded().expect("embedded rules load");
    let ids: Vec<&str> = registry.rules().map(|r| &*r.info.id).collect();
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
