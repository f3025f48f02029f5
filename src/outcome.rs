//! `Outcome`: everything a run found and everything its renderers may read.
//!
//! Renderers read only this: the findings, the tools as classified, the documentation of every
//! rule that could fire and the catalog that classified the tools. None of them looks anything
//! up elsewhere, so a custom rule or catalog entry shows up in every format alike.

use std::path::PathBuf;
use std::sync::Arc;

use crate::catalog::Catalog;
use crate::discover::PathError;
use crate::engine::ToolSummary;
use crate::engine::rule::RuleInfo;
use crate::finding::{self, Finding, Severity, SuppressionKind};
use crate::policy::FailOn;
use crate::policy::ignores::Ignore;
use crate::source::SourceFile;

/// One inventory file as checked.
#[derive(Debug)]
pub struct FileReport {
    pub source: Arc<SourceFile>,
    pub tools: Vec<ToolSummary>,
    /// `# e2ee-lint: ignore[...]` comments, for the policy sink.
    pub ignores: Vec<Ignore>,
}

/// The files a run read besides the inventories, for evidence and for refusing to write over
/// an input.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub configs: Vec<PathBuf>,
    pub baseline: Option<PathBuf>,
}

/// Everything a run found, in output order.
#[derive(Debug)]
pub struct Outcome {
    pub files: Vec<FileReport>,
    /// Sorted by file, offset, rule.
    pub findings: Vec<Finding>,
    /// Paths that could not be read; each makes the run exit 2.
    pub path_errors: Vec<PathError>,
    /// The date the policy judged exception expiry against, for reports (`YYYY-MM-DD`).
    pub evaluated_on: Option<String>,
    /// Every rule that can fire in this run, sorted by id.
    pub rules: Arc<[RuleInfo]>,
    /// The catalog the tools were classified against.
    pub catalog: Arc<Catalog>,
    /// The severity from which this run fails: `--fail-on`, else the configs', else `error`.
    pub fail_on: FailOn,
    pub inputs: Inputs,
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
    /// An outcome with nothing found yet.
    pub fn new(rules: Arc<[RuleInfo]>, catalog: Arc<Catalog>) -> Outcome {
        Outcome {
            files: Vec::new(),
            findings: Vec::new(),
            path_errors: Vec::new(),
            evaluated_on: None,
            rules,
            catalog,
            fail_on: FailOn::default(),
            inputs: Inputs::default(),
        }
    }

    /// An outcome with nothing found yet, for an engine's rules and catalog (tests, benchmarks,
    /// the fuzzer: runs without a policy).
    pub fn for_engine(engine: &crate::engine::Engine) -> Outcome {
        Outcome::new(engine.registry.infos().into(), Arc::clone(&engine.catalog))
    }

    /// The documentation of one rule.
    pub fn rule(&self, id: &str) -> Option<&RuleInfo> {
        self.rules
            .binary_search_by(|r| r.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.rules[i])
    }

    pub fn summary(&self) -> Summary {
        let active = |s: Severity| count(&self.findings, s);
        let by = |kind: SuppressionKind| {
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
            by_exception: by(SuppressionKind::Exception),
            by_inline: by(SuppressionKind::Inline),
            by_baseline: by(SuppressionKind::Baseline),
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

    /// Whether the run fails its threshold (unreadable paths are decided by the caller).
    pub fn fails(&self) -> bool {
        match (self.fail_on.threshold(), self.worst()) {
            (Some(threshold), Some(worst)) => worst >= threshold,
            _ => false,
        }
    }

    /// Puts files, errors and findings into output order.
    pub fn sort(&mut self) {
        self.files.sort_by(|a, b| a.source.name.cmp(&b.source.name));
        self.path_errors.sort_by(|a, b| a.path.cmp(&b.path));
        finding::sort(&mut self.findings);
    }
}

/// Unsuppressed findings of one severity.
pub fn count(findings: &[Finding], severity: Severity) -> usize {
    findings
        .iter()
        .filter(|f| f.suppressed.is_none() && f.severity == severity)
        .count()
}
