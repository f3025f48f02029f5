//! The catalog's own consistency, read through its internals (contextual aliases and their
//! vendors, every cell's sources against the raw YAML, suggestions); the name-resolution tests
//! over the public API stay in tests/catalog.rs.

use std::collections::BTreeSet;

use super::{Catalog, EMBEDDED_CATALOG, Match};

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
