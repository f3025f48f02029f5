//! Generated copies stay current: the README's rules, fields and catalog sections and the JSON
//! Schemas under `schemas/` are derived from the rule files, the field table and the catalog.
//!
//! One command refreshes them all: `UPDATE=1 cargo test --test generated`.

mod common;

use e2ee_lint::app::{catalog_markdown, rules_markdown};
use e2ee_lint::catalog::Catalog;
use e2ee_lint::cli::SchemaKind;
use e2ee_lint::engine::rule::Registry;

fn updating() -> bool {
    std::env::var_os("UPDATE").is_some_and(|v| v == "1")
}

/// The README with the section between `<!-- NAME:start -->` and `<!-- NAME:end -->` replaced.
fn with_section(readme: &str, name: &str, body: &str) -> String {
    let start_marker = format!("<!-- {name}:start -->");
    let end_marker = format!("<!-- {name}:end -->");
    let start = readme
        .find(&start_marker)
        .unwrap_or_else(|| panic!("README has no {start_marker}"))
        + start_marker.len();
    let end = readme
        .find(&end_marker)
        .unwrap_or_else(|| panic!("README has no {end_marker}"));
    format!("{}\n{}\n{}", &readme[..start], body.trim(), &readme[end..])
}

#[test]
fn readme_sections_match_their_sources() {
    let path = common::root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let catalog = Catalog::embedded();
    let systems: Vec<_> = catalog.systems().iter().collect();
    let registry = Registry::embedded().unwrap();
    let mut expected = readme.clone();
    for (name, body) in [
        ("rules", rules_markdown(&registry.infos())),
        ("fields", e2ee_lint::fields::markdown()),
        ("catalog", catalog_markdown(&systems)),
    ] {
        expected = with_section(&expected, name, &body);
    }
    if updating() {
        std::fs::write(&path, &expected).unwrap();
    } else {
        assert!(
            readme == expected,
            "README.md is stale: run `UPDATE=1 cargo test --test generated`"
        );
    }
}

#[test]
fn committed_schemas_match_the_printed_ones() {
    for (which, file) in [
        (SchemaKind::Inventory, "inventory.schema.json"),
        (SchemaKind::Config, "config.schema.json"),
    ] {
        let path = common::root().join("schemas").join(file);
        let printed = e2ee_lint::schema::text(which);
        if updating() {
            std::fs::write(&path, &printed).unwrap();
        } else {
            let committed = std::fs::read_to_string(&path).unwrap();
            assert!(
                committed == printed,
                "schemas/{file} is stale: run `UPDATE=1 cargo test --test generated`"
            );
        }
    }
}

#[test]
fn every_field_is_a_schema_property_a_condition_a_target_and_a_variable() {
    let schema: serde_json::Value =
        serde_json::from_str(&e2ee_lint::schema::text(SchemaKind::Inventory)).unwrap();
    let properties = &schema["$defs"]["tool"]["properties"];
    for field in e2ee_lint::fields::FIELDS {
        assert!(
            properties.get(field.name).is_some(),
            "{} not in the schema",
            field.name
        );
        assert!(
            e2ee_lint::engine::rule::Target::parse(field.name).is_ok(),
            "{} is not a target",
            field.name
        );
        assert!(
            e2ee_lint::engine::template::is_variable(field.name),
            "{} is not a template variable",
            field.name
        );
        if field.kind != e2ee_lint::fields::Kind::Labels {
            let rule = format!(
                "id: x\nseverity: info\nsummary: s\ndocs: d\nwhen: {{field: tool.{}, exists: true}}\nmessage: '{{{}}}'\nat: {}\n",
                field.name, field.name, field.name
            );
            let loaded = Registry::from_files([("x.yaml", rule.as_str())]);
            assert!(loaded.is_ok(), "{}: {:?}", field.name, loaded.err());
        }
    }
}
