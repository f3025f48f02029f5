//! Human output: every finding as a miette diagnostic pointing into the file, then a summary.

use std::fmt;
use std::io::{self, Write};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use super::Style;
#[cfg(test)]
use super::excerpt::MAX_SNIPPET_LINE;
use super::excerpt::{CONTEXT_LINES, Excerpt};
use super::locate::Locator;
use super::sanitize;
use crate::finding::{Finding, Label, Severity};
use crate::source::{SourceFile, Span};
use crate::{Outcome, Summary};

/// A finding in the shape miette draws.
#[derive(Debug)]
struct Report {
    code: String,
    severity: miette::Severity,
    message: String,
    help: Option<String>,
    /// `None` when the primary span cannot be drawn (see [`crate::text::excerpt::MAX_SNIPPET_LINE`]).
    source: Option<Excerpt>,
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

/// `file:line:column`, for a location that is not drawn.
fn location(locator: &Locator, source: &SourceFile, span: Span) -> String {
    let at = locator.line_col(source, span.offset);
    format!("{}:{}:{}", sanitize::cut(&source.name), at.line, at.column)
}

/// A label in another file (a config or baseline entry), as a note with its own snippet.
fn note(locator: &Locator, label: &Label, other: &SourceFile) -> Report {
    let mut message = sanitize::cut(&label.message).into_owned();
    let (excerpt, spans) = Excerpt::new(other, locator, &[label.span]);
    let (source, labels) = match spans[0] {
        Some(span) => (
            Some(excerpt),
            vec![LabeledSpan::new_primary_with_span(None, span)],
        ),
        None => {
            message.push_str(&format!(
                "\n  at {} (line too long to show)",
                location(locator, other, label.span)
            ));
            (None, Vec::new())
        }
    };
    Report {
        code: "note".into(),
        severity: miette::Severity::Advice,
        message,
        help: None,
        source,
        labels,
        related: Vec::new(),
    }
}

fn report(locator: &Locator, finding: &Finding) -> Report {
    // Every text is escaped and cut: names and messages come from the inventory.
    let mut message = sanitize::cut(&finding.message).into_owned();
    if let Some(suppression) = &finding.suppressed {
        message = format!(
            "{message} (suppressed: {})",
            sanitize::cut(&suppression.reason)
        );
    }
    let mut local = vec![(finding.span, None)];
    let mut related = Vec::new();
    for label in &finding.labels {
        match &label.source {
            Some(other) if other.name != finding.source.name => {
                related.push(note(locator, label, other));
            }
            _ => local.push((label.span, Some(sanitize::cut(&label.message).into_owned()))),
        }
    }
    let spans: Vec<Span> = local.iter().map(|(span, _)| *span).collect();
    let (excerpt, drawn) = Excerpt::new(&finding.source, locator, &spans);
    let mut labels = Vec::with_capacity(local.len());
    let mut source = Some(excerpt);
    for (i, ((span, text), at)) in local.into_iter().zip(drawn).enumerate() {
        match (i, at) {
            (0, Some(at)) => labels.push(LabeledSpan::new_primary_with_span(None, at)),
            (_, Some(at)) => labels.push(LabeledSpan::new_with_span(text, at)),
            (0, None) => {
                // The primary line is too long: no snippet, the location in words.
                source = None;
                message.push_str(&format!(
                    "\n  at {} (line too long to show)",
                    location(locator, &finding.source, span)
                ));
            }
            (_, None) => {
                if source.is_some() {
                    message.push_str(&format!(
                        "\n  {} at {} (line too long to show)",
                        text.unwrap_or_default(),
                        location(locator, &finding.source, span)
                    ));
                }
            }
        }
    }
    Report {
        code: format!("{}[{}]", finding.severity, finding.rule),
        severity: miette_severity(finding.severity),
        message,
        help: finding
            .help
            .as_deref()
            .map(|h| sanitize::cut(h).into_owned()),
        source,
        labels,
        related,
    }
}

/// The graphical handler for a style.
pub(crate) fn handler(style: Style) -> GraphicalReportHandler {
    let theme = match (style.unicode, style.color) {
        (true, true) => GraphicalTheme::unicode(),
        (true, false) => GraphicalTheme::unicode_nocolor(),
        (false, true) => GraphicalTheme::ascii(),
        (false, false) => GraphicalTheme::none(),
    };
    GraphicalReportHandler::new_themed(theme)
        .with_context_lines(CONTEXT_LINES)
        .with_width(style.width)
        .with_links(false)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The closing line: "1 file, 9 tools checked: 3 errors, 2 warnings, 0 infos".
pub(crate) fn summary_line(summary: &Summary) -> String {
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
pub(crate) fn render(outcome: &Outcome, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let handler = handler(style);
    let locator = Locator::new();
    for finding in outcome.findings.iter().filter(|f| f.suppressed.is_none()) {
        let mut text = String::new();
        handler
            .render_report(&mut text, &report(&locator, finding))
            .map_err(io::Error::other)?;
        writeln!(out, "{text}")?;
    }
    for error in &outcome.path_errors {
        writeln!(
            out,
            "error: {}: {}",
            sanitize::cut(&error.path),
            sanitize::cut(&error.message)
        )?;
    }
    writeln!(out, "{}", summary_line(&outcome.summary()))?;
    writeln!(out, "{}", outcome.coverage().line())?;
    write_catalog_changes(outcome, out)
}

/// After the summary: the catalog changes the verdict rests on, one line each, so that a
/// whitewash is never silent (`catalog-override` findings say the same at each entry).
fn write_catalog_changes(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let changes = &outcome.catalog_changes;
    if changes.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "with {} in force:",
        plural(changes.len(), "catalog override", "catalog overrides")
    )?;
    for change in changes {
        writeln!(out, "  {}", sanitize::cut(&change.line()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mechanism behind linear human output: each diagnostic hands miette only the lines
    /// around its spans, found without reading the file from its start.
    #[test]
    fn each_diagnostic_reads_a_bounded_part_of_the_file() {
        let engine = crate::engine::Engine::embedded().expect("embedded rules");
        let mut text = String::from("version: 1\ntools:\n");
        for i in 0..5_000 {
            text.push_str(&format!(
                "  - name: Slack\n    id: s{i}\n    notes: {}\n",
                "n".repeat(i % 7 * 300)
            ));
        }
        let source = SourceFile::new("big.yaml", "big.yaml", text);
        let size = source.text.len();
        let (_, findings) = crate::lint_source(&engine, source);
        assert!(findings.len() >= 5_000);
        let locator = Locator::new();
        for finding in &findings {
            let report = report(&locator, finding);
            let excerpt = report.source.as_ref().expect("short lines are drawn");
            // Three lines of at most MAX_SNIPPET_LINE bytes each, escapes and ellipses aside.
            assert!(excerpt.text().len() <= 3 * (MAX_SNIPPET_LINE + 8));
        }
        assert!(locator.scanned() <= findings.len() * 4 * MAX_SNIPPET_LINE + size);
    }
}
