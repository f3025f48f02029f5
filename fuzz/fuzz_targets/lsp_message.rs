//! Arbitrary bytes as language server input: first through the framing (headers, lengths),
//! then each frame as a message body to the server's state machine, after an `initialize` and a
//! `didOpen`, so document changes, hovers, completions and code actions run on whatever the
//! fuzzer makes of positions and texts. Any panic, hang or runaway allocation is a bug.
//!
//! Run: `fuzz/run.sh lsp_message 600` (stable Rust; or `cargo +nightly fuzz run lsp_message`)
//! (seed corpus: `fuzz/seed-corpus/lsp_message/`).

#![no_main]

use e2ee_lint::lsp::Server;
use libfuzzer_sys::fuzz_target;

fn settings() -> e2ee_lint::policy::Settings {
    e2ee_lint::policy::Settings {
        config: e2ee_lint::policy::ConfigChoice::Isolated,
        max_file_size: 1 << 20,
        // A fixed date, so that a crash reproduces on any day.
        ..e2ee_lint::policy::Settings::new(e2ee_lint::date::Date::parse("2027-01-01").expect("a date"))
    }
}

/// `body` as a client writes it: a `Content-Length` header, then the body.
fn frame(body: &[u8]) -> Vec<u8> {
    let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    framed.extend_from_slice(body);
    framed
}

const OPEN: &str = r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///fuzz/inventory.yaml","languageId":"yaml","version":1,"text":"tools:\n  - name: Teams\n    chanels: [text]\n"}}}"#;

fuzz_target!(|data: &[u8]| {
    let mut server = Server::new(settings());
    let _ = server.feed(&frame(
        br#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"capabilities":{}}}"#,
    ));
    let _ = server.feed(&frame(OPEN.as_bytes()));
    // The bytes as a framed stream, and as one framed body.
    let _ = server.feed(data);
    let _ = server.feed(&frame(data));
});
