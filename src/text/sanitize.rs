//! Text from inputs made safe to show: the one place every renderer escapes names and messages.
//!
//! Tool names, file names and messages come from pull requests. Written raw, a control character
//! rewrites a terminal or an Actions log (ESC sequences, BEL, a carriage return that overwrites
//! the line, a line feed that fakes a second diagnostic), and a bidirectional control reorders
//! what a reviewer reads (Trojan Source, CVE-2021-42574). Every such character is shown as a
//! visible escape instead, in Rust's notation: `\n`, `\r`, `\t`, `\u{1b}`, `\u{202e}`.

use std::borrow::Cow;

/// Texts longer than this many bytes are cut in human output; see [`cut`].
pub(crate) const MAX_TEXT: usize = 1200;

/// Invisible format characters: the bidirectional controls (embeddings, overrides, isolates and
/// the marks ALM, LRM, RLM), the zero-width characters, the soft hyphen, the word joiner and
/// its kin, the byte-order mark and the interlinear annotation marks. A name holding one looks
/// like another ("\u{200b}WhatsApp") or reads reordered (Trojan Source).
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00ad}' | '\u{061c}' | '\u{180e}' | '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}')
}

/// Whether a character must not reach any output raw: C0 and C1 controls and DEL, invisible
/// format characters, and the Unicode line and paragraph separators (line breaks to some
/// viewers). Every renderer asks this one question.
pub(crate) fn is_hazard(c: char) -> bool {
    c.is_control() || is_invisible(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

fn push_escape(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => {
            use std::fmt::Write;
            // Writing to a String cannot fail.
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

/// Escapes every hazard, line breaks and tabs included, so the text stays on one line.
/// Borrows when there is nothing to escape, which is nearly always.
pub(crate) fn line(text: &str) -> Cow<'_, str> {
    escape_where(text, is_hazard)
}

/// Like [`line`] but keeps tabs, for source lines drawn in a snippet (the snippet renderer
/// expands tabs to spaces).
pub(crate) fn source_line(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| c != '\t' && is_hazard(c))
}

/// Escapes only the invisible format characters and line separators: for text whose control
/// characters the format already encodes (JSON strings).
pub(crate) fn invisible(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| !c.is_control() && is_hazard(c))
}

fn escape_where(text: &str, escape: impl Fn(char) -> bool) -> Cow<'_, str> {
    let Some(first) = text.find(&escape) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        if escape(c) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
pub(crate) fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// [`line`] of at most [`MAX_TEXT`] bytes of `text`, with an ellipsis and the full length
/// when cut: a 2.6 MB tool name is shown once per finding as a few hundred bytes, and only
/// those bytes are read.
pub(crate) fn cut(text: &str) -> Cow<'_, str> {
    if text.len() <= MAX_TEXT {
        return line(text);
    }
    let mut out = line(prefix(text, MAX_TEXT)).into_owned();
    out.push_str(&format!("… [{} bytes in all]", text.len()));
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            line("Slack, Inc: 100% \"chat\" é"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(cut("Signal"), Cow::Borrowed(_)));
    }

    #[test]
    fn controls_become_visible_escapes() {
        assert_eq!(line("a\u{1b}[31mb\u{7}"), "a\\u{1b}[31mb\\u{7}");
        assert_eq!(
            line("nul\0 del\u{7f} csi\u{9b}"),
            "nul\\u{0} del\\u{7f} csi\\u{9b}"
        );
        assert_eq!(line("one\ntwo\r\tthree"), "one\\ntwo\\r\\tthree");
        assert_eq!(source_line("a\tb\rc"), "a\tb\\rc");
    }

    #[test]
    fn every_invisible_character_is_escaped() {
        let characters = [
            // The bidi controls.
            '\u{061c}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}',
            '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
            // Zero-width space, joiner and non-joiner, soft hyphen, word joiner, byte-order mark.
            '\u{200b}', '\u{200c}', '\u{200d}', '\u{00ad}', '\u{2060}', '\u{feff}',
        ];
        for c in characters {
            let text = format!("x{c}y");
            let escaped = format!("x\\u{{{:x}}}y", u32::from(c));
            assert_eq!(line(&text), escaped);
            assert_eq!(invisible(&text), escaped);
            assert_eq!(source_line(&text), escaped);
        }
        // Neighbours that are ordinary characters stay.
        assert_eq!(line("\u{200a}\u{2070}\u{fb01}"), "\u{200a}\u{2070}\u{fb01}");
        // `invisible` leaves the controls a JSON string escapes itself.
        assert_eq!(invisible("a\nb\u{1b}"), "a\nb\u{1b}");
        assert_eq!(line("a\u{2028}b"), "a\\u{2028}b");
    }

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        let name = "é".repeat(MAX_TEXT);
        let shown = cut(&name);
        assert!(shown.starts_with(&"é".repeat(MAX_TEXT / 2)));
        assert!(shown.ends_with(&format!("… [{} bytes in all]", name.len())));
        assert!(shown.len() < MAX_TEXT + 40);
        // Escapes apply to the kept part only.
        let hostile = format!("\u{202e}{}", "x".repeat(10 * MAX_TEXT));
        assert!(cut(&hostile).starts_with("\\u{202e}xxx"));
        assert_eq!(prefix("aé", 2), "a");
        assert_eq!(prefix("", 5), "");
    }
}
