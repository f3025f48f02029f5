//! What `merge` reads of one run's `report-json`: owned data, parsed once, only the parts the
//! merged report needs. Words of a fixed vocabulary are checked and shared as `&'static str`.

use std::sync::Arc;

use serde::Deserialize;

use crate::coverage::Coverage;
use crate::finding::{Severity, SuppressionKind};
use crate::output::evidence::ToolOutcome;

#[derive(Debug, Deserialize)]
pub(super) struct Run {
    pub(crate) version: u32,
    pub(crate) header: Header,
    pub summary: Summary,
    pub(crate) tools: Vec<Tool>,
    #[serde(default)]
    pub(crate) accepted_risks: Vec<Risk>,
    #[serde(default)]
    pub(crate) controls: Vec<Control>,
    #[serde(default)]
    pub findings: Vec<Finding>,
    #[serde(default)]
    pub(crate) sources: Vec<Source>,
    #[serde(default)]
    pub(crate) path_errors: Vec<PathError>,
    /// The run's changes to the catalog (issue 18): a merge must show every one of them.
    #[serde(default)]
    pub(crate) catalog_overrides: Vec<CatalogOverride>,
    /// The run's severity overrides that lower a verdict rule below its threshold.
    #[serde(default)]
    pub(crate) lowered_verdict_rules: Vec<crate::output::evidence::lowered::Lowering>,
}

/// One company change to the catalog as a run's report-json states it.
#[derive(Debug, Deserialize)]
pub(super) struct CatalogOverride {
    pub config: String,
    pub kind: String,
    pub(crate) system: String,
    pub name: String,
    pub reason: Option<String>,
    pub source: Option<String>,
    pub summary: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct Header {
    #[serde(default)]
    pub(crate) organizations: Vec<String>,
    pub(crate) evaluated_on: String,
    pub catalog: Catalog,
    pub(crate) policy: Policy,
    #[serde(default)]
    pub(crate) inputs: Vec<Input>,
    pub(crate) commit: Option<String>,
    pub repository: Option<String>,
    /// Absent from reports written before `merge` existed.
    pub(crate) policy_sha256: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Catalog {
    pub(crate) systems: usize,
    pub(crate) reviewed_from: Option<String>,
    pub(crate) reviewed_to: Option<String>,
    pub(crate) version: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Policy {
    pub fail_on: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct Input {
    pub kind: String,
    pub path: String,
    pub(crate) sha256: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct Summary {
    pub(crate) coverage: Coverage,
    pub(crate) verdict: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct Tool {
    pub(crate) file: Arc<str>,
    pub(crate) line: usize,
    pub name: Arc<str>,
    pub id: Arc<str>,
    pub(crate) vendor: Option<Arc<str>>,
    pub(crate) owner: Option<Arc<str>>,
    pub(crate) data_classification: Option<Arc<str>>,
    pub(crate) category: Option<String>,
    pub status: Option<String>,
    /// Absent from reports written before the field table drove the evidence columns.
    #[serde(default)]
    pub(crate) fields: std::collections::BTreeMap<String, Arc<str>>,
    pub(crate) catalog_id: Option<Arc<str>>,
    pub(crate) catalog_name: Option<String>,
    #[serde(default)]
    pub channels: Vec<Channel>,
    pub(crate) configured: Option<String>,
    pub(crate) outcome: ToolOutcome,
    pub reason: Option<String>,
    #[serde(default)]
    pub findings: Vec<ToolFinding>,
    /// Verdict rules a lowering cleared this tool of.
    #[serde(default)]
    pub(crate) lowered_verdict_rules: Vec<String>,
    pub(crate) reviewed: Option<String>,
    #[serde(default)]
    pub(crate) sources: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Channel {
    pub(crate) channel: String,
    pub status: String,
    pub(crate) scope: Option<Arc<str>>,
    pub(crate) requires: Option<Arc<str>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ToolFinding {
    pub(crate) rule: Arc<str>,
    pub severity: Severity,
    pub(crate) state: String,
    pub message: Arc<str>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Risk {
    pub(crate) file: String,
    pub(crate) line: usize,
    pub(crate) tool: Option<String>,
    pub(crate) tool_id: Option<String>,
    pub(crate) rule: String,
    pub kind: SuppressionKind,
    pub reason: String,
    pub approved_by: Option<String>,
    pub ticket: Option<String>,
    pub expires: Option<String>,
    pub(crate) days_left: Option<i64>,
    pub(crate) state: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct Control {
    pub(crate) control: String,
    pub framework: String,
    pub(crate) control_id: String,
    pub rules: Vec<String>,
    pub(crate) not_enabled: Vec<String>,
    pub(crate) pass: usize,
    pub(crate) fail: usize,
    pub(crate) accepted_risk: usize,
    pub status: String,
    pub(crate) basis: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct Finding {
    pub(crate) file: Arc<str>,
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) tool: Option<Arc<str>>,
    pub(crate) tool_id: Option<Arc<str>>,
    pub(crate) rule: Arc<str>,
    pub severity: Severity,
    pub message: Arc<str>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Source {
    pub id: String,
    pub name: String,
    pub(crate) note: String,
    pub(crate) reviewed: String,
    pub(crate) sources: Vec<SourceRef>,
}

#[derive(Debug, Deserialize)]
pub(super) struct SourceRef {
    pub(crate) title: String,
    pub(crate) url: String,
    pub(crate) date: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct PathError {
    pub path: String,
    pub message: String,
}

/// `word` as the vocabulary's own `&'static str`, or why not.
pub(super) fn word(
    word: &str,
    vocabulary: &[&'static str],
    what: &str,
) -> Result<&'static str, String> {
    vocabulary
        .iter()
        .find(|w| **w == word)
        .copied()
        .ok_or_else(|| format!("unknown {what} `{word}`"))
}
