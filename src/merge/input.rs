//! What `merge` reads of one run's `report-json`: owned data, parsed once, only the parts the
//! merged report needs. Words of a fixed vocabulary are checked and shared as `&'static str`.

use std::sync::Arc;

use serde::Deserialize;

use crate::coverage::Coverage;
use crate::finding::{Severity, SuppressionKind};
use crate::output::evidence::ToolOutcome;

#[derive(Debug, Deserialize)]
pub(super) struct Run {
    pub version: u32,
    pub header: Header,
    pub summary: Summary,
    pub tools: Vec<Tool>,
    #[serde(default)]
    pub accepted_risks: Vec<Risk>,
    #[serde(default)]
    pub controls: Vec<Control>,
    #[serde(default)]
    pub findings: Vec<Finding>,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    pub path_errors: Vec<PathError>,
    /// The run's changes to the catalog (issue 18): a merge must show every one of them.
    #[serde(default)]
    pub catalog_overrides: Vec<CatalogOverride>,
}

/// One company change to the catalog as a run's report-json states it.
#[derive(Debug, Deserialize)]
pub(super) struct CatalogOverride {
    pub config: String,
    pub kind: String,
    pub system: String,
    pub name: String,
    pub reason: Option<String>,
    pub source: Option<String>,
    pub summary: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct Header {
    #[serde(default)]
    pub organizations: Vec<String>,
    pub evaluated_on: String,
    pub catalog: Catalog,
    pub policy: Policy,
    #[serde(default)]
    pub inputs: Vec<Input>,
    pub commit: Option<String>,
    pub repository: Option<String>,
    /// Absent from reports written before `merge` existed.
    pub policy_sha256: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Catalog {
    pub systems: usize,
    pub reviewed_from: Option<String>,
    pub reviewed_to: Option<String>,
    pub version: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Policy {
    pub fail_on: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct Input {
    pub kind: String,
    pub path: String,
    pub sha256: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct Summary {
    pub coverage: Coverage,
    pub verdict: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct Tool {
    pub file: Arc<str>,
    pub line: usize,
    pub name: Arc<str>,
    pub id: Arc<str>,
    pub vendor: Option<Arc<str>>,
    pub owner: Option<Arc<str>>,
    pub data_classification: Option<Arc<str>>,
    pub category: Option<String>,
    pub status: Option<String>,
    /// Absent from reports written before the field table drove the evidence columns.
    #[serde(default)]
    pub fields: std::collections::BTreeMap<String, Arc<str>>,
    pub catalog_id: Option<Arc<str>>,
    pub catalog_name: Option<String>,
    #[serde(default)]
    pub channels: Vec<Channel>,
    pub configured: Option<String>,
    pub outcome: ToolOutcome,
    pub reason: Option<String>,
    #[serde(default)]
    pub findings: Vec<ToolFinding>,
    pub reviewed: Option<String>,
    #[serde(default)]
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Channel {
    pub channel: String,
    pub status: String,
    pub scope: Option<Arc<str>>,
    pub requires: Option<Arc<str>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ToolFinding {
    pub rule: Arc<str>,
    pub severity: Severity,
    pub state: String,
    pub message: Arc<str>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Risk {
    pub file: String,
    pub line: usize,
    pub tool: Option<String>,
    pub tool_id: Option<String>,
    pub rule: String,
    pub kind: SuppressionKind,
    pub reason: String,
    pub approved_by: Option<String>,
    pub ticket: Option<String>,
    pub expires: Option<String>,
    pub days_left: Option<i64>,
    pub state: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct Control {
    pub control: String,
    pub framework: String,
    pub control_id: String,
    pub rules: Vec<String>,
    pub not_enabled: Vec<String>,
    pub pass: usize,
    pub fail: usize,
    pub accepted_risk: usize,
    pub status: String,
    pub basis: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct Finding {
    pub file: Arc<str>,
    pub line: usize,
    pub column: usize,
    pub tool: Option<Arc<str>>,
    pub tool_id: Option<Arc<str>>,
    pub rule: Arc<str>,
    pub severity: Severity,
    pub message: Arc<str>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Source {
    pub id: String,
    pub name: String,
    pub note: String,
    pub reviewed: String,
    pub sources: Vec<SourceRef>,
}

#[derive(Debug, Deserialize)]
pub(super) struct SourceRef {
    pub title: String,
    pub url: String,
    pub date: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct PathError {
    pub path: String,
    pub message: String,
}

/// `word` as the vocabulary's own `&'static str`, or why not.
pub(super) fn word(word: &str, vocabulary: &[&'static str], what: &str) -> Result<&'static str, String> {
    vocabulary
        .iter()
        .find(|w| **w == word)
        .copied()
        .ok_or_else(|| format!("unknown {what} `{word}`"))
}
