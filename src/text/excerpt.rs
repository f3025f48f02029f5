//! The few lines of a file that one diagnostic draws, as miette's `SourceCode`: bounded work per
//! finding, and nothing from the file reaches the terminal raw.
//!
//! Handing miette the whole text (`NamedSource<String>`) made every diagnostic scan the file from
//! its first byte to find its lines, so human output was quadratic in the file size (50,000 tools:
//! minutes). An [`Excerpt`] holds only the lines around its spans, found through the line index,
//! each cut to [`MAX_SNIPPET_LINE`] bytes and with control and bidi characters escaped (see
//! [`sanitize`]). Its text is its own: spans are translated into it, and [`SourceCode::read_span`]
//! reports the real line numbers and columns, so the drawing looks as before.

use std::collections::BTreeSet;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use super::locate::Locator;
use super::sanitize;
use crate::source::{SourceFile, Span};

/// Lines longer than this (in bytes) are not drawn under a label: a one-line inventory would
/// otherwise be printed whole for every finding; the location is given in words instead. As
/// context lines (no label on them) they are cut to this length.
pub(crate) const MAX_SNIPPET_LINE: usize = 400;

/// A span over more lines is drawn on its first line only.
pub(crate) const MAX_SPAN_LINES: usize = 8;

/// Lines of context above and below each span: miette's default, which [`super::human`] keeps.
pub(crate) const CONTEXT_LINES: usize = 1;

/// Context lines this close (at most five lines missing between them: one tool entry) are
/// drawn as one snippet, the lines between included; farther apart, each span gets a snippet of
/// its own. miette's own reader joined any two labels, drawing every line between them: a
/// duplicate listed 38,000 lines after the first drew all 38,000.
const MAX_GAP: usize = 6;

#[derive(Debug)]
struct Line {
    /// 0-based line number in the file.
    number: usize,
    /// Byte range in the excerpt's text, without the `\n` that follows every line.
    start: usize,
    end: usize,
}

/// Lines of one file around some spans, in its own coordinates.
#[derive(Debug)]
pub(crate) struct Excerpt {
    name: String,
    text: String,
    lines: Vec<Line>,
    /// For each drawn span's start: its offset in `text`, real 0-based line and column.
    starts: Vec<(usize, usize, usize)>,
}

/// A span clamped into the text and checked against the line limits: its byte range and first
/// and last lines, or `None` when it cannot be drawn.
fn fit(source: &SourceFile, span: Span) -> Option<(usize, usize, usize, usize)> {
    let len = source.text.len();
    let start = span.offset.min(len);
    let mut end = span.end().min(len).max(start);
    let first = source.line_index(start);
    let mut last = if end > start {
        source.line_index(end - 1)
    } else {
        first
    };
    if last - first >= MAX_SPAN_LINES {
        end = source.line_range(first)?.end.max(start);
        last = first;
    }
    let short = (first..=last).all(|line| {
        source
            .line_range(line)
            .is_some_and(|r| r.len() <= MAX_SNIPPET_LINE)
    });
    let text = &source.text;
    (short && text.is_char_boundary(start) && text.is_char_boundary(end))
        .then_some((start, end, first, last))
}

/// Whether a span can be drawn: its lines are short enough and its ends are characters.
#[cfg(test)]
fn drawable(source: &SourceFile, span: Span) -> bool {
    fit(source, span).is_some()
}

impl Excerpt {
    /// The lines around `spans` and where each span lands in them: `None` for a span that
    /// cannot be drawn ([`drawable`]).
    pub(crate) fn new(
        source: &SourceFile,
        locator: &Locator,
        spans: &[Span],
    ) -> (Excerpt, Vec<Option<SourceSpan>>) {
        let fits: Vec<_> = spans.iter().map(|&span| fit(source, span)).collect();
        // The empty "line" after a final line break is drawn only when a span is on it.
        let mut last_line = source.line_count().saturating_sub(1);
        if last_line > 0 && source.line_range(last_line).is_some_and(|r| r.is_empty()) {
            last_line -= 1;
        }
        let mut wanted = BTreeSet::new();
        for &(_, _, first, last) in fits.iter().flatten() {
            let to = (last + CONTEXT_LINES).min(last_line.max(last));
            wanted.extend(first.saturating_sub(CONTEXT_LINES)..=to);
        }
        // Close small gaps, so nearby labels share one snippet as miette would draw them.
        let mut numbers = Vec::with_capacity(wanted.len());
        for number in wanted {
            if let Some(&previous) = numbers.last()
                && number > previous + 1
                && number - previous <= MAX_GAP
            {
                numbers.extend(previous + 1..number);
            }
            numbers.push(number);
        }
        let mut excerpt = Excerpt {
            name: sanitize::cut(&source.name).into_owned(),
            text: String::new(),
            lines: Vec::with_capacity(numbers.len()),
            starts: Vec::new(),
        };
        for number in numbers {
            let Some(range) = source.line_range(number) else {
                continue;
            };
            let raw = &source.text[range];
            let start = excerpt.text.len();
            if raw.len() > MAX_SNIPPET_LINE {
                let kept = sanitize::prefix(raw, MAX_SNIPPET_LINE);
                excerpt.text.push_str(&sanitize::source_line(kept));
                excerpt.text.push('…');
            } else {
                excerpt.text.push_str(&sanitize::source_line(raw));
            }
            let end = excerpt.text.len();
            excerpt.text.push('\n');
            excerpt.lines.push(Line { number, start, end });
        }
        let mapped = fits
            .iter()
            .map(|fit| {
                let (start, end, first, last) = (*fit)?;
                let from = excerpt.position(source, first, start)?;
                let to = excerpt.position(source, last, end)?;
                let at = locator.line_col(source, start);
                excerpt.starts.push((from, first, at.column - 1));
                Some(SourceSpan::from((from, to.saturating_sub(from))))
            })
            .collect();
        (excerpt, mapped)
    }

    /// Where byte `offset` of the file, on line `number`, is in the excerpt.
    fn position(&self, source: &SourceFile, number: usize, offset: usize) -> Option<usize> {
        let index = self
            .lines
            .binary_search_by_key(&number, |l| l.number)
            .ok()?;
        let line = &self.lines[index];
        let range = source.line_range(number)?;
        if offset > range.end {
            // The span takes in the line break.
            return Some(line.end + 1);
        }
        let before = source.text.get(range.start..offset)?;
        Some(line.start + sanitize::source_line(before).len())
    }

    /// The index of the line holding excerpt offset `offset`.
    fn line_at(&self, offset: usize) -> usize {
        self.lines
            .partition_point(|l| l.start <= offset)
            .saturating_sub(1)
    }

    /// The excerpt's text, for tests of its size.
    #[cfg(test)]
    pub(crate) fn text(&self) -> &str {
        &self.text
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        if self.lines.is_empty() || span.offset() + span.len() > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.line_at(span.offset());
        let last = self.line_at(span.offset() + span.len().saturating_sub(1));
        let joined = |i: usize| self.lines[i].number + 1 == self.lines[i + 1].number;
        // Lines with a gap between them are never one snippet (miette then draws two).
        if (first..last).any(|i| !joined(i)) {
            return Err(MietteError::OutOfBounds);
        }
        let mut from = first;
        while from > 0 && first - from < context_lines_before && joined(from - 1) {
            from -= 1;
        }
        let mut to = last;
        while to + 1 < self.lines.len() && to - last < context_lines_after && joined(to) {
            to += 1;
        }
        // As miette's own reader: without context, the contents start at the span and carry
        // its column (the `[file:line:column]` header); with context, at a line's start.
        let (start, column) = if context_lines_before == 0 {
            let column = self
                .starts
                .iter()
                .find(|&&(at, line, _)| at == span.offset() && line == self.lines[first].number)
                .map_or_else(
                    || {
                        self.text[self.lines[first].start..span.offset()]
                            .chars()
                            .count()
                    },
                    |&(_, _, column)| column,
                );
            (span.offset(), column)
        } else {
            (self.lines[from].start, 0)
        };
        let end = (self.lines[to].end + 1).min(self.text.len());
        let start = start.min(end);
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &self.text.as_bytes()[start..end],
            (start, end - start).into(),
            self.lines[from].number,
            column,
            // Not the count of lines in the contents: miette adds it to `line()` to decide
            // whether two labels' snippets meet, and then asks for the joined span, which
            // fails above across a gap. The last line's number lets it always ask.
            self.lines[self.lines.len() - 1].number + 1,
        )))
    }
}

/// One located span of a file, ready for miette: the escaped and cut lines around it, or, when
/// the line is too long to draw, its location in words. The one snippet path of every
/// diagnostic that quotes a file: inventory findings, configs, rule files and baselines.
#[derive(Debug, Clone)]
pub(crate) struct Snippet {
    excerpt: Option<std::sync::Arc<Excerpt>>,
    span: Option<SourceSpan>,
    /// `file:line:column` of the span, escaped and cut.
    pub at: String,
}

impl Snippet {
    pub(crate) fn new(source: &SourceFile, span: Span) -> Snippet {
        let locator = Locator::new();
        let (excerpt, spans) = Excerpt::new(source, &locator, &[span]);
        let where_ = locator.line_col(source, span.offset.min(source.text.len()));
        let at = format!(
            "{}:{}:{}",
            sanitize::cut(&source.name),
            where_.line,
            where_.column
        );
        match spans.first().copied().flatten() {
            Some(span) => Snippet {
                excerpt: Some(std::sync::Arc::new(excerpt)),
                span: Some(span),
                at,
            },
            None => Snippet {
                excerpt: None,
                span: None,
                at,
            },
        }
    }

    /// The excerpt to draw, if the span's lines can be drawn.
    pub(crate) fn source_code(&self) -> Option<&dyn SourceCode> {
        self.excerpt.as_deref().map(|e| e as &dyn SourceCode)
    }

    /// The label at the span, in the excerpt's coordinates; `None` when it is not drawn.
    pub(crate) fn label(&self, text: Option<String>) -> Option<miette::LabeledSpan> {
        self.span
            .map(|span| miette::LabeledSpan::new_with_span(text, span))
    }

    /// Whether the span is drawn; when not, the message should carry [`Snippet::at`].
    pub(crate) fn is_drawn(&self) -> bool {
        self.span.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("a.yaml", "a.yaml", text.to_owned())
    }

    #[test]
    fn holds_only_the_lines_around_the_spans() {
        let text: String = (0..10_000).map(|i| format!("line {i}\n")).collect();
        let source = file(&text);
        let offset = text.find("line 5000").unwrap_or_default();
        let (excerpt, spans) = Excerpt::new(&source, &Locator::new(), &[Span::new(offset, 4)]);
        assert_eq!(excerpt.text(), "line 4999\nline 5000\nline 5001\n");
        let span = spans[0].expect("drawable");
        assert_eq!((span.offset(), span.len()), (10, 4));
        let contents = excerpt.read_span(&span, 0, 0).expect("in bounds");
        assert_eq!((contents.line(), contents.column()), (5000, 0));
        let contents = excerpt.read_span(&span, 1, 1).expect("in bounds");
        assert_eq!(contents.line(), 4999);
        assert_eq!(contents.data(), excerpt.text().as_bytes());
    }

    #[test]
    fn long_context_lines_are_cut_and_controls_escaped() {
        let text = format!(
            "a: {}\nname: \u{202e}x\u{1b}[2J\nb: {}\n",
            "x".repeat(50_000),
            "y".repeat(50_000)
        );
        let source = file(&text);
        let offset = text.find("name").unwrap_or_default();
        let (excerpt, spans) = Excerpt::new(&source, &Locator::new(), &[Span::new(offset, 4)]);
        assert!(spans[0].is_some());
        assert!(excerpt.text().len() < 2 * MAX_SNIPPET_LINE + 100);
        assert!(excerpt.text().contains("name: \\u{202e}x\\u{1b}[2J\n"));
        assert!(!excerpt.text().contains(['\u{1b}', '\u{202e}']));
    }

    #[test]
    fn spans_on_long_lines_are_not_drawn() {
        let text = format!("tools: [{}]\n", "{name: Slack}, ".repeat(100));
        let source = file(&text);
        let (_, spans) = Excerpt::new(&source, &Locator::new(), &[Span::new(9, 5)]);
        assert_eq!(spans, [None]);
        assert!(!drawable(&source, Span::new(9, 5)));
    }

    #[test]
    fn far_apart_spans_are_separate_snippets() {
        let text: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let source = file(&text);
        let a = text.find("line 10").unwrap_or_default();
        let b = text.find("line 80").unwrap_or_default();
        let (excerpt, spans) = Excerpt::new(
            &source,
            &Locator::new(),
            &[Span::new(a, 4), Span::new(b, 4)],
        );
        assert_eq!(excerpt.lines.len(), 6);
        let (a, b) = (spans[0].expect("a"), spans[1].expect("b"));
        let joined = SourceSpan::from((a.offset(), b.offset() + b.len() - a.offset()));
        assert!(excerpt.read_span(&joined, 1, 1).is_err());
        assert_eq!(excerpt.read_span(&b, 0, 0).map(|c| c.line()).ok(), Some(80));
    }
}
