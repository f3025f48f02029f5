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

/// The binary embeds the rules as JSON made by `build.rs`; they must be the YAML files, read the
/// way a custom rule file is.
#[test]
fn embedded_rules_are_the_yaml_files() {
    let dir = common::root().join("rules");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .filter(|p| p.file_name().is_some_and(|n| n != "catalog.yaml"))
        .map(|p| {
            let name = p.file_name().unwrap().to_str().unwrap().to_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    files.sort();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let embedded_names: Vec<&str> = EMBEDDED_RULES.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names, embedded_names,
        "run `cargo build` after adding a rule"
    );
    let from_yaml =
        Registry::from_files(files.iter().map(|(n, t)| (n.as_str(), t.as_str()))).unwrap();
    let embedded = Registry::embedded().unwrap();
    let shape = |r: &e2ee_lint::engine::rule::Rule| {
        format!(
            "{:?}",
            (
                &r.info,
                &r.detection,
                &r.escalate,
                &r.message,
                &r.help,
                &r.at,
                &r.labels
            )
        )
    };
    let yaml: Vec<String> = from_yaml.rules().map(shape).collect();
    let json: Vec<String> = embedded.rules().map(shape).collect();
    assert_eq!(yaml.len(), json.len());
    for (yaml, json) in yaml.iter().zip(&json) {
        assert_eq!(yaml, json);
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
