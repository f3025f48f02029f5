//! Built-in rules are tested the way a company tests its own: each has an annotated example
//! under `rules/tests/` (`# expect: rule-id` / `# ok: rule-id`), run by `e2ee-lint test-rules`.
//! Adding a built-in rule means its rule file and its example, nothing else by hand. That every
//! built-in rule has an example expecting it is tested inside the crate
//! (src/rule_tests/built_in.rs), where the annotations are read.

mod common;

/// The policy date the examples are judged on: exception dates and the catalog's review dates
/// in `rules/tests/` are written against it.
const TODAY: &str = "2028-01-01";

#[test]
fn built_in_rules_pass_their_annotated_examples() {
    let out = common::e2ee_lint_live(&["test-rules", "rules/tests", "--today", TODAY]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let summary = out.stdout.lines().last().unwrap_or_default();
    assert!(summary.ends_with(" 0 failed"), "{}", out.stdout);
}
