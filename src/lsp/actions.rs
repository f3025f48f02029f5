//! Code actions: rename a misspelt key, remove an unused ignore, insert an inline ignore, add an
//! exception skeleton to the nearest config, and pin an ambiguous tool with `system:`.
//!
//! Every edit is a byte-span edit ([`crate::fix`]) so the rest of the file keeps its formatting
//! and comments. Placeholders are chosen to be findings until filled: an exception's
//! `approved_by: ""` and `expires: YYYY-MM-DD` are config errors.

use std::collections::HashMap;
use std::path::Path;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CreateFile, CreateFileOptions,
    DocumentChangeOperation, DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier,
    Range, ResourceOp, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

use super::diagnostics::Analysis;
use super::documents::{Document, LineIndex, uri_of};
use super::server::Server;
use crate::catalog::Match;
use crate::fix::{self, Edit};
use crate::outcome::{FileReport, Outcome};
use crate::source::Span;
use crate::yaml::{self, Node, NodeKind};

pub(super) use crate::policy::ignores::REASON_PLACEHOLDER;

pub(super) fn actions(
    server: &Server,
    doc: &Document,
    analysis: &Analysis,
    range: Range,
) -> Vec<CodeActionOrCommand> {
    let start = doc.offset(range.start, server.encoding);
    let end = doc.offset(range.end, server.encoding).max(start);
    let touches = |span: Span| span.offset <= end && start <= span.end();
    let mut actions = Vec::new();
    let mut add = |title: String, edit: WorkspaceEdit, preferred: bool| {
        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            edit: Some(edit),
            is_preferred: Some(preferred),
            ..Default::default()
        }));
    };
    match analysis {
        Analysis::Config(Err(errors)) => {
            for error in errors {
                let span = error.span;
                let help = error.help.as_deref().unwrap_or("");
                if touches(span)
                    && let Some(fix) = fix::rename_key(&doc.text, span, help, false)
                {
                    add(fix.title, local(server, doc, &fix.edits), true);
                }
            }
        }
        Analysis::Inventory(Ok(outcome)) => {
            let Some(file) = outcome.files.first() else {
                return actions;
            };
            let path = doc.path.as_deref().unwrap_or(Path::new(""));
            let mine = outcome
                .findings
                .iter()
                .filter(|f| f.source.path == path && f.suppressed.is_none() && touches(f.span));
            for finding in mine {
                let rule = &*finding.rule;
                if rule == crate::engine::ids::UNKNOWN_FIELD
                    && let Some(help) = &finding.help
                    && let Some(fix) = fix::rename_key(&doc.text, finding.span, help, false)
                {
                    let safe = fix::rename_key(&doc.text, finding.span, help, true).is_some();
                    add(fix.title, local(server, doc, &fix.edits), safe);
                }
                if rule == crate::policy::ids::UNUSED_IGNORE {
                    for fix in fix::safe_fixes(file, std::slice::from_ref(finding)) {
                        add(fix.title, local(server, doc, &fix.edits), true);
                    }
                }
                let Some(tool) = &finding.tool else {
                    continue;
                };
                if crate::policy::ids::ALL.contains(&rule) {
                    continue;
                }
                if let Some(edit) = ignore_edit(doc, file, &tool.id, finding.span, rule) {
                    add(
                        format!("ignore `{rule}` for {} with a comment", tool.name),
                        local(server, doc, &[edit]),
                        false,
                    );
                }
                if let Some((title, edit)) = exception_edit(server, doc, outcome, &tool.name, rule)
                {
                    add(title, edit, false);
                }
            }
            for tool in file.tools.iter().filter(|t| touches(t.span)) {
                if tool.matched != "ambiguous" {
                    continue;
                }
                let Match::Ambiguous(candidates) =
                    outcome
                        .catalog
                        .resolve(&tool.name, tool.vendor().map(|v| &**v), None)
                else {
                    continue;
                };
                for system in candidates {
                    if let Some(edit) = pin_edit(doc, tool.span, &system.id) {
                        add(
                            format!(
                                "pin {} to {} with `system: {}`",
                                tool.name, system.name, system.id
                            ),
                            local(server, doc, &[edit]),
                            false,
                        );
                    }
                }
            }
        }
        _ => {}
    }
    actions
}

/// Edits of this document as a workspace edit.
fn local(server: &Server, doc: &Document, edits: &[Edit]) -> WorkspaceEdit {
    let edits = edits
        .iter()
        .map(|e| TextEdit {
            range: doc.range(e.span, server.encoding),
            new_text: e.replacement.clone(),
        })
        .collect();
    WorkspaceEdit {
        changes: Some(HashMap::from([(doc.uri.clone(), edits)])),
        ..Default::default()
    }
}

fn line_break(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

/// The byte range of the line holding `offset`, without its line break.
fn line_around(doc: &Document, offset: usize) -> (usize, usize) {
    let line = doc.index.line_of(offset);
    let start = doc.index.line_start(line).unwrap_or(0);
    let rest = &doc.text[start..];
    let end = start + rest.find(['\n', '\r']).unwrap_or(rest.len());
    (start, end)
}

/// An ignore comment where `ignores.rs` attaches it to the tool: added to the comment already on
/// the tool's `name:` line, else at the end of that line, else on its own line above the entry.
fn ignore_edit(
    doc: &Document,
    file: &FileReport,
    tool_id: &str,
    at: Span,
    rule: &str,
) -> Option<Edit> {
    let tool = file
        .tools
        .iter()
        .rfind(|t| *t.id == *tool_id && t.span.offset <= at.offset)
        .or_else(|| file.tools.iter().find(|t| *t.id == *tool_id))?;
    let (start, end) = line_around(doc, tool.span.offset);
    let line_number = doc.index.line_of(tool.span.offset) + 1;
    if let Some(existing) = file.ignores.iter().find(|i| i.line == line_number) {
        if existing.rules.iter().any(|(r, _)| r == rule) {
            return None;
        }
        let last = existing.rules.last()?.1;
        return Some(Edit {
            span: Span::new(last.end(), 0),
            replacement: format!(", {rule}"),
        });
    }
    let marker = crate::policy::ignores::MARKER;
    let comment = format!("# {marker} ignore[{rule}] {REASON_PLACEHOLDER}");
    let after_name = doc.text.get(tool.span.end().min(end)..end).unwrap_or("");
    if !after_name.contains('#') {
        return Some(Edit {
            span: Span::new(end, 0),
            replacement: format!(" {comment}"),
        });
    }
    let line = &doc.text[start..end];
    let indent = &line[..line.len() - line.trim_start().len()];
    line.trim_start().starts_with('-').then(|| Edit {
        span: Span::new(start, 0),
        replacement: format!("{indent}{comment}{}", line_break(&doc.text)),
    })
}

/// `system: <id>` on a new line after the tool's `name:` line, at the name key's column.
fn pin_edit(doc: &Document, name: Span, id: &str) -> Option<Edit> {
    let (start, end) = line_around(doc, name.offset);
    let before = doc.text.get(start..name.offset)?;
    if before.contains(['{', '[']) {
        return None; // a flow mapping: no line to add
    }
    let mut column = before.len() - before.trim_start().len();
    let mut rest = before.trim_start();
    while let Some(after) = rest.strip_prefix('-') {
        let trimmed = after.trim_start();
        column += rest.len() - trimmed.len();
        rest = trimmed;
    }
    Some(Edit {
        span: Span::new(end, 0),
        replacement: format!(
            "{}{}system: {id}",
            line_break(&doc.text),
            " ".repeat(column)
        ),
    })
}

/// The exception skeleton added to the config that applies (or a new `e2ee-lint.yaml` beside
/// the inventory when none does).
fn exception_edit(
    server: &Server,
    doc: &Document,
    outcome: &Outcome,
    tool: &str,
    rule: &str,
) -> Option<(String, WorkspaceEdit)> {
    let (path, exists) = match outcome.inputs.configs.first() {
        Some(path) => (path.clone(), true),
        None => (
            doc.path
                .as_deref()?
                .parent()?
                .join(crate::policy::discover::NAMES[0]),
            false,
        ),
    };
    let (open, text) = if exists {
        server.text_of(&path)?
    } else {
        (None, String::new())
    };
    let (offset, indent, prefix) = insertion(&text)?;
    let nl = line_break(&text);
    let body = format!("{indent}  ");
    let quoted = serde_json::to_string(tool).ok()?;
    let skeleton = format!(
        "{prefix}{indent}- tool: {quoted}{nl}{body}rule: {rule}{nl}{body}reason: <why the risk is acceptable>{nl}{body}approved_by: \"\"{nl}{body}expires: YYYY-MM-DD{nl}"
    );
    let uri = match open {
        Some(doc) => doc.uri.clone(),
        None => uri_of(&path)?,
    };
    let index = LineIndex::new(&text);
    let edit = TextEdit {
        range: index.range(&text, Span::new(offset, 0), server.encoding),
        new_text: skeleton,
    };
    let name = path.file_name()?.to_string_lossy().into_owned();
    let title = format!("add an exception for `{rule}` on {tool} to {name}");
    let workspace = if exists {
        WorkspaceEdit {
            changes: Some(HashMap::from([(uri, vec![edit])])),
            ..Default::default()
        }
    } else {
        create_with(uri, edit)
    };
    Some((title, workspace))
}

fn create_with(uri: Uri, edit: TextEdit) -> WorkspaceEdit {
    WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(vec![
            DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
                uri: uri.clone(),
                options: Some(CreateFileOptions {
                    overwrite: Some(false),
                    ignore_if_exists: Some(true),
                }),
                annotation_id: None,
            })),
            DocumentChangeOperation::Edit(TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
                edits: vec![OneOf::Left(edit)],
            }),
        ])),
        ..Default::default()
    }
}

/// Where a new exception goes in a config text: the offset, the indentation of its `-`, and
/// what must come before it (a line break, an `exceptions:` key).
fn insertion(text: &str) -> Option<(usize, String, String)> {
    let nl = line_break(text);
    let end_prefix = if text.is_empty() || text.ends_with(['\n', '\r']) {
        String::new()
    } else {
        nl.to_owned()
    };
    let documents = yaml::parse(text).ok()?;
    let entries = match documents.first().map(|d| &d.kind) {
        Some(NodeKind::Map(entries)) => entries.as_slice(),
        None | Some(NodeKind::Null) => &[],
        Some(_) => return None,
    };
    let Some((key, value)) = entries
        .iter()
        .find(|(k, _)| k.as_str() == Some("exceptions"))
    else {
        return Some((
            text.len(),
            "  ".into(),
            format!("{end_prefix}exceptions:{nl}"),
        ));
    };
    let after_line = |offset: usize| {
        let rest = &text[offset.min(text.len())..];
        match rest.find('\n') {
            Some(i) => (offset + i + 1, String::new()),
            None => (text.len(), nl.to_owned()),
        }
    };
    match &value.kind {
        NodeKind::Seq(items) if !items.is_empty() => {
            let first = items.first()?;
            let line_start = text[..first.span.offset].rfind('\n').map_or(0, |i| i + 1);
            let lead = &text[line_start..first.span.offset];
            let dash = lead.find('-')?;
            if lead.contains('[') {
                return None; // a flow list: leave it to a person
            }
            let last_end = items.iter().map(end_of).max()?;
            let (offset, prefix) = after_line(last_end);
            Some((offset, lead[..dash].to_owned(), prefix))
        }
        NodeKind::Null => {
            let (offset, prefix) = after_line(key.span.end());
            Some((offset, "  ".into(), prefix))
        }
        _ => None,
    }
}

/// The end of a node's text, from its last descendant (a collection's own span may be short).
fn end_of(node: &Node) -> usize {
    let own = node.span.end();
    match &node.kind {
        NodeKind::Seq(items) => items.iter().map(end_of).max().unwrap_or(own).max(own),
        NodeKind::Map(entries) => entries
            .iter()
            .map(|(k, v)| end_of(k).max(end_of(v)))
            .max()
            .unwrap_or(own)
            .max(own),
        _ => own,
    }
}
