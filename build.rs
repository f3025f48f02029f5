//! Embeds every `rules/*.yaml` rule file (all but the catalog) so that adding a rule needs no code,
//! and embeds them and the catalog as JSON: the same data, parsed at every start in a tenth of
//! the time YAML takes (the YAML was most of a pre-commit run). Tests hold the two equal.
//!
//! The YAML is read as granit-parser's events (the parser under the library's own loader) and
//! its plain scalars resolve through the library's `yaml/scalar.rs`, so a clean build compiles
//! no serde stack for the build script: that was about 7 s of CPU before the library could start.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

use granit_parser::{Event, Parser, ScalarStyle};

/// How the library resolves an untagged plain scalar (null, boolean, integer, float or string).
#[path = "src/yaml/scalar.rs"]
mod scalar;

/// The scalar part of the library's `yaml::NodeKind`, which `scalar.rs` builds.
enum NodeKind<'a> {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(Cow<'a, str>),
}

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
        // A rule file this reader does not take (not YAML, or anchors and tags, which no
        // built-in rule uses) is embedded as `null`, which fails at start with the rule's name;
        // the tests parse the YAML itself and say where.
        let json = to_json(&text, Numbers::AsNumbers).unwrap_or_else(|| "null".to_owned());
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
    let json = to_json(&text, Numbers::AsStrings)
        .expect("rules/catalog.yaml is plain YAML (tests say why not)");
    fs::write(Path::new(&out_dir).join("catalog.json"), json).expect("OUT_DIR is writable");
}

/// How numbers are written: as JSON numbers, or as the strings the catalog's fields are.
#[derive(Clone, Copy, PartialEq)]
enum Numbers {
    AsNumbers,
    AsStrings,
}

/// The first YAML document of `text` as compact JSON, or `None` for anything but untagged,
/// unanchored block and flow collections and scalars with string keys.
fn to_json(text: &str, numbers: Numbers) -> Option<String> {
    let mut out = String::new();
    // Per open collection: whether it is a mapping, and how many nodes it holds so far.
    let mut open: Vec<(bool, usize)> = Vec::new();
    for item in Parser::new_from_str(text) {
        let (event, _) = item.ok()?;
        let node_starts = matches!(
            event,
            Event::Scalar(..) | Event::SequenceStart(..) | Event::MappingStart(..)
        );
        if node_starts && let Some((is_map, count)) = open.last_mut() {
            let is_key = *is_map && *count % 2 == 0;
            if *count > 0 && (!*is_map || is_key) {
                out.push(',');
            }
            if *is_map && !is_key {
                out.push(':');
            }
            if is_key && !matches!(event, Event::Scalar(..)) {
                return None;
            }
            *count += 1;
        }
        match event {
            Event::StreamStart | Event::DocumentStart(..) => {}
            Event::DocumentEnd | Event::StreamEnd => break,
            Event::SequenceStart(_, 0, None) => {
                out.push('[');
                open.push((false, 0));
            }
            Event::MappingStart(_, 0, None) => {
                out.push('{');
                open.push((true, 0));
            }
            Event::SequenceEnd => {
                open.pop();
                out.push(']');
            }
            Event::MappingEnd => {
                open.pop();
                out.push('}');
            }
            Event::Scalar(value, style, 0, None) => {
                let is_key = open
                    .last()
                    .is_some_and(|&(is_map, count)| is_map && count % 2 == 1);
                if is_key || style != ScalarStyle::Plain {
                    string(&mut out, &value);
                    continue;
                }
                match scalar::resolve_plain(value)? {
                    NodeKind::Null => out.push_str("null"),
                    NodeKind::Bool(b) => out.push_str(if b { "true" } else { "false" }),
                    NodeKind::Int(n) if numbers == Numbers::AsNumbers => write!(out, "{n}").ok()?,
                    NodeKind::Float(x) if numbers == Numbers::AsNumbers => {
                        write!(out, "{x}").ok()?
                    }
                    NodeKind::Int(n) => string(&mut out, &n.to_string()),
                    NodeKind::Float(x) => string(&mut out, &x.to_string()),
                    NodeKind::Str(s) => string(&mut out, &s),
                }
            }
            _ => return None,
        }
    }
    open.is_empty().then_some(out)
}

/// `text` as a JSON string.
fn string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
