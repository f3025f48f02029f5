//! Inventory paths and presets on the real public files they were written for
//! (`../shared/data/inventories`): each preset reads its file with no `invalid-inventory`, and
//! the nested awesome-privacy list maps with a path whose messaging services are judged.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// Runs `check` on `input` with a config holding `inventory`, in `format`.
fn check(input: &str, inventory: &str, format: &str) -> (i32, Value) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("e2ee-lint.yaml");
    std::fs::write(&config, format!("inventory:\n{inventory}")).unwrap();
    let out = common::e2ee_lint(&[
        "check",
        input,
        "--config",
        config.to_str().unwrap(),
        "--format",
        format,
    ]);
    assert!(matches!(out.code, 0 | 1), "{}", out.stderr);
    (out.code, serde_json::from_str(&out.stdout).unwrap())
}

fn rules(json: &Value) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for f in json["findings"].as_array().unwrap() {
        *counts
            .entry(f["rule"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    counts
}

/// The presets there are, as the config schema enumerates them (src/schema.rs tests that the
/// enumeration is the preset table).
fn preset_names() -> Vec<String> {
    let schema: Value = serde_json::from_str(&common::schema("config")).unwrap();
    let names = schema["$defs"]["inventory"]["properties"]["preset"]["enum"]
        .as_array()
        .expect("the config schema enumerates the presets");
    names
        .iter()
        .map(|n| n.as_str().unwrap().to_owned())
        .collect()
}

/// Every preset, on its file: no `invalid-inventory`, no `empty-inventory`, the expected count
/// of tools (read from the file itself where it is one record per entry).
#[test]
fn each_preset_reads_its_real_file() {
    let Some(data) = common::shared_data("inventories") else {
        return;
    };
    let dir = data.to_str().unwrap();
    let cases = [
        ("gitlab-tech-stack", format!("{dir}/gitlab/tech_stack.yml")),
        ("one-record-per-file", format!("{dir}/vetthe-app/data/apps")),
        (
            "websites-list",
            format!("{dir}/2fa-directory-2021/communication.yml"),
        ),
        (
            "awesome-privacy",
            format!("{dir}/awesome-privacy/awesome-privacy.yml"),
        ),
    ];
    let names = preset_names();
    assert!(!names.is_empty());
    let names: BTreeSet<&str> = names.iter().map(String::as_str).collect();
    assert_eq!(
        names,
        cases.iter().map(|(p, _)| *p).collect(),
        "every preset is tested on a real file"
    );
    for (preset, input) in &cases {
        let (_, json) = check(input, &format!("  preset: {preset}\n"), "json");
        let rules = rules(&json);
        assert_eq!(rules.get("invalid-inventory"), None, "{preset}: {rules:?}");
        assert_eq!(rules.get("empty-inventory"), None, "{preset}: {rules:?}");
        assert_eq!(rules.get("unknown-field"), None, "{preset}: {rules:?}");
        let tools = json["summary"]["tools"].as_u64().unwrap();
        assert!(tools > 50, "{preset}: {tools} tools");
        assert!(
            json["summary"]["coverage"]["judged"].as_u64().unwrap() > 0,
            "{preset}: some communication tool is judged"
        );
    }
}

/// The nested list, mapped with a path written out (not the preset): every service is a tool,
/// each finding's span lies on its own service's `name:` line, and the messaging services
/// the catalog knows are judged (not "not examined").
#[test]
fn the_nested_list_maps_with_a_path_and_judges_its_messaging_services() {
    let Some(file) = common::shared_data("inventories/awesome-privacy/awesome-privacy.yml") else {
        return;
    };
    let input = file.to_str().unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    let mapping = "  tools: categories[*].sections[*].services[*]\n  fields:\n    notes: description\n    category: ^.name\n  unknown_fields: ignore\n  values:\n    category:\n      Encrypted Messaging: messaging\n      P2P Messaging: messaging\n      \"*\": ~\n";
    let (_, json) = check(input, mapping, "report-json");
    // One tool per service, none of the categories or sections (counted on the parsed file).
    let parsed: Value = common::yaml_value(&text);
    let services: usize = parsed["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["sections"].as_array().unwrap())
        .map(|s| s["services"].as_array().map_or(0, Vec::len))
        .sum();
    let tools = json["tools"].as_array().unwrap();
    assert_eq!(tools.len(), services);
    for tool in tools {
        let line = tool["line"].as_u64().unwrap() as usize;
        let name = tool["name"].as_str().unwrap();
        assert!(
            text.lines().nth(line - 1).unwrap().contains(name),
            "{name} is read at its own entry (line {line})"
        );
    }
    // The section names the category: `^.name` reads the enclosing record.
    let by_name: BTreeMap<&str, &Value> = tools
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), t))
        .collect();
    for messenger in ["Signal", "Session", "Briar", "SimpleX"] {
        assert_eq!(by_name[messenger]["category"], "messaging", "{messenger}");
    }
    assert_eq!(by_name["Bitwarden"]["category"], Value::Null);
    let judged = |name: &str| {
        let outcome = by_name[name]["outcome"].as_str().unwrap();
        !matches!(outcome, "not-examined" | "not-applicable")
    };
    for messenger in ["Signal", "Element"] {
        assert!(judged(messenger), "{messenger}: {}", by_name[messenger]);
        assert!(by_name[messenger]["catalog_id"].is_string(), "{messenger}");
    }
    assert_eq!(by_name["Signal"]["outcome"], "compliant");
    // Messaging services the catalog does not know are flagged, not passed.
    let messaging: Vec<&Value> = tools
        .iter()
        .filter(|t| t["category"] == "messaging")
        .collect();
    let in_messaging_sections: BTreeSet<&str> = parsed["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["sections"].as_array().unwrap())
        .filter(|s| {
            matches!(
                s["name"].as_str(),
                Some("Encrypted Messaging" | "P2P Messaging")
            )
        })
        .flat_map(|s| s["services"].as_array().unwrap())
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(in_messaging_sections.len() > 5);
    let names: BTreeSet<&str> = messaging
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, in_messaging_sections);
    assert!(messaging.iter().all(|t| t["outcome"] != "not-applicable"));
}

/// A path step that matches nothing is located on the file, with did-you-mean on the keys
/// seen there; a malformed path is a config error located in the config.
#[test]
fn a_path_step_that_matches_nothing_is_located_with_did_you_mean() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = common::put(
        dir.path(),
        "nested.yaml",
        "categories:\n  - name: Chat\n    sections:\n      - name: Messengers\n        services:\n          - name: Signal\n",
    );
    let (_, json) = check(
        inventory.to_str().unwrap(),
        "  tools: categories[*].sectons[*].services[*]\n",
        "json",
    );
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    let finding = &findings[0];
    assert_eq!(finding["rule"], "empty-inventory");
    let message = finding["message"].as_str().unwrap();
    assert!(message.contains("step 3 of 6"), "{message}");
    assert!(message.contains("`sectons`"), "{message}");
    assert_eq!(
        finding["span"]["line"], 2,
        "points at the category the step was tried on"
    );
    let help = finding["help"].as_str().unwrap();
    assert!(help.contains("sections"), "{help}");

    // Good path: the tool is Signal, its span on its own name, its section read with `^.`.
    let (code, json) = check(
        inventory.to_str().unwrap(),
        "  tools: categories[*].sections[*].services[*]\n  fields:\n    notes: ^.name\n",
        "report-json",
    );
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["tools"][0]["name"], "Signal");
    assert_eq!(json["tools"][0]["line"], 6);

    let config = common::put(
        dir.path(),
        "bad.yaml",
        "inventory:\n  tools: categories[0]\n",
    );
    let out = common::e2ee_lint(&[
        "check",
        inventory.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("not a valid path"), "{}", out.stderr);
    assert!(out.stderr.contains("bad.yaml:2:"), "{}", out.stderr);

    let config = common::put(
        dir.path(),
        "bad2.yaml",
        "inventory:\n  preset: gitlab-techstack\n",
    );
    let out = common::e2ee_lint(&[
        "check",
        inventory.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("gitlab-tech-stack"), "{}", out.stderr);
}

/// A relative field path reads below the tool, with the value's own span.
#[test]
fn a_relative_field_path_reads_below_the_tool() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = common::put(
        dir.path(),
        "apps.yaml",
        "apps:\n  - title: Slack\n    meta:\n      company: Salesforce\n      classification: restricted\n",
    );
    let (_, json) = check(
        inventory.to_str().unwrap(),
        "  tools: apps\n  fields:\n    name: title\n    vendor: meta.company\n    data_classification: meta.classification\n",
        "report-json",
    );
    let tool = &json["tools"][0];
    assert_eq!(tool["vendor"], "Salesforce");
    assert_eq!(tool["data_classification"], "restricted");
    assert!(
        !rules(&json).contains_key("unknown-field"),
        "`meta` is read: {json}"
    );
}

/// Preset and path configs validate against the generated config schema; a wrong preset
/// name does not.
#[test]
fn preset_and_path_configs_validate_against_the_schema() {
    let schema: Value = serde_json::from_str(&common::schema("config")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let load = |text: &str| -> Value { common::yaml_value(text) };
    for name in preset_names() {
        let config = load(&format!("inventory:\n  preset: {name}\n"));
        assert!(validator.is_valid(&config), "{name}");
    }
    let path = load(
        "inventory:\n  tools: categories[*].sections[*].services[*]\n  fields:\n    category: ^.name\n    vendor: ~\n  values:\n    category:\n      \"*\": ~\n",
    );
    let errors: Vec<String> = validator
        .iter_errors(&path)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(!validator.is_valid(&load("inventory:\n  preset: gitlab\n")));
}
