//! The report's rows, one per tool, accepted risk, open finding and file with no tool, sharing
//! the outcome's texts rather than copying them.

use std::collections::HashMap;
use std::sync::Arc;

use std::borrow::Cow;

use super::verdict::tool_outcome;
use super::{ChannelStatus, FindingRow, Risk, SOON_DAYS, ToolFinding, ToolOutcome, ToolRow};
use crate::Outcome;
use crate::date::Date;

/// A catalog system's texts as tool rows carry them, made once per system.
struct SystemTexts {
    name: Arc<str>,
    reviewed: Arc<str>,
    sources: Arc<[String]>,
}

/// A report's tools: rows read back from `report-json` files (a merged report), or made one
/// at a time from the outcome as a renderer reaches them, so that a 100,000-tool report holds
/// a few bytes per tool (its outcome, channel list and findings by index) rather than every row.
pub(crate) enum Tools<'o> {
    Rows(Vec<ToolRow>),
    Listed(Box<Listed<'o>>),
}

/// What a tool's row is made from, beside the outcome.
pub(crate) struct Listed<'o> {
    outcome: &'o Outcome,
    /// The index of each file's first tool, and each file's name as rows share it.
    file_starts: Vec<usize>,
    file_names: Vec<Arc<str>>,
    scopes: Vec<Vec<crate::coverage::ToolScope>>,
    texts: HashMap<&'o str, SystemTexts>,
    /// Channel lists are shared by every tool of one system with the same channels in use.
    lists: Vec<Arc<[ChannelStatus]>>,
    channels: Vec<u32>,
    /// Each tool's findings, as indices into the outcome's, from `finding_starts[i]` to
    /// `finding_starts[i + 1]`.
    finding_starts: Vec<u32>,
    finding_ids: Vec<u32>,
    outcomes: Vec<ToolOutcome>,
    no_sources: Arc<[String]>,
    /// The verdict rules lowered below `threshold`, for each row's note.
    lowered: Vec<super::lowered::Lowering>,
    threshold: crate::finding::Severity,
}

impl<'o> Tools<'o> {
    pub(crate) fn len(&self) -> usize {
        match self {
            Tools::Rows(rows) => rows.len(),
            Tools::Listed(listed) => listed.outcomes.len(),
        }
    }

    /// The `index`th tool's row, in inventory order.
    pub(crate) fn get(&self, index: usize) -> Option<Cow<'_, ToolRow>> {
        match self {
            Tools::Rows(rows) => rows.get(index).map(Cow::Borrowed),
            Tools::Listed(listed) => listed.row(index).map(Cow::Owned),
        }
    }

    /// The `index`th tool's outcome, without making its row.
    pub(crate) fn outcome(&self, index: usize) -> Option<ToolOutcome> {
        match self {
            Tools::Rows(rows) => rows.get(index).map(|r| r.outcome),
            Tools::Listed(listed) => listed.outcomes.get(index).copied(),
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = Cow<'_, ToolRow>> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

impl serde::Serialize for Tools<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl std::fmt::Debug for Tools<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

pub(super) fn tools<'o>(
    outcome: &'o Outcome,
    lowered: &[super::lowered::Lowering],
    threshold: crate::finding::Severity,
) -> Listed<'o> {
    let catalog = &outcome.catalog;
    let mut texts: HashMap<&str, SystemTexts> = HashMap::new();
    type Channels = Vec<(crate::outcome::Channel, &'static str)>;
    let mut list_of: HashMap<(Option<&str>, Channels), u32> = HashMap::new();
    let mut lists: Vec<Arc<[ChannelStatus]>> = Vec::new();
    let count = outcome.summary().tools;
    let mut channels = Vec::with_capacity(count);
    let mut file_starts = Vec::with_capacity(outcome.files.len());
    let mut file_names = Vec::with_capacity(outcome.files.len());
    let mut start = 0;
    for file in &outcome.files {
        file_starts.push(start);
        start += file.tools.len();
        file_names.push(Arc::from(file.source.name.as_str()));
        for tool in &file.tools {
            let system = tool.catalog_id.as_deref().and_then(|id| catalog.by_id(id));
            let mut in_use: Channels = tool
                .e2ee
                .iter()
                .map(|(c, s)| (*c, s.as_str()))
                .chain(tool.unknown.iter().map(|c| (*c, "unknown")))
                .collect();
            in_use.sort();
            if let Some(s) = system {
                texts.entry(s.id.as_str()).or_insert_with(|| SystemTexts {
                    name: Arc::from(s.name.as_str()),
                    reviewed: Arc::from(s.reviewed.as_str()),
                    sources: s.sources.iter().map(|src| src.url.clone()).collect(),
                });
            }
            let next = lists.len() as u32;
            let index = *list_of
                .entry((system.map(|s| s.id.as_str()), in_use))
                .or_insert_with_key(|(_, in_use)| {
                    lists.push(
                        in_use
                            .iter()
                            .map(|&(c, status)| {
                                let cell = system.and_then(|s| s.cell(c));
                                ChannelStatus {
                                    channel: c.as_str(),
                                    status,
                                    scope: cell.and_then(|cell| cell.scope.clone()),
                                    requires: cell.and_then(|cell| cell.requires.clone()),
                                }
                            })
                            .collect(),
                    );
                    next
                });
            channels.push(index);
        }
    }
    Listed {
        outcome,
        file_starts,
        file_names,
        scopes: outcome.tool_scopes(),
        texts,
        lists,
        channels,
        finding_starts: vec![0; count + 1],
        finding_ids: Vec::new(),
        outcomes: vec![ToolOutcome::Compliant; count],
        no_sources: Arc::from(Vec::new()),
        lowered: lowered.to_vec(),
        threshold,
    }
}

impl Listed<'_> {
    /// Gives each tool its findings (`assigned`: tool index, finding index), then its outcome.
    pub(super) fn assign(&mut self, mut assigned: Vec<(u32, u32)>) {
        // Stable: a tool's findings stay in the outcome's order.
        assigned.sort_by_key(|&(tool, _)| tool);
        let mut starts = vec![0u32; self.outcomes.len() + 1];
        for &(tool, _) in &assigned {
            if let Some(n) = starts.get_mut(tool as usize + 1) {
                *n += 1;
            }
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        self.finding_starts = starts;
        self.finding_ids = assigned.into_iter().map(|(_, f)| f).collect();
        for i in 0..self.outcomes.len() {
            if let Some(row) = self.row(i) {
                self.outcomes[i] = tool_outcome(&row);
            }
        }
    }

    pub(super) fn outcomes(&self) -> &[ToolOutcome] {
        &self.outcomes
    }

    fn row(&self, index: usize) -> Option<ToolRow> {
        let outcome = self.outcome;
        let f = self
            .file_starts
            .partition_point(|&s| s <= index)
            .checked_sub(1)?;
        let file = outcome.files.get(f)?;
        let tool = file.tools.get(index - self.file_starts[f])?;
        let scope = self.scopes.get(f)?.get(index - self.file_starts[f])?;
        let shared = tool.catalog_id.as_deref().and_then(|id| self.texts.get(id));
        let from = *self.finding_starts.get(index)? as usize;
        let to = *self.finding_starts.get(index + 1)? as usize;
        let findings = self
            .finding_ids
            .get(from..to)
            .unwrap_or_default()
            .iter()
            .filter_map(|&i| outcome.findings.get(i as usize))
            .map(|finding| ToolFinding {
                rule: Arc::clone(&finding.rule),
                severity: finding.severity,
                state: if finding.suppressed.is_some() {
                    "accepted"
                } else {
                    "open"
                },
                message: Arc::clone(&finding.message),
            })
            .collect::<Vec<_>>();
        let lowered_verdict_rules = super::lowered::cleared_rules(
            findings
                .iter()
                .filter(|f| f.state == "open")
                .map(|f| (&f.rule, f.severity)),
            &self.lowered,
            self.threshold,
        );
        Some(ToolRow {
            repository: None,
            file: Arc::clone(self.file_names.get(f)?),
            // The line only: a column would count along a one-line inventory per tool.
            line: file.source.line_index(tool.span.offset) + 1,
            name: Arc::clone(&tool.name),
            id: Arc::clone(&tool.id),
            vendor: tool.vendor().cloned(),
            owner: tool.owner().cloned(),
            data_classification: tool.data_classification().cloned(),
            category: tool.category(),
            status: tool.status(),
            fields: tool.fields.clone(),
            catalog_id: tool.catalog_id.clone(),
            catalog_name: shared.map(|t| Arc::clone(&t.name)),
            channels: Arc::clone(self.lists.get(*self.channels.get(index)? as usize)?),
            configured: tool.configured.map(|c| c.as_str()),
            outcome: *self.outcomes.get(index)?,
            reason: crate::coverage::reason(tool, scope.scope),
            judged: scope.judged(),
            communication: scope.scope.is_communication(),
            findings,
            lowered_verdict_rules,
            reviewed: shared.map(|t| Arc::clone(&t.reviewed)),
            sources: shared
                .map_or_else(|| Arc::clone(&self.no_sources), |t| Arc::clone(&t.sources)),
        })
    }

    /// The span offset of each tool, in index order, for placing findings.
    pub(super) fn offset(&self, index: usize) -> Option<usize> {
        let f = self
            .file_starts
            .partition_point(|&s| s <= index)
            .checked_sub(1)?;
        let tool = self
            .outcome
            .files
            .get(f)?
            .tools
            .get(index - self.file_starts[f])?;
        Some(tool.span.offset)
    }
}

pub(super) fn risks(outcome: &Outcome, today: Option<Date>) -> Vec<Risk> {
    outcome
        .findings
        .iter()
        .filter_map(|f| {
            let s = f.suppressed.as_ref()?;
            let days_left = match (s.expires.as_deref().and_then(Date::parse), today) {
                (Some(expires), Some(today)) => Some(expires.days() - today.days()),
                _ => None,
            };
            let state = match days_left {
                None => "no-expiry",
                Some(d) if d < 0 => "expired",
                Some(d) if d <= SOON_DAYS => "expiring",
                Some(_) => "active",
            };
            Some(Risk {
                file: f.source.name.clone(),
                line: f.source.line_col(f.span.offset).line,
                tool: f.tool.as_ref().map(|t| t.name.to_string()),
                tool_id: f.tool.as_ref().map(|t| t.id.to_string()),
                rule: f.rule.to_string(),
                kind: s.kind,
                reason: s.reason.clone(),
                approved_by: s.approved_by.clone(),
                ticket: s.ticket.clone(),
                expires: s.expires.clone(),
                days_left,
                state,
            })
        })
        .collect()
}

/// A report's open findings: rows read back (a merged report), or made one at a time from the
/// outcome's unsuppressed findings as a renderer reaches them.
pub(crate) enum Findings<'o> {
    Rows(Vec<FindingRow>),
    Open(Box<OpenFindings<'o>>),
}

pub(crate) struct OpenFindings<'o> {
    outcome: &'o Outcome,
    count: usize,
    locator: crate::text::locate::Locator,
}

impl Findings<'_> {
    pub(crate) fn len(&self) -> usize {
        match self {
            Findings::Rows(rows) => rows.len(),
            Findings::Open(open) => open.count,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn iter(&self) -> Box<dyn Iterator<Item = Cow<'_, FindingRow>> + '_> {
        match self {
            Findings::Rows(rows) => Box::new(rows.iter().map(Cow::Borrowed)),
            Findings::Open(open) => Box::new(
                open.outcome
                    .findings
                    .iter()
                    .filter(|f| f.suppressed.is_none())
                    .map(|f| {
                        let at = open.locator.line_col(&f.source, f.span.offset);
                        Cow::Owned(FindingRow {
                            file: Arc::from(f.source.name.as_str()),
                            line: at.line,
                            column: at.column,
                            tool: f.tool.as_ref().map(|t| Arc::clone(&t.name)),
                            tool_id: f.tool.as_ref().map(|t| Arc::clone(&t.id)),
                            rule: Arc::clone(&f.rule),
                            severity: f.severity,
                            message: Arc::clone(&f.message),
                        })
                    }),
            ),
        }
    }
}

impl serde::Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl std::fmt::Debug for Findings<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

pub(super) fn open_findings(outcome: &Outcome) -> Findings<'_> {
    Findings::Open(Box::new(OpenFindings {
        outcome,
        count: outcome
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .count(),
        locator: crate::text::locate::Locator::new(),
    }))
}

/// A file read that yielded no tool, with the findings about it (its `empty-inventory` error,
/// unless the config allows it to be empty).
#[derive(Debug)]
pub(crate) struct EmptyFileRow {
    pub(crate) file: Arc<str>,
    /// The line of its first finding, `empty-inventory` first.
    pub(crate) line: Option<usize>,
    pub(crate) findings: Vec<ToolFinding>,
}

/// The files that yielded no tool, in the order read, each with the findings about it.
pub(super) fn files_without_tools(outcome: &Outcome) -> Vec<EmptyFileRow> {
    let empty: Vec<&crate::outcome::FileReport> = outcome
        .files
        .iter()
        .filter(|f| f.tools.is_empty())
        .collect();
    if empty.is_empty() {
        return Vec::new();
    }
    let mut about: std::collections::HashMap<&str, Vec<&crate::finding::Finding>> =
        Default::default();
    for finding in outcome.findings.iter().filter(|f| f.tool.is_none()) {
        about
            .entry(finding.source.name.as_str())
            .or_default()
            .push(finding);
    }
    empty
        .into_iter()
        .map(|file| {
            let name = file.source.name.as_str();
            let findings = about.remove(name).unwrap_or_default();
            let first = findings
                .iter()
                .find(|f| *f.rule == *crate::outcome::rule_ids::EMPTY_INVENTORY)
                .or(findings.first());
            EmptyFileRow {
                file: Arc::from(name),
                line: first.map(|f| f.source.line_col(f.span.offset).line),
                findings: findings
                    .iter()
                    .map(|f| ToolFinding {
                        rule: Arc::clone(&f.rule),
                        severity: f.severity,
                        state: if f.suppressed.is_some() {
                            "accepted"
                        } else {
                            "open"
                        },
                        message: Arc::clone(&f.message),
                    })
                    .collect(),
            }
        })
        .collect()
}
