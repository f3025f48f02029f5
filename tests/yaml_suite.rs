//! The YAML test suite through the loader: no input may panic, and every case the suite marks
//! `error` must be rejected with a location.
//!
//! The full suite is read from `../shared/data/yaml-test-suite/data` beside the repository (CI
//! has it there); when it is absent the test says it skipped, or fails under CI
//! (`E2EE_LINT_REQUIRE_DATA=1`, set by `.ci/run`, or `CI=true`). A small subset written for this
//! project (`tests/data/yaml-suite-subset`) always runs, so fresh clones still test something.

use std::path::{Path, PathBuf};

use e2ee_lint::source::SourceFile;

mod common;

/// `error` cases the loader accepts: known gaps, listed one by one so that any other accepted
/// error case fails the test. None today: YAML 1.2's strict indentation (`yaml::options`) also
/// rejects 9C9N, DK95/01 and QB6E, which serde-saphyr's lenient default accepted.
const KNOWN_ACCEPTED_ERRORS: &[&str] = &[];

/// Every folder under `dir` holding an `in.yaml` (the suite nests some cases one level deeper).
fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n == "in.yaml") {
                found.push(dir.clone());
            }
        }
    }
    found.sort();
    found
}

struct Tally {
    cases: usize,
    errors: usize,
    rejected: usize,
    accepted_errors: Vec<String>,
    unlocated: Vec<String>,
    panics: Vec<String>,
}

fn run_cases(root: &Path) -> Tally {
    let mut tally = Tally {
        cases: 0,
        errors: 0,
        rejected: 0,
        accepted_errors: Vec::new(),
        unlocated: Vec::new(),
        panics: Vec::new(),
    };
    // The loader runs as `check` runs it: through the engine, which also classifies and lints.
    let engine = e2ee_lint::engine::Engine::embedded().unwrap();
    for case in cases(root) {
        let id = case
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(case.join("in.yaml")).unwrap();
        // The suite's inputs are UTF-8; a stray non-UTF-8 case is refused before the loader.
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        tally.cases += 1;
        let must_fail = case.join("error").exists();
        // The loader (with the engine) and the YAML parse, each under catch_unwind so one panic does not hide
        // the rest; any panic fails the test below.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let source = SourceFile::new(id.clone(), "in.yaml", text.clone());
            let _ = e2ee_lint::lint_source(&engine, source);
            e2ee_lint::yaml::parse(&text)
        }));
        let Ok(parsed) = result else {
            tally.panics.push(id);
            continue;
        };
        if !must_fail {
            continue;
        }
        tally.errors += 1;
        match parsed {
            Ok(_) => tally.accepted_errors.push(id),
            Err(error) => {
                tally.rejected += 1;
                // Located: a span past the start, or an error that is truly at byte 0.
                let first_token_is_bad = error.span.offset == 0 && error.span.len > 0;
                if error.span.offset == 0 && !first_token_is_bad && !text.trim().is_empty() {
                    tally.unlocated.push(format!("{id}: {}", error.message));
                }
                assert!(
                    error.span.offset + error.span.len <= text.len(),
                    "{id}: span out of range"
                );
            }
        }
    }
    tally
}

fn check(root: &Path, known_gaps: &[&str]) -> Tally {
    let tally = run_cases(root);
    assert!(tally.panics.is_empty(), "panicked: {:?}", tally.panics);
    let unexpected: Vec<&String> = tally
        .accepted_errors
        .iter()
        .filter(|id| !known_gaps.contains(&id.as_str()))
        .collect();
    assert!(
        unexpected.is_empty(),
        "error cases accepted by the loader: {unexpected:?}"
    );
    assert!(
        tally.unlocated.is_empty(),
        "rejected without a location: {:?}",
        tally.unlocated
    );
    println!(
        "{}: {} cases, {} error cases, {} rejected with a location, {} known gaps",
        root.display(),
        tally.cases,
        tally.errors,
        tally.rejected,
        tally.accepted_errors.len()
    );
    tally
}

#[test]
fn own_subset() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/yaml-suite-subset");
    let tally = check(&root, &[]);
    assert!(tally.cases >= 15 && tally.errors >= 6);
}

#[test]
fn yaml_test_suite() {
    let Some(root) = common::shared_data("yaml-test-suite/data") else {
        return;
    };
    let tally = check(&root, KNOWN_ACCEPTED_ERRORS);
    assert!(tally.cases > 300, "{} cases", tally.cases);
}
