//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per active
//! finding, which GitHub turns into annotations on the pull request's files.
//!
//! Escaping follows the runner's rules (actions/toolkit `command.ts`): in the message, `%`, `\r`
//! and `\n` become `%25`, `%0D` and `%0A`; in property values `:` and `,` also become `%3A` and
//! `%2C`. Without it, a tool named `a,b` or a newline in a message could end the command early
//! or inject a second one.

use std::io::{self, Write};

use super::json::JsonSpan;
use crate::Outcome;
use crate::finding::{Finding, Severity};

/// Escapes a command's message (the text after `::`).
pub fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value (`file=`, `title=`, ...).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The workflow command of a severity.
pub fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// One finding as one workflow command line (without the newline).
pub fn annotation(finding: &Finding) -> String {
    let span = JsonSpan::new(&finding.source, finding.span);
    let mut message = finding.message.clone();
    if let Some(help) = &finding.help {
        message.push_str("\n\nhelp: ");
        message.push_str(help);
    }
    format!(
        "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        command(finding.severity),
        escape_property(&finding.source.name),
        span.line,
        span.column,
        span.end_line,
        span.end_column,
        escape_property(&format!("e2ee-lint {}", finding.rule)),
        escape_data(&message),
    )
}

/// Writes one command per unsuppressed finding. Suppressed findings are accepted risks: they
/// are not annotated (SARIF and JSON keep them).
pub fn render(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    for finding in outcome.findings.iter().filter(|f| f.suppressed.is_none()) {
        writeln!(out, "{}", annotation(finding))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(escape_data("50%\r\nnext: a,b"), "50%25%0D%0Anext: a,b");
        assert_eq!(
            escape_property("50%\r\nnext: a,b"),
            "50%25%0D%0Anext%3A a%2Cb"
        );
        // `%` first: an already escaped-looking input is escaped again, not decoded.
        assert_eq!(escape_data("%0A"), "%250A");
    }
}
