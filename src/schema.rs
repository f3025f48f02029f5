//! JSON Schemas of the inventory and config formats, generated from the loaders' own key lists
//! (so they cannot drift from the code) and committed under `schemas/` (tested to match).
//!
//! Generated from constants rather than derived from typed structs: both loaders read a spanned
//! YAML tree, not serde structs, and the keyword lists (`CATEGORIES`, rule ids...) they validate
//! against are exactly what the schema must enumerate.

use serde_json::{Value, json};

use crate::cli::SchemaKind;
use crate::engine::rule::Registry;
use crate::inventory::{CATEGORIES, CHANNELS, E2EE_SETTINGS, STATUSES, TOOL_KEYS, TOP_KEYS};
use crate::policy::config::{
    self, CLASSIFICATION_KEYS, EXCEPTION_KEYS, FAIL_ON, INVENTORY_KEYS, RULE_LEVELS, UNKNOWN_FIELDS,
};

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The schema as `e2ee-lint schema` prints it: pretty JSON with a final newline.
pub fn text(which: SchemaKind) -> String {
    let value = match which {
        SchemaKind::Inventory => inventory(),
        SchemaKind::Config => config(),
    };
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// An object schema with exactly `keys`, each described by `property`.
fn object(keys: &[&str], property: impl Fn(&str) -> Value) -> Value {
    let properties: serde_json::Map<String, Value> = keys
        .iter()
        .map(|k| ((*k).to_owned(), property(k)))
        .collect();
    json!({"type": "object", "properties": properties, "additionalProperties": false})
}

fn string(description: &str) -> Value {
    json!({"type": "string", "description": description})
}

fn one_of(values: &[&str], description: &str) -> Value {
    json!({"enum": values, "description": description})
}

pub fn inventory() -> Value {
    let tool = object(TOOL_KEYS, |key| match key {
        "name" => json!({"type": "string", "minLength": 1,
            "description": "The product name; matched to the catalog by name or alias"}),
        "category" => one_of(CATEGORIES, "What kind of tool it is"),
        "vendor" => string("Who sells or runs it"),
        "owner" => string("Who in the company owns it"),
        "data_classification" => string(
            "The most sensitive data it carries: one of the config's `data_classification.levels`",
        ),
        "channels" => json!({"type": "array", "items": {"enum": CHANNELS}, "uniqueItems": true,
            "description": "The channels the company uses it for"}),
        "e2ee" => one_of(E2EE_SETTINGS, "How end-to-end encryption is configured"),
        "id" => string("A stable id (default: derived from the name)"),
        "status" => one_of(STATUSES, "The company's decision about the tool"),
        "labels" => json!({"type": "object", "additionalProperties": {"type": "string"},
            "description": "Free-form string labels"}),
        "notes" => string("Free text"),
        _ => json!({}),
    });
    let mut tool = tool;
    tool["required"] = json!(["name"]);
    let top = object(TOP_KEYS, |key| match key {
        "version" => json!({"const": 1, "description": "The format version; only 1 exists"}),
        "organization" => string("The company the inventory belongs to"),
        "tools" => json!({"type": ["array", "null"], "items": {"$ref": "#/$defs/tool"}}),
        _ => json!({}),
    });
    json!({
        "$schema": DRAFT,
        "$id": concat!(env!("CARGO_PKG_REPOSITORY"), "/raw/main/schemas/inventory.schema.json"),
        "title": "e2ee-lint inventory (format version 1)",
        "anyOf": [
            {"$ref": "#/$defs/inventory"},
            {"type": "array", "items": {"$ref": "#/$defs/tool"}},
            {"type": "null"}
        ],
        "$defs": {"inventory": top, "tool": tool}
    })
}

pub fn config() -> Value {
    let rule_ids: Vec<String> = Registry::embedded()
        .map(|r| r.rules().map(|r| r.id.clone()).collect())
        .unwrap_or_default();
    let classification = {
        let mut o = object(CLASSIFICATION_KEYS, |key| match key {
            "levels" => json!({"type": "array", "items": {"type": "string"}, "minItems": 1,
                "uniqueItems": true, "description": "Ordered, least to most sensitive"}),
            "e2ee_required_from" => string("The first level that requires E2EE"),
            _ => json!({}),
        });
        o["required"] = json!(["e2ee_required_from"]);
        o
    };
    let exception = {
        let mut o = object(EXCEPTION_KEYS, |key| match key {
            "tool" => json!({"type": "string", "minLength": 1,
                "description": "Tool name, id or catalog alias"}),
            "rule" => {
                json!({"enum": rule_ids, "description": "The rule id this exception accepts"})
            }
            "reason" => {
                json!({"type": "string", "minLength": 1, "description": "Why the risk is acceptable"})
            }
            "approved_by" => {
                json!({"type": "string", "minLength": 1, "description": "Who accepted the risk"})
            }
            "ticket" => string("Optional tracking reference"),
            "expires" => json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                "format": "date", "description": "Last day the exception applies (YYYY-MM-DD)"}),
            "files" => {
                json!({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                "description": "Glob patterns of inventories (relative to the config file) this exception is limited to"})
            }
            _ => json!({}),
        });
        o["required"] = json!(["tool", "rule", "reason", "approved_by", "expires"]);
        o
    };
    let mappable: Vec<&str> = TOOL_KEYS
        .iter()
        .copied()
        .filter(|k| *k != "labels")
        .collect();
    let inventory = object(INVENTORY_KEYS, |key| match key {
        "tools" => json!({"type": "string", "minLength": 1, "default": "tools",
            "description": "Where the tools are: the top-level key holding the list (default `tools`), `.` for a file that is a list, `single` for one tool per file"}),
        "fields" => json!({"type": ["object", "null"], "propertyNames": {"enum": TOOL_KEYS},
            "additionalProperties": {"type": "string", "minLength": 1},
            "description": "Our field name -> the key the company uses (unmapped fields keep their own name)"}),
        "unknown_fields" => one_of(
            UNKNOWN_FIELDS,
            "Keys no field is mapped to: `unknown-field` findings (warn, the default) or nothing (ignore)",
        ),
        "values" => json!({"type": ["object", "null"], "propertyNames": {"enum": mappable},
            "additionalProperties": {"type": ["object", "null"], "additionalProperties": {"type": "string", "minLength": 1}},
            "description": "Per field, the company's values -> ours (e.g. data_classification: {Red: restricted}); other values stay as written"}),
        _ => json!({}),
    });
    let top = object(config::TOP_KEYS, |key| match key {
        "fail_on" => one_of(FAIL_ON, "Exit 1 at or above this severity; --fail-on wins"),
        "data_classification" => json!({"$ref": "#/$defs/data_classification"}),
        "rules" => json!({"type": ["object", "null"], "propertyNames": {"enum": rule_ids},
            "additionalProperties": {"enum": RULE_LEVELS},
            "description": "Severity per rule id; --severity wins"}),
        "exceptions" => json!({"type": ["array", "null"], "items": {"$ref": "#/$defs/exception"}}),
        "inventory" => json!({"$ref": "#/$defs/inventory"}),
        _ => json!({}),
    });
    let mut schema = top;
    schema["$schema"] = json!(DRAFT);
    schema["$id"] = json!(concat!(
        env!("CARGO_PKG_REPOSITORY"),
        "/raw/main/schemas/config.schema.json"
    ));
    schema["title"] = json!("e2ee-lint config (e2ee-lint.yaml)");
    schema["type"] = json!(["object", "null"]);
    schema["$defs"] = json!({"data_classification": classification, "exception": exception,
        "inventory": inventory});
    schema
}
