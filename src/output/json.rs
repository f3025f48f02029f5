//! The JSON contract, version 1: stable output types, never a dump of internal ones.

use std::io::{self, Write};

use serde::Serialize;

use crate::Outcome;
use crate::finding::{Finding, Severity, SuppressionKind};
use crate::source::{SourceFile, Span};

/// Bumped only on incompatible changes; additions keep the version.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: JsonSummary,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<JsonPathError<'a>>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    file: &'a str,
    tool: Option<&'a str>,
    tool_id: Option<&'a str>,
    catalog_id: Option<&'a str>,
    span: JsonSpan,
    labels: Vec<JsonLabel<'a>>,
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<JsonSuppression<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    message: &'a str,
    span: JsonSpan,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    kind: SuppressionKind,
    reason: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    approved_by: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ticket: Option<&'a str>,
}

/// A location: byte offset and length into the file as read, and 1-based lines and character
/// columns, the end exclusive.
#[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonSpan {
    pub offset: usize,
    pub length: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl JsonSpan {
    pub fn new(source: &SourceFile, span: Span) -> JsonSpan {
        let start = source.line_col(span.offset);
        let end = source.line_col(span.end());
        JsonSpan {
            offset: span.offset,
            length: span.len,
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    tools: usize,
    error: usize,
    warning: usize,
    info: usize,
    suppressed: usize,
    suppressed_by: JsonSuppressedBy,
}

/// How many suppressed findings each mechanism accounts for.
#[derive(Serialize)]
struct JsonSuppressedBy {
    exception: usize,
    inline: usize,
    baseline: usize,
}

#[derive(Serialize)]
struct JsonPathError<'a> {
    path: &'a str,
    message: &'a str,
}

fn finding(f: &Finding) -> JsonFinding<'_> {
    JsonFinding {
        rule: &f.rule,
        severity: f.severity,
        message: &f.message,
        file: &f.source.name,
        tool: f.tool.as_ref().map(|t| t.name.as_str()),
        tool_id: f.tool.as_ref().map(|t| t.id.as_str()),
        catalog_id: f.catalog_id.as_deref(),
        span: JsonSpan::new(&f.source, f.span),
        labels: f
            .labels
            .iter()
            .map(|l| {
                let source = l.source.as_deref().unwrap_or(&f.source);
                JsonLabel {
                    file: &source.name,
                    message: &l.message,
                    span: JsonSpan::new(source, l.span),
                }
            })
            .collect(),
        help: f.help.as_deref(),
        suppressed: f.suppressed.as_ref().map(|s| JsonSuppression {
            kind: s.kind,
            reason: &s.reason,
            approved_by: s.approved_by.as_deref(),
            expires: s.expires.as_deref(),
            ticket: s.ticket.as_deref(),
        }),
    }
}

pub fn render(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let summary = outcome.summary();
    let output = Output {
        version: VERSION,
        findings: outcome.findings.iter().map(finding).collect(),
        summary: JsonSummary {
            files: summary.files,
            tools: summary.tools,
            error: summary.error,
            warning: summary.warning,
            info: summary.info,
            suppressed: summary.suppressed,
            suppressed_by: JsonSuppressedBy {
                exception: summary.by_exception,
                inline: summary.by_inline,
                baseline: summary.by_baseline,
            },
        },
        errors: outcome
            .path_errors
            .iter()
            .map(|e| JsonPathError {
                path: &e.path,
                message: &e.message,
            })
            .collect(),
    };
    // Keep the I/O error's kind, so that a closed pipe (`| head`) is recognised as one.
    serde_json::to_writer_pretty(&mut *out, &output).map_err(|e| match e.io_error_kind() {
        Some(kind) => io::Error::from(kind),
        None => io::Error::other(e),
    })?;
    writeln!(out)
}
