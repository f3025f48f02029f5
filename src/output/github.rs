//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per active
//! finding, which GitHub turns into annotations on the pull request's files.
//!
//! Escaping follows the runner's rules (actions/toolkit `command.ts`): in the message, `%`, `\r`
//! and `\n` become `%25`, `%0D` and `%0A`; in property values `:` and `,` also become `%3A` and
//! `%2C`. Without it, a tool named `a,b` or a newline in a message could end the command early
//! or inject a second one.
//!
//! Before that, every text from an input goes through [`sanitize::line`]: the runner decodes
//! `%0A` back into a line break and writes the rest of the line to the log as is, so ESC, BEL,
//! NUL, C1 controls and bidi controls would reach whoever reads the log. They become visible
//! `\u{..}` escapes, as do line breaks inside a name.

use std::io::{self, Write};

use super::json::JsonSpan;
use super::locate::Locator;
use super::sanitize;
use crate::Outcome;
use crate::finding::{Finding, Severity};

/// Escapes a command's message (the text after `::`).
pub(crate) fn escape_data(text: &str) -> String {
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
pub(crate) fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The workflow command of a severity.
pub(crate) fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// One finding as one workflow command line (without the newline), for tests.
#[cfg(test)]
fn annotation(finding: &Finding) -> String {
    annotation_with(&Locator::new(), finding)
}

/// [`annotation`] with a locator shared by the findings of a run.
fn annotation_with(locator: &Locator, finding: &Finding) -> String {
    let span = JsonSpan::locate(locator, &finding.source, finding.span);
    // The message and help are data (kept whole, as in JSON), but on one line each: the only
    // line breaks in the annotation are ours.
    let mut message = sanitize::line(&finding.message).into_owned();
    if let Some(help) = &finding.help {
        message.push_str("\n\nhelp: ");
        message.push_str(&sanitize::line(help));
    }
    format!(
        "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        command(finding.severity),
        escape_property(&sanitize::line(&finding.source.name)),
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
pub(crate) fn render(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let locator = Locator::new();
    for finding in outcome.findings.iter().filter(|f| f.suppressed.is_none()) {
        writeln!(out, "{}", annotation_with(&locator, finding))?;
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

    #[test]
    fn hostile_names_cannot_reach_the_log_raw() {
        let engine = crate::engine::Engine::embedded().expect("embedded rules");
        let name = "a\u{1b}]8;;x\u{7}\u{0}\u{9b}\u{202e}b,c:d%\r\n::error::forged";
        let quoted: String = name
            .chars()
            .map(|c| match c {
                '"' | '\\' => format!("\\{c}"),
                c if c.is_ascii_graphic() || c == ' ' => c.to_string(),
                c => format!("\\u{:04x}", u32::from(c)),
            })
            .collect();
        let text = format!("version: 1\ntools:\n  - name: \"{quoted}\"\n    category: messaging\n");
        let file = "in\u{1b}[2Jv\u{202e},:\n.yaml";
        let source = crate::source::SourceFile::new(file, file, text);
        let (_, findings) = crate::lint_source(&engine, source);
        assert!(!findings.is_empty());
        for finding in &findings {
            let line = annotation(finding);
            assert!(!line.contains(|c: char| sanitize::is_hazard(c)), "{line:?}");
            assert!(
                line.contains("file=in\\u{1b}[2Jv\\u{202e}%2C%3A\\n.yaml,"),
                "{line:?}"
            );
        }
    }
}
