//! Helpers for the renderers' unit tests.

use std::io::{self, Write};

use crate::Outcome;

/// The outcome of two of the project's fixtures under the embedded rules: findings with and
/// without tools, labels and help lines.
pub(crate) fn fixture_outcome() -> Outcome {
    let engine = crate::engine::Engine::embedded().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let paths =
        ["fixtures/acme.yaml", "fixtures/messy.yaml"].map(|f| root.join(f).display().to_string());
    let (files, _) = crate::discover::discover(&paths);
    let outcome = crate::check_files(&engine, &files, 1 << 20).into_outcome(&engine);
    assert!(outcome.findings.len() > 10);
    outcome
}

/// What a renderer writes for `outcome`, as text.
pub(crate) fn rendered(
    render: fn(&Outcome, &mut dyn Write) -> io::Result<()>,
    outcome: &Outcome,
) -> String {
    let mut bytes = Vec::new();
    render(outcome, &mut bytes).unwrap();
    String::from_utf8(bytes).unwrap()
}
