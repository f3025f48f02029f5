//! One run's tool and accepted-risk rows as the merged report's rows: texts kept, words of a
//! fixed vocabulary checked and shared as the model's `&'static str`.

use std::sync::Arc;

use super::input::{self, word};
use crate::catalog::{Channel, Support};
use crate::fields;
use crate::output::evidence::{ChannelStatus, Risk, ToolFinding, ToolOutcome, ToolRow};

/// Channel statuses a report may carry: the catalog's words and `unknown`.
fn channel_status(status: &str) -> Result<&'static str, String> {
    if status == "unknown" {
        return Ok("unknown");
    }
    word(status, &Support::NAMES, "channel status")
}

/// A tool row of `repository`, at `file` (`REPOSITORY: PATH`).
pub(super) fn tool(
    tool: input::Tool,
    repository: &Arc<str>,
    file: Arc<str>,
) -> Result<ToolRow, String> {
    let channels = tool
        .channels
        .into_iter()
        .map(|c| {
            Ok(ChannelStatus {
                channel: word(&c.channel, &Channel::NAMES, "channel")?,
                status: channel_status(&c.status)?,
                scope: c.scope,
                requires: c.requires,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let findings = tool
        .findings
        .into_iter()
        .map(|f| {
            Ok(ToolFinding {
                rule: f.rule,
                severity: f.severity,
                state: word(&f.state, &["open", "accepted"], "finding state")?,
                message: f.message,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let lowered_verdict_rules = tool
        .lowered_verdict_rules
        .iter()
        .map(|rule| word(rule, crate::coverage::VERDICT_RULES, "verdict rule").map(Arc::from))
        .collect::<Result<Vec<_>, String>>()?;
    let optional = |value: Option<String>, vocabulary: &[&'static str], what: &str| {
        value.map(|v| word(&v, vocabulary, what)).transpose()
    };
    // The run's own outcome stands; `communication` and `judged` only feed control counts,
    // which a merge sums from the runs' own.
    let communication = tool.outcome != ToolOutcome::NotApplicable;
    Ok(ToolRow {
        repository: Some(Arc::clone(repository)),
        file,
        line: tool.line,
        name: tool.name,
        id: tool.id,
        vendor: tool.vendor,
        owner: tool.owner,
        data_classification: tool.data_classification,
        category: optional(tool.category, fields::CATEGORIES, "category")?,
        status: optional(tool.status, fields::STATUSES, "status")?,
        fields: fields::FieldValues::from_names(
            tool.fields.iter().map(|(k, v)| (k.as_str(), Arc::clone(v))),
        ),
        judged: communication
            && tool.catalog_id.is_some()
            && tool.outcome != ToolOutcome::NotExamined,
        catalog_id: tool.catalog_id,
        catalog_name: tool.catalog_name.map(Arc::from),
        channels: channels.into(),
        configured: optional(tool.configured, fields::E2EE_SETTINGS, "e2ee setting")?,
        outcome: tool.outcome,
        reason: tool.reason,
        communication,
        findings,
        lowered_verdict_rules,
        reviewed: tool.reviewed.map(Arc::from),
        sources: tool.sources.into(),
    })
}

/// An accepted risk at `file` (`REPOSITORY: PATH`).
pub(super) fn risk(r: input::Risk, file: String) -> Result<Risk, String> {
    Ok(Risk {
        file,
        line: r.line,
        tool: r.tool,
        tool_id: r.tool_id,
        rule: r.rule,
        kind: r.kind,
        reason: r.reason,
        approved_by: r.approved_by,
        ticket: r.ticket,
        expires: r.expires,
        days_left: r.days_left,
        state: word(
            &r.state,
            &["expired", "expiring", "active", "no-expiry"],
            "risk state",
        )?,
    })
}
