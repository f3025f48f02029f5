//! Generated copies stay current: the README's rules, fields and catalog sections and the JSON
//! Schemas under `schemas/` are derived from the rule files, the field table and the catalog;
//! the README's GitLab section from a real run on GitLab's tech stack (shared data).
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
    // One test writes every section: two writers of README.md would race.
    if let Some(body) = gitlab_section_of(&readme) {
        expected = with_section(&expected, "gitlab", &body);
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

/// The README's GitLab section: a real run on GitLab's `tech_stack.yml` with the README's own
/// mapping config (read from the README), rendered from the run's `report-json`; the report's
/// coverage must equal the JSON output's. `None` when the shared data set is absent (a failure
/// under `E2EE_LINT_REQUIRE_DATA=1`): the section is then left as it is.
fn gitlab_section_of(readme: &str) -> Option<String> {
    let inventory = common::shared_data("inventories/gitlab/tech_stack.yml")?;
    let marker = "# e2ee-lint.yaml next to tech_stack.yml\n";
    let start = readme.find(marker).expect("README has the GitLab config") + marker.len();
    let config = &readme[start..start + readme[start..].find("```").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("e2ee-lint.yaml");
    std::fs::write(&config_path, config).unwrap();
    let text = |format: &str| {
        let args = [
            "check",
            inventory.to_str().unwrap(),
            "--config",
            config_path.to_str().unwrap(),
            "--today",
            "2026-12-06",
            "--format",
            format,
        ];
        common::e2ee_lint(&args).stdout
    };
    let run = |format: &str| {
        let out = text(format);
        serde_json::from_str::<serde_json::Value>(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
    };
    let json = run("json");
    let report = run("report-json");
    let coverage = &report["summary"]["coverage"];
    assert_eq!(
        coverage, &json["summary"]["coverage"],
        "report and JSON agree"
    );
    assert_eq!(coverage["tools"], json["summary"]["tools"]);
    // The Markdown report states the same numbers.
    let markdown = text("markdown");
    for (row, key) in [
        ("communication tools judged", "judged"),
        ("tools with invalid fields", "invalid"),
        ("tools not applicable", "not_applicable"),
        ("files with no tool", "files_without_tools"),
    ] {
        let line = format!("| {row} | {} |", json["summary"]["coverage"][key]);
        assert!(markdown.contains(&line), "{line} not in the report");
    }
    // The data-classification mapping in force is printed in the policy section.
    let policy = markdown
        .lines()
        .find(|l| l.starts_with("| config | ") && l.contains("values mapped"))
        .expect("the config's value mapping is in the report");
    for colour in ["Red → restricted", "Orange → confidential"] {
        assert!(policy.contains(colour), "{colour}: {policy}");
    }
    Some(gitlab_section(&report))
}

/// The section's Markdown: coverage, verdict, tools that need action, control statuses.
fn gitlab_section(report: &serde_json::Value) -> String {
    let n = |v: &serde_json::Value| v.as_u64().unwrap_or(0);
    let c = &report["summary"]["coverage"];
    let mut out = String::from(
        "Generated from a real run (`UPDATE=1 cargo test --locked --test generated`, policy date \
         2026-12-06) on GitLab's `tech_stack.yml` with the config above:\n\n| coverage | count |\n|---|---|\n",
    );
    out.push_str(&format!("| tools recognized | {} |\n", n(&c["tools"])));
    out.push_str(&format!(
        "| communication tools (in the catalog / unclassified / ambiguous) | {} ({} / {} / {}) |\n",
        n(&c["communication"]),
        n(&c["catalog"]),
        n(&c["unclassified"]),
        n(&c["ambiguous"])
    ));
    out.push_str(&format!(
        "| communication tools judged | {} |\n",
        n(&c["judged"])
    ));
    out.push_str(&format!(
        "| tools with invalid fields | {} |\n",
        n(&c["invalid"])
    ));
    out.push_str(&format!(
        "| tools not applicable | {} |\n",
        n(&c["not_applicable"])
    ));
    for reason in c["not_applicable_reasons"].as_array().unwrap() {
        out.push_str(&format!(
            "| not applicable: {} | {} |\n",
            reason["reason"].as_str().unwrap().replace('`', "\\`"),
            n(&reason["tools"])
        ));
    }
    out.push_str(&format!(
        "| files with no tool | {} |\n",
        n(&c["files_without_tools"])
    ));
    out.push_str(&format!(
        "\nVerdict: **{}**\n\n| outcome | tools |\n|---|---|\n",
        report["summary"]["verdict_text"].as_str().unwrap()
    ));
    let tools = report["tools"].as_array().unwrap();
    for outcome in [
        "non-compliant",
        "at-risk",
        "not-examined",
        "banned",
        "accepted-risk",
        "compliant",
        "not-applicable",
    ] {
        let names: Vec<&str> = tools
            .iter()
            .filter(|t| t["outcome"] == outcome)
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        if names.is_empty() {
            continue;
        }
        let shown = if outcome == "not-applicable" {
            names.len().to_string()
        } else {
            let names: Vec<String> = names.iter().map(|n| n.replace('|', "\\|")).collect();
            format!("{}: {}", names.len(), names.join("; "))
        };
        out.push_str(&format!("| `{outcome}` | {shown} |\n"));
    }
    out.push_str("\n| control | pass | fail | status |\n|---|---|---|---|\n");
    for control in report["controls"].as_array().unwrap() {
        out.push_str(&format!(
            "| {} | {} | {} | `{}` |\n",
            control["control"].as_str().unwrap(),
            n(&control["pass"]),
            n(&control["fail"]),
            control["status"].as_str().unwrap()
        ));
    }
    out
}
