//! The evidence report's facts, computed once from the [`Outcome`]: every evidence format
//! (`markdown`, `html`, `csv`, `report-json`, `oscal`) renders this one model, so they all
//! carry the same facts. Serialized as is, it is the `report-json` contract (`"version": 2`).
//!
//! Per-tool outcome, in order of precedence (the README documents the same list):
//! `banned` (the inventory says `status: banned`); `non-compliant` (an open error, other than
//! `invalid-inventory`); `not-examined` (an open `invalid-inventory` error, or a communication
//! tool the catalog does not classify, with no accepted risk for that); `at-risk` (open warnings); `accepted-risk` (a finding suppressed by
//! an exception, an inline ignore or the baseline); `not-applicable` (not a communication
//! tool, see [`crate::coverage`]); else `compliant`.

mod changes;
mod controls;
pub(crate) mod header;
pub(crate) mod lowered;
mod rows;
mod verdict;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::Outcome;
use crate::coverage::Coverage;
use crate::date::Date;
use crate::finding::{Severity, SuppressionKind};

pub(crate) use changes::{Changes, Previous, PreviousFinding, PreviousRisk, PreviousTool};
pub(crate) use controls::status as control_status;
pub(crate) use controls::{ControlRow, frameworks, matches as framework_matches};
pub(crate) use header::{Header, Repository, sha256_hex};
pub(crate) use rows::{EmptyFileRow, Findings, Tools};
use rows::{open_findings, risks};
pub(crate) use verdict::Facts as VerdictFacts;
pub(crate) use verdict::from_facts as verdict_from_facts;
use verdict::verdict;
pub(crate) use verdict::{by_action, by_reason};

/// Bumped only on incompatible changes to `report-json`; additions keep the version.
/// Version 2: per-tool outcomes `at-risk` and `not-examined` (for `unclassified`), control
/// statuses `pass-with-accepted-risk` and `not-tested`, the verdict `nothing-examined`.
pub(crate) const VERSION: u32 = 2;

/// Days before expiry from which an accepted risk is highlighted as expiring soon.
pub(crate) const SOON_DAYS: i64 = crate::outcome::EXPIRING_WITHIN_DAYS;

/// The whole report.
#[derive(Debug, Serialize)]
pub(crate) struct Report<'o> {
    pub version: u32,
    pub header: Header,
    pub summary: ReportSummary,
    pub tools: Tools<'o>,
    pub accepted_risks: Vec<Risk>,
    pub controls: Vec<ControlRow>,
    /// Open (unsuppressed) findings, in output order.
    pub findings: Findings<'o>,
    /// The catalog entries the tools matched, with their sources.
    pub(crate) sources: Vec<SourceRow>,
    pub(crate) path_errors: Vec<PathErrorRow>,
    /// The files read that yielded no tool, for the CSV's rows (the other formats list their
    /// findings and count them in the coverage).
    #[serde(skip)]
    pub(crate) files_without_tools: Vec<EmptyFileRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) changes: Option<Changes>,
    /// The company's changes to the catalog the verdict rests on (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) catalog_overrides: Vec<crate::outcome::CatalogChange>,
    /// Severity overrides that lower a verdict rule below the failure threshold: the verdict
    /// rests on them too (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) lowered_verdict_rules: Vec<lowered::Lowering>,
}

impl Report<'_> {
    /// The verdict sentence, saying when it rests on a policy that lowers a verdict rule or
    /// on catalog overrides: "Compliant under a policy that lowers no-e2ee to info (config
    /// e2ee-lint.yaml): no open finding, with 2 catalog overrides."
    pub(crate) fn verdict_line(&self) -> String {
        let text =
            &lowered::name_in_verdict(&self.summary.verdict_text, &self.lowered_verdict_rules);
        match self.catalog_overrides.len() {
            0 => text.clone(),
            n => format!(
                "{}, with {n} catalog override{}.",
                text.trim_end_matches('.'),
                if n == 1 { "" } else { "s" }
            ),
        }
    }

    /// The catalog changes about one catalog system, as one line each.
    pub(crate) fn overrides_of(&self, system: &str) -> Vec<String> {
        self.catalog_overrides
            .iter()
            .filter(|c| c.system == system)
            .map(|c| c.line())
            .collect()
    }
}

/// A tool's verdict; see the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
/// The variants are in the order reports list tools: those that need action first.
pub(crate) enum ToolOutcome {
    NonCompliant,
    AtRisk,
    NotExamined,
    Banned,
    AcceptedRisk,
    Compliant,
    NotApplicable,
}

impl ToolOutcome {
    pub(crate) const ALL: [ToolOutcome; 7] = [
        ToolOutcome::NonCompliant,
        ToolOutcome::AtRisk,
        ToolOutcome::NotExamined,
        ToolOutcome::Banned,
        ToolOutcome::AcceptedRisk,
        ToolOutcome::Compliant,
        ToolOutcome::NotApplicable,
    ];

    /// The label every format shows (the README explains each once).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ToolOutcome::Compliant => "compliant",
            ToolOutcome::AtRisk => "at-risk",
            ToolOutcome::NonCompliant => "non-compliant",
            ToolOutcome::AcceptedRisk => "accepted-risk",
            ToolOutcome::NotExamined => "not-examined",
            ToolOutcome::Banned => "banned",
            ToolOutcome::NotApplicable => "not-applicable",
        }
    }

    /// Whether the tool needs someone to act: reports list these first.
    pub(crate) fn needs_action(self) -> bool {
        matches!(
            self,
            ToolOutcome::NonCompliant | ToolOutcome::AtRisk | ToolOutcome::NotExamined
        )
    }
}

#[derive(Debug, Default, Serialize)]
pub(crate) struct OutcomeCounts {
    pub(crate) compliant: usize,
    pub(crate) at_risk: usize,
    pub(crate) non_compliant: usize,
    pub(crate) accepted_risk: usize,
    pub(crate) not_examined: usize,
    pub(crate) banned: usize,
    pub(crate) not_applicable: usize,
}

impl OutcomeCounts {
    pub(crate) fn get(&self, outcome: ToolOutcome) -> usize {
        match outcome {
            ToolOutcome::Compliant => self.compliant,
            ToolOutcome::AtRisk => self.at_risk,
            ToolOutcome::NonCompliant => self.non_compliant,
            ToolOutcome::AcceptedRisk => self.accepted_risk,
            ToolOutcome::NotExamined => self.not_examined,
            ToolOutcome::Banned => self.banned,
            ToolOutcome::NotApplicable => self.not_applicable,
        }
    }

    pub(crate) fn add(&mut self, outcome: ToolOutcome) {
        *match outcome {
            ToolOutcome::Compliant => &mut self.compliant,
            ToolOutcome::AtRisk => &mut self.at_risk,
            ToolOutcome::NonCompliant => &mut self.non_compliant,
            ToolOutcome::AcceptedRisk => &mut self.accepted_risk,
            ToolOutcome::NotExamined => &mut self.not_examined,
            ToolOutcome::Banned => &mut self.banned,
            ToolOutcome::NotApplicable => &mut self.not_applicable,
        } += 1;
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct ReportSummary {
    pub files: usize,
    pub(crate) tools_listed: usize,
    /// Listed tools less the not-applicable ones.
    pub(crate) tools_in_scope: usize,
    pub(crate) outcomes: OutcomeCounts,
    pub(crate) open_findings: SeverityCounts,
    pub(crate) accepted_risks: usize,
    pub(crate) unreadable_paths: usize,
    /// What the run examined and what it did not.
    pub(crate) coverage: Coverage,
    /// `compliant`, `non-compliant` (the run fails its threshold), `nothing-examined` (no
    /// communication tool judged) or `incomplete` (paths or tools not read or classified).
    pub(crate) verdict: &'static str,
    pub(crate) verdict_text: String,
}

#[derive(Debug, Default, Serialize)]
pub(crate) struct SeverityCounts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

/// One channel in use and the catalog's status for it (`unknown`: offered, not sourced).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ChannelStatus {
    pub(crate) channel: &'static str,
    pub status: &'static str,
    /// Which surfaces the status covers, and what it needs, as the catalog says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) scope: Option<Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) requires: Option<Arc<str>>,
}

impl ChannelStatus {
    /// `voice: partial` with the catalog's scope and requirement, for text formats.
    pub(crate) fn describe(&self) -> String {
        match self.qualifiers() {
            Some(more) => format!("{}: {} ({more})", self.channel, self.status),
            None => format!("{}: {}", self.channel, self.status),
        }
    }

    /// The scope and requirement, when the catalog gives either.
    pub(crate) fn qualifiers(&self) -> Option<String> {
        match (&self.scope, &self.requires) {
            (Some(scope), Some(requires)) => Some(format!("{scope}; requires {requires}")),
            (Some(scope), None) => Some(scope.to_string()),
            (None, Some(requires)) => Some(format!("requires {requires}")),
            (None, None) => None,
        }
    }
}

/// Texts are shared with the outcome (`Arc<str>`): a 100,000-tool report holds no second copy
/// of every name, message and catalog scope.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ToolRow {
    /// The repository the tool was listed in (a merged report; `file` is then `REPO: PATH`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<Arc<str>>,
    pub(crate) file: Arc<str>,
    pub(crate) line: usize,
    pub name: Arc<str>,
    pub id: Arc<str>,
    pub(crate) vendor: Option<Arc<str>>,
    pub(crate) owner: Option<Arc<str>>,
    pub(crate) data_classification: Option<Arc<str>>,
    pub(crate) category: Option<&'static str>,
    pub status: Option<&'static str>,
    /// Every evidence field the inventory gave, by name, in the field table's order: the CSV's
    /// field columns, and a new field's way into every evidence format.
    pub(crate) fields: crate::outcome::FieldValues,
    pub(crate) catalog_id: Option<Arc<str>>,
    /// Catalog texts are shared by every tool of one catalog system (and the channel list by
    /// every tool of one system with the same channels in use): a 100,000-tool report holds
    /// each once.
    pub(crate) catalog_name: Option<Arc<str>>,
    pub channels: Arc<[ChannelStatus]>,
    /// What the inventory says was configured (`e2ee:`).
    pub(crate) configured: Option<&'static str>,
    pub(crate) outcome: ToolOutcome,
    /// Why a not-applicable tool is out of scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A communication tool the encryption rules could judge (see [`crate::coverage`]).
    #[serde(skip)]
    pub(crate) judged: bool,
    /// A communication tool (catalog match, unclassified or ambiguous).
    #[serde(skip)]
    pub(crate) communication: bool,
    pub findings: Vec<ToolFinding>,
    /// Verdict rules a policy lowered below the threshold that this tool's open findings come
    /// from: its outcome rests on that policy (see [`ToolRow::outcome_text`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) lowered_verdict_rules: Vec<Arc<str>>,
    /// The catalog entry's review date.
    pub(crate) reviewed: Option<Arc<str>>,
    pub(crate) sources: Arc<[String]>,
}

impl ToolRow {
    /// The outcome as text formats show it: the label, and for a tool that a lowered verdict
    /// rule cleared, the policy it rests on: `compliant (policy lowers no-e2ee)`.
    pub(crate) fn outcome_text(&self) -> String {
        let label = self.outcome.as_str();
        let cleared = matches!(
            self.outcome,
            ToolOutcome::Compliant | ToolOutcome::AtRisk | ToolOutcome::AcceptedRisk
        );
        if cleared && !self.lowered_verdict_rules.is_empty() {
            format!(
                "{label} (policy lowers {})",
                self.lowered_verdict_rules.join(", ")
            )
        } else {
            label.to_owned()
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ToolFinding {
    pub rule: Arc<str>,
    pub severity: Severity,
    /// `open` or `accepted`.
    pub(crate) state: &'static str,
    pub message: Arc<str>,
}

/// An accepted risk: a finding an exception, inline ignore or baseline entry suppresses.
#[derive(Debug, Serialize)]
pub(crate) struct Risk {
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
    /// Days from the evaluation date to the expiry date.
    pub(crate) days_left: Option<i64>,
    /// `expired`, `expiring` (within [`SOON_DAYS`]), `active` or `no-expiry`.
    pub(crate) state: &'static str,
}

impl Risk {
    /// The days left as the text reports show them: `expired N day(s) ago`, `N (expiring
    /// soon)` or `N`; `None` for an entry without expiry.
    pub(crate) fn days_text(&self) -> Option<String> {
        let days = self.days_left?;
        Some(match self.state {
            "expired" => format!("expired {} day(s) ago", -days),
            "expiring" => format!("{days} (expiring soon)"),
            _ => days.to_string(),
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct FindingRow {
    pub file: Arc<str>,
    pub line: usize,
    pub column: usize,
    pub tool: Option<Arc<str>>,
    pub tool_id: Option<Arc<str>>,
    pub rule: Arc<str>,
    pub severity: Severity,
    pub message: Arc<str>,
}

#[derive(Debug, Serialize)]
pub(crate) struct SourceRow {
    pub id: String,
    pub name: String,
    pub(crate) note: String,
    pub(crate) reviewed: String,
    pub(crate) sources: Vec<SourceRef>,
}

#[derive(Debug, Serialize)]
pub(crate) struct SourceRef {
    pub(crate) title: String,
    pub(crate) url: String,
    pub(crate) date: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct PathErrorRow {
    pub path: String,
    pub message: String,
}

/// Computes the report: linear in the tools and findings. Tool rows are made as renderers
/// reach them (see [`Tools`]).
pub(crate) fn build(outcome: &Outcome) -> Report<'_> {
    let today = outcome.evaluated_on.as_deref().and_then(Date::parse);
    let threshold = outcome.fail_on.threshold().unwrap_or(Severity::Error);
    let lowered_verdict_rules = lowered::lowerings(outcome);
    let mut listed = rows::tools(outcome, &lowered_verdict_rules, threshold);
    // Each finding goes to its tool: by file and tool id, and among tools sharing an id to the
    // last one listed before the finding's location. The tools sorted by (file, id, listing
    // order) make each finding's candidates one range: 32 bytes a tool, no map of lists.
    let mut by_id: Vec<(&str, &str, u32)> = Vec::with_capacity(listed.outcomes().len());
    for file in &outcome.files {
        for tool in &file.tools {
            let index = by_id.len() as u32;
            by_id.push((file.source.name.as_str(), &*tool.id, index));
        }
    }
    by_id.sort_unstable();
    let mut assigned: Vec<(u32, u32)> = Vec::new();
    for (number, finding) in outcome.findings.iter().enumerate() {
        let Some(tool) = &finding.tool else { continue };
        let key = (finding.source.name.as_str(), &*tool.id);
        let from = by_id.partition_point(|&(file, id, _)| (file, id) < key);
        let to = from + by_id[from..].partition_point(|&(file, id, _)| (file, id) == key);
        let Some(candidates) = by_id.get(from..to).filter(|c| !c.is_empty()) else {
            continue;
        };
        let at = finding.span.offset;
        // Candidates of one file are in listing order, so by offset: a binary search, not a
        // scan per finding (100,000 `Slack`s on one line share one id).
        let before = candidates
            .partition_point(|&(_, _, i)| listed.offset(i as usize).is_some_and(|o| o <= at));
        let index = before
            .checked_sub(1)
            .and_then(|k| candidates.get(k))
            .or(candidates.first());
        if let Some(&(_, _, index)) = index {
            assigned.push((index, number as u32));
        }
    }
    drop(by_id);
    listed.assign(assigned);
    let mut counts = OutcomeCounts::default();
    for &outcome in listed.outcomes() {
        counts.add(outcome);
    }
    let tools = Tools::Listed(Box::new(listed));

    let summary = outcome.summary();
    let coverage = outcome.coverage();
    let (verdict, verdict_text) = verdict(outcome, &coverage);
    let accepted_risks = risks(outcome, today);
    let report_summary = ReportSummary {
        files: summary.files,
        tools_listed: tools.len(),
        tools_in_scope: tools.len() - counts.not_applicable,
        outcomes: counts,
        open_findings: SeverityCounts {
            error: summary.error,
            warning: summary.warning,
            info: summary.info,
        },
        accepted_risks: accepted_risks.len(),
        unreadable_paths: outcome.path_errors.len(),
        coverage,
        verdict,
        verdict_text,
    };
    let findings = open_findings(outcome);
    let controls = controls::rows(outcome, &tools, threshold);
    let evaluated_on = outcome.evaluated_on.as_deref().unwrap_or("");
    let changes = outcome.evidence.previous.as_ref().map(|previous| {
        changes::compare(previous, evaluated_on, &tools, &findings, &accepted_risks)
    });
    Report {
        version: VERSION,
        header: header::build(outcome),
        summary: report_summary,
        sources: sources(outcome),
        tools,
        accepted_risks,
        controls,
        findings,
        path_errors: outcome
            .path_errors
            .iter()
            .map(|e| PathErrorRow {
                path: e.path.clone(),
                message: e.message.clone(),
            })
            .collect(),
        files_without_tools: rows::files_without_tools(outcome),
        changes,
        catalog_overrides: crate::output::catalog_changes(outcome),
        lowered_verdict_rules,
    }
}

/// The catalog entries the tools matched, in catalog order.
fn sources(outcome: &Outcome) -> Vec<SourceRow> {
    let used: std::collections::HashSet<&str> = outcome
        .files
        .iter()
        .flat_map(|f| &f.tools)
        .filter_map(|t| t.catalog_id.as_deref())
        .collect();
    outcome
        .catalog
        .systems()
        .iter()
        .filter(|s| used.contains(s.id.as_str()))
        .map(|s| SourceRow {
            id: s.id.clone(),
            name: s.name.clone(),
            note: s.note.clone(),
            reviewed: s.reviewed.clone(),
            sources: s
                .sources
                .iter()
                .map(|src| SourceRef {
                    title: src.title.clone(),
                    url: src.url.clone(),
                    date: src.date.clone(),
                })
                .collect(),
        })
        .collect()
}

/// A suppression kind as reports word it.
pub(crate) fn kind_text(kind: SuppressionKind) -> &'static str {
    match kind {
        SuppressionKind::Exception => "config exception",
        SuppressionKind::Inline => "inline ignore",
        SuppressionKind::Baseline => "baseline",
    }
}
