//! One JSON escaping for every JSON writer (`json`, `sarif`, `gitlab`, `report-json`, `oscal`):
//! bidi controls and other invisible format characters are written as `\uXXXX`, so no raw one
//! reaches a JSON file (or a viewer that shows it unparsed), while the parsed text stays the same.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

/// Characters serde_json writes raw that must not reach a file raw: C1 controls, bidi and other
/// invisible format characters (the set the text formats show as `\u{...}`), line separators.
fn escaped(c: char) -> bool {
    super::report::hidden(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// serde_json's pretty printer, with [`escaped`] characters as `\uXXXX`.
struct Escaping<'a>(PrettyFormatter<'a>);

impl Formatter for Escaping<'_> {
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
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

/// `serde_json::to_writer_pretty` with [`Escaping`].
pub(crate) fn to_writer_pretty<W: Write, T: ?Sized + Serialize>(
    writer: W,
    value: &T,
) -> serde_json::Result<()> {
    let mut serializer =
        serde_json::Serializer::with_formatter(writer, Escaping(PrettyFormatter::new()));
    value.serialize(&mut serializer)
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
}
