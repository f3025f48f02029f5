//! Typed reading of the spanned YAML tree, shared by the inventory and config loaders:
//! strings, keywords, wrong types and unknown keys, each problem a located complaint that the
//! loader records its own way (an inventory finding, a config error).

use crate::source::{SourceFile, Sp, Span};
use crate::suggest::did_you_mean;
use crate::yaml::{Node, NodeKind};

/// What kind of problem a complaint is; loaders map it to their own rule or error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Complaint {
    /// A wrong type or value.
    Invalid,
    /// A key the format does not define.
    UnknownKey,
}

/// A loader over one source. Implementors say how a complaint is recorded; the reading is here.
pub(crate) trait NodeReader {
    fn source(&self) -> &SourceFile;

    /// Records a problem at `span`. `label` is the short text drawn under the span, where the
    /// loader's diagnostics have one.
    fn complain(
        &mut self,
        kind: Complaint,
        span: Span,
        message: String,
        label: String,
        help: Option<String>,
    );

    /// See [`SourceFile::first_line`].
    fn first_line(&self, span: Span) -> Span {
        self.source().first_line(span)
    }

    fn wrong_type(&mut self, node: &Node, what: &str, expected: &str) {
        let help = match &node.kind {
            NodeKind::Bool(_) | NodeKind::Int(_) | NodeKind::Float(_) if expected == "a string" => {
                Some(format!(
                    "quote the value to make it a string: \"{}\"",
                    self.source().slice(node.span)
                ))
            }
            _ => None,
        };
        let span = self.first_line(node.span);
        let found = node.kind.type_name();
        self.complain(
            Complaint::Invalid,
            span,
            format!("{what} must be {expected}, found {found}"),
            format!("expected {expected}"),
            help,
        );
    }

    fn unknown_key(&mut self, key: &Node, known: &[&str], context: &str) {
        let known_keys = || format!("known keys: {}", known.join(", "));
        let (message, label, help) = match key.as_str() {
            Some(name) => (
                format!("unknown key `{name}` in {context}"),
                "unknown key",
                did_you_mean(name, known).unwrap_or_else(known_keys),
            ),
            None => (
                format!(
                    "{context} keys must be strings, found {}",
                    key.kind.type_name()
                ),
                "not a string",
                known_keys(),
            ),
        };
        let span = self.first_line(key.span);
        self.complain(
            Complaint::UnknownKey,
            span,
            message,
            label.into(),
            Some(help),
        );
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<Sp<String>> {
        match &node.kind {
            NodeKind::Str(s) => Some(Sp {
                value: s.to_string(),
                span: node.span,
            }),
            _ => {
                self.wrong_type(node, what, "a string");
                None
            }
        }
    }

    /// A string that must be one of `allowed`.
    fn keyword(&mut self, node: &Node, what: &str, allowed: &[&str]) -> Option<Sp<String>> {
        let value = self.string(node, what)?;
        if allowed.contains(&value.value.as_str()) {
            return Some(value);
        }
        let help = did_you_mean(&value.value, allowed)
            .unwrap_or_else(|| format!("expected one of: {}", allowed.join(", ")));
        self.complain(
            Complaint::Invalid,
            value.span,
            format!("unknown {what} `{}`", value.value),
            format!("not one of: {}", allowed.join(", ")),
            Some(help),
        );
        None
    }
}
