//! Embeds every `rules/*.yaml` rule file (all but the catalog) so that adding a rule needs no code,
//! and embeds them and the catalog as JSON: the same data, parsed at every start in a tenth of
//! the time YAML takes (the YAML was most of a pre-commit run). Tests hold the two equal.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("rules");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("rules/ exists")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension().is_some_and(|e| e == "yaml")
                && path.file_name().is_some_and(|n| n != "catalog.yaml")
        })
        .collect();
    files.sort();
    let mut out = String::from("&[\n");
    for path in files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("UTF-8 file name");
        let text = fs::read_to_string(&path).expect("rule files are readable");
        // A rule file that is not YAML is embedded as `null`, which fails at start with the
        // rule's name; the tests parse the YAML itself and say where.
        let value: serde_json::Value =
            serde_saphyr::from_str(&text).unwrap_or(serde_json::Value::Null);
        let json = serde_json::to_string(&value).expect("JSON from JSON values");
        writeln!(out, "    ({name:?}, {json:?}),").expect("write to String");
    }
    out.push(']');
    let out_dir = env::var("OUT_DIR").expect("cargo sets it");
    fs::write(Path::new(&out_dir).join("rules.rs"), out).expect("OUT_DIR is writable");

    // The catalog as JSON. Its values are all text: YAML reads `date: 2020` as a number, which
    // the JSON keeps as the string the catalog's fields are.
    let catalog = dir.join("catalog.yaml");
    println!("cargo:rerun-if-changed={}", catalog.display());
    let text = fs::read_to_string(&catalog).expect("rules/catalog.yaml exists");
    let mut value: serde_json::Value =
        serde_saphyr::from_str(&text).expect("rules/catalog.yaml is YAML (tests say why not)");
    numbers_to_strings(&mut value);
    let json = serde_json::to_string(&value).expect("JSON from JSON values");
    fs::write(Path::new(&out_dir).join("catalog.json"), json).expect("OUT_DIR is writable");
}

fn numbers_to_strings(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) => *value = serde_json::Value::String(n.to_string()),
        serde_json::Value::Array(items) => items.iter_mut().for_each(numbers_to_strings),
        serde_json::Value::Object(map) => map.values_mut().for_each(numbers_to_strings),
        _ => {}
    }
}
