//! `e2ee-lint test-rules`: rules tested against example inventories that carry their
//! expectations as comments, in the style of Semgrep's rule tests.
//!
//! On the line a finding must point at, `# expect: rule-id` (several ids separated by commas);
//! on a line that must stay clean of a rule, `# ok: rule-id`. A comment alone on its line
//! speaks of the next line. A rule a file mentions this way is
//! under test in that file: every finding of it there must be expected. Findings of rules the
//! file does not mention are not its business. Expectations may sit in any YAML file the
//! findings point into (an example's config, for the policy's own rules).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::Outcome;
use crate::pipeline::{self, Request};
use crate::policy::Settings;
use crate::source::SourceFile;

/// One annotation: the line it is on, the rule, and whether a finding must (`expect`) or must
/// not (`ok`) be there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Annotation {
    pub(crate) line: usize,
    pub(crate) rule: String,
    pub(crate) expect: bool,
}

/// The annotations of one file's text. An annotation after content is about its own line; a
/// line that is only a comment is about the next line (for findings that point at a comment,
/// such as an ignore comment, which cannot carry a second one).
pub(crate) fn annotations(text: &str) -> Vec<Annotation> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let target = if line.trim_start().starts_with('#') {
            index + 2
        } else {
            index + 1
        };
        for (marker, expect) in [("# expect:", true), ("# ok:", false)] {
            let Some(at) = line.find(marker) else {
                continue;
            };
            let rest = &line[at + marker.len()..];
            // Another annotation may follow on the same line.
            let rest = rest.split('#').next().unwrap_or_default();
            for rule in rest.split(',').map(str::trim).filter(|r| !r.is_empty()) {
                found.push(Annotation {
                    line: target,
                    rule: rule.to_owned(),
                    expect,
                });
            }
        }
    }
    found
}

/// A mismatch between a file's annotations and what the rules found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Mismatch {
    pub(crate) file: String,
    pub(crate) line: usize,
    pub message: String,
}

/// What one example gave.
#[derive(Debug, Default)]
pub(crate) struct ExampleResult {
    pub(crate) example: String,
    pub(crate) checked: usize,
    pub(crate) mismatches: Vec<Mismatch>,
}

/// Runs one example inventory under `settings` (its config is discovered as `check` does) and
/// compares the findings with the annotations of every file they point into.
pub(crate) fn run_example(
    path: &Path,
    settings: &Settings,
) -> Result<ExampleResult, pipeline::Error> {
    let outcome = pipeline::check(&Request {
        paths: vec![path.to_path_buf()],
        settings: settings.clone(),
    })?;
    let mut result = compare(&outcome);
    result.example = crate::discover::display_name(path);
    Ok(result)
}

/// Compares an outcome's findings with the annotations of its files.
pub(crate) fn compare(outcome: &Outcome) -> ExampleResult {
    // Every file the run read or a finding points into, by name.
    let mut sources: BTreeMap<String, Arc<SourceFile>> = BTreeMap::new();
    for file in &outcome.files {
        sources.insert(file.source.name.clone(), Arc::clone(&file.source));
    }
    for finding in &outcome.findings {
        sources
            .entry(finding.source.name.clone())
            .or_insert_with(|| Arc::clone(&finding.source));
    }
    // Active findings by (file, line, rule); suppressed ones do not count as found.
    let mut found: BTreeMap<(String, usize, String), usize> = BTreeMap::new();
    for finding in outcome.findings.iter().filter(|f| f.suppressed.is_none()) {
        let line = finding.source.line_col(finding.span.offset).line;
        *found
            .entry((finding.source.name.clone(), line, finding.rule.to_string()))
            .or_default() += 1;
    }
    let mut result = ExampleResult::default();
    for (name, source) in &sources {
        let notes = annotations(&source.text);
        if notes.is_empty() {
            continue;
        }
        let under_test: BTreeSet<&str> = notes.iter().map(|a| a.rule.as_str()).collect();
        let expected: BTreeSet<(usize, &str)> = notes
            .iter()
            .filter(|a| a.expect)
            .map(|a| (a.line, a.rule.as_str()))
            .collect();
        for note in &notes {
            result.checked += 1;
            let key = (name.clone(), note.line, note.rule.clone());
            let hits = found.get(&key).copied().unwrap_or(0);
            match (note.expect, hits) {
                (true, 0) => result.mismatches.push(Mismatch {
                    file: name.clone(),
                    line: note.line,
                    message: format!("expected a `{}` finding on this line; none", note.rule),
                }),
                (false, n) if n > 0 => result.mismatches.push(Mismatch {
                    file: name.clone(),
                    line: note.line,
                    message: format!("`{}` must not fire on this line, but it does", note.rule),
                }),
                _ => {}
            }
        }
        for ((file, line, rule), _) in found.range((name.clone(), 0, String::new())..) {
            if file != name {
                break;
            }
            if under_test.contains(rule.as_str()) && !expected.contains(&(*line, rule.as_str())) {
                let already = result.mismatches.iter().any(|m| {
                    m.file == *file && m.line == *line && m.message.contains(rule.as_str())
                });
                if !already {
                    result.mismatches.push(Mismatch {
                        file: file.clone(),
                        line: *line,
                        message: format!(
                            "unexpected `{rule}` finding (no `# expect: {rule}` on this line)"
                        ),
                    });
                }
            }
        }
    }
    result.mismatches.sort();
    result
}

/// The example inventories a path names: a YAML file, or every YAML file below a directory
/// (config files excluded), sorted.
pub(crate) fn examples(path: &Path) -> Vec<PathBuf> {
    if !path.is_dir() {
        return vec![path.to_path_buf()];
    }
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(path)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .filter(|p| {
            !p.file_name()
                .is_some_and(crate::policy::discover::is_config_name)
        })
        .filter(|p| !is_rule_file(p))
        .collect();
    found.sort();
    found
}

/// Whether a file is a rule file (a mapping with `id:`, `summary:` and `message:`), which a
/// directory of examples may hold beside them.
fn is_rule_file(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    let Ok(documents) = crate::yaml::parse(&text) else {
        return false;
    };
    documents.first().is_some_and(|doc| {
        ["id", "summary", "message"]
            .iter()
            .all(|key| doc.get(key).is_some())
    })
}

#[cfg(test)]
mod built_in;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_alone_speaks_of_the_next_line() {
        let text = "tools:\n  # expect: ignore-without-reason\n  # e2ee-lint: ignore[no-e2ee]\n";
        assert_eq!(annotations(text)[0].line, 3);
    }

    #[test]
    fn reads_expect_and_ok_annotations() {
        let text = "tools:\n  - name: Slack  # expect: no-e2ee, backups-not-e2ee\n  - name: Signal # ok: no-e2ee\n";
        let notes = annotations(text);
        assert_eq!(
            notes,
            [
                Annotation {
                    line: 2,
                    rule: "no-e2ee".into(),
                    expect: true
                },
                Annotation {
                    line: 2,
                    rule: "backups-not-e2ee".into(),
                    expect: true
                },
                Annotation {
                    line: 3,
                    rule: "no-e2ee".into(),
                    expect: false
                },
            ]
        );
    }
}
