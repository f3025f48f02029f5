//! Built-in rules are tested the way a company tests its own: each has an annotated example
//! under `rules/tests/` (`# expect: rule-id` / `# ok: rule-id`), run by `e2ee-lint test-rules`.
//! Adding a built-in rule means its rule file and its example, nothing else by hand.

mod common;

use std::collections::BTreeSet;

use e2ee_lint::engine::rule::Registry;
use e2ee_lint::rule_tests;

/// The policy date the examples are judged on: exception dates and the catalog's review dates
/// in `rules/tests/` are written against it.
const TODAY: &str = "2028-01-01";

/// Rules no example can show, and where they are tested instead.
const NO_EXAMPLE: &[(&str, &str)] = &[
    (
        "invalid-config",
        "it stops the run instead of being a finding: tests/config_policy.rs, tests/policy.rs",
    ),
    (
        "unused-baseline-entry",
        "it points into the JSON baseline, which carries no comments: tests/policy.rs",
    ),
];

#[test]
fn built_in_rules_pass_their_annotated_examples() {
    let out = common::e2ee_lint_live(&["test-rules", "rules/tests", "--today", TODAY]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let summary = out.stdout.lines().last().unwrap_or_default();
    assert!(summary.ends_with(" 0 failed"), "{}", out.stdout);
}

#[test]
fn every_built_in_rule_has_an_example_that_expects_it() {
    let examples = rule_tests::examples(&common::root().join("rules/tests"));
    assert!(!examples.is_empty());
    let mut expected = BTreeSet::new();
    // The examples' configs carry expectations too (the policy's own rules point into them).
    let configs = walkdir::WalkDir::new(common::root().join("rules/tests"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.file_name().is_some_and(|n| n == "e2ee-lint.yaml"));
    for path in examples.into_iter().chain(configs) {
        let text = std::fs::read_to_string(&path).unwrap();
        for note in rule_tests::annotations(&text) {
            if note.expect {
                expected.insert(note.rule);
            }
        }
    }
    let registry = Registry::embedded().unwrap();
    for rule in registry.rules() {
        let id = &*rule.info.id;
        if NO_EXAMPLE.iter().any(|(exempt, _)| *exempt == id) {
            continue;
        }
        assert!(
            expected.contains(id),
            "no example under rules/tests/ expects `{id}`: add one with `# expect: {id}`"
        );
    }
    // The exemptions are real rules, and no example pretends to test them.
    for (id, _) in NO_EXAMPLE {
        assert!(registry.get(id).is_some(), "{id}");
        assert!(
            !expected.contains(*id),
            "{id} has an example now: drop the exemption"
        );
    }
}
