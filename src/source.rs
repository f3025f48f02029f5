//! Source files as read, byte spans into them, the line/column index users see, and the names
//! files are shown by.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A value with the span of the YAML node it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sp<T> {
    pub(crate) value: T,
    pub span: Span,
}

/// A byte range into a source file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub offset: usize,
    pub len: usize,
}

impl Span {
    pub(crate) const fn new(offset: usize, len: usize) -> Self {
        Span { offset, len }
    }
    pub(crate) const fn end(&self) -> usize {
        self.offset + self.len
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.offset, span.len).into()
    }
}

/// The name shown for a path: as given, with `/` separators, without a leading `./`.
///
/// Names are text, paths are bytes: a byte that is not part of valid UTF-8 is written `\xFF`,
/// and (where `\` is not a separator) a backslash in a name is written `\\`, so two different
/// paths never share a name. [`name_bytes`] turns a name back into the path's bytes, for
/// formats that percent-encode (SARIF URIs).
pub(crate) fn display_name(path: &Path) -> String {
    let bytes = path.as_os_str().as_encoded_bytes();
    let bytes = match bytes.strip_prefix(b"./") {
        Some(rest) => rest,
        None if cfg!(windows) => bytes.strip_prefix(b".\\").unwrap_or(bytes),
        None => bytes,
    };
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' if cfg!(windows) => out.push('/'),
                '\\' => out.push_str("\\\\"),
                c => out.push(c),
            }
        }
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02X}"));
        }
    }
    out
}

/// The path bytes a [`display_name`] stands for (the name itself when it has no escapes).
pub(crate) fn name_bytes(name: &str) -> Cow<'_, [u8]> {
    if !name.contains('\\') {
        return Cow::Borrowed(name.as_bytes());
    }
    let bytes = name.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes.get(i..) {
            Some([b'\\', b'\\', ..]) => Some((b'\\', 2)),
            Some([b'\\', b'x', hi, lo, ..]) => std::str::from_utf8(&[*hi, *lo])
                .ok()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                .map(|byte| (byte, 4)),
            _ => None,
        };
        match escaped {
            Some((byte, len)) => {
                out.push(byte);
                i += len;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    Cow::Owned(out)
}

/// Byte offsets where lines start after the first: after `\r\n`, after `\n` and after a lone
/// `\r`. This is the one line model: the index below, YAML error locations and the snippets
/// the human renderer draws (`text::excerpt`) all use it.
pub(crate) fn line_breaks(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(b'\n', b'\r', bytes).filter_map(move |i| match bytes[i] {
        b'\r' if bytes.get(i + 1) == Some(&b'\n') => None,
        _ => Some(i + 1),
    })
}

/// A 1-based line and a 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct LineCol {
    pub(crate) line: usize,
    pub(crate) column: usize,
}

/// One file as read from disk (or standard input), with its line index.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user should see it: relative to the working directory when possible,
    /// always with `/` separators so that output is the same on every platform.
    pub name: String,
    pub path: PathBuf,
    pub(crate) text: Arc<String>,
    /// Byte offset of the start of every `stride`th line (0, 16, 32, ...); the lines between
    /// are found by scanning at most that many lines of the text. `u32`: spans from the YAML
    /// parser address at most 4 GiB, and `discover::read` refuses larger files.
    line_marks: Vec<u32>,
    /// Lines per mark: 1 below [`SPARSE_FROM`] bytes, else [`LINES_PER_MARK`].
    stride: usize,
    /// How many lines the text has (a text ending in a line break has an empty last line).
    lines: usize,
}

/// Lines per entry of a large file's line index. One offset per line was 4 MB of a
/// 100,000-tool file's peak (a million lines); one per 16 lines is 260 KB, and a lookup scans
/// at most 15 lines (a few hundred bytes) past its mark.
const LINES_PER_MARK: usize = 16;

/// From this size a file's line index is sparse. A small file keeps a mark per line: its
/// index is small anyway, and the human renderer's snippets look lines up many times each
/// (the sparse index cost the 20-tool pre-commit run 9% more instructions).
const SPARSE_FROM: usize = 1 << 20;

impl SourceFile {
    pub fn new(name: impl Into<String>, path: impl Into<PathBuf>, text: String) -> Self {
        let stride = if text.len() < SPARSE_FROM {
            1
        } else {
            LINES_PER_MARK
        };
        SourceFile::indexed(name.into(), path.into(), text, stride)
    }

    /// A file whose line index has a mark every `stride` lines.
    fn indexed(name: String, path: PathBuf, text: String, stride: usize) -> Self {
        let mut line_marks = vec![0];
        let mut lines = 1;
        for start in line_breaks(&text) {
            if lines % stride == 0 {
                line_marks.push(u32::try_from(start).unwrap_or(u32::MAX));
            }
            lines += 1;
        }
        line_marks.shrink_to_fit();
        SourceFile {
            name,
            path,
            text: Arc::new(text),
            line_marks,
            stride,
            lines,
        }
    }

    /// Line and character column of a byte offset (clamped into the text).
    pub(crate) fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let (line, start) = self.line_and_start(offset);
        let start = start.min(offset);
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        LineCol {
            line: line + 1,
            column: column + 1,
        }
    }

    /// The start of the line after the line break at or after `from`, if there is one (the
    /// one line model of [`line_breaks`]).
    fn next_line_start(&self, from: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let at = from + memchr::memchr2(b'\n', b'\r', bytes.get(from..)?)?;
        // `\r\n` is one line break.
        let end = match bytes.get(at..at + 2) {
            Some(b"\r\n") => at + 1,
            _ => at,
        };
        Some(end + 1)
    }

    /// The byte offset where a 0-based line starts, or `None` past the last line.
    fn line_start(&self, line: usize) -> Option<usize> {
        if line >= self.lines {
            return None;
        }
        let mut start = *self.line_marks.get(line / self.stride)? as usize;
        for _ in 0..line % self.stride {
            start = self.next_line_start(start)?;
        }
        Some(start)
    }

    /// Narrows a (possibly multi-line) span to its first line, so labels stay readable.
    pub(crate) fn first_line(&self, span: Span) -> Span {
        let text = self.slice(span);
        match text.find(['\n', '\r']) {
            Some(end) => Span::new(span.offset, text[..end].trim_end().len()),
            None => span,
        }
    }

    /// The text under a span, or "" when the span does not fall on character boundaries.
    pub(crate) fn slice(&self, span: Span) -> &str {
        self.text.get(span.offset..span.end()).unwrap_or("")
    }
}

/// Line lookups through the index, for renderers that must not scan the text per finding.
impl SourceFile {
    /// How many lines the index holds (a text ending in a line break has an empty last line).
    pub(crate) fn line_count(&self) -> usize {
        self.lines
    }

    /// The 0-based line holding a byte offset (clamped into the text). O(log lines), then a
    /// scan of at most `stride` lines.
    pub(crate) fn line_index(&self, offset: usize) -> usize {
        self.line_and_start(offset).0
    }

    /// [`Self::line_index`] and the byte offset where that line starts, in one scan.
    pub(crate) fn line_and_start(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let mark = self
            .line_marks
            .partition_point(|&start| start as usize <= offset)
            .saturating_sub(1);
        let mut line = mark * self.stride;
        let mut start = self.line_marks.get(mark).map_or(0, |&s| s as usize);
        while let Some(next) = self.next_line_start(start)
            && next <= offset
        {
            line += 1;
            start = next;
        }
        (line, start)
    }

    /// The byte range of a 0-based line without its line break (`\n`, `\r\n` or `\r`), or
    /// `None` past the last line.
    pub(crate) fn line_range(&self, line: usize) -> Option<std::ops::Range<usize>> {
        let start = self.line_start(line)?.min(self.text.len());
        let next = self
            .next_line_start(start)
            .map_or(self.text.len(), |s| s.min(self.text.len()));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_end_starts_a_line() {
        let source = SourceFile::new("a", "a", "a\rb\r\nc\nd".into());
        let at = |offset| {
            let at = source.line_col(offset);
            (at.line, at.column)
        };
        assert_eq!(at(2), (2, 1));
        assert_eq!(at(5), (3, 1));
        assert_eq!(at(7), (4, 1));
        assert_eq!(source.first_line(Span::new(0, 3)), Span::new(0, 1));
    }

    /// The sparse index gives what one offset per line gives, at every offset and line,
    /// across marks and with every kind of line break.
    #[test]
    fn the_sparse_index_agrees_with_every_line_break() {
        let mut text = String::new();
        for i in 0..100 {
            text.push_str(&"é".repeat(i % 5));
            text.push_str(["\n", "\r\n", "\r", "\n\n"][i % 4]);
        }
        text.push_str("last");
        for stride in [1, LINES_PER_MARK] {
            let source = SourceFile::indexed("a".into(), "a".into(), text.clone(), stride);
            lines_agree(&source, &text);
        }
    }

    fn lines_agree(source: &SourceFile, text: &str) {
        let starts: Vec<usize> = std::iter::once(0).chain(line_breaks(text)).collect();
        assert_eq!(source.line_count(), starts.len());
        for offset in 0..=text.len() + 2 {
            let line = starts.partition_point(|&s| s <= offset.min(text.len())) - 1;
            assert_eq!(source.line_index(offset), line, "offset {offset}");
            if text.is_char_boundary(offset) {
                let column = text[starts[line]..offset].chars().count() + 1;
                let at = source.line_col(offset);
                assert_eq!((at.line, at.column), (line + 1, column), "offset {offset}");
            }
        }
        for (line, &start) in starts.iter().enumerate() {
            let next = starts.get(line + 1).copied().unwrap_or(text.len());
            let content = text[start..next].trim_end_matches(['\n', '\r']);
            let range = source.line_range(line).unwrap();
            assert_eq!(&text[range], content, "line {line}");
        }
        assert_eq!(source.line_range(starts.len()), None);
    }

    #[test]
    fn names_keep_the_bytes_they_stand_for() {
        assert_eq!(display_name(Path::new("./inv/a.yaml")), "inv/a.yaml");
        assert_eq!(name_bytes("inv/a.yaml"), b"inv/a.yaml".as_slice());
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let names: [&[u8]; 5] = [
                b"a\xff.yaml",
                b"a\xfe.yaml",
                b"a\\xFF.yaml",
                b"a\\",
                b"\xff",
            ];
            let shown: std::collections::BTreeSet<String> = names
                .iter()
                .map(|n| display_name(Path::new(std::ffi::OsStr::from_bytes(n))))
                .collect();
            assert_eq!(shown.len(), names.len(), "{shown:?}");
            assert!(shown.contains("a\\xFF.yaml"));
            assert!(shown.contains("a\\\\xFF.yaml"));
            for name in names {
                let shown = display_name(Path::new(std::ffi::OsStr::from_bytes(name)));
                assert_eq!(name_bytes(&shown), name, "{shown}");
            }
        }
    }
}
