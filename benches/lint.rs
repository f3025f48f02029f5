//! In-process benchmarks (divan): the parse alone against the whole check of one inventory,
//! on inventories from the benchmark generator, and the rendering of human and JSON output.
//! End-to-end timings of the release binary are `bench/run.sh`'s job; see the README's
//! Performance section.
//!
//! Run: `cargo bench --bench lint`

use std::sync::Arc;

use divan::Bencher;
use e2ee_lint::engine::Engine;
use e2ee_lint::source::SourceFile;

// The generator is shared with `cargo run --example gen-inventory`, so both measure the same
// inventories; its command-line half is unused here.
#[allow(dead_code)]
#[path = "../examples/gen-inventory.rs"]
mod gen_inventory;

const SIZES: &[usize] = &[20, 1_000, 10_000];

fn main() {
    divan::main();
}

fn engine() -> Engine {
    Engine::embedded().expect("embedded rules load")
}

/// The YAML loader alone (granit-parser events into the spanned tree): the floor `lint_source`
/// builds on.
#[divan::bench(args = SIZES)]
fn parse_only(bencher: Bencher, tools: usize) {
    let text = gen_inventory::inventory(tools, 1);
    bencher
        .counter(divan::counter::BytesCount::of_str(&text))
        .bench(|| e2ee_lint::yaml::parse(&text).expect("generated inventories parse"));
}

/// Parse, spans, model, every rule: what `check` does for one file before the policy.
#[divan::bench(args = SIZES)]
fn lint_source(bencher: Bencher, tools: usize) {
    let text = Arc::new(gen_inventory::inventory(tools, 1));
    let engine = engine();
    bencher
        .counter(divan::counter::BytesCount::of_str(text.as_str()))
        .with_inputs(|| SourceFile::new("bench.yaml", "bench.yaml", text.as_str().to_owned()))
        .bench_values(|source| e2ee_lint::lint_source(&engine, source));
}

/// The findings of a generated inventory, for the rendering benchmarks.
fn outcome(tools: usize) -> e2ee_lint::Outcome {
    let engine = engine();
    let text = gen_inventory::inventory(tools, 1);
    let (report, findings) =
        e2ee_lint::lint_source(&engine, SourceFile::new("bench.yaml", "bench.yaml", text));
    let mut outcome = e2ee_lint::Outcome::for_engine(&engine);
    outcome.files = vec![report];
    outcome.findings = findings;
    outcome
}

/// Rendering the default human output: per finding it should cost the same on 1,000 and
/// 10,000 tools (it was quadratic in the file size before issue 12).
#[divan::bench(args = [1_000, 10_000])]
fn render_human(bencher: Bencher, tools: usize) {
    let outcome = outcome(tools);
    bencher
        .counter(divan::counter::ItemsCount::new(outcome.findings.len()))
        .bench(|| {
            let mut out = Vec::with_capacity(8 << 20);
            let style = e2ee_lint::output::Style::PLAIN;
            e2ee_lint::output::render(e2ee_lint::output::Format::Human, &outcome, style, &mut out)
                .expect("in memory");
            out
        });
}

/// Rendering the findings of a 10,000-tool inventory as JSON.
#[divan::bench]
fn render_json(bencher: Bencher) {
    let outcome = outcome(10_000);
    bencher.bench(|| {
        let mut out = Vec::with_capacity(8 << 20);
        let style = e2ee_lint::output::Style::PLAIN;
        e2ee_lint::output::render(e2ee_lint::output::Format::Json, &outcome, style, &mut out)
            .expect("rendering to memory");
        out
    });
}
