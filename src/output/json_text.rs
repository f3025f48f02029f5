//! One JSON escaping for every JSON writer (`json`, `sarif`, `gitlab`, `report-json`, `oscal`):
//! bidi controls and other invisible format characters are written as `\uXXXX`, so no raw one
//! reaches a JSON file (or a viewer that shows it unparsed), while the parsed text stays the same.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

/// Characters serde_json writes raw that must not reach a file raw: C1 controls, invisible
/// format characters and line separators (`sanitize::is_hazard`; serde_json escapes C0 itself).
fn escaped(c: char) -> bool {
    super::sanitize::is_hazard(c)
}

/// serde_json's pretty printer (two spaces), with [`escaped`] characters as `\uXXXX`, that can
/// start some levels deep: a value nested in a larger document is written in place, where
/// re-indenting a standalone rendering line by line copied every byte of the JSON output twice.
/// Its layout is serde_json's `PrettyFormatter`'s, line for line (a test holds them equal).
struct Escaping {
    current_indent: usize,
    has_value: bool,
}

impl Escaping {
    fn at_depth(depth: usize) -> Self {
        Escaping {
            current_indent: depth,
            has_value: false,
        }
    }

    fn new_line<W: ?Sized + Write>(&self, writer: &mut W, first: bool) -> io::Result<()> {
        writer.write_all(if first { b"\n" } else { b",\n" })?;
        indent(writer, self.current_indent)
    }
}

fn indent<W: ?Sized + Write>(writer: &mut W, depth: usize) -> io::Result<()> {
    const SPACES: &[u8] = b"                                                                ";
    let mut left = depth * 2;
    while left > 0 {
        let step = left.min(SPACES.len());
        writer.write_all(&SPACES[..step])?;
        left -= step;
    }
    Ok(())
}

impl Formatter for Escaping {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // Every escaped character is outside ASCII: most fragments are written as they are.
        if fragment.is_ascii() {
            return writer.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            if escaped(c) {
                writer.write_all(&fragment.as_bytes()[start..at])?;
                // Every such character is in the Basic Multilingual Plane: one `\u` escape.
                write!(writer, "\\u{:04x}", u32::from(c))?;
                start = at + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.current_indent += 1;
        self.has_value = false;
        writer.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.current_indent -= 1;
        if self.has_value {
            writer.write_all(b"\n")?;
            indent(writer, self.current_indent)?;
        }
        writer.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.new_line(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.current_indent += 1;
        self.has_value = false;
        writer.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.current_indent -= 1;
        if self.has_value {
            writer.write_all(b"\n")?;
            indent(writer, self.current_indent)?;
        }
        writer.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.new_line(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Writes `value` pretty-printed as it appears nested `depth` levels deep in a pretty document
/// (its first line unindented, as the caller places it after a key or a comma).
pub(crate) fn to_writer_nested<W: Write, T: ?Sized + Serialize>(
    writer: W,
    value: &T,
    depth: usize,
) -> serde_json::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(writer, Escaping::at_depth(depth));
    value.serialize(&mut serializer)
}

/// `serde_json::to_writer_pretty` with [`Escaping`].
pub(crate) fn to_writer_pretty<W: Write, T: ?Sized + Serialize>(
    writer: W,
    value: &T,
) -> serde_json::Result<()> {
    to_writer_nested(writer, value, 0)
}

/// `serde_json::to_vec_pretty` with [`Escaping`].
pub(crate) fn to_vec_pretty<T: ?Sized + Serialize>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(128);
    to_writer_pretty(&mut bytes, value)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn bidi_is_escaped_and_parses_back_the_same() {
        let text = "Slack \u{202e}kcalS\u{2066} \u{200f}\u{061c}\u{9b}\u{2028} é \" \\ \n";
        let bytes = super::to_vec_pretty(&text).unwrap();
        let json = String::from_utf8(bytes).unwrap();
        assert!(json.contains("\\u202e") && json.contains("\\u2066") && json.contains("\\u009b"));
        assert!(!json.chars().any(super::escaped), "{json}");
        assert!(json.contains('é'), "other characters stay as they are");
        let back: String = serde_json::from_str(&json).unwrap();
        assert_eq!(back, text);
    }

    /// The layout is serde_json's own pretty printer's, at the top and nested: empty and full
    /// arrays and objects, nested several levels.
    #[test]
    fn layout_is_serde_jsons_at_any_depth() {
        let value = serde_json::json!({
            "a": [], "b": {}, "c": [1, [2, []], {"d": {"e": [null, true, "x"]}}],
            "f": {"g": [{}], "h": "i"}
        });
        let theirs = serde_json::to_vec_pretty(&value).unwrap();
        assert_eq!(super::to_vec_pretty(&value).unwrap(), theirs);
        for depth in [1, 2, 5, 40] {
            let mut nested = Vec::new();
            super::to_writer_nested(&mut nested, &value, depth).unwrap();
            let pad = "  ".repeat(depth);
            let expected = String::from_utf8(theirs.clone())
                .unwrap()
                .replace('\n', &format!("\n{pad}"));
            assert_eq!(String::from_utf8(nested).unwrap(), expected);
        }
    }
}
