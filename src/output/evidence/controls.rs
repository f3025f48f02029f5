//! The controls table: per control named in a rule file's `controls:`, the rules that give
//! evidence for it and how the tools fared, optionally limited to one framework.
//!
//! A control passes only on evidence: at least one in-scope tool judged by an enabled rule
//! mapped to it, and none failed. Encryption controls (every enabled mapped rule tagged
//! `e2ee`) count only communication tools the catalog classified and that were read whole;
//! controls with an enabled rule about the inventory itself count every tool; risk-treatment
//! controls (every mapped rule tagged `policy`) pass only with a risk process in force (config
//! exceptions, which always carry an approver and an expiry, or a baseline). Otherwise the
//! control is `not-tested`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{ToolOutcome, Tools};
use crate::Outcome;
use crate::finding::{Severity, SuppressionKind};
use crate::outcome::RuleInfo;

/// Frameworks recognised at the start of a control's text; another control's framework is its
/// first word.
const FRAMEWORKS: &[&str] = &[
    "ISO/IEC 27001:2022",
    "NIST SP 800-53 Rev. 5",
    "NIST SP 800-53",
    "SOC 2",
    "HIPAA",
    "PCI DSS v4.0.1",
    "GDPR",
    "NIS2",
    "CIS Controls v8",
];

#[derive(Debug, Serialize)]
pub(crate) struct ControlRow {
    /// As written in the rule files, e.g. `NIST SP 800-53 Rev. 5 SC-8 Transmission ...`.
    pub(crate) control: String,
    pub framework: String,
    /// A token derived from the text, for machine formats (OSCAL `control-id`).
    pub(crate) control_id: String,
    /// The mapped rules enabled in this run: the evidence.
    pub rules: Vec<String>,
    /// The mapped rules that are off in this run: no evidence.
    pub(crate) not_enabled: Vec<String>,
    /// Tools in scope with no such finding open and none accepted (open findings below the
    /// failure threshold are advice, and pass); for a risk-treatment control, the accepted
    /// risks on record.
    pub(crate) pass: usize,
    /// Tools (and findings about no tool) with an open finding of these rules at or above the
    /// failure threshold.
    pub(crate) fail: usize,
    /// Tools (and findings about no tool) whose findings of these rules are all accepted.
    pub(crate) accepted_risk: usize,
    /// `fail`, `pass-with-accepted-risk`, `pass` or `not-tested`.
    pub status: &'static str,
    /// What the counts are of, and why a control is not tested.
    pub(crate) basis: String,
}

/// The framework a control belongs to.
pub(super) fn framework_of(control: &str) -> &str {
    FRAMEWORKS
        .iter()
        .find(|f| {
            control
                .strip_prefix(**f)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
        })
        .copied()
        .unwrap_or_else(|| control.split(' ').next().unwrap_or(control))
}

/// Lowercase letters and digits only: `--framework` matches a framework whose folded name
/// starts with the folded argument (`nist`, `iso`, `soc2`, `PCI DSS`).
fn fold(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether `framework` is the one `--framework NAME` asks for.
pub(crate) fn matches(framework: &str, name: &str) -> bool {
    let name = fold(name);
    !name.is_empty() && fold(framework).starts_with(&name)
}

/// The frameworks the rules' controls belong to, sorted, each once.
pub(crate) fn frameworks(rules: &[RuleInfo]) -> Vec<String> {
    let mut all: Vec<String> = rules
        .iter()
        .flat_map(|r| &r.controls)
        .map(|c| framework_of(c).to_owned())
        .collect();
    all.sort();
    all.dedup();
    all
}

/// `text` as a token: lowercase ASCII letters, digits, `.` and `-`, starting with a letter.
pub(super) fn token(text: &str) -> String {
    let mut out = String::from("c-");
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') || out.ends_with('.') {
        out.pop();
    }
    out
}

/// A control's status from its counts: failed, untested (nothing passed or was accepted), passed
/// with accepted risk, or passed. `merge` applies it to the counts summed over repositories.
pub(crate) fn status(fail: usize, pass: usize, accepted: usize, tested: bool) -> &'static str {
    if fail > 0 {
        "fail"
    } else if !tested || (pass == 0 && accepted == 0) {
        "not-tested"
    } else if accepted > 0 {
        "pass-with-accepted-risk"
    } else {
        "pass"
    }
}

/// What a control's mapped rules judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Every enabled rule tagged `e2ee`: communication tools the catalog classified.
    Encryption,
    /// Only rules tagged `policy`: the risk process (exceptions, ignores, the baseline).
    RiskTreatment,
    /// Every tool the inventory lists.
    Inventory,
}

pub(super) fn rows(outcome: &Outcome, tools: &Tools, threshold: Severity) -> Vec<ControlRow> {
    let wanted = outcome.evidence.framework.as_deref();
    let mut rules_by_control: BTreeMap<&str, Vec<&RuleInfo>> = BTreeMap::new();
    for rule in outcome.rules.iter() {
        for control in &rule.controls {
            if wanted.is_none_or(|name| matches(framework_of(control), name)) {
                rules_by_control.entry(control).or_default().push(rule);
            }
        }
    }
    let disabled = |id: &str| outcome.disabled_rules.iter().any(|d| &**d == id);
    // A risk process is in force when the policy records accepted risks with an approver and
    // an expiry (every config exception has both) or keeps a baseline.
    let policy = &outcome.inputs.policy;
    let exceptions: usize = policy.configs.iter().map(|c| c.exceptions).sum();
    let risk_process = exceptions > 0 || outcome.inputs.baseline.is_some();
    // Findings about no tool: (rule, accepted); advice below the threshold is left out.
    let toolless: Vec<(&str, bool)> = outcome
        .findings
        .iter()
        .filter(|f| f.tool.is_none() && (f.suppressed.is_some() || f.severity >= threshold))
        .map(|f| (&*f.rule, f.suppressed.is_some()))
        .collect();
    struct Tally<'r> {
        control: &'r str,
        kind: Kind,
        rules: Vec<&'r str>,
        not_enabled: Vec<&'r str>,
        pass: usize,
        fail: usize,
        accepted: usize,
    }
    let mut tallies: Vec<Tally> = rules_by_control
        .into_iter()
        .map(|(control, mapped)| {
            let enabled: Vec<&&RuleInfo> = mapped.iter().filter(|r| !disabled(&r.id)).collect();
            let tagged = |tag: &'static str| move |r: &&&RuleInfo| r.tags.iter().any(|t| t == tag);
            let all_tagged = |tag| !enabled.is_empty() && enabled.iter().all(tagged(tag));
            let any_tagged = |tag| enabled.iter().any(tagged(tag));
            // One rule about encryption makes it an encryption control: a company's rule (not
            // tagged `e2ee`) mapped to CIS 3.10 must not let Grafana pass it. Rules about the
            // inventory's coverage (A.5.9, CM-8) make it a control over every tool listed.
            let kind = if all_tagged("policy") {
                Kind::RiskTreatment
            } else if any_tagged("e2ee") && !any_tagged("coverage") {
                Kind::Encryption
            } else {
                Kind::Inventory
            };
            let (rules, not_enabled): (Vec<&str>, Vec<&str>) =
                mapped.iter().map(|r| &*r.id).partition(|id| !disabled(id));
            let (mut fail, mut accepted) = (0, 0);
            for (rule, suppressed) in &toolless {
                if rules.contains(rule) {
                    if *suppressed {
                        accepted += 1;
                    } else {
                        fail += 1;
                    }
                }
            }
            Tally {
                control,
                kind,
                rules,
                not_enabled,
                pass: 0,
                fail,
                accepted,
            }
        })
        .collect();
    // One pass over the tools (each row is made once), counting for every control.
    for tool in tools.iter() {
        for t in &mut tallies {
            let rules = &t.rules;
            let relevant = || tool.findings.iter().filter(|f| rules.contains(&&*f.rule));
            let failed = relevant().any(|f| f.state == "open" && f.severity >= threshold);
            let in_scope = match t.kind {
                Kind::Encryption => tool.communication,
                Kind::Inventory => true,
                // Risk treatment is judged on the risk process, not on tools.
                Kind::RiskTreatment => false,
            };
            if failed {
                t.fail += 1;
            } else if relevant().any(|f| f.state == "accepted")
                && (t.kind != Kind::Encryption || tool.communication)
            {
                // An accepted risk is a kind of pass: outside the scope it is no evidence.
                t.accepted += 1;
            } else if in_scope
                && (t.kind != Kind::Encryption || tool.judged)
                && tool.outcome != ToolOutcome::NotExamined
            {
                // A tool that was not read whole, or not classified, is no evidence.
                t.pass += 1;
            }
        }
    }
    tallies
        .into_iter()
        .map(|t| {
            let Tally {
                control,
                kind,
                rules,
                not_enabled,
                mut pass,
                fail,
                accepted,
            } = t;
            if kind == Kind::RiskTreatment && risk_process && !rules.is_empty() {
                // The entries of the risk process on record.
                pass = exceptions
                    + outcome
                        .findings
                        .iter()
                        .filter(|f| {
                            f.suppressed
                                .as_ref()
                                .is_some_and(|s| s.kind == SuppressionKind::Baseline)
                        })
                        .count();
            }
            let basis = match kind {
                _ if rules.is_empty() => "no rule mapped to this control is enabled".to_owned(),
                Kind::Encryption => {
                    "communication tools the catalog classified and that were read whole".to_owned()
                }
                Kind::Inventory => "every tool listed".to_owned(),
                Kind::RiskTreatment if risk_process => {
                    "risk-process entries on record: config exceptions (each with an approver and an expiry) and baselined findings"
                        .to_owned()
                }
                Kind::RiskTreatment => {
                    "no risk process in force: no config exception and no baseline".to_owned()
                }
            };
            let tested = !rules.is_empty() && (kind != Kind::RiskTreatment || risk_process);
            let status = status(fail, pass, accepted, tested);
            ControlRow {
                control: control.to_owned(),
                framework: framework_of(control).to_owned(),
                control_id: token(control),
                rules: rules.into_iter().map(str::to_owned).collect(),
                not_enabled: not_enabled.into_iter().map(str::to_owned).collect(),
                pass,
                fail,
                accepted_risk: accepted,
                status,
                basis,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frameworks_are_recognised_and_matched_loosely() {
        assert_eq!(
            framework_of("NIST SP 800-53 Rev. 5 SC-8(1) Cryptographic protection"),
            "NIST SP 800-53 Rev. 5"
        );
        assert_eq!(framework_of("SOC 2 CC6.7 Restricts"), "SOC 2");
        assert_eq!(framework_of("ACME-SEC 4.1 Chat"), "ACME-SEC");
        assert!(matches("NIST SP 800-53 Rev. 5", "nist"));
        assert!(matches("PCI DSS v4.0.1", "PCI DSS"));
        assert!(!matches("GDPR", "hipaa"));
        assert!(!matches("GDPR", "--"));
        assert_eq!(
            token("NIST SP 800-53 Rev. 5 SC-8(1) Cryptographic protection"),
            "c-nist-sp-800-53-rev.-5-sc-8-1-cryptographic-protection"
        );
    }
}
