//! The one located error of the module edges: a problem in a file the user wrote (a rule file,
//! a config, an extended file, a baseline), drawn by miette with its code, a label at the span
//! and a help line. Loaders build it; the binary, the language server and the tests read it.

use std::sync::Arc;

use miette::Diagnostic;

use crate::source::{SourceFile, Span};
use crate::text::excerpt::Snippet;
use crate::text::sanitize;

/// A located problem in an input file. Boxed: `Result<_, LocatedError>` stays one word wide.
#[derive(Debug, Clone)]
pub struct LocatedError(Box<Problem>);

/// What a [`LocatedError`] says and where.
#[derive(Debug, Clone)]
pub struct Problem {
    /// The diagnostic code without `error[...]` (`invalid-rule`, `invalid-config`).
    pub(crate) code: &'static str,
    pub message: String,
    /// The name and text of the file the error points into.
    pub(crate) file_name: String,
    pub(crate) file_text: Arc<String>,
    pub span: Span,
    /// 1-based line and column of the span's start.
    pub(crate) line: usize,
    pub(crate) column: usize,
    /// The words under the span, escaped and cut.
    pub(crate) label: String,
    pub(crate) help: Option<String>,
    /// The escaped and cut lines drawn under the message (the file may come from a pull request).
    snippet: Snippet,
}

impl std::ops::Deref for LocatedError {
    type Target = Problem;
    fn deref(&self) -> &Problem {
        &self.0
    }
}

impl LocatedError {
    /// A problem at `span` of `source`; the label is the message when none is given.
    pub(crate) fn new(
        code: &'static str,
        source: &SourceFile,
        span: Span,
        message: impl Into<String>,
        label: Option<String>,
        help: Option<String>,
    ) -> LocatedError {
        let message = message.into();
        let label = sanitize::cut(label.as_deref().unwrap_or(&message)).into_owned();
        let at = source.line_col(span.offset);
        LocatedError(Box::new(Problem {
            code,
            file_name: source.name.clone(),
            file_text: Arc::clone(&source.text),
            span,
            line: at.line,
            column: at.column,
            label,
            help,
            snippet: Snippet::new(source, span),
            message,
        }))
    }

    /// One line, `file:line:column: message`, for contexts that print a line.
    pub(crate) fn one_line(&self) -> String {
        format!(
            "{}:{}:{}: {}",
            self.file_name, self.line, self.column, self.message
        )
    }
}

impl std::fmt::Display for LocatedError {
    /// The message, escaped; where the line cannot be drawn, its location in words.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&sanitize::cut(&self.message))?;
        if !self.snippet.is_drawn() {
            write!(f, "\n  at {} (line not shown)", self.snippet.at)?;
        }
        Ok(())
    }
}

impl std::error::Error for LocatedError {}

impl Diagnostic for LocatedError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(format!("error[{}]", self.code)))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.snippet.source_code()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let label = self.snippet.label(Some(self.label.clone()))?;
        Some(Box::new(std::iter::once(label)))
    }
}
