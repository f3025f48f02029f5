//! Open documents: their text as the editor has it, positions in the client's encoding, the
//! file paths behind `file:` URIs, and whether a document is an inventory, a config or neither.

use std::path::{Path, PathBuf};

use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

use crate::source::Span;

/// How the client counts characters in a line (LSP `positionEncoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Utf8,
    Utf16,
}

/// What a document is to the linter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Inventory,
    Config,
    /// Anything else: no diagnostics.
    Other,
}

/// Byte offsets of line starts, with the one line model of [`crate::source::line_breaks`].
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(crate::source::line_breaks(text));
        LineIndex { starts }
    }

    /// The position of a byte offset (clamped into the text, and back to a character start).
    pub(crate) fn position(&self, text: &str, offset: usize, encoding: Encoding) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts[line].min(offset);
        let prefix = &text[start..offset];
        let character = match encoding {
            Encoding::Utf8 => prefix.len(),
            Encoding::Utf16 => prefix.encode_utf16().count(),
        };
        Position::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(character).unwrap_or(u32::MAX),
        )
    }

    pub(crate) fn range(&self, text: &str, span: Span, encoding: Encoding) -> Range {
        Range::new(
            self.position(text, span.offset, encoding),
            self.position(text, span.end(), encoding),
        )
    }

    /// The byte offset of a position; past a line's end is its end, past the last line the
    /// text's end (as the protocol asks).
    pub(crate) fn offset(&self, text: &str, position: Position, encoding: Encoding) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .copied()
            .unwrap_or(text.len());
        let line = text.get(start..end).unwrap_or("");
        let line = line.trim_end_matches(['\n', '\r']);
        let wanted = position.character as usize;
        let mut units = 0;
        for (i, c) in line.char_indices() {
            if units >= wanted {
                return start + i;
            }
            units += match encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
        }
        start + line.len()
    }

    /// The byte offset where a (0-based) line starts.
    pub(crate) fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }

    /// The 0-based line of a byte offset.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }
}

/// One open document.
#[derive(Debug)]
pub(crate) struct Document {
    pub(crate) uri: Uri,
    /// `None` for URIs that are not `file:` (an unsaved buffer): such a document has no
    /// directory to discover a policy from, so it gets no diagnostics.
    pub path: Option<PathBuf>,
    pub(crate) version: i32,
    pub(crate) text: String,
    pub(crate) index: LineIndex,
    pub kind: Kind,
}

impl Document {
    pub(crate) fn new(uri: Uri, version: i32, text: String, kind: Kind) -> Document {
        let path = path_of(&uri);
        let index = LineIndex::new(&text);
        Document {
            uri,
            path,
            version,
            text,
            index,
            kind,
        }
    }

    /// Applies one change (a range edit, or the whole text).
    pub(crate) fn change(&mut self, change: TextDocumentContentChangeEvent, encoding: Encoding) {
        match change.range {
            Some(range) => {
                let start = self.index.offset(&self.text, range.start, encoding);
                let end = self
                    .index
                    .offset(&self.text, range.end, encoding)
                    .max(start);
                self.text.replace_range(start..end, &change.text);
            }
            None => self.text = change.text,
        }
        self.index = LineIndex::new(&self.text);
    }

    pub(crate) fn offset(&self, position: Position, encoding: Encoding) -> usize {
        self.index.offset(&self.text, position, encoding)
    }

    pub(crate) fn range(&self, span: Span, encoding: Encoding) -> Range {
        self.index.range(&self.text, span, encoding)
    }
}

/// The path of a `file:` URI, percent-decoded; `None` for other schemes.
pub(crate) fn path_of(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = text
        .strip_prefix("file://")
        .or_else(|| text.strip_prefix("FILE://"))?;
    // `file:///p` has an empty authority; `file://localhost/p` names this machine.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let bytes = percent_decode(rest);
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
    }
    #[cfg(not(unix))]
    {
        let text = String::from_utf8(bytes).ok()?;
        // `/C:/x` on Windows.
        Some(PathBuf::from(text.trim_start_matches('/')))
    }
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

/// The `file:` URI of an absolute path.
pub(crate) fn uri_of(path: &Path) -> Option<Uri> {
    let absolute = crate::policy::normalize(path);
    let bytes = absolute.as_os_str().as_encoded_bytes();
    let mut text = String::from("file://");
    if !bytes.starts_with(b"/") {
        text.push('/');
    }
    for &byte in bytes {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                text.push(byte as char)
            }
            b'\\' if cfg!(windows) => text.push('/'),
            _ => text.push_str(&format!("%{byte:02X}")),
        }
    }
    text.parse().ok()
}

/// Whether a document is a config, an inventory or neither. A document is an inventory when
/// the CLI's default discovery would check it from one of `roots` (the nearest config's
/// directory, the workspace folders): `inventory.yaml`, `inventories/**/*.yaml`, and the
/// `.yml` forms; or when it matches one of `extra` (the client's `inventories` setting),
/// relative to a root. Hidden directories are skipped below a root, as discovery does.
pub(crate) fn classify(path: &Path, roots: &[PathBuf], extra: &[glob::Pattern]) -> Kind {
    let Some(name) = path.file_name() else {
        return Kind::Other;
    };
    if crate::policy::discover::is_config_name(name) {
        return Kind::Config;
    }
    let options = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: false,
    };
    let path = crate::policy::normalize(path);
    for root in roots {
        let Ok(relative) = path.strip_prefix(crate::policy::normalize(root)) else {
            continue;
        };
        let hidden = relative
            .components()
            .any(|c| c.as_os_str().as_encoded_bytes().first() == Some(&b'.'));
        let relative = relative.to_string_lossy();
        if extra.iter().any(|p| p.matches_with(&relative, options)) {
            return Kind::Inventory;
        }
        let default = crate::discover::DEFAULT_PATTERNS
            .iter()
            .any(|p| glob::Pattern::new(p).is_ok_and(|p| p.matches_with(&relative, options)));
        if default && !hidden {
            return Kind::Inventory;
        }
    }
    Kind::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip_in_both_encodings() {
        let text = "a: é𝄞x\r\nb: y\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap_or(0);
        let utf16 = index.position(text, x, Encoding::Utf16);
        assert_eq!(utf16, Position::new(0, 6));
        assert_eq!(index.offset(text, utf16, Encoding::Utf16), x);
        let utf8 = index.position(text, x, Encoding::Utf8);
        assert_eq!(utf8, Position::new(0, 9));
        assert_eq!(index.offset(text, utf8, Encoding::Utf8), x);
        assert_eq!(
            index.offset(text, Position::new(9, 0), Encoding::Utf16),
            text.len()
        );
    }

    #[test]
    fn file_uris_round_trip() {
        let uri = uri_of(Path::new("/tmp/a b/inventory.yaml"));
        let uri = uri.map(|u| u.as_str().to_owned());
        assert_eq!(uri.as_deref(), Some("file:///tmp/a%20b/inventory.yaml"));
        let parsed: Option<Uri> = uri.and_then(|u| u.parse().ok());
        assert_eq!(
            parsed.and_then(|u| path_of(&u)),
            Some(PathBuf::from("/tmp/a b/inventory.yaml"))
        );
    }

    #[test]
    fn inventories_are_what_discovery_finds() {
        let roots = [PathBuf::from("/r")];
        let kind = |p: &str| classify(Path::new(p), &roots, &[]);
        assert_eq!(kind("/r/inventory.yaml"), Kind::Inventory);
        assert_eq!(kind("/r/inventories/eu/a.yml"), Kind::Inventory);
        assert_eq!(kind("/r/e2ee-lint.yaml"), Kind::Config);
        assert_eq!(kind("/r/.github/workflows/ci.yaml"), Kind::Other);
        assert_eq!(kind("/r/inventories/.hidden/a.yaml"), Kind::Other);
        assert_eq!(kind("/elsewhere/inventory.yaml"), Kind::Other);
    }
}
