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
        // Exactly the linter's parser options (YAML 1.2 booleans, budgets raised for 100k-tool
        // files), so the difference to `e2ee-lint check` is what linting costs.
        let options = e2ee_lint::yaml::options();
        if let Err(e) = serde_saphyr::from_multiple_with_options::<IgnoredAny>(&text, options) {
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
