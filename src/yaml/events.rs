//! The fast loader: granit-parser's events straight into the spanned tree, with an explicit
//! stack (no recursion, so nesting costs heap, not call stack).
//!
//! It covers what inventories, configs and baselines are made of: untagged scalars, block and
//! flow collections, several documents. Whatever it does not cover it declines (returns
//! `None`), and the caller takes the serde-saphyr path, which stays the reference for those
//! inputs and for every error message: tags, anchors and aliases, merge keys (`<<`), keys that
//! are not strings, duplicate keys, non-finite floats, syntax errors, and any budget reached.
//! So a tree from here is always the tree serde-saphyr would give (the differential test in
//! `yaml/differential.rs` checks it over the YAML test suite and the fixtures), and an error
//! always reads the same.

use granit_parser::{Event, Parser, ScalarStyle};

use super::{Node, NodeKind, extend_to_children, scalar};
use crate::source::Span;

/// serde-saphyr's budget under [`super::options`]; reaching any of them declines, so that the
/// serde-saphyr path reports the breach in its words. Comments count towards events and bytes
/// (see [`comments_within_budget`]).
const MAX_EVENTS: usize = 50_000_000;
const MAX_NODES: usize = 25_000_000;
const MAX_SCALAR_BYTES: usize = 256 * 1024 * 1024;
const MAX_COMMENT_BYTES: usize = 64 * 1024 * 1024;
const MAX_DOCUMENTS: usize = 1_024;
const MAX_DEPTH: usize = 64;

/// The parser settings serde-saphyr derives from [`super::options`] (its budget's parser
/// options, strict indentation), so both paths see the same events and errors, except that
/// comments are not emitted: capturing them was a sixth of the parser's time, and this loader
/// skips them. What they decide on the serde-saphyr path is decided here from the text
/// ([`comments_within_budget`]).
fn parser_options() -> granit_parser::Options {
    granit_parser::options! {
        strict_indentation: super::STRICT_INDENTATION,
        max_buffered_comment_events: MAX_BUFFERED_COMMENTS,
        emit_comments: false,
    }
}

/// serde-saphyr's parser rejects more consecutive comments than this where it must buffer
/// them (before an ambiguous collection entry).
const MAX_BUFFERED_COMMENTS: usize = 32;

/// Whether the comments of `text` stay within everything serde-saphyr's parser and budget
/// would hold them to, so that not seeing them changes nothing; otherwise the caller declines
/// and the serde-saphyr path decides. Conservative: a line whose first non-blank character is
/// `#` counts as a comment even inside a block scalar, and blank lines do not end a run (they
/// emit no event between two comments).
///
/// - comment bytes: at most the text's length;
/// - events: comments add at most one event per `#`, counted only when the other events come
///   near the budget (see [`load`]);
/// - consecutive comments: one trailing comment and then the run of comment lines below it.
fn comments_within_budget(text: &str) -> bool {
    if text.len() >= MAX_COMMENT_BYTES {
        return false;
    }
    // Only lines that start with `#` matter, so the text is searched for `#` (most inventories
    // have few), not read line by line: on a large file this runs before the first tool.
    let bytes = text.as_bytes();
    let blank = |range: &[u8], newlines: bool| {
        range
            .iter()
            .all(|&b| matches!(b, b' ' | b'\t' | b'\r') || (newlines && b == b'\n'))
    };
    let mut run = 0usize;
    // Where the last comment line ends (its `\n`), while no other line has come since.
    let mut previous_end: Option<usize> = None;
    let mut from = 0;
    while let Some(found) = memchr::memchr(b'#', &bytes[from..]) {
        let hash = from + found;
        let line_start = memchr::memrchr(b'\n', &bytes[..hash]).map_or(0, |i| i + 1);
        let line_end = memchr::memchr(b'\n', &bytes[hash..]).map_or(bytes.len(), |i| hash + i);
        if blank(&bytes[line_start..hash], false) {
            // Lines between two comment lines that are all blank keep the run going.
            let continues = previous_end.is_some_and(|end| blank(&bytes[end..line_start], true));
            run = if continues { run + 1 } else { 1 };
            if run + 1 >= MAX_BUFFERED_COMMENTS {
                return false;
            }
            previous_end = Some(line_end);
        }
        from = line_end;
    }
    true
}

/// Where the elements of one list go as they complete, for [`stream`].
struct Stream<'s, 'a> {
    /// The top-level key whose list is streamed; `None` streams a top-level list only.
    key: Option<&'s str>,
    sink: &'s mut dyn FnMut(Node<'a>),
}

/// An open collection. Its finished children wait on one stack shared by all frames (from
/// `first` on; a mapping's alternate key, value), so each collection allocates once, at its
/// exact size, when it closes.
struct Frame {
    span: Span,
    first: usize,
    kind: FrameKind,
}

#[derive(PartialEq)]
enum FrameKind {
    Seq,
    /// A list whose elements go to the stream's sink instead of the stack.
    Streamed,
    Map,
    /// The top-level mapping whose next value is the streamed list (its key matched).
    MapStreamNext,
}

/// Every document's tree, or `None` to take the serde-saphyr path.
pub(super) fn parse(text: &str) -> Option<Vec<Node<'_>>> {
    let mut documents = Vec::new();
    load(text, compacted(text), None, &mut |document| {
        documents.push(document)
    })?;
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
    load(
        text,
        compacted(text),
        Some(Stream { key, sink }),
        &mut |document| {
            count += 1;
            top = Some(document);
        },
    )?;
    if count != 1 {
        return None;
    }
    top
}

/// One parser event as the loader reads it, or `None` for a syntax error or anything the loader
/// declines.
pub(crate) type Parsed<'a> = Option<Compact<'a>>;

/// A parser event cut down to what the loader reads: 48 bytes where granit-parser's event and
/// span take several times that. Each event is moved into a batch and out of it again between
/// the two threads, and those copies were a fifth of the parser thread's time.
pub(crate) struct Compact<'a> {
    kind: Kind<'a>,
    start: usize,
    end: usize,
}

enum Kind<'a> {
    /// A scalar's value, and whether it is plain (unquoted, so it may be a number or a bool).
    Scalar(std::borrow::Cow<'a, str>, bool),
    SequenceStart,
    MappingStart,
    /// The end of a sequence or a mapping (the stack knows which).
    CollectionEnd,
    DocumentStart,
    /// The stream's start and end, and a document's end: nothing to build.
    Skip,
}

/// The loader's view of one event, or `None` for what it declines: anchors, aliases, tags,
/// and any event it does not build from.
fn compact<'a>(event: Event<'a>, span: &granit_parser::Span) -> Option<Compact<'a>> {
    let kind = match event {
        Event::Scalar(value, style, 0, None) => Kind::Scalar(value, style == ScalarStyle::Plain),
        Event::SequenceStart(_, 0, None) => Kind::SequenceStart,
        Event::MappingStart(_, 0, None) => Kind::MappingStart,
        Event::SequenceEnd | Event::MappingEnd => Kind::CollectionEnd,
        Event::DocumentStart(..) => Kind::DocumentStart,
        Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => Kind::Skip,
        _ => return None,
    };
    Some(Compact {
        kind,
        start: span.start.byte_offset()?,
        end: span.end.byte_offset()?,
    })
}

/// The parser's events as the loader reads them.
fn compacted<'a>(text: &'a str) -> impl Iterator<Item = Parsed<'a>> {
    parser(text).map(|item| item.ok().and_then(|(event, span)| compact(event, &span)))
}

/// Parser events in batches, for [`stream_events`] on another thread: the parser is most of a
/// large file's time, so the thread that runs it does nothing else, and the tree is built and
/// its tools checked beside it. Stops after a syntax error, or when `send` says the receiver
/// is gone (it declined).
pub(crate) fn parse_in_batches<'a>(text: &'a str, send: &mut dyn FnMut(Vec<Parsed<'a>>) -> bool) {
    // Big enough that a hand-over (a thread wake-up) costs little per event, small enough that
    // the events waiting between the threads stay a few megabytes.
    const BATCH: usize = 4096;
    let mut batch = Vec::with_capacity(BATCH);
    for item in compacted(text) {
        let failed = item.is_none();
        batch.push(item);
        if failed {
            break;
        }
        if batch.len() == BATCH && !send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))) {
            return;
        }
    }
    send(batch);
}

/// [`stream`] over events parsed elsewhere ([`parse_in_batches`]), in order.
pub(crate) fn stream_events<'a>(
    text: &'a str,
    events: impl Iterator<Item = Parsed<'a>>,
    key: Option<&str>,
    sink: &mut dyn FnMut(Node<'a>),
) -> Option<Node<'a>> {
    let mut top = None;
    let mut count = 0;
    load(text, events, Some(Stream { key, sink }), &mut |document| {
        count += 1;
        top = Some(document);
    })?;
    if count != 1 {
        return None;
    }
    top
}

fn parser(text: &str) -> Parser<'_, granit_parser::StrInput<'_>> {
    Parser::new_from_str_with_options(text, parser_options())
}

/// Reads the parser's events, handing each non-null document's root to `document`.
fn load<'a>(
    text: &'a str,
    parsed: impl Iterator<Item = Parsed<'a>>,
    mut stream: Option<Stream<'_, 'a>>,
    document: &mut dyn FnMut(Node<'a>),
) -> Option<()> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut children: Vec<Node<'a>> = Vec::new();
    let mut events = 0usize;
    let mut nodes = 0usize;
    let mut scalar_bytes = 0usize;
    if !comments_within_budget(text) {
        return None;
    }
    // The events comments would add, counted once the others come near the budget.
    let mut comment_events: Option<usize> = None;
    let mut documents = 0usize;
    for item in parsed {
        let Compact { kind, start, end } = item?;
        events += 1;
        if events.saturating_add(text.len()) >= MAX_EVENTS {
            let comments =
                *comment_events.get_or_insert_with(|| text.bytes().filter(|&b| b == b'#').count());
            if events.saturating_add(comments) >= MAX_EVENTS {
                return None;
            }
        }
        let node_span = Span::new(start, end.saturating_sub(start));
        let node = match kind {
            Kind::Scalar(value, plain) => {
                // A streamed document must be a list or a mapping.
                if stack.is_empty() && stream.is_some() {
                    return None;
                }
                nodes += 1;
                scalar_bytes += value.len();
                if nodes >= MAX_NODES || scalar_bytes >= MAX_SCALAR_BYTES {
                    return None;
                }
                let kind = if plain {
                    scalar::resolve_plain(value)?
                } else {
                    NodeKind::Str(value)
                };
                Node {
                    kind,
                    span: node_span,
                }
            }
            Kind::SequenceStart | Kind::MappingStart => {
                nodes += 1;
                if nodes >= MAX_NODES || stack.len() + 1 >= MAX_DEPTH {
                    return None;
                }
                let kind = if matches!(kind, Kind::MappingStart) {
                    FrameKind::Map
                } else {
                    match (&stream, stack.as_slice()) {
                        // A top-level list streams whatever the key (as the serde-saphyr
                        // path does).
                        (Some(_), [])
                        | (
                            Some(_),
                            [
                                Frame {
                                    kind: FrameKind::MapStreamNext,
                                    ..
                                },
                            ],
                        ) => FrameKind::Streamed,
                        _ => FrameKind::Seq,
                    }
                };
                stack.push(Frame {
                    span: node_span,
                    first: children.len(),
                    kind,
                });
                continue;
            }
            Kind::CollectionEnd => {
                let frame = stack.pop()?;
                let node = match frame.kind {
                    // The streamed list leaves its key's span on an empty list (see `attach`),
                    // or no span for a top-level list, as the serde-saphyr path does.
                    FrameKind::Streamed => Node {
                        kind: if stack.is_empty() {
                            NodeKind::Null
                        } else {
                            NodeKind::Seq(Vec::new())
                        },
                        span: Span::default(),
                    },
                    FrameKind::Seq => extend_to_children(Node {
                        kind: NodeKind::Seq(children.drain(frame.first..).collect()),
                        span: frame.span,
                    }),
                    FrameKind::Map | FrameKind::MapStreamNext => {
                        let entries = &children[frame.first..];
                        if !entries.len().is_multiple_of(2) || has_duplicate_keys(entries) {
                            return None;
                        }
                        let mut pairs = Vec::with_capacity(entries.len() / 2);
                        let mut drained = children.drain(frame.first..);
                        while let (Some(key), Some(value)) = (drained.next(), drained.next()) {
                            pairs.push((key, value));
                        }
                        drop(drained);
                        extend_to_children(Node {
                            kind: NodeKind::Map(pairs),
                            span: frame.span,
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
            Kind::DocumentStart => {
                documents += 1;
                if documents >= MAX_DOCUMENTS {
                    return None;
                }
                continue;
            }
            Kind::Skip => continue,
        };
        attach(&mut stack, &mut children, &mut stream, node, document)?;
    }
    stack.is_empty().then_some(())
}

/// Puts a finished node where it belongs: a list, a mapping's key or value, the stream's sink,
/// or the document.
fn attach<'a>(
    stack: &mut [Frame],
    children: &mut Vec<Node<'a>>,
    stream: &mut Option<Stream<'_, 'a>>,
    node: Node<'a>,
    document: &mut dyn FnMut(Node<'a>),
) -> Option<()> {
    let depth = stack.len();
    let Some(frame) = stack.last_mut() else {
        // Null documents are skipped, as serde-saphyr's `from_multiple` does.
        if !matches!(node.kind, NodeKind::Null) || stream.is_some() {
            document(node);
        }
        return Some(());
    };
    match frame.kind {
        FrameKind::Seq => children.push(node),
        FrameKind::Streamed => match stream {
            Some(stream) => (stream.sink)(node),
            None => return None,
        },
        FrameKind::Map if (children.len() - frame.first).is_multiple_of(2) => {
            // Keys that are not strings compare by their source text in serde-saphyr and
            // `<<` merges; both take its path.
            let text = node.as_str()?;
            if text == "<<" {
                return None;
            }
            let streamed = depth == 1
                && stream
                    .as_ref()
                    .is_some_and(|s| s.key.is_some_and(|k| k == text));
            if streamed {
                frame.kind = FrameKind::MapStreamNext;
            }
            children.push(node);
        }
        FrameKind::Map => children.push(node),
        FrameKind::MapStreamNext => {
            frame.kind = FrameKind::Map;
            let key_span = children.last()?.span;
            match node.kind {
                // Streamed (an empty placeholder came back) or `key:` with no list.
                NodeKind::Seq(_) | NodeKind::Null => children.push(Node {
                    kind: NodeKind::Seq(Vec::new()),
                    span: key_span,
                }),
                _ => return None,
            }
        }
    }
    Some(())
}

/// Two equal string keys in one mapping, given as alternate keys and values (serde-saphyr
/// rejects them; its path says where).
fn has_duplicate_keys(entries: &[Node<'_>]) -> bool {
    if entries.len() <= 64 {
        // No allocation for the small mappings that are nearly all of them.
        return (2..entries.len()).step_by(2).any(|i| {
            let key = entries[i].as_str();
            entries[..i].iter().step_by(2).any(|k| k.as_str() == key)
        });
    }
    let mut keys: Vec<Option<&str>> = entries.iter().step_by(2).map(Node::as_str).collect();
    keys.sort_unstable();
    keys.windows(2).any(|pair| pair[0] == pair[1])
}

#[cfg(test)]
mod tests {
    /// What crosses between the parser's thread and the loader's stays small (see [`Compact`]).
    #[test]
    fn a_compact_event_is_48_bytes() {
        assert_eq!(std::mem::size_of::<super::Parsed<'_>>(), 48);
    }

    /// [`super::comments_within_budget`] as first written, line by line: the reference.
    fn comments_within_budget_by_lines(text: &str) -> bool {
        let mut run = 0usize;
        for line in text.split('\n') {
            match line
                .trim_start_matches([' ', '\t', '\r'])
                .as_bytes()
                .first()
            {
                Some(b'#') => {
                    run += 1;
                    if run + 1 >= super::MAX_BUFFERED_COMMENTS {
                        return false;
                    }
                }
                None => {}
                Some(_) => run = 0,
            }
        }
        true
    }

    #[test]
    fn the_comment_search_agrees_with_reading_every_line() {
        let pieces = [
            "# c\n",
            "  # c\n",
            "\r# c\r\n",
            "\n",
            "  \n",
            "a: 1 # t\n",
            "- x\n",
            "#\n",
            "k: '#'\n",
            "\t#\t##\n",
            "# no newline",
        ];
        // Runs of every length around the buffer, with each piece between and around them.
        for len in [0, 1, 29, 30, 31, 32, 40] {
            for (a, before) in pieces.iter().enumerate() {
                for after in &pieces[a..] {
                    for gap in ["", "\n", "  \n\r\n", "x: y\n"] {
                        let run: String = (0..len)
                            .map(|i| {
                                if i % 5 == 4 {
                                    format!("#{i}\n{gap}")
                                } else {
                                    format!("  #{i}\n")
                                }
                            })
                            .collect();
                        let text = format!("{before}{run}{after}");
                        assert_eq!(
                            super::comments_within_budget(&text),
                            comments_within_budget_by_lines(&text),
                            "{text:?}"
                        );
                    }
                }
            }
        }
    }

    /// Comments are not emitted on this path; a run long enough that serde-saphyr's parser
    /// might reject it takes the serde-saphyr path, and either way the answer is its answer.
    #[test]
    fn comment_runs_are_held_to_serde_saphyrs_buffer() {
        for (lines, fast) in [(10, true), (40, false)] {
            let text = format!(
                "tools:\n  - a\n{}  - b\n",
                "  # old entry\n\n".repeat(lines)
            );
            assert_eq!(super::parse(&text).is_some(), fast, "{lines} comment lines");
            assert_eq!(
                crate::yaml::parse(&text),
                crate::yaml::parse_saphyr(&text),
                "{lines} comment lines"
            );
        }
    }
}
