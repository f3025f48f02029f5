//! `Finding`: the one type every check produces and every renderer reads.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::source::{SourceFile, Span};

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The tool a finding is about, as written in the inventory. Shared with the tool's summary and
/// its other findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ToolRef {
    pub name: Arc<str>,
    pub id: Arc<str>,
}

/// A secondary location, in the finding's own file unless `source` names another
/// (a config entry that caused or failed to cover the finding).
#[derive(Debug, Clone)]
pub(crate) struct Label {
    pub source: Option<Arc<SourceFile>>,
    pub span: Span,
    pub message: Arc<str>,
}

/// Why a finding does not count against the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressionKind {
    /// An exception in the config file.
    Exception,
    /// An `# e2ee-lint: ignore[...]` comment in the inventory.
    Inline,
    /// An entry of the baseline file.
    Baseline,
}

/// The record of an accepted risk, kept on a suppressed finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub reason: String,
    pub approved_by: Option<String>,
    pub expires: Option<String>,
    pub ticket: Option<String>,
}

/// One problem found in one file.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Shared with the rule's [`crate::engine::rule::RuleInfo`].
    pub(crate) rule: Arc<str>,
    pub severity: Severity,
    /// Shared with the file's other findings that say the same.
    pub message: Arc<str>,
    /// Shared: many findings carry the same help line.
    pub(crate) help: Option<Arc<str>>,
    pub source: Arc<SourceFile>,
    /// The primary location. Every finding has one.
    pub span: Span,
    pub(crate) labels: Vec<Label>,
    pub(crate) tool: Option<ToolRef>,
    pub(crate) catalog_id: Option<Arc<str>>,
    /// Boxed: most findings are not suppressed, and a 100,000-tool run holds many findings.
    pub suppressed: Option<Box<Suppression>>,
}

impl Finding {
    /// A finding with a message at one location; help, labels and the tool are added by
    /// whoever knows them.
    pub(crate) fn new(
        rule: impl Into<Arc<str>>,
        severity: Severity,
        source: &Arc<SourceFile>,
        span: Span,
        message: impl Into<Arc<str>>,
    ) -> Finding {
        Finding {
            rule: rule.into(),
            severity,
            message: message.into(),
            help: None,
            source: Arc::clone(source),
            span,
            labels: Vec::new(),
            tool: None,
            catalog_id: None,
            suppressed: None,
        }
    }
}

/// Sorts findings into output order (file, then offset, then rule, then message), so the same
/// input always gives the same bytes.
///
/// Unstable: a stable sort takes a buffer of half the findings (11 MB for 110,000), and the
/// input order of equal keys is itself deterministic, so the result is too.
pub(crate) fn sort(findings: &mut [Finding]) {
    // The file's name is compared only between different files (the findings of one file share
    // its `Arc`): on a large file nearly every comparison is within one.
    let order = |a: &Finding, b: &Finding| {
        let file = if Arc::ptr_eq(&a.source, &b.source) {
            std::cmp::Ordering::Equal
        } else {
            a.source.name.cmp(&b.source.name)
        };
        file.then(a.span.offset.cmp(&b.span.offset))
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.message.cmp(&b.message))
    };
    findings.sort_unstable_by(order);
}
