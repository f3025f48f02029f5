//! Changes since an earlier `report-json` (`--since PREVIOUS.json`): tools added and removed,
//! findings new and resolved, accepted risks added, expired or removed.

use std::collections::HashSet;

use serde::Serialize;

use super::{Findings, Risk, Tools};
use crate::finding::SuppressionKind;

pub(crate) use crate::outcome::{Previous, PreviousFinding, PreviousRisk, PreviousTool};

impl Previous {
    /// Parses an earlier `report-json`; a version this build does not know is refused.
    pub(crate) fn parse(text: &str) -> Result<Previous, String> {
        let previous: Previous =
            serde_json::from_str(text).map_err(|e| format!("not a report-json document: {e}"))?;
        // Version 1 differs only in outcome and status words, which `--since` does not read.
        if !(1..=super::VERSION).contains(&previous.version) {
            return Err(format!(
                "report-json version {} (this build reads version {})",
                previous.version,
                super::VERSION
            ));
        }
        Ok(previous)
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct Changes {
    /// The evaluation date of the earlier report.
    pub since: String,
    pub(crate) tools_added: Vec<PreviousTool>,
    pub(crate) tools_removed: Vec<PreviousTool>,
    pub(crate) findings_new: Vec<PreviousFinding>,
    pub(crate) findings_resolved: Vec<PreviousFinding>,
    pub(crate) risks_added: Vec<PreviousRisk>,
    /// Accepted before, not any more, and their expiry date has passed.
    pub(crate) risks_expired: Vec<PreviousRisk>,
    /// Accepted before, not any more, for another reason (removed, or the finding is gone).
    pub(crate) risks_removed: Vec<PreviousRisk>,
}

fn kind_name(kind: SuppressionKind) -> &'static str {
    match kind {
        SuppressionKind::Exception => "exception",
        SuppressionKind::Inline => "inline",
        SuppressionKind::Baseline => "baseline",
    }
}

/// Items of `now` not in `before`, and of `before` not in `now`, each in its list's order.
fn diff<T: Clone, K: Eq + std::hash::Hash>(
    before: &[T],
    now: &[T],
    key: impl Fn(&T) -> K,
) -> (Vec<T>, Vec<T>) {
    let before_keys: HashSet<K> = before.iter().map(&key).collect();
    let now_keys: HashSet<K> = now.iter().map(&key).collect();
    let added = now
        .iter()
        .filter(|t| !before_keys.contains(&key(t)))
        .cloned()
        .collect();
    let removed = before
        .iter()
        .filter(|t| !now_keys.contains(&key(t)))
        .cloned()
        .collect();
    (added, removed)
}

pub(super) fn compare(
    previous: &Previous,
    today: &str,
    tools: &Tools,
    findings: &Findings,
    risks: &[Risk],
) -> Changes {
    let tools_now: Vec<PreviousTool> = tools
        .iter()
        .map(|t| PreviousTool {
            file: t.file.to_string(),
            id: t.id.to_string(),
            name: t.name.to_string(),
        })
        .collect();
    let findings_now: Vec<PreviousFinding> = findings
        .iter()
        .map(|f| PreviousFinding {
            file: f.file.to_string(),
            tool_id: f.tool_id.as_deref().map(str::to_owned),
            tool: f.tool.as_deref().map(str::to_owned),
            rule: f.rule.to_string(),
            message: f.message.to_string(),
        })
        .collect();
    let risks_now: Vec<PreviousRisk> = risks
        .iter()
        .map(|r| PreviousRisk {
            file: r.file.clone(),
            tool_id: r.tool_id.clone(),
            tool: r.tool.clone(),
            rule: r.rule.clone(),
            kind: kind_name(r.kind).to_owned(),
            expires: r.expires.clone(),
        })
        .collect();
    let (tools_added, tools_removed) = diff(&previous.tools, &tools_now, |t| {
        (t.file.clone(), t.id.clone())
    });
    let (findings_new, findings_resolved) = diff(&previous.findings, &findings_now, |f| {
        (
            f.file.clone(),
            f.tool_id.clone(),
            f.rule.clone(),
            f.message.clone(),
        )
    });
    let risk_key = |r: &PreviousRisk| {
        (
            r.file.clone(),
            r.tool_id.clone(),
            r.rule.clone(),
            r.kind.clone(),
        )
    };
    let (risks_added, gone) = diff(&previous.accepted_risks, &risks_now, risk_key);
    // `YYYY-MM-DD` sorts as text by date.
    let (risks_expired, risks_removed) = gone
        .into_iter()
        .partition(|r| r.expires.as_deref().is_some_and(|e| e < today));
    Changes {
        since: previous.header.evaluated_on.clone(),
        tools_added,
        tools_removed,
        findings_new,
        findings_resolved,
        risks_added,
        risks_expired,
        risks_removed,
    }
}
