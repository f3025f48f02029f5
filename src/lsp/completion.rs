//! Completion: catalog names and aliases for `name:`, and the keys and values of the inventory
//! and config formats, from the field table the loader reads and the config's key constants.
//!
//! The cursor's context (which key, which parent mapping) is read from the lines around it,
//! because a buffer being typed is rarely valid YAML; what is offered comes from the same
//! declarations the loaders check against, so completion never offers what they would refuse.

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, InsertTextFormat, TextEdit,
};

use super::documents::{Document, Encoding, Kind};
use crate::catalog::Catalog;
use crate::fields::{self, FieldId};
use crate::policy::config;
use crate::source::Span;

/// Where the cursor is.
#[derive(Debug, PartialEq, Eq)]
enum Context {
    /// Writing a key under `parent` (`None`: the top level).
    Key { parent: Option<String> },
    /// Writing the value of `key` under `parent`, from `start` (a byte offset).
    Value {
        key: String,
        parent: Option<String>,
        start: usize,
    },
}

pub(super) fn complete(doc: &Document, offset: usize, encoding: Encoding) -> Vec<CompletionItem> {
    let Some(context) = context(&doc.text, offset) else {
        return Vec::new();
    };
    let (words, kind): (Vec<(String, Option<String>)>, _) = match (&context, doc.kind) {
        (Context::Key { parent }, Kind::Inventory) => (
            inventory_keys(parent.as_deref()),
            CompletionItemKind::PROPERTY,
        ),
        (Context::Key { parent }, Kind::Config) => {
            (config_keys(parent.as_deref()), CompletionItemKind::PROPERTY)
        }
        (Context::Value { key, parent, .. }, Kind::Inventory) => (
            inventory_values(key, parent.as_deref()),
            CompletionItemKind::VALUE,
        ),
        (Context::Value { key, parent, .. }, Kind::Config) => (
            config_values(key, parent.as_deref()),
            CompletionItemKind::VALUE,
        ),
        (_, Kind::Other) => return Vec::new(),
    };
    let range = match context {
        Context::Value { start, .. } => Some(doc.range(Span::new(start, offset - start), encoding)),
        Context::Key { .. } => None,
    };
    words
        .into_iter()
        .map(|(word, detail)| {
            let (insert_text, text_edit) = match range {
                // A value replaces what was typed of it (names have spaces: "Microsoft Teams").
                Some(range) => (
                    None,
                    Some(CompletionTextEdit::Edit(TextEdit {
                        range,
                        new_text: word.clone(),
                    })),
                ),
                None => (Some(format!("{word}: ")), None),
            };
            CompletionItem {
                label: word,
                kind: Some(kind),
                detail,
                insert_text,
                insert_text_format: Some(InsertTextFormat::PLAIN_TEXT),
                text_edit,
                ..Default::default()
            }
        })
        .collect()
}

fn plain(words: &[&str]) -> Vec<(String, Option<String>)> {
    words.iter().map(|w| ((*w).to_owned(), None)).collect()
}

fn inventory_keys(parent: Option<&str>) -> Vec<(String, Option<String>)> {
    match parent {
        None => plain(crate::inventory::TOP_KEYS),
        Some("tools") => fields::FIELDS
            .iter()
            .map(|f| (f.name.to_owned(), Some(f.doc.to_owned())))
            .collect(),
        Some(_) => Vec::new(),
    }
}

fn inventory_values(key: &str, parent: Option<&str>) -> Vec<(String, Option<String>)> {
    if parent != Some("tools") {
        return Vec::new();
    }
    let catalog = Catalog::embedded();
    match FieldId::parse(key) {
        Some(fields::NAME) => catalog_names(&catalog),
        Some(fields::SYSTEM) => catalog
            .systems()
            .iter()
            .map(|s| (s.id.clone(), Some(s.name.clone())))
            .collect(),
        Some(field) => match field.spec().kind {
            fields::Kind::Level => plain_owned(crate::engine::Levels::default().names),
            _ => field.vocabulary().map(plain).unwrap_or_default(),
        },
        None => Vec::new(),
    }
}

fn plain_owned(words: Vec<String>) -> Vec<(String, Option<String>)> {
    words.into_iter().map(|w| (w, None)).collect()
}

/// Every catalog name and alias, each with the system it names.
fn catalog_names(catalog: &Catalog) -> Vec<(String, Option<String>)> {
    let mut names = Vec::new();
    for system in catalog.systems() {
        let detail = format!("{} (`{}`), {}", system.name, system.id, system.category);
        names.push((system.name.clone(), Some(detail.clone())));
        for alias in &system.aliases {
            names.push((alias.clone(), Some(format!("alias of {detail}"))));
        }
    }
    names
}

fn rule_ids() -> Vec<(String, Option<String>)> {
    crate::engine::rule::Registry::embedded()
        .map(|r| {
            r.infos()
                .into_iter()
                .filter(|i| &*i.id != crate::policy::ids::INVALID_CONFIG)
                .map(|i| (i.id.to_string(), Some(i.summary)))
                .collect()
        })
        .unwrap_or_default()
}

fn config_keys(parent: Option<&str>) -> Vec<(String, Option<String>)> {
    match parent {
        None => plain(config::TOP_KEYS),
        Some("exceptions") => plain(config::EXCEPTION_KEYS),
        Some("inventory") => plain(config::INVENTORY_KEYS),
        Some("data_classification") => plain(config::CLASSIFICATION_KEYS),
        Some("rules") => rule_ids(),
        Some("fields" | "values") => plain(&fields::names()),
        Some(_) => Vec::new(),
    }
}

fn config_values(key: &str, parent: Option<&str>) -> Vec<(String, Option<String>)> {
    match (parent, key) {
        (None, "fail_on") => plain(config::FAIL_ON),
        (Some("rules"), _) => plain(config::RULE_LEVELS),
        (Some("exceptions"), "rule") => rule_ids(),
        (Some("exceptions"), "tool") => catalog_names(&Catalog::embedded()),
        (Some("inventory"), "unknown_fields") => plain(config::UNKNOWN_FIELDS),
        (Some("data_classification"), "e2ee_required_from") => {
            plain_owned(crate::engine::Levels::default().names)
        }
        _ => Vec::new(),
    }
}

/// The column where a line's key starts: after its indentation and any `- ` list markers.
fn key_column(line: &str) -> (usize, &str) {
    let mut rest = line;
    let mut column = 0;
    loop {
        let trimmed = rest.trim_start_matches(' ');
        column += rest.len() - trimmed.len();
        match trimmed
            .strip_prefix("- ")
            .or_else(|| (trimmed == "-").then_some(""))
        {
            Some(after) => {
                column += trimmed.len() - after.len();
                rest = after;
            }
            None => return (column, trimmed),
        }
    }
}

/// The key of the nearest line above with a smaller key column: the mapping being written in.
fn parent(lines: &[&str], column: usize) -> Option<String> {
    for line in lines.iter().rev() {
        let (col, content) = key_column(line);
        if content.trim().is_empty() || content.starts_with('#') || col >= column {
            continue;
        }
        return content
            .split_once(':')
            .map(|(key, _)| key.trim().trim_matches(['"', '\'']).to_owned());
    }
    None
}

fn context(text: &str, offset: usize) -> Option<Context> {
    let offset = offset.min(text.len());
    let line_start = text.get(..offset)?.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    if before.contains('#') {
        return None; // in a comment
    }
    let (column, content) = key_column(before);
    let lines: Vec<&str> = text[..line_start].lines().collect();
    let parent = parent(&lines, column.max(1)).filter(|_| column > 0);
    match content.split_once(':') {
        None => Some(Context::Key { parent }),
        Some((key, value)) => {
            let key = key.trim().trim_matches(['"', '\'']).to_owned();
            // Inside a flow list (`channels: [text, vo`) the word starts after `[` or `,`.
            let word_from = value.rfind(['[', ',']).map_or(0, |i| i + 1);
            let lead = value[word_from..].len() - value[word_from..].trim_start().len();
            let start = offset - (value.len() - word_from - lead);
            Some(Context::Value { key, parent, start })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts_from_the_lines_around_the_cursor() {
        let text = "tools:\n  - name: Sig\n    chan";
        assert_eq!(
            context(text, text.len()),
            Some(Context::Key {
                parent: Some("tools".into())
            })
        );
        let at = text.find("Sig").unwrap_or(0) + 3;
        assert_eq!(
            context(text, at),
            Some(Context::Value {
                key: "name".into(),
                parent: Some("tools".into()),
                start: at - 3
            })
        );
        let config = "fail_on: warning\nexceptions:\n  - tool: Slack\n    ru";
        assert_eq!(
            context(config, config.len()),
            Some(Context::Key {
                parent: Some("exceptions".into())
            })
        );
        assert_eq!(context("ver", 3), Some(Context::Key { parent: None }));
    }
}
