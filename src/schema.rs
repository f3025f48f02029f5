//! JSON Schemas of the inventory and config formats, generated from the loaders' own key lists
//! (so they cannot drift from the code) and committed under `schemas/` (tested to match).
//!
//! Generated from constants rather than derived from typed structs: both loaders read a spanned
//! YAML tree, not serde structs, and the keyword lists (`CATEGORIES`, rule ids...) they validate
//! against are exactly what the schema must enumerate.

use serde_json::{Value, json};

use crate::engine::rule::Registry;
use crate::fields::{FIELDS, Kind};
use crate::inventory::TOP_KEYS;
use crate::policy::config::{
    self, CATALOG_KEYS, CLASSIFICATION_KEYS, EXCEPTION_KEYS, FAIL_ON, INVENTORY_KEYS,
    OVERRIDE_KEYS, RULE_LEVELS, UNKNOWN_FIELDS,
};

/// Which format's schema: `e2ee-lint schema inventory` or `schema config`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaKind {
    Inventory,
    Config,
}

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The schema as `e2ee-lint schema` prints it: pretty JSON with a final newline.
pub(crate) fn text(which: SchemaKind) -> String {
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

pub(crate) fn inventory() -> Value {
    // Every tool field, from the one field table.
    let names: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
    let tool = object(&names, |key| {
        let Some(field) = FIELDS.iter().find(|f| f.name == key) else {
            return json!({});
        };
        let mut schema = match field.kind {
            // A number or boolean is read as its text (`id: 2024`), so the schema accepts them.
            Kind::Text if field.required => json!({"anyOf": [
                {"type": "string", "minLength": 1},
                {"type": ["number", "boolean"]}
            ]}),
            Kind::Text | Kind::Level => json!({"type": ["string", "number", "boolean"]}),
            Kind::Keyword(words) => json!({"enum": words}),
            Kind::Channels => {
                json!({"type": "array", "items": {"enum": crate::fields::CHANNELS}, "uniqueItems": true})
            }
            Kind::Labels => json!({"type": "object", "additionalProperties": {"type": "string"}}),
        };
        schema["description"] = json!(field.doc);
        schema
    });
    let mut tool = tool;
    let required: Vec<&str> = FIELDS
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    tool["required"] = json!(required);
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

pub(crate) fn config() -> Value {
    let rule_ids: Vec<String> = Registry::embedded()
        .map(|r| r.rules().map(|r| r.info.id.to_string()).collect())
        .unwrap_or_default();
    // `invalid-config` is documented like a rule but is no finding: it cannot be configured.
    let rule_ids: Vec<String> = rule_ids
        .into_iter()
        .filter(|id| id != crate::policy::ids::INVALID_CONFIG)
        .collect();
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
                json!({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}],
                "description": "Glob patterns of inventories (relative to the config file) this exception is limited to"})
            }
            _ => json!({}),
        });
        o["required"] = json!(["tool", "rule", "reason", "approved_by", "expires"]);
        o
    };
    let mappable: Vec<&str> = FIELDS
        .iter()
        .filter(|f| f.kind != Kind::Labels)
        .map(|f| f.name)
        .collect();
    let inventory = object(INVENTORY_KEYS, |key| match key {
        "preset" => {
            let presets = crate::inventory::preset::PRESETS;
            json!({"enum": crate::inventory::preset::names(),
            "description": format!("A ready-made mapping for a shape met in the wild; keys written next to it override it. {}",
                presets.iter().map(|p| format!("`{}`: {}", p.name, p.about)).collect::<Vec<_>>().join("; "))})
        }
        "tools" => json!({"type": "string", "minLength": 1, "default": "tools",
            "description": "Where the tools are: the top-level key holding the list (default `tools`), `.` for a file that is a list, `single` for one tool per file, or a path through nested lists and mappings (`categories[*].sections[*].services[*]`; `*` is every value of a mapping)"}),
        "fields" => {
            json!({"type": ["object", "null"], "propertyNames": {"enum": crate::fields::names()},
            "additionalProperties": {"anyOf": [{"type": "string", "minLength": 1}, {"type": "null"}]},
            "description": "Our field name -> the key the company uses (unmapped fields keep their own name), a path below the tool (`meta.company`), a path from an enclosing record (`^.name` is the record holding the tool's list, `^^.name` the one above), or `~` to read the field from nowhere"})
        }
        "unknown_fields" => one_of(
            UNKNOWN_FIELDS,
            "Keys no field is mapped to: `unknown-field` findings (warn, the default) or nothing (ignore)",
        ),
        "values" => json!({"type": ["object", "null"], "propertyNames": {"enum": mappable},
            "additionalProperties": {"type": ["object", "null"], "additionalProperties": {"anyOf": [{"type": "string", "minLength": 1}, {"type": "null"}]}},
            "description": "Per field, the company's values -> ours (e.g. data_classification: {Red: restricted}); `\"*\"` names every other value; `~` leaves the field unset; other values stay as written"}),
        _ => json!({}),
    });
    let paths = |description: &str| {
        json!({"anyOf": [{"type": "string", "minLength": 1},
            {"type": "array", "items": {"type": "string", "minLength": 1}}],
            "description": description})
    };
    let channels: Vec<&str> = crate::catalog::Channel::ALL
        .iter()
        .map(|c| c.as_str())
        .chain(["text"])
        .collect();
    let overrides = {
        let mut o = object(OVERRIDE_KEYS, |key| match key {
            "system" => {
                json!({"type": "string", "minLength": 1, "description": "The catalog id (`e2ee-lint catalog` lists them)"})
            }
            "channels" => json!({"type": "object", "minProperties": 1,
                "propertyNames": {"enum": channels},
                "additionalProperties": {"enum": ["default", "opt-in", "admin-opt-in", "org-keys", "none"]},
                "description": "Channel -> the status the company enforces (`text` is both text channels)"}),
            "reason" => {
                json!({"type": "string", "minLength": 1, "description": "Why the company's status differs from the catalog's"})
            }
            "source" => {
                json!({"type": "string", "minLength": 1, "description": "The company's document behind the override (a URL or reference)"})
            }
            _ => json!({}),
        });
        o["required"] = json!(OVERRIDE_KEYS);
        o
    };
    let catalog = object(CATALOG_KEYS, |key| match key {
        "systems" => {
            json!({"type": ["array", "null"], "items": {"type": "object", "required": ["id", "name", "vendor", "category", "confidence", "reviewed", "sources", "note"]},
            "description": "Systems the company adds, in the entry format of rules/catalog.yaml"})
        }
        "overrides" => json!({"type": ["array", "null"], "items": {"$ref": "#/$defs/override"},
            "description": "Per-channel status overrides of catalog entries"}),
        _ => json!({}),
    });
    let top = object(config::TOP_KEYS, |key| match key {
        "extends" => paths(
            "Config files this one inherits (paths relative to this file); this file wins key by key, lists accumulate",
        ),
        "rule_files" => {
            paths("Glob patterns of rule files (relative to this file); each must match a file")
        }
        "catalog" => json!({"$ref": "#/$defs/catalog"}),
        "catalog_overrides" => one_of(
            config::CATALOG_OVERRIDES,
            "`forbid` refuses every `catalog:` override and added system in this file and every file it extends or that extends it",
        ),
        "fail_on" => one_of(FAIL_ON, "Exit 1 at or above this severity; --fail-on wins"),
        "data_classification" => json!({"$ref": "#/$defs/data_classification"}),
        "rules" => json!({"type": ["object", "null"], "propertyNames": {"enum": rule_ids},
            "additionalProperties": {"enum": RULE_LEVELS},
            "description": "Severity per rule id; --severity wins"}),
        "exceptions" => json!({"type": ["array", "null"], "items": {"$ref": "#/$defs/exception"}}),
        "max_exception_days" => {
            json!({"type": "integer", "minimum": 1, "default": config::MAX_EXCEPTION_DAYS,
            "description": "An exception expiring more than this many days from today is an `exception-too-long` finding"})
        }
        "inventory" => json!({"$ref": "#/$defs/inventory"}),
        "allow_empty" => json!({"type": "boolean", "default": false,
            "description": "An inventory that lists no tools is deliberate, not an `empty-inventory` finding"}),
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
        "inventory": inventory, "catalog": catalog, "override": overrides});
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The config schema enumerates exactly the preset table: tests/presets.rs reads the presets
    /// there is from it.
    #[test]
    fn the_preset_enumeration_is_the_preset_table() {
        let schema: Value = serde_json::from_str(&text(SchemaKind::Config)).unwrap();
        let listed: Vec<&str> = schema["$defs"]["inventory"]["properties"]["preset"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap())
            .collect();
        assert_eq!(listed, crate::inventory::preset::names());
        assert!(!listed.is_empty());
    }
}
