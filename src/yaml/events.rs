//! The fast loader: granit-parser's events straight into the spanned tree, with an explicit
//! stack (no recursion, so nesting costs heap, not call stack).
//!
//! It covers what inventories, configs and baselines are made of: untagged scalars, block and
//! flow collections, several documents. Whatever it does not cover it declines (returns
//! `None`), and the caller takes the serde-saphyr path, which stays the reference for those
//! inputs and for every error message: tags, anchors and aliases, merge keys (`<<`), keys that
//! are not strings, duplicate keys, non-finite floats, syntax errors, and any budget reached.
//! So a tree from here is always the tree serde-saphyr would give (the differential test in
//! `yaml/tests.rs` checks it over the YAML test suite and the fixtures), and an error always
//! reads the same.

use granit_parser::{Event, Parser, ScalarStyle};

use super::{Node, NodeKind, extend_to_children, scalar};
use crate::source::Span;

/// serde-saphyr's budget under [`super::options`]; reaching any of them declines, so that the
/// serde-saphyr path reports the breach in its words. Comments count towards events and bytes.
const MAX_EVENTS: usize = 50_000_000;
const MAX_NODES: usize = 25_000_000;
const MAX_SCALAR_BYTES: usize = 256 * 1024 * 1024;
const MAX_COMMENT_BYTES: usize = 64 * 1024 * 1024;
const MAX_DOCUMENTS: usize = 1_024;
const MAX_DEPTH: usize = 64;

/// The parser settings serde-saphyr derives from [`super::options`] (its budget's parser
/// options, comments on, strict indentation), so both paths see the same events and errors.
fn parser_options() -> granit_parser::Options {
    granit_parser::options! {
        strict_indentation: super::STRICT_INDENTATION,
        max_buffered_comment_events: 32,
    }
}

/// Where the elements of one list go as they complete, for [`stream`].
struct Stream<'s, 'a> {
    /// The top-level key whose list is streamed; `None` streams a top-level list only.
    key: Option<&'s str>,
    sink: &'s mut dyn FnMut(Node<'a>),
}

/// An open collection.
enum Frame<'a> {
    Seq {
        span: Span,
        items: Vec<Node<'a>>,
        /// Elements go to the stream's sink instead of `items`.
        streamed: bool,
    },
    Map {
        span: Span,
        entries: Vec<(Node<'a>, Node<'a>)>,
        key: Option<Node<'a>>,
        /// The next value is the streamed list's (the top-level key matched).
        stream_next: bool,
    },
}

/// Every document's tree, or `None` to take the serde-saphyr path.
pub(super) fn parse(text: &str) -> Option<Vec<Node<'_>>> {
    let mut documents = Vec::new();
    load(text, None, &mut |document| documents.push(document))?;
    Some(documents)
}

/// [`super::parse_streaming`] over events: `None` for anything but one document whose top
/// level is a list or a mapping (and whatever [`parse`] declines).
pub(super) fn stream<'a>(
    text: &'a str,
    key: Option<&str>,
    sink: &mut dyn FnMut(Node<'a>),
) -> Option<Node<'a>> {
    let mut top = None;
    let mut count = 0;
    load(text, Some(Stream { key, sink }), &mut |document| {
        count += 1;
        top = Some(document);
    })?;
    if count != 1 {
        return None;
    }
    top
}

/// Runs the parser, handing each non-null document's root to `document`.
fn load<'a>(
    text: &'a str,
    mut stream: Option<Stream<'_, 'a>>,
    document: &mut dyn FnMut(Node<'a>),
) -> Option<()> {
    let mut stack: Vec<Frame<'a>> = Vec::new();
    let mut events = 0usize;
    let mut nodes = 0usize;
    let mut scalar_bytes = 0usize;
    let mut comment_bytes = 0usize;
    let mut documents = 0usize;
    for item in Parser::new_from_str_with_options(text, parser_options()) {
        let (event, span) = item.ok()?;
        events += 1;
        if events >= MAX_EVENTS {
            return None;
        }
        let start = span.start.byte_offset()?;
        let node_span = Span::new(start, span.end.byte_offset()?.saturating_sub(start));
        let node = match event {
            Event::Scalar(value, style, anchor, tag) => {
                // A streamed document must be a list or a mapping.
                if anchor != 0 || tag.is_some() || (stack.is_empty() && stream.is_some()) {
                    return None;
                }
                nodes += 1;
                scalar_bytes += value.len();
                if nodes >= MAX_NODES || scalar_bytes >= MAX_SCALAR_BYTES {
                    return None;
                }
                let kind = if style == ScalarStyle::Plain {
                    scalar::resolve_plain(value)?
                } else {
                    NodeKind::Str(value)
                };
                Node {
                    kind,
                    span: node_span,
                }
            }
            Event::SequenceStart(_, anchor, ref tag) | Event::MappingStart(_, anchor, ref tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                nodes += 1;
                if nodes >= MAX_NODES || stack.len() + 1 >= MAX_DEPTH {
                    return None;
                }
                let frame = if matches!(event, Event::MappingStart(..)) {
                    Frame::Map {
                        span: node_span,
                        entries: Vec::new(),
                        key: None,
                        stream_next: false,
                    }
                } else {
                    let streamed = match (&stream, stack.as_slice()) {
                        // A top-level list streams whatever the key (as the serde-saphyr
                        // path does).
                        (Some(_), []) => true,
                        (Some(_), [Frame::Map { stream_next, .. }]) => *stream_next,
                        _ => false,
                    };
                    Frame::Seq {
                        span: node_span,
                        items: Vec::new(),
                        streamed,
                    }
                };
                stack.push(frame);
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match stack.pop()? {
                    Frame::Seq {
                        span,
                        items,
                        streamed,
                    } => {
                        if streamed {
                            // The streamed list leaves its key's span on an empty list, or no
                            // span for a top-level list, as the serde-saphyr path does.
                            Node {
                                kind: if stack.is_empty() {
                                    NodeKind::Null
                                } else {
                                    NodeKind::Seq(Vec::new())
                                },
                                span: Span::default(),
                            }
                        } else {
                            extend_to_children(Node {
                                kind: NodeKind::Seq(items),
                                span,
                            })
                        }
                    }
                    Frame::Map { span, entries, .. } => {
                        if has_duplicate_keys(&entries) {
                            return None;
                        }
                        extend_to_children(Node {
                            kind: NodeKind::Map(entries),
                            span,
                        })
                    }
                };
                if stack.is_empty() && stream.is_some() {
                    // The top level of a streamed document keeps no span of its own.
                    Node {
                        span: Span::default(),
                        ..node
                    }
                } else {
                    node
                }
            }
            Event::DocumentStart(..) => {
                documents += 1;
                if documents >= MAX_DOCUMENTS {
                    return None;
                }
                continue;
            }
            Event::Comment(comment, _) => {
                comment_bytes += comment.len();
                if comment_bytes >= MAX_COMMENT_BYTES {
                    return None;
                }
                continue;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => continue,
            _ => return None,
        };
        attach(&mut stack, &mut stream, node, document)?;
    }
    stack.is_empty().then_some(())
}

/// Puts a finished node where it belongs: a list, a mapping's key or value, the stream's sink,
/// or the document.
fn attach<'a>(
    stack: &mut [Frame<'a>],
    stream: &mut Option<Stream<'_, 'a>>,
    node: Node<'a>,
    document: &mut dyn FnMut(Node<'a>),
) -> Option<()> {
    let depth = stack.len();
    match stack.last_mut() {
        None => {
            // Null documents are skipped, as serde-saphyr's `from_multiple` does.
            if !matches!(node.kind, NodeKind::Null) || stream.is_some() {
                document(node);
            }
        }
        Some(Frame::Seq {
            items, streamed, ..
        }) => {
            if *streamed && let Some(stream) = stream {
                (stream.sink)(node);
            } else {
                items.push(node);
            }
        }
        Some(Frame::Map {
            entries,
            key,
            stream_next,
            ..
        }) => match key.take() {
            None => {
                // Keys that are not strings compare by their source text in serde-saphyr and
                // `<<` merges; both take its path.
                let text = node.as_str()?;
                if text == "<<" {
                    return None;
                }
                *stream_next = depth == 1
                    && stream
                        .as_ref()
                        .is_some_and(|s| s.key.is_some_and(|k| k == text));
                *key = Some(node);
            }
            Some(k) => {
                let value = if *stream_next {
                    *stream_next = false;
                    match node.kind {
                        // Streamed (an empty placeholder came back) or `key:` with no list.
                        NodeKind::Seq(_) | NodeKind::Null => Node {
                            kind: NodeKind::Seq(Vec::new()),
                            span: k.span,
                        },
                        _ => return None,
                    }
                } else {
                    node
                };
                entries.push((k, value));
            }
        },
    }
    Some(())
}

/// Two equal string keys in one mapping (serde-saphyr rejects them; its path says where).
fn has_duplicate_keys(entries: &[(Node<'_>, Node<'_>)]) -> bool {
    if entries.len() <= 16 {
        return entries.iter().enumerate().any(|(i, (key, _))| {
            entries[..i]
                .iter()
                .any(|(earlier, _)| earlier.as_str() == key.as_str())
        });
    }
    let mut keys: Vec<&str> = entries.iter().filter_map(|(k, _)| k.as_str()).collect();
    keys.sort_unstable();
    keys.windows(2).any(|pair| pair[0] == pair[1])
}
