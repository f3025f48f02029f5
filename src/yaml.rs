//! The one YAML parse: a generic tree that keeps a byte span on every node.
//!
//! Everything downstream (inventory model, config, unknown-key and wrong-type findings) is built
//! from this tree, so spans never come from a second parser. The tree is built from
//! granit-parser's events (`events`); what that loader declines (tags, anchors, merge keys,
//! errors, limits) goes through serde-saphyr, the reference for those inputs and the author of
//! every error message. Both read the same parser with the same settings.

#[cfg(test)]
mod differential;
mod events;
mod scalar;

use std::borrow::Cow;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
/// A value with the byte span it was read from: the spanned type every typed loader uses
/// (rules, configs), named here so that only this module knows the parser.
pub(crate) use serde_saphyr::Spanned;

use crate::source::Span;

/// A YAML node with its byte span in the source text. Strings borrow from the text where the
/// YAML has no escapes, so a large file does not cost one allocation per scalar.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    pub kind: NodeKind<'a>,
    pub span: Span,
}

/// The shape of a node. Keys are nodes too: YAML allows `~:` and `[a, b]:` as keys.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind<'a> {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(Cow<'a, str>),
    Seq(Vec<Node<'a>>),
    Map(Vec<(Node<'a>, Node<'a>)>),
}

impl NodeKind<'_> {
    /// The word a user reads in "expected a string, found a list".
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Int(_) => "an integer",
            NodeKind::Float(_) => "a number",
            NodeKind::Str(_) => "a string",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }
}

impl<'a> Node<'a> {
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Looks a key up in a mapping node by its string value.
    pub(crate) fn get(&self, key: &str) -> Option<&Node<'a>> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Turns a serde-saphyr location into our byte span.
pub(crate) fn span_of<T>(spanned: &Spanned<T>) -> Span {
    let loc = spanned.referenced.span();
    match (loc.byte_offset(), loc.byte_len()) {
        (Some(offset), Some(len)) => Span::new(offset as usize, len as usize),
        _ => Span::new(0, 0),
    }
}

/// Collections are reported with a zero-length span at their first key or `-`; their end is
/// derived from the last child so that a label can cover the whole entry.
pub(super) fn extend_to_children(mut node: Node<'_>) -> Node<'_> {
    let last_end = match &node.kind {
        NodeKind::Seq(items) => items.last().map(|n| n.span.end()),
        NodeKind::Map(entries) => entries.last().map(|(_, v)| v.span.end()),
        _ => None,
    };
    if let Some(end) = last_end
        && end > node.span.end()
    {
        node.span = Span::new(node.span.offset, end - node.span.offset);
    }
    node
}

impl<'de> Deserialize<'de> for Node<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<NodeKind<'de>>::deserialize(deserializer)?;
        let span = span_of(&spanned);
        Ok(extend_to_children(Node {
            kind: spanned.value,
            span,
        }))
    }
}

impl<'de> Deserialize<'de> for NodeKind<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KindVisitor(PhantomData))
    }
}

struct KindVisitor<'de>(PhantomData<&'de ()>);

impl<'de> Visitor<'de> for KindVisitor<'de> {
    type Value = NodeKind<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(NodeKind::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(NodeKind::Int(v.into()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        Ok(NodeKind::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(NodeKind::Int(v.into()))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        Ok(i128::try_from(v).map_or(NodeKind::Float(v as f64), NodeKind::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(NodeKind::Float(v))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(NodeKind::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(NodeKind::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(NodeKind::Str(Cow::Owned(v)))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
        Ok(NodeKind::Str(Cow::Owned(
            String::from_utf8_lossy(v).into_owned(),
        )))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(NodeKind::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(NodeKind::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element::<Node<'de>>()? {
            items.push(item);
        }
        Ok(NodeKind::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Node<'de>>()? {
            let value = map.next_value::<Node<'de>>()?;
            entries.push((key, value));
        }
        Ok(NodeKind::Map(entries))
    }
}

/// Parses a one-document file whose top level is a list, or a mapping with a list under `key`
/// (with no `key`, a top-level mapping streams nothing and is returned whole),
/// handing each element of that list to `sink` as soon as it is parsed, so that a 100,000-entry
/// file never holds its whole tree in memory.
///
/// Returns the top-level mapping without that list (or `Null` for a top-level list). Returns
/// `None` when the file takes the general path: several documents, invalid YAML, a `key` that is
/// not a list or a scalar document. The spans those need exist only in the full tree, so the
/// caller then discards what `sink` received and calls [`parse`], which reports exactly.
pub(crate) fn parse_streaming<'a>(
    text: &'a str,
    key: Option<&str>,
    sink: &mut dyn FnMut(Node<'a>),
) -> Option<Node<'a>> {
    events::stream(text, key, sink)
}

/// [`parse_streaming`] split over two threads: [`parse_in_batches`] runs the parser on one,
/// handing its events to [`stream_events`] on the other, which builds each list item and calls
/// `sink` there. Same result as [`parse_streaming`].
pub(crate) use events::{Parsed, parse_in_batches, stream_events};

/// A YAML file that could not be parsed, located at the first offending byte.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

/// Parser settings shared by inventories and config files.
///
/// YAML 1.2 booleans only (`no` stays a string). The node and event budgets are raised so that
/// a 100,000-tool inventory loads, while alias expansion, nesting depth and scalar bytes keep
/// serde-saphyr's bounds against alias bombs and deep nesting.
pub(crate) fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        strict_booleans: true,
        strict_indentation: STRICT_INDENTATION,
        with_snippet: false,
        budget: serde_saphyr::budget! {
            max_events: 50_000_000,
            max_nodes: 25_000_000,
            max_total_scalar_bytes: 256 * 1024 * 1024,
        },
    }
}

/// YAML 1.2's indentation rules for flow collections and quoted continuation lines (the
/// parser is lenient by default, for PyYAML's sake); both loaders use it.
const STRICT_INDENTATION: bool = true;

/// Parses every YAML document of a file into spanned trees.
pub fn parse(text: &str) -> Result<Vec<Node<'_>>, ParseError> {
    events::parse(text).map_or_else(|| parse_saphyr(text), Ok)
}

/// [`parse`] through serde-saphyr: for what the event loader declines, and every error.
fn parse_saphyr(text: &str) -> Result<Vec<Node<'_>>, ParseError> {
    serde_saphyr::from_multiple_with_options::<Node<'_>>(text, options())
        .map_err(|error| locate_error(text, &error))
}

/// One YAML document deserialized into a typed model with [`options`]; an error is located
/// at its first offending byte and worded as [`parse`] words it.
pub(crate) fn from_str<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    serde_saphyr::from_str_with_options(text, options()).map_err(|e| locate_error(text, &e))
}

/// A serde-saphyr error (syntax, or a typed deserializer's complaint) as a message in our words
/// at the byte span it refers to.
fn locate_error(text: &str, error: &serde_saphyr::Error) -> ParseError {
    let span = error
        .location()
        .and_then(|location| {
            let span = location.span();
            match span.byte_offset() {
                Some(offset) => Some(Span::new(offset as usize, 0)),
                None if location.line() > 0 => Some(Span::new(
                    line_column_to_offset(text, location.line(), location.column()),
                    0,
                )),
                None => None,
            }
        })
        .unwrap_or_default();
    ParseError {
        message: limit_message(error).unwrap_or_else(|| clean_message(&error.to_string())),
        span: Span::new(span.offset, token_len(text, span.offset)),
    }
}

/// A resource limit or an unusable value, in words a user can act on. serde-saphyr prints these as Rust debug
/// structs (`budget breached: RecordedAnchorEvents { .. }`), and for an alias bomb with a
/// dangling `(defined at .. (used` tail; the README's "Hostile input and limits" lists them.
fn limit_message(error: &serde_saphyr::Error) -> Option<String> {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach as B;
    let mut error = error;
    while let E::AliasError { error: inner, .. } | E::WithSnippet { error: inner, .. } = error {
        error = inner;
    }
    let alias = "too much alias expansion (`*alias` references repeat anchored content; \
                 this looks like an alias bomb)";
    Some(match error {
        E::BinaryNotUtf8 { .. } => "a `!!binary` value that does not decode to UTF-8 text; \
                                    write the value as plain text"
            .to_owned(),
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => alias.to_owned(),
        E::Budget { breach, .. } => match breach {
            B::RecordedAnchorEvents { .. }
            | B::RecordedAnchorBytes { .. }
            | B::Aliases { .. }
            | B::AliasAnchorRatio { .. }
            | B::MergeKeys { .. } => alias.to_owned(),
            B::Depth { .. } => "nesting is deeper than 64 levels".to_owned(),
            B::Anchors { anchors } => {
                format!("too many anchors (more than {})", anchors.saturating_sub(1))
            }
            B::Documents { documents } => {
                format!(
                    "too many YAML documents (more than {})",
                    documents.saturating_sub(1)
                )
            }
            B::Nodes { .. } | B::Events { .. } => "too many YAML nodes in one file".to_owned(),
            B::ScalarBytes { .. } => "too much text in one file's values".to_owned(),
            _ => return None,
        },
        _ => return None,
    })
}

/// serde-saphyr messages carry their location in words and advice meant for programmers;
/// the span already carries the location, and the user cannot set parser options.
fn clean_message(message: &str) -> String {
    let line = message.lines().next().unwrap_or("invalid YAML").trim();
    let line = match line.rfind(" at line ") {
        Some(at) if line[at..].contains(", column ") => &line[..at],
        _ => line,
    };
    if line == "invalid indentation" {
        // Only strict indentation says this; PyYAML accepts the layout, so say what to change.
        return "invalid indentation: every line inside `[...]` or `{...}` (the closing bracket \
                too) and every continuation line of a quoted value must be indented more than \
                the key that holds it"
            .to_owned();
    }
    line.replace(", set DuplicateKeyPolicy in Options if acceptable", "")
}

/// The length of the token starting at `offset`, so an error underlines a word, not a point.
/// An error at a delimiter (`unclosed bracket '['`) underlines that one character.
fn token_len(text: &str, offset: usize) -> usize {
    text.get(offset..).map_or(0, |rest| {
        match rest
            .find(|c: char| c.is_whitespace() || matches!(c, ':' | ',' | '[' | ']' | '{' | '}'))
        {
            Some(0) => rest
                .chars()
                .next()
                .filter(|c| !c.is_whitespace())
                .map_or(0, char::len_utf8),
            Some(end) => end,
            None => rest.len(),
        }
    })
}

/// With the one line model ([`crate::source::line_breaks`]).
fn line_column_to_offset(text: &str, line: u64, column: u64) -> usize {
    let line_start = match usize::try_from(line.saturating_sub(2)) {
        Ok(_) if line <= 1 => 0,
        Ok(breaks) => crate::source::line_breaks(text)
            .nth(breaks)
            .unwrap_or(text.len()),
        Err(_) => text.len(),
    };
    text[line_start..]
        .char_indices()
        .nth(column.saturating_sub(1) as usize)
        .map_or(text.len(), |(i, _)| line_start + i)
}

#[cfg(test)]
mod tests {
    use super::{line_column_to_offset, parse};

    /// YAML 1.2's strict indentation: a flow collection's closing bracket at its key's column
    /// is an error (PyYAML accepts it), located at the bracket and saying what to change.
    #[test]
    fn under_indented_flow_collections_are_located_and_explained() {
        let text = "tools: [\n  {name: Signal}\n]\n";
        let error = parse(text).expect_err("strict indentation");
        assert_eq!(error.span.offset, text.find(']').expect("bracket"));
        assert!(
            error
                .message
                .starts_with("invalid indentation: every line inside `[...]`"),
            "{}",
            error.message
        );
        assert!(parse("tools: [\n  {name: Signal}\n  ]\n").is_ok());
    }

    #[test]
    fn parser_locations_use_the_one_line_model() {
        let text = "a\rb\r\nc\nd";
        assert_eq!(line_column_to_offset(text, 1, 1), 0);
        assert_eq!(line_column_to_offset(text, 2, 1), 2);
        assert_eq!(line_column_to_offset(text, 3, 1), 5);
        assert_eq!(line_column_to_offset(text, 4, 1), 7);
        assert_eq!(line_column_to_offset(text, 9, 1), text.len());
    }
}
