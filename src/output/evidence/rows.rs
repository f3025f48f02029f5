//! The report's rows, one per tool, accepted risk and open finding, sharing the outcome's
//! texts rather than copying them.

use std::collections::HashMap;
use std::sync::Arc;

use super::{ChannelStatus, FindingRow, Risk, SOON_DAYS, ToolOutcome, ToolRow};
use crate::Outcome;
use crate::date::Date;

/// A catalog system's texts as tool rows carry them, made once per system.
struct SystemTexts {
    name: Arc<str>,
    reviewed: Arc<str>,
    sources: Arc<[String]>,
}

pub(super) fn tool_rows(outcome: &Outcome) -> Vec<ToolRow> {
    let catalog = &outcome.catalog;
    let mut rows = Vec::with_capacity(outcome.summary().tools);
    let no_sources: Arc<[String]> = Arc::from(Vec::new());
    let mut texts: HashMap<&str, SystemTexts> = HashMap::new();
    type Channels = Vec<(crate::outcome::Channel, &'static str)>;
    let mut channel_lists: HashMap<(Option<&str>, Channels), Arc<[ChannelStatus]>> = HashMap::new();
    for (file, scopes) in outcome.files.iter().zip(outcome.tool_scopes()) {
        let name: Arc<str> = Arc::from(file.source.name.as_str());
        for (tool, scope) in file.tools.iter().zip(scopes) {
            let system = tool.catalog_id.as_deref().and_then(|id| catalog.by_id(id));
            let mut channels: Vec<(crate::outcome::Channel, &'static str)> = tool
                .e2ee
                .iter()
                .map(|(c, s)| (*c, s.as_str()))
                .chain(tool.unknown.iter().map(|c| (*c, "unknown")))
                .collect();
            channels.sort();
            let shared = system.map(|s| {
                texts.entry(s.id.as_str()).or_insert_with(|| SystemTexts {
                    name: Arc::from(s.name.as_str()),
                    reviewed: Arc::from(s.reviewed.as_str()),
                    sources: s.sources.iter().map(|src| src.url.clone()).collect(),
                })
            });
            let catalog_name = shared.as_ref().map(|t| Arc::clone(&t.name));
            let reviewed = shared.as_ref().map(|t| Arc::clone(&t.reviewed));
            let sources =
                shared.map_or_else(|| Arc::clone(&no_sources), |t| Arc::clone(&t.sources));
            let channels = Arc::clone(
                channel_lists
                    .entry((system.map(|s| s.id.as_str()), channels))
                    .or_insert_with_key(|(_, channels)| {
                        channels
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
                            .collect()
                    }),
            );
            rows.push(ToolRow {
                repository: None,
                file: Arc::clone(&name),
                // The line only: a column would count along a one-line inventory per tool.
                line: file.source.line_index(tool.span.offset) + 1,
                name: Arc::clone(&tool.name),
                id: Arc::clone(&tool.id),
                vendor: tool.vendor.clone(),
                owner: tool.owner.clone(),
                data_classification: tool.data_classification.clone(),
                category: tool.category,
                status: tool.status,
                fields: tool.fields.clone(),
                catalog_id: tool.catalog_id.clone(),
                catalog_name,
                channels,
                configured: tool.configured.map(|c| c.as_str()),
                outcome: ToolOutcome::Compliant,
                reason: crate::coverage::reason(tool, scope.scope),
                judged: scope.judged(),
                communication: scope.scope.is_communication(),
                findings: Vec::new(),
                reviewed,
                sources,
            });
        }
    }
    rows
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

pub(super) fn open_findings(outcome: &Outcome) -> Vec<FindingRow> {
    let locator = crate::text::locate::Locator::new();
    // Findings come sorted by file: one shared name per run of one file's findings.
    let mut file: Option<(&Arc<crate::source::SourceFile>, Arc<str>)> = None;
    outcome
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .map(|f| {
            let at = locator.line_col(&f.source, f.span.offset);
            let name = match &file {
                Some((source, name)) if Arc::ptr_eq(source, &f.source) => Arc::clone(name),
                _ => {
                    let name: Arc<str> = Arc::from(f.source.name.as_str());
                    file = Some((&f.source, Arc::clone(&name)));
                    name
                }
            };
            FindingRow {
                file: name,
                line: at.line,
                column: at.column,
                tool: f.tool.as_ref().map(|t| Arc::clone(&t.name)),
                tool_id: f.tool.as_ref().map(|t| Arc::clone(&t.id)),
                rule: Arc::clone(&f.rule),
                severity: f.severity,
                message: Arc::clone(&f.message),
            }
        })
        .collect()
}
