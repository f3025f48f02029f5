//! Arbitrary bytes as a company's own rule file (`rules/acme-x.yaml`, `rule_files:`): the YAML
//! parse, the rule schema, conditions, field paths and message templates; a rule that loads
//! then runs on the project's own `fixtures/acme.yaml` and `fixtures/messy.yaml`, and its
//! findings go through the human and JSON renderers. Any panic, hang or runaway allocation is
//! a bug; a refused rule is not.
//!
//! Run: `fuzz/run.sh rule_file 600` (stable Rust; see README "Hostile input and limits").

#![no_main]

use std::sync::LazyLock;

use e2ee_lint::engine::Engine;
use e2ee_lint::engine::rule::Registry;
use e2ee_lint::output::{self, Format, Style};
use e2ee_lint::source::SourceFile;
use e2ee_lint::{Outcome, lint_source};
use libfuzzer_sys::fuzz_target;

const INVENTORIES: [(&str, &str); 2] = [
    ("acme.yaml", include_str!("../../fixtures/acme.yaml")),
    ("messy.yaml", include_str!("../../fixtures/messy.yaml")),
];

static BASE: LazyLock<Engine> = LazyLock::new(|| Engine::embedded().expect("embedded rules load"));

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(registry) = Registry::from_files([("acme-x.yaml", &*text)]) else {
        return;
    };
    // The embedded catalog, levels and mapping; only the fuzzed rule.
    let engine = BASE.with_rules(registry);
    for (name, inventory) in INVENTORIES {
        let source = SourceFile::new(name, name, inventory.to_owned());
        let (report, findings) = lint_source(&engine, source);
        let mut outcome = Outcome::for_engine(&engine);
        outcome.files = vec![report];
        outcome.findings = findings;
        for format in [Format::Human, Format::Json] {
            let mut sink = Vec::new();
            let _ = output::render(format, &outcome, Style::PLAIN, &mut sink);
        }
    }
});
