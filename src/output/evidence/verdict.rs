//! Per-tool outcomes and the run's verdict: the words a report uses for what was examined,
//! and the order HTML and Markdown list the tools in.

use std::sync::Arc;

use super::{ToolOutcome, ToolRow, Tools};
use crate::Outcome;
use crate::coverage::{AMBIGUOUS, Coverage, INVALID, UNCLASSIFIED};
use crate::finding::Severity;

/// Rules whose open findings mean the tool was not examined rather than judged; an open
/// `INVALID` error means part of the tool was not read.
const NOT_EXAMINED_RULES: &[&str] = &[INVALID, UNCLASSIFIED, AMBIGUOUS];

/// The run's verdict and the sentence that says why. Compliant only when a communication
/// tool was judged, no open finding reaches the threshold and nothing was left unread.
pub(super) fn verdict(outcome: &Outcome, coverage: &Coverage) -> (&'static str, String) {
    // `--fail-on never` keeps the exit code at 0 for a run that only collects evidence; the
    // verdict is still judged at `error`, the level the tool outcomes and controls use, so it
    // never calls compliant a run whose tools it lists as non-compliant.
    let threshold = outcome.fail_on.threshold().unwrap_or(Severity::Error);
    let facts = Facts {
        unreadable_paths: outcome.path_errors.len(),
        files_without_tools: outcome.empty_files(),
        fails: outcome.worst().is_some_and(|worst| worst >= threshold),
        open_findings: outcome.worst().is_some(),
    };
    from_facts(&facts, coverage)
}

/// What a verdict is decided on besides coverage: one run's, or a merge's summed over runs.
pub(crate) struct Facts {
    pub(crate) unreadable_paths: usize,
    pub(crate) files_without_tools: usize,
    /// Open findings at or above the failure threshold (`error` under `--fail-on never`).
    pub(crate) fails: bool,
    pub(crate) open_findings: bool,
}

/// The verdict from [`Facts`]: coverage first (unread paths, nothing judged), then findings.
pub(crate) fn from_facts(facts: &Facts, coverage: &Coverage) -> (&'static str, String) {
    let examined = format!(
        "{} of {} communication tool(s) judged, {} tool(s) not applicable",
        coverage.judged, coverage.communication, coverage.not_applicable
    );
    let unread = facts.files_without_tools;
    if facts.unreadable_paths > 0 {
        let text = format!(
            "Incomplete: {} path(s) could not be read; {examined}.",
            facts.unreadable_paths
        );
        ("incomplete", text)
    } else if coverage.judged == 0 {
        let text = format!(
            "Nothing examined: no communication tool was judged ({} tool(s) in {} file(s), \
             {unread} file(s) without a tool list, {} communication tool(s) not examined).",
            coverage.tools,
            coverage.files,
            coverage.not_examined()
        );
        ("nothing-examined", text)
    } else if facts.fails {
        let text =
            format!("Not compliant: open findings at or above the failure threshold; {examined}.");
        ("non-compliant", text)
    } else if coverage.not_examined() > 0 || unread > 0 {
        let text = format!(
            "Incomplete: {} communication tool(s) not examined, {unread} file(s) without a tool \
             list; {examined}.",
            coverage.not_examined()
        );
        ("incomplete", text)
    } else if facts.open_findings {
        let text = format!("Compliant, with open findings below the threshold; {examined}.");
        ("compliant", text)
    } else {
        (
            "compliant",
            format!("Compliant: no open finding; {examined}."),
        )
    }
}

pub(super) fn tool_outcome(row: &ToolRow) -> ToolOutcome {
    let open = || row.findings.iter().filter(|f| f.state == "open");
    let not_examined_rule = |rule: &str| NOT_EXAMINED_RULES.contains(&rule);
    let accepted = row.findings.iter().any(|f| f.state == "accepted");
    let accepted_unclassified = row
        .findings
        .iter()
        .any(|f| f.state == "accepted" && not_examined_rule(&f.rule));
    if row.status == Some("banned") {
        ToolOutcome::Banned
    } else if open().any(|f| f.severity == Severity::Error && *f.rule != *INVALID) {
        // An unclassified tool carrying data that requires E2EE is an error: non-compliant.
        ToolOutcome::NonCompliant
    } else if open()
        .any(|f| not_examined_rule(&f.rule) && (f.severity == Severity::Error || row.communication))
        || (row.communication && !row.judged && !accepted_unclassified)
    {
        ToolOutcome::NotExamined
    } else if open().any(|f| f.severity == Severity::Warning) {
        ToolOutcome::AtRisk
    } else if accepted {
        ToolOutcome::AcceptedRisk
    } else if !row.communication {
        ToolOutcome::NotApplicable
    } else {
        ToolOutcome::Compliant
    }
}

/// The tools as HTML and Markdown reports list them, by index: those in scope, the ones that
/// need action first (non-compliant, at risk, not examined) and otherwise in inventory order;
/// then the not-applicable ones, folded apart.
pub(crate) fn by_action(tools: &Tools) -> (Vec<usize>, Vec<usize>) {
    let outcome = |i: &usize| tools.outcome(*i).unwrap_or(ToolOutcome::NotApplicable);
    let (mut listed, folded): (Vec<usize>, Vec<usize>) =
        (0..tools.len()).partition(|i| outcome(i) != ToolOutcome::NotApplicable);
    listed.sort_by_key(|i| {
        let o = outcome(i);
        (!o.needs_action(), o.needs_action().then_some(o))
    });
    (listed, folded)
}

/// Not-applicable tools' names by reason, reasons sorted, names in inventory order.
pub(crate) fn by_reason(tools: &Tools, folded: &[usize]) -> Vec<(String, Vec<Arc<str>>)> {
    let mut groups: std::collections::BTreeMap<String, Vec<Arc<str>>> = Default::default();
    for tool in folded.iter().filter_map(|&i| tools.get(i)) {
        let reason = tool.reason.as_deref().unwrap_or("not a communication tool");
        groups
            .entry(reason.to_owned())
            .or_default()
            .push(Arc::clone(&tool.name));
    }
    groups.into_iter().collect()
}
