//! The catalog itself: every name resolves to one system, false friends match nothing, and
//! decorated names are recognised. Contextual names, sources and suggestions are tested inside
//! the crate (src/catalog/catalog_tests.rs).

mod common;

use e2ee_lint::catalog::{Catalog, Match};

fn findings(stdout: &str) -> Vec<serde_json::Value> {
    let json: serde_json::Value = serde_json::from_str(stdout).expect("JSON output");
    common::named(json)["findings"].as_array().unwrap().clone()
}

#[test]
fn no_name_or_alias_resolves_to_two_systems() {
    let catalog = Catalog::embedded();
    for system in catalog.systems() {
        for name in std::iter::once(&system.name).chain(&system.aliases) {
            match catalog.resolve(name, None, None) {
                Match::Found(found, _) => assert_eq!(
                    found.id, system.id,
                    "`{name}` (of {}) resolves to {}",
                    system.id, found.id
                ),
                other => panic!("`{name}` (of {}) resolves to {other:?}", system.id),
            }
        }
    }
}

#[test]
fn false_friends_get_no_finding() {
    let out = common::e2ee_lint(&[
        "check",
        "fixtures/catalog/false-friends.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let findings = findings(&out.stdout);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn decorated_names_are_recognised() {
    let out = common::e2ee_lint(&[
        "check",
        "fixtures/catalog/decorated.yaml",
        "--format",
        "json",
    ]);
    let findings = findings(&out.stdout);
    let text =
        std::fs::read_to_string(common::root().join("fixtures/catalog/decorated.yaml")).unwrap();
    let inventory: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let names: Vec<&str> = inventory["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let mut checked = 0;
    for name in names {
        // A bare contextual name without a vendor is ambiguous by design (tests above).
        if name == "Teams" {
            continue;
        }
        let of_tool: Vec<&serde_json::Value> =
            findings.iter().filter(|f| f["tool"] == name).collect();
        assert!(!of_tool.is_empty(), "`{name}` has no finding");
        assert!(
            of_tool.iter().any(|f| f["catalog_id"].is_string()),
            "`{name}` gets no catalog_id: {of_tool:#?}"
        );
        // Names with non-ASCII letters or hidden characters that fold to a catalog name are
        // disguised.
        if !name.is_ascii() {
            assert!(
                of_tool.iter().any(|f| f["rule"] == "disguised-tool-name"),
                "`{name}` is not flagged as disguised: {of_tool:#?}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 10, "{checked}");
    // Plain decorated names are not called disguised.
    assert!(
        !findings
            .iter()
            .any(|f| f["rule"] == "disguised-tool-name" && f["tool"] == "Discord Nitro")
    );
}
