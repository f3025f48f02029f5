//! The wire: `Content-Length` framed JSON-RPC over a byte stream.
//!
//! lsp-server's own stdio transport ends the connection on the first malformed payload; an
//! editor's server must instead answer it (JSON-RPC's `-32700 Parse error`) and read on, so the
//! framing is done here and only lsp-server's message types are used.

use std::io::{self, BufRead, Read, Write};

/// The largest message read (a 50 MB document, JSON-escaped, fits); a larger one is skipped
/// and answered with an error, so memory stays bounded.
pub(crate) const MAX_MESSAGE: usize = 256 * 1024 * 1024;

/// What the reader got.
#[derive(Debug)]
pub(crate) enum Frame {
    /// One message body.
    Body(Vec<u8>),
    /// A frame that could not be read as a message (bad headers, too large): the reason.
    Bad(String),
    /// The stream ended.
    End,
}

/// Reads one frame. I/O errors end the stream.
pub(crate) fn read(input: &mut impl BufRead) -> Frame {
    let mut length: Option<usize> = None;
    let mut bad = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        match input.by_ref().take(8192).read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return Frame::End,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if saw_header {
                break;
            }
            continue; // stray blank lines between frames
        }
        saw_header = true;
        let Some((name, value)) = text.split_once(':') else {
            bad = Some(format!("malformed header line `{}`", shorten(text)));
            continue;
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            match value.trim().parse::<usize>() {
                Ok(n) => length = Some(n),
                Err(_) => bad = Some(format!("bad Content-Length `{}`", shorten(value.trim()))),
            }
        }
    }
    let Some(length) = length else {
        return Frame::Bad(bad.unwrap_or_else(|| "no Content-Length header".into()));
    };
    if length > MAX_MESSAGE {
        // Skip the body without keeping it.
        match io::copy(&mut input.by_ref().take(length as u64), &mut io::sink()) {
            Ok(n) if n == length as u64 => {}
            _ => return Frame::End,
        }
        return Frame::Bad(format!(
            "message of {length} bytes is larger than the {MAX_MESSAGE} bytes accepted"
        ));
    }
    let mut body = Vec::new();
    match input.by_ref().take(length as u64).read_to_end(&mut body) {
        Ok(n) if n == length => Frame::Body(body),
        _ => Frame::End,
    }
}

fn shorten(text: &str) -> String {
    text.chars().take(60).collect()
}

/// Writes one message body with its header.
pub(crate) fn write(output: &mut impl Write, body: &str) -> io::Result<()> {
    write!(output, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    output.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_bad_headers_and_end() {
        let mut input = io::Cursor::new(
            b"Content-Length: 2\r\n\r\n{}garbage\r\n\r\nContent-Length: 1\r\n\r\n[".to_vec(),
        );
        assert!(matches!(read(&mut input), Frame::Body(b) if b == b"{}"));
        assert!(matches!(read(&mut input), Frame::Bad(_)));
        assert!(matches!(read(&mut input), Frame::Body(b) if b == b"["));
        assert!(matches!(read(&mut input), Frame::End));
    }
}
