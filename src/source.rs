//! Source files as read, byte spans into them, and the line/column index users see.

use std::path::PathBuf;
use std::sync::Arc;

/// A byte range into a source file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub offset: usize,
    pub len: usize,
}

impl Span {
    pub const fn new(offset: usize, len: usize) -> Self {
        Span { offset, len }
    }
    pub const fn end(&self) -> usize {
        self.offset + self.len
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.offset, span.len).into()
    }
}

/// A 1-based line and a 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// One file as read from disk (or standard input), with its line index.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user should see it: relative to the working directory when possible,
    /// always with `/` separators so that output is the same on every platform.
    pub name: String,
    pub path: PathBuf,
    pub text: Arc<String>,
    /// Byte offset of each line's start. `u32` halves the index of a large file; spans from
    /// the YAML parser address at most 4 GiB, and `discover::read` refuses larger files.
    line_starts: Vec<u32>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, path: impl Into<PathBuf>, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        SourceFile {
            name: name.into(),
            path: path.into(),
            text: Arc::new(text),
            line_starts,
        }
    }

    /// Line and character column of a byte offset (clamped into the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line = self
            .line_starts
            .partition_point(|&start| start as usize <= offset)
            .saturating_sub(1);
        let start = (self.line_starts[line] as usize).min(offset);
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        LineCol {
            line: line + 1,
            column: column + 1,
        }
    }

    /// Narrows a (possibly multi-line) span to its first line, so labels stay readable.
    pub fn first_line(&self, span: Span) -> Span {
        let text = self.slice(span);
        match text.find('\n') {
            Some(end) => Span::new(span.offset, text[..end].trim_end().len()),
            None => span,
        }
    }

    /// The text under a span, or "" when the span does not fall on character boundaries.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.offset..span.end()).unwrap_or("")
    }
}

/// Line lookups through the index, for renderers that must not scan the text per finding.
impl SourceFile {
    /// How many lines the index holds (a text ending in a line break has an empty last line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The 0-based line holding a byte offset (clamped into the text). O(log lines).
    pub fn line_index(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.line_starts
            .partition_point(|&start| start as usize <= offset)
            .saturating_sub(1)
    }

    /// The byte range of a 0-based line without its line break (`\n`, `\r\n` or `\r`), or
    /// `None` past the last line. O(1): the end comes from the next line's start.
    pub fn line_range(&self, line: usize) -> Option<std::ops::Range<usize>> {
        let start = (*self.line_starts.get(line)? as usize).min(self.text.len());
        let next = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |&s| (s as usize).min(self.text.len()));
        let bytes = self.text.as_bytes();
        let mut end = next.max(start);
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        Some(start..end)
    }
}
