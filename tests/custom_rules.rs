//! Companies' own rules: the three example rules work everywhere a built-in does, `test-rules`
//! checks annotated examples, and every mistake in a rule file is a located diagnostic.

mod common;

use common::{e2ee_lint, e2ee_lint_in, put, repo};

const EXAMPLE: &str = "fixtures/custom-rules";

#[test]
fn test_rules_passes_on_the_example_rules() {
    let out = e2ee_lint(&["test-rules", EXAMPLE]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.ends_with("test-rules: 1 passed, 0 failed\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn test_rules_reports_wrong_expectations_with_locations() {
    let dir = repo();
    for file in ["e2ee-lint.yaml", "inventory.yaml"] {
        let text = std::fs::read_to_string(common::root().join(EXAMPLE).join(file)).unwrap();
        // Swap two expectations: one now misses its finding, the other's finding is unexpected.
        let text = text
            .replace(
                "restricted  # expect: acme-unowned-tool",
                "restricted  # ok: acme-unowned-tool",
            )
            .replace(
                "data_classification: internal",
                "data_classification: internal  # expect: acme-pilot-confidential",
            );
        put(dir.path(), file, &text);
    }
    for rule in [
        "acme-unowned-tool",
        "acme-pilot-confidential",
        "acme-board-video-e2ee",
    ] {
        let text = std::fs::read_to_string(
            common::root()
                .join(EXAMPLE)
                .join("rules")
                .join(format!("{rule}.yaml")),
        )
        .unwrap();
        put(dir.path(), &format!("rules/{rule}.yaml"), &text);
    }
    let out = e2ee_lint_in(dir.path(), &["test-rules", "."], &[]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(
            "inventory.yaml:5: `acme-unowned-tool` must not fire on this line, but it does"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "inventory.yaml:16: expected a `acme-pilot-confidential` finding on this line; none"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.ends_with("test-rules: 0 passed, 1 failed\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn custom_rules_appear_in_every_format_and_the_policy_applies_to_them() {
    let inventory = "fixtures/custom-rules/inventory.yaml";
    let sarif: serde_json::Value =
        serde_json::from_str(&e2ee_lint(&["check", inventory, "-f", "sarif"]).stdout).unwrap();
    let run = &sarif["runs"][0];
    let described: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    for rule in [
        "acme-unowned-tool",
        "acme-pilot-confidential",
        "acme-board-video-e2ee",
    ] {
        assert!(described.contains(&rule), "{rule} not described in SARIF");
        assert!(
            run["results"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["ruleId"] == rule),
            "{rule} has no SARIF result"
        );
        let junit = e2ee_lint(&["check", inventory, "-f", "junit"]).stdout;
        assert!(
            junit.contains(&format!("type=\"{rule}\"")),
            "{rule} not in JUnit"
        );
        let gitlab = e2ee_lint(&["check", inventory, "-f", "gitlab"]).stdout;
        assert!(
            gitlab.contains(&format!("\"check_name\": \"{rule}\"")),
            "{rule} not in GitLab"
        );
    }
    let report = e2ee_lint(&["check", inventory, "-f", "report"]).stdout;
    assert!(report.contains("`acme-board-video-e2ee`"), "{report}");
    assert!(
        report.contains("NIS2 Art. 21(2)(j)"),
        "the custom rule's control is in the report"
    );

    // Severity overrides reach custom rules.
    let (_, json) = common::json(&["check", inventory, "--severity", "acme-unowned-tool=off"]);
    let rules = common::json_rules(&json.to_string());
    assert!(!rules.iter().any(|r| r == "acme-unowned-tool"), "{rules:?}");
}

#[test]
fn config_exceptions_and_inline_ignores_cover_custom_rules() {
    let dir = repo();
    let rule = std::fs::read_to_string(
        common::root()
            .join(EXAMPLE)
            .join("rules/acme-unowned-tool.yaml"),
    )
    .unwrap();
    put(dir.path(), "rules/acme-unowned-tool.yaml", &rule);
    put(
        dir.path(),
        "e2ee-lint.yaml",
        "rule_files: [rules/*.yaml]\nexceptions:\n  - tool: Signal\n    rule: acme-unowned-tool\n    reason: owner being hired\n    approved_by: ciso@acme.example\n    expires: 2099-01-01\nmax_exception_days: 36500\n",
    );
    put(
        dir.path(),
        "inventory.yaml",
        "tools:\n  - name: Signal\n    data_classification: restricted\n  - name: Wire  # e2ee-lint: ignore[acme-unowned-tool] lab only\n    data_classification: restricted\n",
    );
    let out = e2ee_lint_in(dir.path(), &["check", "inventory.yaml", "-f", "json"], &[]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let custom: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "acme-unowned-tool")
        .collect();
    assert_eq!(custom.len(), 2, "{}", out.stdout);
    assert!(
        custom.iter().all(|f| !f["suppressed"].is_null()),
        "{}",
        out.stdout
    );
}

/// Each mistake, the text it is written in, and what the diagnostic must say.
const BAD_RULES: &[(&str, &str, &str)] = &[
    (
        "acme-x.yaml",
        "id: acme-x\nseverity: error\nsummary: s\ndocs: d\nwhen: {field: tool.ownr, exists: false}\nmessage: m\n",
        "acme-x.yaml:5:15: unknown field `tool.ownr`",
    ),
    (
        "acme-x.yaml",
        "id: acme-x\nseverity: error\nsummary: s\ndocs: d\nwhen: {field: tool.category, in: [mesaging]}\nmessage: m\n",
        "acme-x.yaml:5:35: `mesaging` is not a value `tool.category` can take",
    ),
    (
        "acme-x.yaml",
        "id: acme-x\nseverity: error\nsummary: s\ndocs: d\nwhen: {field: tool.e2ee, equals: enforcd}\nmessage: m\n",
        "did you mean `enforced`?",
    ),
    (
        "acme-x.yaml",
        "id: acme-x\nseverity: error\nsummary: s\ndocs: d\nwhen: {field: tool.name, exists: true}\nmessage: '{tol} is bad'\n",
        "unknown template variable `{tol}`",
    ),
    (
        "acme-x.yaml",
        "id: acme-x\nseverity: error\nsummary: s\ndocs: d\nwhen: {field: tool.name, matches: 'ab(c'}\nmessage: m\n",
        "acme-x.yaml:5:38: invalid regex",
    ),
    (
        "no-e2ee.yaml",
        "id: no-e2ee\nseverity: error\nsummary: s\ndocs: d\nwhen: {field: tool.name, exists: true}\nmessage: m\n",
        "no-e2ee.yaml:1:5: a built-in rule already has the id `no-e2ee`",
    ),
    (
        "acme-x.yaml",
        "id: acme-x\nseverity: error\nsummary: s\ndocs: d\nwhen: {field: tool.name, exists: true}\nmessage: m\nat: ownr\n",
        "unknown target `ownr`; did you mean `owner`?",
    ),
];

#[test]
fn every_rule_file_mistake_is_a_located_diagnostic() {
    for (file, text, expected) in BAD_RULES {
        let dir = repo();
        put(dir.path(), file, text);
        put(dir.path(), "inventory.yaml", "tools:\n  - name: Signal\n");
        let out = e2ee_lint_in(
            dir.path(),
            &[
                "check",
                "inventory.yaml",
                "--rules",
                file,
                "--color",
                "never",
            ],
            &[],
        );
        assert_eq!(out.code, 2, "{file}: {}", out.stderr);
        assert!(out.stderr.contains("invalid-rule"), "{}", out.stderr);
        // The one-line form (`file:line:col: message`) is what `to_string` gives; the drawn
        // diagnostic carries the same location in its header.
        let (location, message) = expected
            .rsplit_once(": ")
            .map_or(("", *expected), |(l, m)| {
                if l.contains(".yaml:") {
                    (l, m)
                } else {
                    ("", *expected)
                }
            });
        assert!(
            out.stderr.contains(message),
            "{file}: want {message:?} in\n{}",
            out.stderr
        );
        if !location.is_empty() {
            let header = format!("[{location}]");
            assert!(
                out.stderr.contains(&header),
                "{file}: want {header} in\n{}",
                out.stderr
            );
        }
    }
}

#[test]
fn two_custom_files_with_one_id_are_an_error() {
    let dir = repo();
    let rule = "id: acme-x\nseverity: error\nsummary: s\ndocs: d\nwhen: {field: tool.name, exists: true}\nmessage: m\n";
    put(dir.path(), "a/acme-x.yaml", rule);
    put(dir.path(), "b/acme-x.yaml", rule);
    put(dir.path(), "inventory.yaml", "tools:\n  - name: Signal\n");
    let out = e2ee_lint_in(
        dir.path(),
        &[
            "check",
            "inventory.yaml",
            "--rules",
            "a/acme-x.yaml",
            "--rules",
            "b/acme-x.yaml",
        ],
        &[],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("another rule file already has the id `acme-x`"),
        "{}",
        out.stderr
    );
}
