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
        let explained = common::e2ee_lint_live(&["explain", &rule.id]);
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

/// The integration tests run the binary over the fixed rule set of `tests/data/builtin-rules.txt`
/// (`E2EE_LINT_INTERNAL_RULE_SET`, read by debug builds only), so that adding a built-in rule
/// changes none of their snapshots or counts. The set keeps exactly the rules it lists, a wrong
/// id is an error, and every test that starts the binary sets it.
#[test]
fn the_fixed_rule_set_keeps_exactly_the_rules_it_lists() {
    let text = std::fs::read_to_string(common::rule_set()).unwrap();
    let listed: Vec<&str> = text
        .lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim())
        .filter(|id| !id.is_empty())
        .collect();
    assert!(listed.contains(&"no-e2ee"));
    let args = ["check", "fixtures/acme.yaml", "--format", "json"];
    let fixed = common::e2ee_lint(&args);
    assert_eq!(fixed.code, 1, "{}", fixed.stderr);
    let fixed = common::json_rules(&fixed.stdout);
    assert!(fixed.iter().any(|id| id == "no-e2ee"));
    assert!(
        fixed.iter().all(|id| listed.contains(&id.as_str())),
        "{fixed:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let without = dir.path().join("without-no-e2ee.txt");
    let others: Vec<&str> = listed
        .iter()
        .copied()
        .filter(|id| *id != "no-e2ee")
        .collect();
    std::fs::write(&without, others.join("\n")).unwrap();
    let out = common::e2ee_lint_env(&args, &[(common::RULE_SET, without.to_str().unwrap())]);
    let expected: Vec<&String> = fixed.iter().filter(|id| *id != "no-e2ee").collect();
    let actual = common::json_rules(&out.stdout);
    assert_eq!(actual.iter().collect::<Vec<_>>(), expected);

    let wrong = dir.path().join("wrong.txt");
    std::fs::write(&wrong, "no-e2ee\nno-such-rule\n").unwrap();
    let out = common::e2ee_lint_env(&args, &[(common::RULE_SET, wrong.to_str().unwrap())]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains(":2:1: `no-such-rule` is not a built-in rule"),
        "{}",
        out.stderr
    );

    for entry in std::fs::read_dir(common::root().join("tests")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if text.contains("CARGO_BIN_EXE_e2ee-lint") && !path.ends_with("rules.rs") {
            assert!(
                text.contains("RULE_SET"),
                "{} starts the binary without the fixed rule set",
                path.display()
            );
        }
    }
}
