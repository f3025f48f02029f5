//! Pretty JSON for items nested deep in the document, written one at a time.

use std::io::{self, Write};

use serde::Serialize;

/// Pretty-prints values nested in the document: serde_json's pretty output of the value alone,
/// each line after the first indented to the value's depth. One buffer serves every item.
#[derive(Default)]
pub(super) struct Json {
    buffer: Vec<u8>,
}

impl Json {
    /// Writes `value` as it appears nested `depth` levels deep, straight to `out` (an item
    /// may refer to 100,000 observations: no copy of it is held). JSON strings escape their
    /// line breaks, so every `\n` the printer writes is its own.
    pub(super) fn nested<T: Serialize>(
        &mut self,
        out: &mut dyn Write,
        value: &T,
        depth: usize,
    ) -> io::Result<()> {
        let mut indenting = Indenting { out, depth };
        crate::output::json_text::to_writer_pretty(&mut indenting, value).map_err(io::Error::other)
    }

    /// Writes an object's fields (without braces) at `depth` levels of indentation.
    pub(super) fn fields<T: Serialize>(
        &mut self,
        out: &mut dyn Write,
        object: &T,
        depth: usize,
    ) -> io::Result<()> {
        self.buffer.clear();
        crate::output::json_text::to_writer_pretty(&mut self.buffer, object)
            .map_err(io::Error::other)?;
        // `{\n  "a": 1,\n  "b": 2\n}`: the fields are between the braces, one level in.
        let inner = self
            .buffer
            .strip_prefix(b"{")
            .and_then(|b| b.strip_suffix(b"\n}"))
            .unwrap_or_default();
        indented(out, inner, depth.saturating_sub(1))
    }
}

/// Indents every line after the first by `depth` levels as it passes through.
struct Indenting<'w> {
    out: &'w mut dyn Write,
    depth: usize,
}

impl Write for Indenting<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let mut lines = bytes.split(|&b| b == b'\n');
        if let Some(first) = lines.next() {
            self.out.write_all(first)?;
        }
        for line in lines {
            self.out.write_all(b"\n")?;
            for _ in 0..self.depth {
                self.out.write_all(b"  ")?;
            }
            self.out.write_all(line)?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

fn indented(out: &mut dyn Write, text: &[u8], depth: usize) -> io::Result<()> {
    let mut lines = text.split(|&b| b == b'\n');
    if let Some(first) = lines.next() {
        out.write_all(first)?;
    }
    for line in lines {
        out.write_all(b"\n")?;
        for _ in 0..depth {
            out.write_all(b"  ")?;
        }
        out.write_all(line)?;
    }
    Ok(())
}

/// A JSON array field of the result, written item by item; left out when empty (OSCAL arrays
/// have one item at least).
pub(super) struct Items {
    key: &'static str,
    count: usize,
}

impl Items {
    pub(super) fn new(key: &'static str) -> Items {
        Items { key, count: 0 }
    }

    pub(super) fn push<T: Serialize>(
        &mut self,
        out: &mut dyn Write,
        json: &mut Json,
        item: &T,
    ) -> io::Result<()> {
        if self.count == 0 {
            write!(out, ",\n        \"{}\": [\n          ", self.key)?;
        } else {
            out.write_all(b",\n          ")?;
        }
        self.count += 1;
        json.nested(out, item, 5)
    }

    pub(super) fn end(self, out: &mut dyn Write) -> io::Result<()> {
        if self.count > 0 {
            out.write_all(b"\n        ]")?;
        }
        Ok(())
    }
}
