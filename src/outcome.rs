//! `Outcome`: everything a run found and everything its renderers may read.
//!
//! Renderers read only this: the findings, the tools as classified, the documentation of every
//! rule that could fire and the catalog that classified the tools. None of them looks anything
//! up elsewhere, so a custom rule or catalog entry shows up in every format alike.

mod ignore;
mod previous;
mod threshold;

pub(crate) use ignore::Ignore;
pub(crate) use previous::{Previous, PreviousFinding, PreviousRisk, PreviousTool};
pub use threshold::FailOn;

// The outcome's vocabulary: what renderers read, named here so that a renderer depends on the
// outcome alone (tests/modules.rs holds it), wherever the loader or the engine defines them.
pub(crate) use crate::catalog::{Catalog, CatalogChange, EMBEDDED_CATALOG};
pub(crate) use crate::channel::Channel;
pub(crate) use crate::engine::ToolSummary;
pub(crate) use crate::engine::ids as rule_ids;
pub(crate) use crate::engine::rule::RuleInfo;
pub(crate) use crate::fields::FieldValues;
pub(crate) use crate::fields::evidence_fields;

/// Days before expiry from which an exception is reported as `exception-expiring`.
pub(crate) const EXPIRING_WITHIN_DAYS: i64 = 30;

use std::path::PathBuf;
use std::sync::Arc;

use crate::discover::PathError;
use crate::finding::{self, Finding, Severity, SuppressionKind};
use crate::source::SourceFile;

/// One inventory file as checked.
#[derive(Debug)]
pub struct FileReport {
    pub source: Arc<SourceFile>,
    pub(crate) tools: Vec<ToolSummary>,
    /// `# e2ee-lint: ignore[...]` comments, for the policy sink.
    pub(crate) ignores: Vec<Ignore>,
    /// The inventory's `organization:`, for report headers.
    pub(crate) organization: Option<String>,
}

/// The files a run read besides the inventories, for evidence and for refusing to write over
/// an input.
#[derive(Debug, Clone, Default)]
pub(crate) struct Inputs {
    pub(crate) configs: Vec<PathBuf>,
    pub(crate) baseline: Option<PathBuf>,
    /// The policy files as read (configs, rule files, the baseline), for their digests in
    /// evidence reports; inventories are in [`Outcome::files`].
    pub(crate) sources: Vec<(InputKind, Arc<SourceFile>)>,
    /// The policy in force, as reports state it.
    pub(crate) policy: PolicyFacts,
}

/// What an input file is to the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum InputKind {
    Inventory,
    Config,
    RuleFile,
    Baseline,
    /// A previous `report-json` (`--since`).
    PreviousReport,
}

impl InputKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            InputKind::Inventory => "inventory",
            InputKind::Config => "config",
            InputKind::RuleFile => "rule-file",
            InputKind::Baseline => "baseline",
            InputKind::PreviousReport => "previous-report",
        }
    }
}

/// The policy in force: per config, and the command line's overrides.
#[derive(Debug, Clone, Default)]
pub(crate) struct PolicyFacts {
    /// One entry per config file used, by path; none when no config applied.
    pub(crate) configs: Vec<ConfigFacts>,
    /// The data classification levels and E2EE threshold of inventories with no config.
    pub(crate) default_levels: Option<(Vec<String>, String)>,
    /// `--severity RULE=LEVEL`, in order.
    pub(crate) cli_overrides: Vec<String>,
    pub(crate) no_ignores: bool,
    pub(crate) no_exceptions: bool,
}

/// One config file's policy, as evidence reports state it.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub(crate) struct ConfigFacts {
    pub(crate) file: String,
    /// Least to most sensitive.
    pub(crate) levels: Vec<String>,
    /// The level from which E2EE is required.
    pub(crate) e2ee_required_from: String,
    pub(crate) fail_on: Option<&'static str>,
    /// `rules:` entries as `RULE=LEVEL`, sorted by rule.
    pub(crate) overrides: Vec<String>,
    /// The configs this one extends, nearest first (empty when it extends none).
    pub(crate) extends: Vec<String>,
    pub(crate) exceptions: usize,
    pub(crate) max_exception_days: i64,
    /// The `inventory.values` translations in force, one line per field, for reports' policy
    /// section (e.g. `data_classification: Orange → confidential, Red → restricted`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) value_mapping: Vec<String>,
}

/// What only the command line knows, for evidence reports: set by the caller after the
/// pipeline ran.
#[derive(Debug, Clone, Default)]
pub(crate) struct EvidenceContext {
    /// The commit the inputs were read at (`--evidence-commit`, `GITHUB_SHA`, `CI_COMMIT_SHA`).
    pub(crate) commit: Option<String>,
    /// `--organization`: wins over the inventories' `organization:`.
    pub(crate) organization: Option<String>,
    /// `--repository` (else `GITHUB_REPOSITORY`, `CI_PROJECT_PATH`): names the run for `merge`.
    pub(crate) repository: Option<String>,
    /// `--framework`: the controls table shows this framework only.
    pub(crate) framework: Option<String>,
    /// `--since`: the earlier `report-json` to compare with.
    pub(crate) previous: Option<Previous>,
}

/// Everything a run found, in output order.
#[derive(Debug)]
pub struct Outcome {
    pub files: Vec<FileReport>,
    /// Sorted by file, offset, rule.
    pub findings: Vec<Finding>,
    /// Paths that could not be read; each makes the run exit 2.
    pub(crate) path_errors: Vec<PathError>,
    /// The date the policy judged exception expiry against, for reports (`YYYY-MM-DD`).
    pub(crate) evaluated_on: Option<String>,
    /// Every rule that can fire in this run, sorted by id.
    pub(crate) rules: Arc<[RuleInfo]>,
    /// The rules among `rules` that report nothing in this run (off by default and not turned
    /// on, or set `off`), sorted by id: reports list them apart from the controls' evidence.
    pub(crate) disabled_rules: Vec<Arc<str>>,
    /// The catalog the tools were classified against.
    pub catalog: Arc<Catalog>,
    /// The severity from which this run fails: `--fail-on`, else the configs', else `error`.
    pub(crate) fail_on: FailOn,
    pub(crate) inputs: Inputs,
    pub(crate) evidence: EvidenceContext,
    /// The run checked every inventory default discovery finds (no paths, or paths covering
    /// them): a rewritten baseline may then drop the entries of files it did not see.
    pub(crate) whole_set: bool,
    /// Every company change to the catalog in force (overrides, added systems), in config
    /// order without repeats: every format lists them.
    pub(crate) catalog_changes: Vec<crate::catalog::CatalogChange>,
}

/// Counts for summary lines and machine outputs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub(crate) tools: usize,
    pub error: usize,
    pub warning: usize,
    pub info: usize,
    pub suppressed: usize,
    /// `suppressed`, split by what suppressed them.
    pub(crate) by_exception: usize,
    pub(crate) by_inline: usize,
    pub(crate) by_baseline: usize,
}

impl Outcome {
    /// An outcome with nothing found yet.
    pub(crate) fn new(rules: Arc<[RuleInfo]>, catalog: Arc<Catalog>) -> Outcome {
        let catalog_changes = catalog.changes().to_vec();
        Outcome {
            files: Vec::new(),
            findings: Vec::new(),
            path_errors: Vec::new(),
            evaluated_on: None,
            disabled_rules: rules
                .iter()
                .filter(|r| !r.enabled)
                .map(|r| Arc::clone(&r.id))
                .collect(),
            rules,
            catalog,
            fail_on: FailOn::default(),
            inputs: Inputs::default(),
            evidence: EvidenceContext::default(),
            whole_set: false,
            catalog_changes,
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
            .binary_search_by(|r| (*r.id).cmp(id))
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
    pub(crate) fn worst(&self) -> Option<Severity> {
        self.findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .map(|f| f.severity)
            .max()
    }

    /// Whether the run fails its threshold (unreadable paths are decided by the caller).
    pub(crate) fn fails(&self) -> bool {
        match (self.fail_on.threshold(), self.worst()) {
            (Some(threshold), Some(worst)) => worst >= threshold,
            _ => false,
        }
    }

    /// Puts files, errors and findings into output order.
    pub(crate) fn sort(&mut self) {
        self.files.sort_by(|a, b| a.source.name.cmp(&b.source.name));
        self.path_errors.sort_by(|a, b| a.path.cmp(&b.path));
        finding::sort(&mut self.findings);
    }
}

/// Unsuppressed findings of one severity.
pub(crate) fn count(findings: &[Finding], severity: Severity) -> usize {
    findings
        .iter()
        .filter(|f| f.suppressed.is_none() && f.severity == severity)
        .count()
}
