//! Real-world names (tests/data/real-world-names.tsv, written from vendor pages and public
//! inventories, not from the catalog's aliases): none resolves to a wrong system, no messaging
//! name that the catalog does not classify passes silently, and look-alikes from other trades
//! get no finding at all. Expectations are the list's ids, checked against the catalog.

mod common;

use std::collections::BTreeMap;

use e2ee_lint::catalog::Catalog;

struct Row {
    name: String,
    expected: String,
    messaging: bool,
}

fn rows() -> Vec<Row> {
    let text =
        std::fs::read_to_string(common::root().join("tests/data/real-world-names.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            assert_eq!(cells.len(), 4, "{line}");
            assert!(matches!(cells[2], "messaging" | "lookalike"), "{line}");
            Row {
                name: cells[0].to_owned(),
                expected: cells[1].to_owned(),
                messaging: cells[2] == "messaging",
            }
        })
        .collect()
}

#[test]
fn real_world_names_resolve_right_and_none_is_silent() {
    let rows = rows();
    let catalog = Catalog::embedded();
    assert!(rows.iter().filter(|r| r.messaging).count() >= 150);
    assert!(rows.iter().filter(|r| !r.messaging).count() >= 30);
    for row in &rows {
        assert!(
            row.expected == "none" || catalog.by_id(&row.expected).is_some(),
            "`{}` expects `{}`, which is not a catalog id",
            row.name,
            row.expected
        );
    }
    let mut inventory = String::from("tools:\n");
    for (i, row) in rows.iter().enumerate() {
        let name = serde_json::to_string(&row.name).unwrap();
        inventory.push_str(&format!("  - {{name: {name}, id: n{i}}}\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("names.yaml");
    std::fs::write(&path, inventory).unwrap();
    let out = common::e2ee_lint(&["check", path.to_str().unwrap(), "--format", "report-json"]);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).expect(&out.stderr);
    let tools: BTreeMap<&str, &serde_json::Value> = report["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["id"].as_str().unwrap(), t))
        .collect();
    let (mut wrong, mut silent, mut lookalikes) = (Vec::new(), Vec::new(), Vec::new());
    for (i, row) in rows.iter().enumerate() {
        let tool = tools[format!("n{i}").as_str()];
        let got = tool["catalog_id"].as_str().unwrap_or("none");
        let findings = tool["findings"].as_array().unwrap();
        if got != row.expected {
            wrong.push(format!("{} → {got} (expected {})", row.name, row.expected));
        }
        if row.messaging && got == "none" && findings.is_empty() {
            silent.push(row.name.as_str());
        }
        if !row.messaging && !findings.is_empty() {
            lookalikes.push(format!("{}: {findings:?}", row.name));
        }
    }
    assert!(wrong.is_empty(), "wrong systems: {wrong:#?}");
    assert!(
        lookalikes.is_empty(),
        "look-alikes with findings: {lookalikes:#?}"
    );
    assert!(silent.is_empty(), "silent messaging names: {silent:#?}");
}
