//! The product's promises about the nine reference systems, read from the catalog: the four
//! recommended messengers come out clean on defaults, Telegram and Zoom never do, a claim the
//! product cannot meet is an error, and ambiguity always means two or more candidates.

mod common;

use e2ee_lint::catalog::{Catalog, Channel, Match, Support};

fn findings(inventory: &str) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inventory.yaml");
    std::fs::write(&path, inventory).unwrap();
    let out = common::e2ee_lint(&["check", path.to_str().unwrap(), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect(&out.stderr);
    common::named(json)["findings"].as_array().unwrap().clone()
}

#[test]
fn recommended_messengers_are_clean_on_defaults() {
    let catalog = Catalog::embedded();
    for id in ["signal", "matrix", "whatsapp", "wire"] {
        let system = catalog.by_id(id).unwrap();
        // The catalog itself: every channel in the default set is E2EE by default.
        for (channel, cell) in &system.channels {
            if channel.in_default_set() {
                assert_eq!(cell.status, Support::Default, "{id} {channel}");
            }
        }
        for level in ["internal", "confidential"] {
            let inventory = format!(
                "tools:\n  - {{name: {:?}, data_classification: {level}}}\n",
                system.name
            );
            for finding in findings(&inventory) {
                let rule = finding["rule"].as_str().unwrap();
                let severity = finding["severity"].as_str().unwrap();
                if level == "internal" {
                    assert_eq!(severity, "info", "{id}: {finding}");
                }
                assert!(
                    !["no-e2ee", "e2ee-not-enforced", "unknown-e2ee-status"].contains(&rule),
                    "{id}: {finding}"
                );
                // An info about backups only where the catalog says they can exist unencrypted.
                if rule == "backups-not-e2ee" {
                    assert_ne!(
                        system.channels.get(&Channel::Backups).map(|c| c.status),
                        Some(Support::Default),
                        "{id}"
                    );
                }
            }
        }
    }
}

#[test]
fn telegram_and_zoom_are_never_clean_on_defaults() {
    for name in ["Telegram", "Zoom"] {
        let found = findings(&format!("tools:\n  - name: {name}\n"));
        assert!(
            found
                .iter()
                .any(|f| matches!(f["severity"].as_str(), Some("warning" | "error"))),
            "{name}: {found:#?}"
        );
    }
}

#[test]
fn a_claim_on_the_cloud_api_or_secret_chats_is_an_error_when_confidential() {
    let found = findings(
        "tools:\n  - {name: WhatsApp Cloud API, data_classification: confidential, e2ee: enforced, channels: [text, files]}\n  - {name: Telegram, data_classification: confidential, e2ee: enforced, channels: [text_1to1]}\n",
    );
    for (tool, rule) in [
        ("WhatsApp Cloud API", "e2ee-claim-unsupported"),
        ("Telegram", "e2ee-claim-unenforceable"),
    ] {
        assert!(
            found
                .iter()
                .any(|f| f["tool"] == tool && f["rule"] == rule && f["severity"] == "error"),
            "{tool}: {found:#?}"
        );
    }
}

#[test]
fn a_contradicting_or_false_friend_vendor_is_no_match() {
    let catalog = Catalog::embedded();
    let wire = catalog.by_id("wire").unwrap();
    assert!(wire.false_friends.iter().any(|f| f == "WireGuard"));
    assert!(
        catalog
            .resolve("Wire", Some("WireGuard"), None)
            .system()
            .is_none()
    );
    assert!(
        catalog
            .resolve("Signal", Some("Splunk"), None)
            .system()
            .is_none()
    );
    assert!(
        catalog
            .resolve("Signal", Some("Signal AI"), None)
            .system()
            .is_none()
    );
    assert!(matches!(
        catalog.resolve("Threema", Some("Microsoft"), None),
        Match::Near(near) if near[0].id == "threema"
    ));
    let twilio = catalog.resolve("WhatsApp", Some("Twilio"), None);
    assert_eq!(
        twilio.system().map(|s| s.id.as_str()),
        Some("whatsapp-business-platform")
    );
    // A vendor that agrees keeps the match.
    for (name, vendor) in [
        ("Wire", "Wire Swiss GmbH"),
        ("Zoom", "Zoom"),
        ("Slack", "Salesforce"),
    ] {
        assert!(
            catalog.resolve(name, Some(vendor), None).system().is_some(),
            "{name}"
        );
    }
}

#[test]
fn ambiguity_always_lists_two_or_more_candidates() {
    let catalog = Catalog::embedded();
    for system in catalog.systems() {
        for alias in &system.contextual_aliases {
            if let Match::Ambiguous(candidates) = catalog.resolve(alias, None, None) {
                assert!(candidates.len() >= 2, "`{alias}`: {candidates:?}");
            }
        }
    }
}
