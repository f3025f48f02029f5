//! The language server's latency from a change to its diagnostics (issue 11: within 50 ms for a
//! 1,000-tool inventory): a `didChange` of the whole text, then the lint and the
//! `publishDiagnostics` message, through the same state machine and framing the stdio loop
//! drives (`Server::feed`). The stdio loop adds its debounce on top.
//!
//! Run: `cargo bench --bench lsp`

use divan::Bencher;
use e2ee_lint::lsp::Server;
use serde_json::json;

#[allow(dead_code)]
#[path = "../examples/gen-inventory.rs"]
mod gen_inventory;

const SIZES: &[usize] = &[20, 1_000, 10_000];

fn main() {
    divan::main();
}

/// A fixed policy date, so that every run lints the same findings.
fn settings() -> e2ee_lint::policy::Settings {
    let today = e2ee_lint::date::Date::parse("2027-01-01").expect("a date");
    e2ee_lint::policy::Settings::new(today)
}

/// `message` as a client writes it: a `Content-Length` header, then the body.
fn frame(message: &serde_json::Value) -> Vec<u8> {
    let body = message.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// One edit of a `tools`-tool inventory, linted and published.
#[divan::bench(args = SIZES, sample_count = 20)]
fn change_to_diagnostics(bencher: Bencher, tools: usize) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir(dir.path().join(".git")).expect("mkdir");
    let path = dir.path().join("inventory.yaml");
    let uri = format!("file://{}", path.display());
    let text = gen_inventory::inventory(tools, 1);
    let mut server = Server::new(settings());
    server.feed(&frame(
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
    ));
    server.feed(&frame(
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": text}}}),
    ));
    let mut version = 1;
    let edited = format!("{text}\n");
    bencher.bench_local(|| {
        version += 1;
        let change = json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"text": if version % 2 == 0 { &edited } else { &text }}]}});
        let out = server.feed(&frame(&change));
        assert!(out.iter().any(|m| m.contains("publishDiagnostics")));
        out
    });
}
