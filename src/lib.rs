//! e2ee-lint: checks company tool inventories against an end-to-end encryption policy.
//!
//! The library is the whole product; the binary only parses arguments and maps the outcome to
//! an exit code. Data flows one way: discover → load (one parse, spans) → engine (rules) →
//! policy → renderers.

pub mod app;
pub mod catalog;
pub mod cli;
pub mod discover;
pub mod engine;
pub mod finding;
pub mod generate;
pub mod inventory;
pub mod output;
pub mod policy;
pub mod read;
pub mod schema;
pub mod source;
pub mod yaml;

use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use engine::{Engine, ToolSummary};
use finding::{Finding, Severity};
use source::SourceFile;

pub use discover::PathError;

/// One inventory file as checked.
#[derive(Debug)]
pub struct FileReport {
    pub source: Arc<SourceFile>,
    pub tools: Vec<ToolSummary>,
    /// `# e2ee-lint: ignore[...]` comments, for the policy sink.
    pub ignores: Vec<policy::ignores::Ignore>,
}

/// Everything a run found, in output order.
#[derive(Debug, Default)]
pub struct Outcome {
    pub files: Vec<FileReport>,
    /// Sorted by file, offset, rule.
    pub findings: Vec<Finding>,
    /// Paths that could not be read; each makes the run exit 2.
    pub path_errors: Vec<PathError>,
    /// The date the policy judged exception expiry against, for reports (`YYYY-MM-DD`).
    pub evaluated_on: Option<String>,
}

/// Counts for summary lines and machine outputs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub tools: usize,
    pub error: usize,
    pub warning: usize,
    pub info: usize,
    pub suppressed: usize,
    /// `suppressed`, split by what suppressed them.
    pub by_exception: usize,
    pub by_inline: usize,
    pub by_baseline: usize,
}

impl Outcome {
    pub fn summary(&self) -> Summary {
        let active = |s: Severity| engine::count(&self.findings, s);
        let by = |kind: finding::SuppressionKind| {
            self.findings
                .iter()
                .filter(|f| f.suppressed.as_ref().is_some_and(|s| s.kind == kind))
                .count()
        };
        Summary {
            files: self.files.len(),
            tools: self.files.iter().map(|f| f.tools.len()).sum(),
            error: active(Severity::Error),
            warning: active(Severity::Warning),
            info: active(Severity::Info),
            suppressed: self
                .findings
                .iter()
                .filter(|f| f.suppressed.is_some())
                .count(),
            by_exception: by(finding::SuppressionKind::Exception),
            by_inline: by(finding::SuppressionKind::Inline),
            by_baseline: by(finding::SuppressionKind::Baseline),
        }
    }

    /// The most severe unsuppressed finding.
    pub fn worst(&self) -> Option<Severity> {
        self.findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .map(|f| f.severity)
            .max()
    }
}

/// Lints one source that is already in memory.
///
/// Each tool is checked as soon as it is loaded and then dropped, unless the file has inline
/// ignore comments, which are matched to tool entries afterwards.
pub fn lint_source(engine: &Engine, source: SourceFile) -> (FileReport, Vec<Finding>) {
    let source = Arc::new(source);
    let keep_tools = source.text.contains(policy::ignores::MARKER);
    let mut lint = engine.file(&source);
    let mut kept = Vec::new();
    let (mut inventory, problems) =
        inventory::load_each(&source, &engine.mapping, &mut |loaded| match loaded {
            inventory::Loaded::Tool(tool) => {
                lint.tool(&tool);
                if keep_tools {
                    kept.push(tool);
                }
            }
            inventory::Loaded::Restart => {
                lint.restart();
                kept.clear();
            }
        });
    inventory.tools = kept;
    let ignores = policy::ignores::scan(&source, &inventory);
    for problem in problems {
        lint.problem(problem);
    }
    let (findings, tools) = lint.finish();
    (
        FileReport {
            source,
            tools,
            ignores,
        },
        findings,
    )
}

/// Reads and lints files in parallel; the result does not depend on scheduling.
pub fn check_files(engine: &Engine, paths: &[PathBuf], max_file_size: u64) -> Outcome {
    let results: Vec<Result<(FileReport, Vec<Finding>), PathError>> = paths
        .par_iter()
        .map(|path| {
            let read = discover::read(path, max_file_size)?;
            match read.invalid_utf8 {
                None => Ok(lint_source(engine, read.source)),
                Some(span) => {
                    let source = Arc::new(read.source);
                    let problem = inventory::Problem {
                        kind: inventory::ProblemKind::Invalid,
                        span,
                        message: format!("invalid UTF-8 at byte {}", span.offset),
                        help: Some(
                            "save the file as UTF-8; the file was not checked further".into(),
                        ),
                    };
                    let (findings, tools) =
                        engine.run(&source, &inventory::Inventory::default(), vec![problem]);
                    let ignores = Vec::new();
                    Ok((
                        FileReport {
                            source,
                            tools,
                            ignores,
                        },
                        findings,
                    ))
                }
            }
        })
        .collect();
    let mut outcome = Outcome::default();
    for result in results {
        match result {
            Ok((report, findings)) => {
                outcome.files.push(report);
                if outcome.findings.is_empty() {
                    outcome.findings = findings; // no copy of a large first file
                } else {
                    outcome.findings.extend(findings);
                }
            }
            Err(error) => outcome.path_errors.push(error),
        }
    }
    finding::sort(&mut outcome.findings);
    outcome
}
