//! Inventory mapping: a company's own inventory shape linted through the config's `inventory:`
//! section, by the same loader as format v1.

mod common;

use std::collections::BTreeMap;

use common::e2ee_lint;
use serde_json::Value;

use common::json;

fn findings(value: &Value) -> &Vec<Value> {
    value["findings"].as_array().expect("findings")
}

/// Findings counted by rule id.
fn by_rule(value: &Value) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for f in findings(value) {
        *counts
            .entry(f["rule"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    counts
}

/// The text a finding's primary span covers in `text`.
fn spanned<'t>(text: &'t str, finding: &Value) -> &'t str {
    let offset = finding["span"]["offset"].as_u64().unwrap() as usize;
    let length = finding["span"]["length"].as_u64().unwrap() as usize;
    &text[offset..offset + length]
}

/// The line a finding's span starts on.
fn line_of<'t>(text: &'t str, finding: &Value) -> &'t str {
    let line = finding["span"]["line"].as_u64().unwrap() as usize;
    text.lines().nth(line - 1).unwrap()
}

/// Tool name -> catalog id, from the findings that name a classified tool.
fn classified(value: &Value) -> BTreeMap<String, String> {
    findings(value)
        .iter()
        .filter_map(|f| {
            Some((
                f["tool"].as_str()?.to_owned(),
                f["catalog_id"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

const GITLAB: &str = "fixtures/policy/mapping/gitlab";

#[test]
fn a_gitlab_shaped_inventory_is_linted_through_the_mapping() {
    let (code, out) = json(&["check", GITLAB]);
    assert_eq!(code, 1, "Slack has no E2EE");
    let text = std::fs::read_to_string(common::root().join(GITLAB).join("tech_stack.yml")).unwrap();
    let tools = classified(&out);
    for name in ["Slack", "Zoom", "Microsoft Teams"] {
        assert!(tools.contains_key(name), "{name} classified: {tools:?}");
    }
    let rules = by_rule(&out);
    assert_eq!(rules.get("invalid-inventory"), Some(&1), "only `Purple`");
    assert_eq!(rules.get("no-e2ee"), Some(&2), "Slack and Teams text");
    // Spans point at the company's own `title:` values.
    for f in findings(&out) {
        if f["rule"] == "no-e2ee" || f["rule"] == "e2ee-not-enforced" {
            let tool = f["tool"].as_str().unwrap();
            assert_eq!(spanned(&text, f), tool, "{f}");
            assert!(line_of(&text, f).starts_with("- title: "), "{f}");
        }
    }
    // Zoom carries `Red` data, mapped to `restricted`: opt-in E2EE is an error.
    let zoom = findings(&out)
        .iter()
        .find(|f| f["rule"] == "e2ee-not-enforced" && f["tool"] == "Zoom")
        .expect("Zoom finding");
    assert_eq!(zoom["severity"], "error");
    // Teams carries `Yellow` (internal) data: a warning only.
    let teams = findings(&out)
        .iter()
        .find(|f| f["rule"] == "e2ee-not-enforced" && f["tool"] == "Microsoft Teams")
        .expect("Teams finding");
    assert_eq!(teams["severity"], "warning");
    // An unmapped colour stays as written and is an invalid level, at the value.
    let purple = findings(&out)
        .iter()
        .find(|f| f["rule"] == "invalid-inventory")
        .unwrap();
    assert_eq!(spanned(&text, purple), "Purple");
    // Unmapped keys are `unknown-field` warnings at the company's key; `notes: null` is absent.
    let unknown: Vec<&str> = findings(&out)
        .iter()
        .filter(|f| f["rule"] == "unknown-field")
        .map(|f| spanned(&text, f))
        .collect();
    assert!(unknown.contains(&"description") && unknown.contains(&"saas"));
    assert!(!unknown.contains(&"title") && !unknown.contains(&"group_owner"));
    assert!(!unknown.contains(&"notes"));
}

#[test]
fn gitlab_human_output() {
    let out = e2ee_lint(&["check", GITLAB, "--color", "never"]);
    insta::assert_snapshot!(
        "gitlab_human",
        format!("exit: {}\n{}{}", out.code, out.stdout, out.stderr)
    );
}

#[test]
fn unknown_fields_ignore_and_one_record_per_file() {
    let (code, out) = json(&["check", "fixtures/policy/mapping/single"]);
    // Telegram's group chats have no E2EE at all: an error, whatever the mapping.
    assert_eq!(code, 1);
    let rules = by_rule(&out);
    assert_eq!(
        rules.keys().collect::<Vec<_>>(),
        ["backups-not-e2ee", "e2ee-not-enforced", "no-e2ee"]
    );
    assert_eq!(out["summary"]["tools"], 2);
    assert_eq!(
        classified(&out).get("Telegram").map(String::as_str),
        Some("telegram")
    );
}

#[test]
fn without_the_mapping_nothing_is_linted() {
    let (_, out) = json(&["check", GITLAB, "--isolated"]);
    let rules = by_rule(&out);
    // Six entries without `name`, and `notes: null` (v1 wants a string).
    assert_eq!(rules.get("invalid-inventory"), Some(&7), "{rules:?}");
    assert_eq!(rules.get("no-e2ee"), None);
}

#[test]
fn mapping_config_errors() {
    for (name, expected) in [
        (
            "unknown-field",
            "unknown field `owners` in `inventory.fields`",
        ),
        ("duplicate-mapping", "`group_owner` is mapped twice"),
        (
            "bad-unknown-fields",
            "unknown `unknown_fields` value `silent`",
        ),
        (
            "bad-value",
            "`confidental` is not a valid `data_classification`",
        ),
    ] {
        let config = format!("fixtures/policy/mapping/errors/{name}/e2ee-lint.yaml");
        let out = e2ee_lint(&["check", GITLAB, "--config", &config, "--color", "never"]);
        assert_eq!(out.code, 2, "{name}");
        assert!(
            out.stdout.is_empty(),
            "nothing is checked with a broken config"
        );
        assert!(out.stderr.contains(expected), "{name}: {}", out.stderr);
        assert!(out.stderr.contains(&format!("[{config}:")), "{name}");
        insta::assert_snapshot!(format!("mapping_error_{name}"), out.stderr);
    }
}

#[test]
fn mapping_configs_validate_against_the_schema() {
    let schema: Value = serde_json::from_str(&common::schema("config")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let load = |path: &str| -> Value {
        let text = std::fs::read_to_string(common::root().join(path)).unwrap();
        common::yaml_value(&text)
    };
    for dir in ["gitlab", "single"] {
        let value = load(&format!("fixtures/policy/mapping/{dir}/e2ee-lint.yaml"));
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{dir}: {errors:?}");
    }
    for bad in ["unknown-field", "bad-unknown-fields"] {
        let value = load(&format!(
            "fixtures/policy/mapping/errors/{bad}/e2ee-lint.yaml"
        ));
        assert!(!validator.is_valid(&value), "{bad} should not validate");
    }
}

/// The real GitLab tech stack (219 tools), when the shared data set is present.
#[test]
fn the_real_gitlab_tech_stack() {
    if common::shared_data("inventories/gitlab/tech_stack.yml").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("e2ee-lint.yaml");
    std::fs::write(
        &config,
        "inventory:\n  tools: .\n  fields:\n    name: title\n    owner: group_owner\n    notes: description\n    data_classification: data_classification\n  unknown_fields: ignore\n  values:\n    data_classification:\n      Red: restricted\n      Orange: confidential\n      Yellow: internal\n      Green: public\n      \"N/A - OSQuery does not store any data\": public\n",
    )
    .unwrap();
    let (code, out) = json(&[
        "check",
        "../shared/data/inventories/gitlab/tech_stack.yml",
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "Slack has no E2EE");
    let rules = by_rule(&out);
    assert_eq!(rules.get("invalid-inventory"), None, "{rules:?}");
    assert_eq!(rules.get("unknown-field"), None, "{rules:?}");
    assert_eq!(out["summary"]["tools"], 219);
    let tools = classified(&out);
    for name in [
        "Slack",
        "Zoom",
        "Microsoft Teams",
        "WebEx, Cisco",
        "Google Workspace",
    ] {
        assert!(tools.contains_key(name), "{name} classified: {tools:?}");
    }
    assert!(
        findings(&out)
            .iter()
            .any(|f| f["rule"] == "no-e2ee" && f["tool"] == "Slack")
    );
    // The rules that judge communication (tagged `e2ee` or `coverage` in their files) flag only
    // communication tools, though 219 descriptions mention "video", "call" and "chat" in
    // passing. Drift is a live-chat product the catalog does not know; Hopin (now RingCentral
    // Events) and Loom (video messages) are catalog entries. Other rules (inventory hygiene)
    // may flag any tool, so the expectation is read from each rule's tags.
    let registry = e2ee_lint::engine::rule::Registry::embedded().unwrap();
    let judges_communication = |rule: &str| {
        registry
            .get(rule)
            .is_some_and(|r| r.info.tags.iter().any(|t| t == "e2ee" || t == "coverage"))
    };
    let flagged: std::collections::BTreeSet<&str> = findings(&out)
        .iter()
        .filter(|f| judges_communication(f["rule"].as_str().unwrap_or_default()))
        .filter_map(|f| f["tool"].as_str())
        .collect();
    let communication = [
        "Drift",
        "Google Workspace",
        "Hopin",
        "Loom",
        "Microsoft Teams",
        "Slack",
        "WebEx, Cisco",
        "Zoom",
    ];
    assert_eq!(flagged, communication.into_iter().collect(), "{rules:?}");
}
