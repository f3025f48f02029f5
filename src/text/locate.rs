//! Lines and character columns of byte offsets in bounded work per lookup, for every renderer.
//!
//! `SourceFile::line_col` counts characters from the start of the line, which is fine for
//! ordinary lines and quadratic on a one-line inventory (`tools: [{name: Slack}, ...]`): 100,000
//! findings on a 1.5 MB line each counted up to 1.5 MB. A [`Locator`] finds the line through the
//! line index and counts characters through a per-file table of character counts at every
//! [`BLOCK`] bytes, built once for a file with a long line. Each lookup then reads at most one
//! short line or one block.

use std::collections::HashMap;
#[cfg(test)]
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crate::source::{LineCol, SourceFile, Span};

/// Bytes per checkpoint of the character table; also the line length above which it is used.
pub(crate) const BLOCK: usize = 1024;

/// Characters in a byte range that need not fall on character boundaries: bytes that are not
/// UTF-8 continuation bytes.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// `table[k]` = characters before byte `k * BLOCK`.
struct CharTable(Vec<usize>);

impl CharTable {
    fn new(text: &str) -> CharTable {
        let mut table = Vec::with_capacity(text.len() / BLOCK + 1);
        let mut chars = 0;
        table.push(0);
        for block in text.as_bytes().chunks(BLOCK) {
            chars += count_chars(block);
            table.push(chars);
        }
        CharTable(table)
    }
}

/// Line and column lookups shared by the findings of one rendering (and its threads).
#[derive(Default)]
pub(crate) struct Locator {
    /// Keyed by the address of the file's text, which the outcome keeps alive while rendering.
    tables: Mutex<HashMap<usize, Arc<CharTable>>>,
    /// Bytes of text examined by lookups (table building included), for tests of the cost.
    /// Only in tests: renderer threads would contend on it for every lookup.
    #[cfg(test)]
    scanned: AtomicUsize,
}

impl Locator {
    pub(crate) fn new() -> Locator {
        Locator::default()
    }

    /// Bytes of source text read so far: the tests hold it to a bound per finding.
    #[cfg(test)]
    pub(crate) fn scanned(&self) -> usize {
        self.scanned.load(Ordering::Relaxed)
    }

    fn count(&self, bytes: &[u8]) -> usize {
        #[cfg(test)]
        self.scanned.fetch_add(bytes.len(), Ordering::Relaxed);
        count_chars(bytes)
    }

    fn table(&self, source: &SourceFile) -> Arc<CharTable> {
        let key = Arc::as_ptr(&source.text) as usize;
        // A poisoned lock only means another renderer thread panicked; the table is still whole.
        let mut tables = self.tables.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(tables.entry(key).or_insert_with(|| {
            #[cfg(test)]
            self.scanned.fetch_add(source.text.len(), Ordering::Relaxed);
            Arc::new(CharTable::new(&source.text))
        }))
    }

    /// Characters before a byte offset (clamped), from the start of the file.
    pub(crate) fn chars_before(&self, source: &SourceFile, offset: usize) -> usize {
        let bytes = source.text.as_bytes();
        let offset = offset.min(bytes.len());
        if offset <= BLOCK {
            return self.count(&bytes[..offset]);
        }
        let table = self.table(source);
        let block = offset / BLOCK;
        let from = block * BLOCK;
        table.0.get(block).copied().unwrap_or(0) + self.count(&bytes[from..offset])
    }

    /// Characters in a byte range (clamped; need not fall on character boundaries).
    pub(crate) fn chars_between(&self, source: &SourceFile, from: usize, to: usize) -> usize {
        let len = source.text.len();
        let (from, to) = (from.min(len), to.min(len).max(from.min(len)));
        if to - from <= BLOCK {
            return self.count(&source.text.as_bytes()[from..to]);
        }
        self.chars_before(source, to) - self.chars_before(source, from)
    }

    /// The line and column of `span`'s start and of its end, as [`Self::line_col`] gives each;
    /// an end on the start's line (nearly every span) is counted from the start.
    pub(crate) fn span_line_cols(&self, source: &SourceFile, span: Span) -> (LineCol, LineCol) {
        let start = self.line_col(source, span.offset);
        let text = source.text.as_str();
        let (from, to) = (span.offset.min(text.len()), span.end().min(text.len()));
        let end = match text.get(from..to) {
            Some(inside)
                if inside.len() <= 2 * BLOCK
                    && memchr::memchr2(b'\n', b'\r', inside.as_bytes()).is_none() =>
            {
                LineCol {
                    line: start.line,
                    column: start.column + self.count(inside.as_bytes()),
                }
            }
            // Across a line break, not on character boundaries, or long: the general way.
            _ => self.line_col(source, span.end()),
        };
        (start, end)
    }

    /// The same answer as [`SourceFile::line_col`], without reading more than a block.
    pub(crate) fn line_col(&self, source: &SourceFile, offset: usize) -> LineCol {
        let offset = offset.min(source.text.len());
        let (line, start) = source.line_and_start(offset);
        let start = start.min(offset);
        // As `line_col`: a column that does not fall on a character boundary counts bytes.
        let column = if !source.text.is_char_boundary(offset) {
            offset - start
        } else if offset - start <= 2 * BLOCK {
            self.count(&source.text.as_bytes()[start..offset])
        } else {
            self.chars_before(source, offset) - self.chars_before(source, start)
        };
        LineCol {
            line: line + 1,
            column: column + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("a.yaml", "a.yaml", text.to_owned())
    }

    #[test]
    fn agrees_with_the_source_index_everywhere() {
        let long = format!("k: [{}]\n", "{name: é€𝄞}, ".repeat(400));
        let texts = [
            String::new(),
            "a\nb\r\nc".to_owned(),
            "é: x\n  - name: Zoom\n".to_owned(),
            long.clone() + "tail\n" + &long,
        ];
        for text in &texts {
            let source = file(text);
            let locator = Locator::new();
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    locator.line_col(&source, offset),
                    source.line_col(offset),
                    "offset {offset} of {text:.20?}"
                );
                let clamped = offset.min(text.len());
                assert_eq!(
                    locator.chars_before(&source, offset),
                    count_chars(&text.as_bytes()[..clamped])
                );
            }
            assert_eq!(
                locator.chars_between(&source, 1, text.len()),
                count_chars(text.as_bytes().get(1..).unwrap_or_default())
            );
        }
    }

    #[test]
    fn span_ends_agree_with_looking_each_end_up() {
        let long = format!("k: [{}]\n", "{name: é€𝄞}, ".repeat(200));
        let texts = [
            "a\nb\r\nc é\r\rd\n".to_owned(),
            long.clone() + "tail\n" + &long,
        ];
        for text in &texts {
            let source = file(text);
            let locator = Locator::new();
            // Every offset of the short text; a sample of the long lines' (both sides of 2 KiB).
            let step = if text.len() > 100 { 17 } else { 1 };
            for offset in (0..=text.len() + 1).step_by(step) {
                for len in [0, 1, 2, 3, 7, 40, 3000] {
                    let span = Span::new(offset, len);
                    assert_eq!(
                        locator.span_line_cols(&source, span),
                        (source.line_col(span.offset), source.line_col(span.end())),
                        "{span:?} of {text:.20?}"
                    );
                }
            }
        }
    }

    #[test]
    fn many_columns_on_one_long_line_cost_a_block_each() {
        let n = 20_000;
        let text = format!("tools: [{}]\n", "{name: Slack}, ".repeat(n));
        let source = file(&text);
        let locator = Locator::new();
        for i in 0..n {
            let at = locator.line_col(&source, 8 + i * 15);
            assert_eq!((at.line, at.column), (1, 9 + i * 15));
        }
        // Counting from the line's start each time would read n * n * 15 / 2 bytes.
        assert!(
            locator.scanned() <= text.len() + n * 2 * BLOCK,
            "{} bytes read for {n} lookups on a {}-byte line",
            locator.scanned(),
            text.len()
        );
    }
}
