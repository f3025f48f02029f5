//! The baseline file: findings accepted when the linter was adopted, keyed by stable identity.
//!
//! An entry is `(rule, file, tool id)` (or `(rule, file, message)` for a finding about no tool),
//! never a line number, so reordering an inventory does not resurrect entries while a new tool
//! with the same problem is still reported. The file is versioned JSON, sorted, one entry per
//! finding identity. JSON is YAML, so it is read with the same spanned parser as everything else.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use super::config::ConfigError;
use super::{ids, parent_dir, relative_to, sink};
use crate::Outcome;
use crate::finding::{Finding, SuppressionKind};
use crate::source::{SourceFile, Span};
use crate::yaml::{self, Node, NodeKind};

pub(crate) const VERSION: i128 = 1;

/// The identity of a finding as a baseline records it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub(crate) struct Key {
    pub(crate) rule: String,
    pub(crate) file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) tool: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Key {
    /// `file` is the inventory's path relative to the baseline's directory.
    pub(crate) fn of(finding: &Finding, file: String) -> Key {
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
pub(crate) struct Baseline {
    pub source: Arc<SourceFile>,
    pub(crate) entries: Vec<(Key, Span)>,
}

#[derive(Serialize)]
struct File<'a> {
    version: i128,
    entries: &'a BTreeSet<Key>,
}

/// The file's text for a set of keys: sorted and de-duplicated, so it diffs well.
pub(crate) fn render(keys: &BTreeSet<Key>) -> String {
    let mut text = serde_json::to_string_pretty(&File {
        version: VERSION,
        entries: keys,
    })
    .unwrap_or_default();
    text.push('\n');
    text
}

/// Reads a baseline file; every mistake points into it.
pub(crate) fn load(source: Arc<SourceFile>) -> Result<Baseline, Vec<ConfigError>> {
    let error = |span: Span, message: &str, label: &str| {
        vec![crate::policy::config::config_error(
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
pub(crate) fn write(path: &Path, keys: &BTreeSet<Key>) -> std::io::Result<()> {
    crate::write::atomic(path, |out| out.write_all(render(keys).as_bytes()))
}

/// A file where a baseline was to be read that is not one (or cannot be read).
#[derive(Debug)]
pub(crate) struct NotABaseline;

/// The entries of the baseline at `path` for files other than `checked` (names relative to the
/// baseline's directory, as entries are): what a run over some of the files must keep when it
/// rewrites the baseline. None when there is no file there; an error when there is one that is
/// not a baseline.
pub(crate) fn entries_of_other_files(
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

/// What `--write-baseline` recorded, and what it could not.
#[derive(Debug, Default)]
pub(crate) struct Recorded {
    pub(crate) keys: BTreeSet<Key>,
    /// Entries of the previous baseline kept because this run did not check their files.
    pub(crate) kept: usize,
    /// A run over some files found a file at the path that is not a baseline, so it could
    /// keep nothing of it.
    pub(crate) previous_unreadable: bool,
    /// Active findings a baseline cannot hold (the policy's own), counted by rule.
    pub(crate) not_recordable: BTreeMap<String, usize>,
}

/// Records an outcome for `--write-baseline PATH`: every finding that is active or already
/// suppressed by a baseline, with file paths relative to the baseline's directory. The
/// recorded findings are marked as suppressed by the baseline, so the outcome is what the next
/// run with `--baseline PATH` reports.
///
/// The policy's own findings (an expired exception, an unused ignore, ...) are not recorded:
/// a baseline that could hold them would renew expired exceptions and keep dead entries
/// forever. They stay active and are counted in [`Recorded::not_recordable`].
///
/// A run over some of the inventories keeps the previous baseline's entries of the files it did
/// not check: rewriting the baseline from one file must not forget the others.
pub(crate) fn record_baseline(outcome: &mut Outcome, path: &Path, max_size: u64) -> Recorded {
    let dir = parent_dir(path);
    let mut recorded = Recorded::default();
    let mut names = RelativeNames::new(&dir);
    if !outcome.whole_set {
        let checked: BTreeSet<String> = outcome
            .files
            .iter()
            .map(|f| names.of(&f.source).to_owned())
            .collect();
        match entries_of_other_files(path, &checked, max_size) {
            Ok(kept) => {
                recorded.kept = kept.len();
                recorded.keys.extend(kept);
            }
            Err(NotABaseline) => recorded.previous_unreadable = true,
        }
    }
    for finding in &mut outcome.findings {
        let recordable = match &finding.suppressed {
            None => true,
            Some(s) => s.kind == SuppressionKind::Baseline,
        };
        if !recordable {
            continue;
        }
        if ids::ALL.contains(&&*finding.rule) {
            *recorded
                .not_recordable
                .entry(finding.rule.to_string())
                .or_default() += 1;
            continue;
        }
        recorded
            .keys
            .insert(Key::of(finding, names.of(&finding.source).to_owned()));
        if finding.suppressed.is_none() {
            finding.suppressed = Some(Box::new(sink::baseline_suppression()));
        }
    }
    recorded
}

/// [`relative_to`] for each finding's file, computed once per file (findings come sorted by
/// file).
pub(crate) struct RelativeNames<'a> {
    dir: &'a Path,
    last: Option<(Arc<SourceFile>, String)>,
}

impl<'a> RelativeNames<'a> {
    pub(crate) fn new(dir: &'a Path) -> Self {
        RelativeNames { dir, last: None }
    }

    pub(crate) fn of(&mut self, source: &Arc<SourceFile>) -> &str {
        let stale = !matches!(&self.last, Some((s, _)) if Arc::ptr_eq(s, source));
        if stale {
            let name = relative_to(self.dir, &source.path, &source.name);
            self.last = Some((Arc::clone(source), name));
        }
        self.last.as_ref().map_or("", |(_, name)| name.as_str())
    }
}
