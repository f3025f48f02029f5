//! Fixes: byte-span edits that change only what a finding is about, applied and shown as a
//! unified diff. `check --fix`, `check --diff` and the language server's code actions share them.
//!
//! A fix is safe when it cannot change what the file means beyond its finding, and that is
//! checked, not assumed: the edited text is linted again through the one pipeline, and the fix
//! is kept only when that finding is gone and no other finding appeared or vanished. Everything
//! outside the edited bytes (comments, quoting, indentation, line ends) stays as it was, because
//! nothing is re-serialised.

use std::collections::BTreeMap;
use std::path::Path;

use crate::finding::Finding;
use crate::outcome::{FileReport, Outcome};
use crate::pipeline::{self, Error};
use crate::policy::Settings;
use crate::policy::ids::UNUSED_IGNORE;
use crate::policy::ignores::Ignore;
use crate::source::Span;
use crate::suggest::did_you_mean;

/// Replace the bytes of `span` with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Edit {
    pub span: Span,
    pub(crate) replacement: String,
}

/// One fix: the finding it removes and the edits that remove it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fix {
    pub(crate) rule: String,
    /// The primary span of the finding it fixes.
    pub at: Span,
    /// What it does, for `--fix` summaries and code action titles.
    pub(crate) title: String,
    pub(crate) edits: Vec<Edit>,
}

/// Applies edits to a text; `None` when two edits overlap or one falls outside the text or
/// between the bytes of a character.
pub(crate) fn apply(text: &str, edits: &[Edit]) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.offset, e.span.len));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in sorted {
        if edit.span.offset < at {
            return None;
        }
        out.push_str(text.get(at..edit.span.offset)?);
        text.get(edit.span.offset..edit.span.end())?;
        out.push_str(&edit.replacement);
        at = edit.span.end();
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

/// The key a "did you mean `x`?" help line suggests ([`did_you_mean`]'s own shape).
pub(crate) fn suggestion(help: &str) -> Option<&str> {
    help.strip_prefix("did you mean `")?.strip_suffix("`?")
}

/// Every key an inventory or config may hold, for deciding whether a suggestion is the only
/// close one.
fn known_keys() -> Vec<&'static str> {
    use crate::policy::config;
    let mut keys = crate::fields::names();
    for list in [
        crate::inventory::TOP_KEYS,
        config::TOP_KEYS,
        config::INVENTORY_KEYS,
        config::CLASSIFICATION_KEYS,
        config::EXCEPTION_KEYS,
    ] {
        keys.extend_from_slice(list);
    }
    keys
}

/// Renames a misspelt key at `span` to the key its help suggests. `safe`: only when the
/// suggestion is the one close match (a word close to two keys is left to a person).
pub(crate) fn rename_key(text: &str, span: Span, help: &str, safe: bool) -> Option<Fix> {
    let target = suggestion(help)?;
    let written = text.get(span.offset..span.end())?;
    // A quoted key keeps its quotes: only the characters inside change.
    let (inner, lead) = match written.as_bytes() {
        [q @ (b'"' | b'\''), .., last] if last == q && written.len() >= 2 => {
            (&written[1..written.len() - 1], 1)
        }
        _ => (written, 0),
    };
    if inner.is_empty() || inner == target || inner.contains(['\n', '\\']) {
        return None;
    }
    if safe {
        let others: Vec<&str> = known_keys().into_iter().filter(|k| *k != target).collect();
        if did_you_mean(inner, &others).is_some() {
            return None;
        }
    }
    Some(Fix {
        rule: String::new(),
        at: span,
        title: format!("rename `{inner}` to `{target}`"),
        edits: vec![Edit {
            span: Span::new(span.offset + lead, inner.len()),
            replacement: target.to_owned(),
        }],
    })
}

/// Removes the rules of an ignore comment that suppress nothing: the whole comment (and its
/// line, when it has one to itself) when none is left, else those ids from the list.
pub(crate) fn remove_from_ignore(text: &str, ignore: &Ignore, unused: &[Span]) -> Option<Edit> {
    let kept: Vec<&str> = ignore
        .rules
        .iter()
        .filter(|(_, span)| !unused.contains(span))
        .map(|(rule, _)| rule.as_str())
        .collect();
    if kept.len() == ignore.rules.len() {
        return None;
    }
    if kept.is_empty() {
        return Some(remove_comment(text, ignore.span));
    }
    let first = ignore.rules.first()?.1;
    let last = ignore.rules.last()?.1;
    Some(Edit {
        span: Span::new(first.offset, last.end() - first.offset),
        replacement: kept.join(", "),
    })
}

/// Removes a comment: with its whole line when nothing else is on it, else with the blanks
/// before it, so no trailing whitespace is left behind.
fn remove_comment(text: &str, comment: Span) -> Edit {
    let line_start = text[..comment.offset.min(text.len())]
        .rfind(['\n', '\r'])
        .map_or(0, |i| i + 1);
    let before = &text[line_start..comment.offset.min(text.len())];
    let after_end = comment.end().min(text.len());
    let rest = &text[after_end..];
    let line_end = rest
        .find(['\n', '\r'])
        .map_or(text.len(), |i| after_end + i);
    let trailing_blank = text[after_end..line_end].trim().is_empty();
    if before.trim().is_empty() && trailing_blank {
        // The comment's own line, with its line break.
        let bytes = text.as_bytes();
        let mut end = line_end;
        if bytes.get(end) == Some(&b'\r') {
            end += 1;
        }
        if bytes.get(end) == Some(&b'\n') {
            end += 1;
        }
        return Edit {
            span: Span::new(line_start, end - line_start),
            replacement: String::new(),
        };
    }
    let blanks = before.len() - before.trim_end().len();
    let start = comment.offset - blanks;
    Edit {
        span: Span::new(start, line_end.max(comment.end()) - start),
        replacement: String::new(),
    }
}

/// The safe fixes for one file's active findings: renaming an unknown key with a single close
/// match, and removing what an ignore comment lists but does not use.
pub(crate) fn safe_fixes(report: &FileReport, findings: &[Finding]) -> Vec<Fix> {
    let source = &report.source;
    let mut fixes = Vec::new();
    let mine = findings
        .iter()
        .filter(|f| f.suppressed.is_none() && std::sync::Arc::ptr_eq(&f.source, source));
    let mut unused: BTreeMap<usize, Vec<Span>> = BTreeMap::new();
    for finding in mine {
        match &*finding.rule {
            crate::engine::ids::UNKNOWN_FIELD => {
                if let Some(help) = &finding.help
                    && let Some(mut fix) = rename_key(&source.text, finding.span, help, true)
                {
                    fix.rule = finding.rule.to_string();
                    fixes.push(fix);
                }
            }
            UNUSED_IGNORE => {
                let found = report.ignores.iter().position(|i| {
                    i.span == finding.span || i.rules.iter().any(|(_, s)| *s == finding.span)
                });
                if let Some(index) = found {
                    let ignore = &report.ignores[index];
                    let spans = if ignore.span == finding.span {
                        ignore.rules.iter().map(|(_, s)| *s).collect()
                    } else {
                        vec![finding.span]
                    };
                    unused.entry(index).or_default().extend(spans);
                }
            }
            _ => {}
        }
    }
    for (index, spans) in unused {
        let ignore = &report.ignores[index];
        if let Some(edit) = remove_from_ignore(&source.text, ignore, &spans) {
            let rules: Vec<&str> = ignore
                .rules
                .iter()
                .filter(|(_, s)| spans.contains(s))
                .map(|(r, _)| r.as_str())
                .collect();
            fixes.push(Fix {
                rule: UNUSED_IGNORE.to_owned(),
                at: ignore.span,
                title: format!("remove unused `ignore[{}]`", rules.join(", ")),
                edits: vec![edit],
            });
        }
    }
    fixes.sort_by_key(|f| f.at);
    fixes
}

/// What identifies a finding across an edit: its rule, tool, severity and suppression (spans
/// and line numbers move when lines are removed).
type Key = (
    String,
    Option<String>,
    crate::finding::Severity,
    Option<String>,
);

fn keys(outcome: &Outcome) -> BTreeMap<Key, usize> {
    let mut keys = BTreeMap::new();
    for f in &outcome.findings {
        let key = (
            f.rule.to_string(),
            f.tool.as_ref().map(|t| t.id.to_string()),
            f.severity,
            f.suppressed.as_ref().map(|s| format!("{:?}", s.kind)),
        );
        *keys.entry(key).or_default() += 1;
    }
    keys
}

/// Whether `after` is `before` without the findings `fixes` remove, and nothing else changed.
fn only_fixed(before: &Outcome, after: &Outcome, fixes: &[&Fix]) -> bool {
    let mut expected = keys(before);
    for fix in fixes {
        let finding = before.findings.iter().find(|f| {
            *f.rule == *fix.rule
                && f.suppressed.is_none()
                && (f.span == fix.at
                    || (fix.at.offset <= f.span.offset && f.span.end() <= fix.at.end()))
        });
        let Some(finding) = finding else {
            return false;
        };
        let key = (
            finding.rule.to_string(),
            finding.tool.as_ref().map(|t| t.id.to_string()),
            finding.severity,
            None,
        );
        match expected.get_mut(&key) {
            Some(n) if *n > 0 => *n -= 1,
            _ => return false,
        }
        // An unused-ignore fix may remove several ids of one comment, each its own finding.
        if fix.rule == UNUSED_IGNORE {
            let more = before
                .findings
                .iter()
                .filter(|f| {
                    &*f.rule == UNUSED_IGNORE
                        && f.suppressed.is_none()
                        && !std::ptr::eq(*f, finding)
                        && fix.at.offset <= f.span.offset
                        && f.span.end() <= fix.at.end()
                })
                .count();
            if let Some(n) = expected.get_mut(&key) {
                *n = n.saturating_sub(more);
            }
        }
    }
    expected.retain(|_, n| *n > 0);
    expected == keys(after)
}

/// The fixes of one document that survive re-linting, and the text with them applied.
#[derive(Debug, Default)]
pub(crate) struct Planned {
    pub(crate) fixes: Vec<Fix>,
    /// `None` when no fix applies.
    pub(crate) text: Option<String>,
}

/// Plans the safe fixes of one document: each is applied and the text linted again; kept only
/// when exactly its finding went away (see the module documentation).
pub(crate) fn plan(path: &Path, text: &str, settings: &Settings) -> Result<Planned, Error> {
    let before = pipeline::check_document(path, text.to_owned(), settings)?;
    let Some(report) = before.files.first() else {
        return Ok(Planned::default());
    };
    let candidates = safe_fixes(report, &before.findings);
    let verified = |fixes: &[&Fix]| -> Result<Option<String>, Error> {
        let edits: Vec<Edit> = fixes.iter().flat_map(|f| f.edits.clone()).collect();
        let Some(fixed) = apply(text, &edits) else {
            return Ok(None);
        };
        let after = pipeline::check_document(path, fixed.clone(), settings)?;
        Ok(only_fixed(&before, &after, fixes).then_some(fixed))
    };
    let all: Vec<&Fix> = candidates.iter().collect();
    if all.is_empty() {
        return Ok(Planned::default());
    }
    if let Some(fixed) = verified(&all)? {
        return Ok(Planned {
            fixes: candidates.clone(),
            text: Some(fixed),
        });
    }
    // Together they change more than their findings: keep those that are safe alone, then
    // check them together once more, falling back to the first.
    let mut alone = Vec::new();
    for fix in &candidates {
        if verified(&[fix])?.is_some() {
            alone.push(fix);
        }
    }
    if alone.is_empty() {
        return Ok(Planned::default());
    }
    if let Some(fixed) = verified(&alone)? {
        return Ok(Planned {
            fixes: alone.into_iter().cloned().collect(),
            text: Some(fixed),
        });
    }
    let first = alone[0];
    Ok(Planned {
        fixes: vec![first.clone()],
        text: verified(&[first])?,
    })
}

mod diff;
mod write;
pub(crate) use diff::unified_diff;
pub(crate) use write::fixed_file;
