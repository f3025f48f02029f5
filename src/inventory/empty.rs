//! `empty-inventory`: a file whose top-level mapping holds no tool list. Its keys are named,
//! with the `inventory:` mapping that would read them, so a company's own shape (a list under
//! `websites:`, one record per file, a misspelt `tools:`) is never a silent "0 tools, pass".

use super::{Problem, ProblemKind, preset};
use crate::source::Span;
use crate::suggest::did_you_mean;
use crate::yaml::{Node, NodeKind};

/// At most this many keys are named in the message.
const NAMED_KEYS: usize = 8;

/// Keys that commonly hold a tool's name in other shapes, in order of preference.
const NAME_KEYS: &[&str] = &["name", "title", "tool", "service", "app", "product"];

/// The problem for a top-level mapping with no tool list under `tools_key`: `entries` are
/// its keys and values, `span` where to point (its first unknown key).
pub(super) fn no_tool_list(
    entries: &[(Node, Node)],
    tools_key: &str,
    v1: bool,
    span: Span,
) -> Problem {
    let keys: Vec<&str> = entries.iter().filter_map(|(k, _)| k.as_str()).collect();
    let mut named: Vec<String> = keys
        .iter()
        .take(NAMED_KEYS)
        .map(|k| format!("`{k}`"))
        .collect();
    if keys.len() > NAMED_KEYS {
        named.push(format!("and {} more", keys.len() - NAMED_KEYS));
    }
    let message = format!(
        "no tool list found: the file has top-level keys {}; map them with `inventory:`",
        named.join(", ")
    );
    let help = suggestion(entries, &keys, tools_key, v1);
    Problem {
        kind: ProblemKind::Empty,
        span,
        message,
        help: Some(help),
    }
}

/// The problem for a file that lists no tools at all (an empty document or an empty list).
pub(super) fn no_tools(span: Span) -> Problem {
    Problem {
        kind: ProblemKind::Empty,
        span,
        message: "the file lists no tools".into(),
        help: Some(
            "add the tools the company uses, or set `allow_empty: true` in the config if the \
             file is empty on purpose"
                .into(),
        ),
    }
}

/// The `inventory:` mapping that would read this file, as a help line.
fn suggestion(entries: &[(Node, Node)], keys: &[&str], tools_key: &str, v1: bool) -> String {
    let seen = format!("keys seen: {}", keys.join(", "));
    // A key that holds a list of mappings is most likely the tool list.
    let list = entries.iter().find_map(|(key, value)| match &value.kind {
        NodeKind::Seq(items) if items.iter().any(|i| matches!(i.kind, NodeKind::Map(_))) => {
            Some((key.as_str()?, items))
        }
        _ => None,
    });
    let misspelt = keys
        .iter()
        .find_map(|k| did_you_mean(k, &[tools_key]))
        .map(|d| format!("; {d}"))
        .unwrap_or_default();
    if let Some((key, items)) = list {
        // A list of records that each hold a list of records: the tools are at the bottom.
        let (path, items) = nested(key, items);
        let fields = items
            .iter()
            .find_map(|item| name_key(item))
            .filter(|name| *name != "name")
            .map(|name| format!(", fields: {{name: {name}}}"))
            .unwrap_or_default();
        let entries = match items.len() {
            1 => "1 entry".to_owned(),
            n => format!("{n} entries"),
        };
        if path != key {
            let preset = preset::PRESETS
                .iter()
                .find(|p| p.tools == path)
                .map(|p| {
                    format!(
                        " (the preset `inventory: {{preset: {}}}` reads this shape)",
                        p.name
                    )
                })
                .unwrap_or_default();
            return format!(
                "{seen}{misspelt}; the list under `{key}` holds records that hold lists: the \
                 innermost records ({entries} in the first) read as tools with \
                 `inventory: {{tools: {path}{fields}, unknown_fields: ignore}}` in \
                 e2ee-lint.yaml{preset}"
            );
        }
        return format!(
            "{seen}{misspelt}; the list under `{key}` ({entries}) reads as tools with \
             `inventory: {{tools: {key}{fields}, unknown_fields: ignore}}` in e2ee-lint.yaml"
        );
    }
    // A mapping with a name is one tool record: a directory of such files.
    if keys.iter().any(|k| NAME_KEYS.contains(k)) {
        let fields = keys
            .iter()
            .find(|k| NAME_KEYS.contains(k))
            .filter(|k| **k != "name")
            .map(|k| format!(", fields: {{name: {k}}}"))
            .unwrap_or_default();
        return format!(
            "{seen}; this file looks like one tool record: read each file as one tool with \
             `inventory: {{tools: single{fields}, unknown_fields: ignore}}` in e2ee-lint.yaml"
        );
    }
    let expected = if v1 {
        "format v1 lists tools under `tools:`".to_owned()
    } else {
        format!("the config's `inventory.tools` says the tools are under `{tools_key}:`")
    };
    format!(
        "{seen}{misspelt}; {expected}: set `inventory.tools` to the key that holds the list, \
         `.` for a file that is itself a list, or `single` for one tool per file"
    )
}

/// At most this many lists deep a nested shape is followed for the suggestion.
const MAX_DEPTH: usize = 8;

/// The path to the innermost list of records below the list under `key`, following the first
/// record's first key that holds a list of records (`categories[*].sections[*].services[*]`),
/// and the items of that innermost list.
fn nested<'n>(key: &str, items: &'n [Node<'n>]) -> (String, &'n [Node<'n>]) {
    let mut path = format!("{key}[*]");
    let mut items = items;
    for _ in 0..MAX_DEPTH {
        let inner = items.iter().find_map(|item| match &item.kind {
            NodeKind::Map(entries) => entries.iter().find_map(|(k, v)| match &v.kind {
                NodeKind::Seq(inner)
                    if inner.iter().any(|i| matches!(i.kind, NodeKind::Map(_))) =>
                {
                    Some((k.as_str()?, inner))
                }
                _ => None,
            }),
            _ => None,
        });
        let Some((inner_key, inner)) = inner else {
            break;
        };
        path = format!("{path}.{inner_key}[*]");
        items = inner;
    }
    if path == format!("{key}[*]") {
        return (key.to_owned(), items);
    }
    (path, items)
}

/// The key of a tool record that most likely holds its name.
fn name_key<'n>(item: &'n Node) -> Option<&'n str> {
    let NodeKind::Map(entries) = &item.kind else {
        return None;
    };
    NAME_KEYS.iter().find_map(|wanted| {
        entries
            .iter()
            .filter_map(|(k, _)| k.as_str())
            .find(|k| k == wanted)
    })
}
