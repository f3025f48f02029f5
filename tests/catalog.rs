//! The catalog itself: every name resolves to one system, contextual names need their vendor,
//! false friends match nothing, decorated names are recognised, every cell is sourced, and
//! suggestions never propose another product.

mod common;

use std::collections::BTreeSet;

use e2ee_lint::catalog::{Catalog, EMBEDDED_CATALOG, Match};

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
fn contextual_aliases_need_the_vendor() {
    let catalog = Catalog::embedded();
    let mut seen = 0;
    for system in catalog.systems() {
        for alias in &system.contextual_aliases {
            seen += 1;
            // How many systems share the name decides: two or more are ambiguous; one is
            // only "near" (did you mean) unless the tool is declared a communication tool.
            let sharing = catalog
                .systems()
                .iter()
                .filter(|s| {
                    s.contextual_aliases
                        .iter()
                        .any(|a| a.eq_ignore_ascii_case(alias))
                })
                .count();
            match catalog.resolve(alias, None, None) {
                Match::Ambiguous(candidates) => {
                    assert!(sharing >= 2, "`{alias}` is ambiguous with one candidate");
                    assert!(
                        candidates.len() >= 2 && candidates.iter().any(|c| c.id == system.id),
                        "`{alias}` is ambiguous but does not list {} and another",
                        system.id
                    );
                }
                Match::Near(near) if sharing == 1 => {
                    assert_eq!(near.iter().map(|s| &s.id).collect::<Vec<_>>(), [&system.id]);
                    let read = catalog.resolve_tool(alias, None, None, true);
                    assert_eq!(
                        read.system().map(|s| s.id.as_str()),
                        Some(system.id.as_str())
                    );
                }
                other => panic!(
                    "`{alias}` without a vendor should be ambiguous or near, got {other:?} ({})",
                    system.id
                ),
            }
            for vendor in system.vendor_names() {
                let found = catalog.resolve(alias, Some(vendor), None);
                assert_eq!(
                    found.system().map(|s| s.id.as_str()),
                    Some(system.id.as_str()),
                    "`{alias}` with vendor `{vendor}`: {found:?}"
                );
            }
        }
    }
    assert!(seen > 0, "the catalog has contextual aliases (e.g. Teams)");
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

#[test]
fn every_cell_is_sourced_and_every_system_reviewed() {
    let catalog = Catalog::parse(EMBEDDED_CATALOG).expect("the embedded catalog parses");
    assert!(catalog.systems().len() >= 40, "{}", catalog.systems().len());
    for system in catalog.systems() {
        let ids: BTreeSet<&str> = system.sources.iter().map(|s| s.id.as_str()).collect();
        assert!(
            !system.reviewed.is_empty(),
            "{} has no reviewed date",
            system.id
        );
        for (channel, cell) in &system.channels {
            assert!(
                !cell.sources.is_empty(),
                "{} {channel:?} cites no source",
                system.id
            );
            for source in &cell.sources {
                assert!(
                    ids.contains(source.as_str()),
                    "{} {channel:?} cites unknown source {source}",
                    system.id
                );
            }
        }
    }
}

#[test]
fn suggestions_never_propose_another_product() {
    let catalog = Catalog::embedded();
    let meat = catalog.suggest("Google Meat");
    assert!(!meat.contains(&"Google Chat"), "{meat:?}");
    // A product of the same vendor is never offered for a typo of another one.
    for name in &meat {
        assert!(
            !name.starts_with("Google ") || *name == "Google Meet",
            "{meat:?}"
        );
    }
    let signal = catalog.suggest("Signall");
    assert!(signal.contains(&"Signal"), "{signal:?}");
}
