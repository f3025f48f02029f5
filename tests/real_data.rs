//! Real inventories nobody here wrote (`../shared/data/inventories`, see its SOURCES.md): every
//! one is read without a crash, every finding points inside its file, and the run is
//! deterministic. Foreign shapes are not our format, so they give findings, not errors.

mod common;

use common::e2ee_lint;

#[test]
fn real_inventories_are_linted_with_located_findings() {
    let Some(dir) = common::shared_data("inventories") else {
        return;
    };
    let path = dir.to_str().unwrap();
    let out = e2ee_lint(&["check", path, "--isolated", "--format", "json"]);
    assert!(
        matches!(out.code, 0 | 1),
        "exit {}: {}",
        out.code,
        out.stderr
    );
    assert!(!out.stderr.contains("internal error"), "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert!(json["summary"]["files"].as_u64().unwrap() > 100);
    assert!(!findings.is_empty());
    let mut texts = std::collections::HashMap::new();
    for finding in findings {
        let file = finding["file"].as_str().unwrap().to_owned();
        let text = texts
            .entry(file.clone())
            .or_insert_with(|| std::fs::read(&file).unwrap());
        let span = &finding["span"];
        let end = span["offset"].as_u64().unwrap() + span["length"].as_u64().unwrap();
        assert!(
            end as usize <= text.len(),
            "{file}: span past the end: {finding}"
        );
        assert!(span["line"].as_u64().unwrap() >= 1 && span["column"].as_u64().unwrap() >= 1);
    }
    let again = e2ee_lint(&["check", path, "--isolated", "--format", "json"]);
    assert_eq!(out.stdout, again.stdout, "same input, same bytes");
    // Other formats render the same run without failing (human output is covered elsewhere;
    // drawing thousands of snippets in a debug build would dominate the suite).
    for format in ["sarif", "junit", "report"] {
        let other = e2ee_lint(&["check", path, "--isolated", "--format", format]);
        assert_eq!(other.code, out.code, "{format}: {}", other.stderr);
    }
}

/// Under CI (`E2EE_LINT_REQUIRE_DATA=1`, set by `.ci/run`) a test needing missing shared data
/// fails with a message naming the path, instead of passing without running.
#[test]
fn missing_shared_data_fails_when_required() {
    assert!(common::shared_data_with("no/such/data", false).is_none());
    let failed = std::panic::catch_unwind(|| common::shared_data_with("no/such/data", true));
    let message = failed.expect_err("a required, missing data set must fail the test");
    let text = message
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(text.contains("no/such/data is missing"), "{text}");
    assert!(text.contains(common::REQUIRE_DATA), "{text}");
}
