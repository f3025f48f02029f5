//! Parse-only benchmark baseline: runs granit-parser, the YAML event parser the linter reads,
//! over each inventory given on the command line with the linter's parser settings, and
//! discards the events. This is the parser's floor: no tree, no spans, no model.
//!
//! Usage: `cargo run --release --example parse-only -- FILE...`
//!
//! It times nothing itself; run it under `hyperfine` next to `e2ee-lint check` so the
//! difference is what linting costs on top of reading the YAML. Exits non-zero if any
//! file cannot be read or parsed.

use std::process::ExitCode;

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
        // The settings of `e2ee_lint::yaml`'s event loader (strict indentation, serde-saphyr's
        // comment buffer, comments not emitted), so the difference to `e2ee-lint check` is what
        // linting costs.
        let options = granit_parser::options! {
            strict_indentation: true,
            max_buffered_comment_events: 32,
            emit_comments: false,
        };
        let mut events = 0usize;
        for event in granit_parser::Parser::new_from_str_with_options(&text, options) {
            match event {
                Ok(_) => events += 1,
                Err(e) => {
                    eprintln!("{file}: {e}");
                    failed = true;
                    break;
                }
            }
        }
        std::hint::black_box(events);
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
