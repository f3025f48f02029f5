//! The baseline file: findings accepted when the linter was adopted, keyed by stable identity.
//!
//! An entry is `(rule, file, tool id)` (or `(rule, file, message)` for a finding about no tool),
//! never a line number, so reordering an inventory does not resurrect entries while a new tool
//! with the same problem is still reported. The file is versioned JSON, sorted, one entry per
//! finding identity. JSON is YAML, so it is read with the same spanned parser as everything else.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use super::config::ConfigError;
use crate::finding::Finding;
use crate::source::{SourceFile, Span};
use crate::yaml::{self, Node, NodeKind};

pub const VERSION: i128 = 1;

/// The identity of a finding as a baseline records it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Key {
    pub rule: String,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Key {
    /// `file` is the inventory's path relative to the baseline's directory.
    pub fn of(finding: &Finding, file: String) -> Key {
        match &finding.tool {
            Some(tool) => Key {
                rule: finding.rule.to_string(),
                file,
                tool: Some(tool.id.to_string()),
                message: None,
            },
            None => Key {
                rule: finding.rule.to_string(),
                file,
                tool: None,
                message: Some(finding.message.to_string()),
            },
        }
    }
}

/// A loaded baseline: its entries, each with the span of its object in the file.
#[derive(Debug)]
pub struct Baseline {
    pub source: Arc<SourceFile>,
    pub entries: Vec<(Key, Span)>,
}

#[derive(Serialize)]
struct File<'a> {
    version: i128,
    entries: &'a BTreeSet<Key>,
}

/// The file's text for a set of keys: sorted and de-duplicated, so it diffs well.
pub fn render(keys: &BTreeSet<Key>) -> String {
    let mut text = serde_json::to_string_pretty(&File {
        version: VERSION,
        entries: keys,
    })
    .unwrap_or_default();
    text.push('\n');
    text
}

/// Reads a baseline file; every mistake points into it.
pub fn load(source: Arc<SourceFile>) -> Result<Baseline, Vec<ConfigError>> {
    let error = |span: Span, message: &str, label: &str| {
        vec![ConfigError::new(
            &source,
            span,
            message,
            label,
            Some("regenerate it with `e2ee-lint check --write-baseline FILE`".into()),
        )]
    };
    let documents = yaml::parse(&source.text)
        .map_err(|e| error(e.span, &format!("invalid baseline: {}", e.message), "here"))?;
    let Some(root) = documents.first() else {
        return Err(error(
            Span::new(0, 0),
            "the baseline file is empty",
            "empty",
        ));
    };
    match root.get("version") {
        Some(v) if v.kind == NodeKind::Int(VERSION) => {}
        Some(v) => return Err(error(v.span, "unsupported baseline version", "expected 1")),
        None => return Err(error(root.span, "the baseline has no `version`", "here")),
    }
    let Some(NodeKind::Seq(items)) = root.get("entries").map(|n| &n.kind) else {
        return Err(error(
            root.span,
            "the baseline has no `entries` list",
            "here",
        ));
    };
    let mut entries = Vec::with_capacity(items.len());
    for item in items {
        let text = |key: &str| item.get(key).and_then(Node::as_str).map(str::to_owned);
        let (Some(rule), Some(file)) = (text("rule"), text("file")) else {
            return Err(error(
                item.span,
                "a baseline entry needs `rule` and `file`",
                "here",
            ));
        };
        let key = Key {
            rule,
            file,
            tool: text("tool"),
            message: text("message"),
        };
        entries.push((key, item.span));
    }
    Ok(Baseline { source, entries })
}

/// Writes the file like every output: through a temporary file renamed into place, replacing a
/// symbolic link rather than writing through it.
pub fn write(path: &Path, keys: &BTreeSet<Key>) -> std::io::Result<()> {
    crate::write::atomic(path, |out| out.write_all(render(keys).as_bytes()))
}

/// A file where a baseline was to be read that is not one (or cannot be read).
#[derive(Debug)]
pub struct NotABaseline;

/// The entries of the baseline at `path` for files other than `checked` (names relative to the
/// baseline's directory, as entries are): what a run over some of the files must keep when it
/// rewrites the baseline. None when there is no file there; an error when there is one that is
/// not a baseline.
pub fn entries_of_other_files(
    path: &Path,
    checked: &BTreeSet<String>,
    max_size: u64,
) -> Result<Vec<Key>, NotABaseline> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(Vec::new());
    }
    let read = crate::discover::read(path, max_size).map_err(|_| NotABaseline)?;
    if read.invalid_utf8.is_some() {
        return Err(NotABaseline);
    }
    let previous = load(Arc::new(read.source)).map_err(|_| NotABaseline)?;
    Ok(previous
        .entries
        .into_iter()
        .map(|(key, _)| key)
        .filter(|key| !checked.contains(&key.file))
        .collect())
}
