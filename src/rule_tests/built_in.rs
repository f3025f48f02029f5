//! The built-in rules against their annotated examples under `rules/tests/`: each rule has an
//! example that expects it (tests/rule_examples.rs runs them through `e2ee-lint test-rules`).

use std::collections::BTreeSet;

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
fn every_built_in_rule_has_an_example_that_expects_it() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let examples = super::examples(&root.join("rules/tests"));
    assert!(!examples.is_empty());
    let mut expected = BTreeSet::new();
    // The examples' configs carry expectations too (the policy's own rules point into them).
    let configs = walkdir::WalkDir::new(root.join("rules/tests"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.file_name().is_some_and(|n| n == "e2ee-lint.yaml"));
    for path in examples.into_iter().chain(configs) {
        let text = std::fs::read_to_string(&path).unwrap();
        for note in super::annotations(&text) {
            if note.expect {
                expected.insert(note.rule);
            }
        }
    }
    let registry = crate::engine::rule::Registry::embedded().unwrap();
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
