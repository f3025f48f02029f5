//! Parse-only benchmark baseline: deserializes each inventory given on the command line
//! into `serde::de::IgnoredAny` with the same serde-saphyr options the linter uses.
//!
//! Usage: `cargo run --release --example parse-only -- FILE...`
//!
//! It times nothing itself; run it under `hyperfine` next to `e2ee-lint check` so the
//! difference is what linting costs on top of reading the YAML. Exits non-zero if any
//! file cannot be read or parsed.

use std::process::ExitCode;

use serde::de::IgnoredAny;

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: parse-only FILE...");
        return ExitCode::from(2);
    }
    let mut failed = false;
    for file in &files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{file}: {e}");
                failed = true;
                continue;
            }
        };
        // The default budget's 250k-node cap stops at about 14k generated tools (a 100k-tool
        // file is ~2.2M events, ~2M nodes, ~19 MB of scalars). These limits leave room for
        // ~1M tools. Built per file because `Options` is consumed by the call.
        let options = serde_saphyr::options! {
            strict_booleans: true,
            budget: serde_saphyr::budget! {
                max_events: 50_000_000,
                max_nodes: 20_000_000,
                max_total_scalar_bytes: 512 << 20,
            },
        };
        if let Err(e) = serde_saphyr::from_str_with_options::<IgnoredAny>(&text, options) {
            eprintln!("{file}: {e}");
            failed = true;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
