//! Arbitrary bytes through everything an inventory goes through: the loader (one YAML parse,
//! spans), the engine (every rule), and every renderer of `output::Format` (human and SARIF
//! slice the source by those spans). Any panic, hang or runaway allocation is a bug.
//!
//! Run: `fuzz/run.sh lint_source 600` (stable Rust; or `cargo +nightly fuzz run lint_source`)
//! (seed corpus: `fuzz/seed-corpus/lint_source/`, see README "Hostile input and limits").

#![no_main]

use std::sync::LazyLock;

use e2ee_lint::engine::Engine;
use e2ee_lint::output::{self, Format, Style};
use e2ee_lint::source::SourceFile;
use e2ee_lint::{Outcome, lint_source};
use libfuzzer_sys::fuzz_target;

static ENGINE: LazyLock<Engine> =
    LazyLock::new(|| Engine::embedded().expect("embedded rules load"));

fuzz_target!(|data: &[u8]| {
    // Invalid UTF-8 is refused before the loader (discover::read); the loader sees text.
    let text = String::from_utf8_lossy(data).into_owned();
    let source = SourceFile::new("fuzz.yaml", "fuzz.yaml", text);
    let (report, findings) = lint_source(&ENGINE, source);
    let mut outcome = Outcome::for_engine(&*ENGINE);
    outcome.files = vec![report];
    outcome.findings = findings;
    // Every format there is, so a new one is fuzzed from the day it exists.
    for &format in <Format as clap::ValueEnum>::value_variants() {
        let mut sink = Vec::new();
        let _ = output::render(format, &outcome, Style::PLAIN, &mut sink);
    }
});
