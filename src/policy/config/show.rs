//! `e2ee-lint config --show`: the effective config (a file merged with everything it
//! extends) as YAML, each value followed by the file and line it came from.
//!
//! Values are re-emitted in flow style from the spanned tree (never copied as text), so the
//! output is valid YAML whatever layout the files used, and the same bytes on every run.

use std::path::PathBuf;

use super::{ACCUMULATING_KEYS, Config, Layer, Loader, MAX_EXCEPTION_DAYS, TOP_KEYS};
use crate::policy::{parent_dir, relative_to};
use crate::source::SourceFile;
use crate::yaml::{Node, NodeKind};

/// One effective value and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shown {
    /// The top-level key, then the entry's key for `rules` (`rules.no-e2ee`), or the
    /// accumulating list (`exceptions`, `rule_files`, `catalog.systems`, `catalog.overrides`).
    pub(crate) key: String,
    /// The value in YAML flow style.
    pub(crate) text: String,
    /// `file:line`.
    pub(crate) origin: String,
    /// For `rule_files`: the resolved file, shown relative to the config that shows it.
    pub path: Option<PathBuf>,
}

impl Shown {
    /// Whether entries with this key accumulate through `extends` instead of replacing.
    pub(crate) fn accumulates(&self) -> bool {
        let top = self.key.split('.').next().unwrap_or("");
        ACCUMULATING_KEYS.contains(&top)
    }
}

impl Loader<'_> {
    fn origin(&self, node: &Node) -> String {
        format!(
            "{}:{}",
            self.source.name,
            self.source.line_col(node.span.offset).line
        )
    }

    /// Records `key`'s value (or `sub`, an entry of it) as set by this file.
    pub(super) fn show(&self, layer: &mut Layer, key: &Node, value: &Node, sub: Option<&str>) {
        let name = key.as_str().unwrap_or("");
        layer.shown.push(Shown {
            key: sub.map_or_else(|| name.to_owned(), |s| format!("{name}.{s}")),
            text: flow(value, self.source),
            origin: self.origin(key),
            path: None,
        });
    }

    /// Records each entry of a mapping (`rules`) as its own value.
    pub(super) fn show_entries(&self, layer: &mut Layer, key: &str, value: &Node) {
        if let NodeKind::Map(entries) = &value.kind {
            for (k, v) in entries {
                layer.shown.push(Shown {
                    key: format!("{key}.{}", flow(k, self.source)),
                    text: flow(v, self.source),
                    origin: self.origin(k),
                    path: None,
                });
            }
        }
    }

    /// Records each item of a list (`exceptions`, `catalog.systems`) as an accumulating entry.
    pub(super) fn show_items(&self, layer: &mut Layer, key: &str, value: &Node) {
        if let NodeKind::Seq(items) = &value.kind {
            for item in items {
                self.show_item(layer, key, item);
            }
        }
    }

    /// Records one item of an accumulating list.
    pub(super) fn show_item(&self, layer: &mut Layer, key: &str, item: &Node) {
        layer.shown.push(Shown {
            key: key.to_owned(),
            text: flow(item, self.source),
            origin: self.origin(item),
            path: None,
        });
    }

    /// Records one resolved rule file, found by the glob at `pattern`.
    pub(super) fn show_path(&self, layer: &mut Layer, pattern: &Node, path: PathBuf) {
        layer.shown.push(Shown {
            key: "rule_files".into(),
            text: String::new(),
            origin: self.origin(pattern),
            path: Some(path),
        });
    }
}

/// A node in YAML flow style: scalars as plain words where that reads back as the same
/// string, else double-quoted (JSON escapes are YAML escapes); numbers, booleans and null as
/// written.
pub(super) fn flow(node: &Node, source: &SourceFile) -> String {
    match &node.kind {
        NodeKind::Str(s) => scalar(s),
        NodeKind::Seq(items) => {
            let items: Vec<String> = items.iter().map(|i| flow(i, source)).collect();
            format!("[{}]", items.join(", "))
        }
        NodeKind::Map(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", flow(k, source), flow(v, source)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        NodeKind::Null => "null".into(),
        _ => source.slice(node.span).trim().to_owned(),
    }
}

/// A string as a YAML scalar that reads back as the same string.
fn scalar(s: &str) -> String {
    let plain_char = |c: char| c.is_alphanumeric() || " -_./@+()'".contains(c);
    let keyword = matches!(
        s.to_ascii_lowercase().as_str(),
        "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "~" | ".inf" | ".nan"
    );
    let plain = !s.is_empty()
        && s.chars().all(plain_char)
        && s.chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || "./_".contains(c))
        && !s.ends_with(' ')
        && !keyword
        && s.parse::<f64>().is_err()
        && !s.starts_with("0x")
        && !s.starts_with("0o");
    if plain {
        s.to_owned()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
    }
}

/// The effective config as YAML, each line's origin in a comment: `default` for a value no
/// file sets, else `file:line`.
pub(crate) fn render(config: &Config) -> String {
    let mut lines: Vec<(String, String)> = Vec::new();
    let chain: Vec<&str> = config.files.iter().map(|f| f.name.as_str()).collect();
    let dir = parent_dir(&config.source.path);
    for &top in TOP_KEYS {
        if top == "extends" {
            continue; // the chain is merged: the header names it
        }
        let shown: Vec<&Shown> = config
            .shown
            .iter()
            .filter(|s| s.key == top || s.key.starts_with(&format!("{top}.")))
            .collect();
        match top {
            "fail_on" if shown.is_empty() => {
                lines.push(("fail_on: error".into(), "default".into()))
            }
            "max_exception_days" if shown.is_empty() => lines.push((
                format!("max_exception_days: {MAX_EXCEPTION_DAYS}"),
                "default".into(),
            )),
            _ if shown.is_empty() => {}
            "rules" => {
                lines.push(("rules:".into(), String::new()));
                for s in shown {
                    let id = s.key.strip_prefix("rules.").unwrap_or(&s.key);
                    lines.push((format!("  {id}: {}", s.text), s.origin.clone()));
                }
            }
            "exceptions" => {
                lines.push(("exceptions:".into(), String::new()));
                for s in shown {
                    lines.push((format!("  - {}", s.text), s.origin.clone()));
                }
            }
            "rule_files" => {
                lines.push(("rule_files:".into(), String::new()));
                for s in shown {
                    let path = s.path.as_deref().map_or_else(String::new, |p| {
                        relative_to(&dir, p, &crate::discover::display_name(p))
                    });
                    lines.push((format!("  - {}", scalar(&path)), s.origin.clone()));
                }
            }
            "catalog" => {
                lines.push(("catalog:".into(), String::new()));
                for part in ["systems", "overrides"] {
                    let key = format!("catalog.{part}");
                    let items: Vec<&&Shown> = shown.iter().filter(|s| s.key == key).collect();
                    if items.is_empty() {
                        continue;
                    }
                    lines.push((format!("  {part}:"), String::new()));
                    for s in items {
                        lines.push((format!("    - {}", s.text), s.origin.clone()));
                    }
                }
            }
            _ => {
                for s in shown {
                    lines.push((format!("{top}: {}", s.text), s.origin.clone()));
                }
            }
        }
    }
    let width = lines
        .iter()
        .filter(|(_, origin)| !origin.is_empty())
        .map(|(line, _)| line.chars().count())
        .filter(|w| *w <= 60)
        .max()
        .unwrap_or(0);
    let mut out = format!(
        "# The effective config of {}, each value followed by the file:line it comes from.\n",
        config.source.name
    );
    if chain.len() > 1 {
        out.push_str(&format!(
            "# Files merged, nearest first: {}\n",
            chain.join(", ")
        ));
    }
    for (line, origin) in lines {
        if origin.is_empty() {
            out.push_str(&line);
        } else {
            let pad = width.saturating_sub(line.chars().count());
            out.push_str(&format!("{line}{:pad$}  # {origin}", ""));
        }
        out.push('\n');
    }
    out
}
