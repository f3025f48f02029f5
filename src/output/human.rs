//! Human output: every finding as a miette diagnostic pointing into the file, then a summary.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use super::Style;
use crate::finding::{Finding, Severity};
use crate::source::{SourceFile, Span};
use crate::{Outcome, Summary};

/// A finding in the shape miette draws.
#[derive(Debug)]
struct Report {
    code: String,
    severity: miette::Severity,
    message: String,
    help: Option<String>,
    /// `None` when the snippet would be unreadable (see [`MAX_SNIPPET_LINE`]).
    source: Option<NamedSource<Arc<String>>>,
    labels: Vec<LabeledSpan>,
    /// Labels that point into other files (a config entry), drawn as related diagnostics.
    related: Vec<Report>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}

fn miette_severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

/// Lines longer than this are not drawn: a one-line inventory (`[{name: Slack}, ...]`) would
/// otherwise be printed whole for every finding. The location is given in words instead.
pub const MAX_SNIPPET_LINE: usize = 400;

/// Shows control characters (a tool name may hold a carriage return) as escapes, so a name from
/// a pull request cannot rewrite the terminal.
fn printable(text: &str) -> String {
    text.chars()
        .flat_map(|c| match c {
            '\n' | '\t' => vec![c],
            c if c.is_control() => c.escape_default().collect(),
            c => vec![c],
        })
        .collect()
}

/// Whether every line a span touches is short enough to draw.
fn drawable(source: &SourceFile, span: Span) -> bool {
    // Bytes, not characters: a span that does not fall on character boundaries is not drawn.
    let lines = source.snippet_text();
    let text = lines.as_bytes();
    let (from, to) = (span.offset.min(text.len()), span.end().min(text.len()));
    let start = text[..from]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let end = text[to..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |i| to + i);
    lines
        .get(start..end)
        .is_some_and(|lines| lines.split('\n').all(|l| l.len() <= MAX_SNIPPET_LINE))
}

fn snippet(
    source: &SourceFile,
    spans: impl IntoIterator<Item = Span>,
) -> Option<NamedSource<Arc<String>>> {
    spans
        .into_iter()
        .all(|span| drawable(source, span))
        .then(|| NamedSource::new(&source.name, source.snippet_text()))
}

fn report(finding: &Finding) -> Report {
    let mut labels = vec![LabeledSpan::new_primary_with_span(None, finding.span)];
    let mut local_spans = vec![finding.span];
    let mut related = Vec::new();
    for label in &finding.labels {
        match &label.source {
            Some(other) if other.name != finding.source.name => related.push(Report {
                code: "note".into(),
                severity: miette::Severity::Advice,
                message: printable(&label.message),
                help: None,
                source: snippet(other, [label.span]),
                labels: vec![LabeledSpan::new_primary_with_span(None, label.span)],
                related: Vec::new(),
            }),
            _ => {
                local_spans.push(label.span);
                labels.push(LabeledSpan::new_with_span(
                    Some(printable(&label.message)),
                    label.span,
                ));
            }
        }
    }
    let mut message = printable(&finding.message);
    if let Some(suppression) = &finding.suppressed {
        message = format!("{message} (suppressed: {})", printable(&suppression.reason));
    }
    let source = snippet(&finding.source, local_spans);
    if source.is_none() {
        let at = finding.source.line_col(finding.span.offset);
        message = format!(
            "{message}\n  at {}:{}:{} (line too long to show)",
            finding.source.name, at.line, at.column
        );
    }
    Report {
        code: format!("{}[{}]", finding.severity, finding.rule),
        severity: miette_severity(finding.severity),
        message,
        help: finding.help.as_deref().map(printable),
        source,
        labels,
        related,
    }
}

/// The graphical handler for a style.
pub fn handler(style: Style) -> GraphicalReportHandler {
    let theme = match (style.unicode, style.color) {
        (true, true) => GraphicalTheme::unicode(),
        (true, false) => GraphicalTheme::unicode_nocolor(),
        (false, true) => GraphicalTheme::ascii(),
        (false, false) => GraphicalTheme::none(),
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The closing line: "1 file, 9 tools checked: 3 errors, 2 warnings, 0 infos".
pub fn summary_line(summary: &Summary) -> String {
    let mut line = format!(
        "{}, {} checked: {}, {}, {}",
        plural(summary.files, "file", "files"),
        plural(summary.tools, "tool", "tools"),
        plural(summary.error, "error", "errors"),
        plural(summary.warning, "warning", "warnings"),
        plural(summary.info, "info", "infos"),
    );
    let by = [
        (summary.by_exception, "exceptions"),
        (summary.by_inline, "inline ignores"),
        (summary.by_baseline, "the baseline"),
    ];
    let parts: Vec<String> = by
        .iter()
        .filter(|(n, _)| *n > 0)
        .enumerate()
        .map(|(i, (n, what))| match i {
            0 => format!("{n} suppressed by {what}"),
            _ => format!("{n} by {what}"),
        })
        .collect();
    if !parts.is_empty() {
        line.push_str(&format!(" ({})", parts.join(", ")));
    }
    line
}

/// Draws every active finding (suppressed ones only count in the summary) and path errors.
pub fn render(outcome: &Outcome, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let handler = handler(style);
    for finding in outcome.findings.iter().filter(|f| f.suppressed.is_none()) {
        let mut text = String::new();
        handler
            .render_report(&mut text, &report(finding))
            .map_err(io::Error::other)?;
        writeln!(out, "{text}")?;
    }
    for error in &outcome.path_errors {
        writeln!(out, "error: {error}")?;
    }
    writeln!(out, "{}", summary_line(&outcome.summary()))
}
