//! An ignore comment as the policy read it: the outcome lists them for the language server and
//! the reports.

use crate::source::Span;

/// One ignore comment as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ignore {
    /// The whole comment, from `#` to the end of the line.
    pub span: Span,
    /// 1-based line of the comment.
    pub(crate) line: usize,
    /// The rule ids listed, each with its span.
    pub rules: Vec<(String, Span)>,
    /// Empty when no reason was given.
    pub reason: String,
    /// The entry span of the tool the comment is attached to, if any.
    pub(crate) tool: Option<Span>,
}
