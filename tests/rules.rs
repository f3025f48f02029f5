//! Meta-tests: the rule files are well formed and documented. That every rule is exercised is
//! tests/rule_examples.rs's job; that the README matches them, tests/generated.rs's.

mod common;

use e2ee_lint::engine::rule::Registry;

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
        let explained = common::e2ee_lint(&["explain", &rule.id]);
        assert_eq!(explained.code, 0, "{}", explained.stderr);
        assert!(explained.stdout.contains(rule.summary.as_str()));
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
