//! The controls table: per control named in a rule file's `controls:`, the rules that give
//! evidence for it and how the tools fared, optionally limited to one framework.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{ToolOutcome, ToolRow};
use crate::Outcome;
use crate::engine::rule::RuleInfo;
use crate::finding::Severity;

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
pub struct ControlRow {
    /// As written in the rule files, e.g. `NIST SP 800-53 Rev. 5 SC-8 Transmission ...`.
    pub control: String,
    pub framework: String,
    /// A token derived from the text, for machine formats (OSCAL `control-id`).
    pub control_id: String,
    pub rules: Vec<String>,
    /// Tools in scope with no such finding open and none accepted (open findings below the
    /// failure threshold are advice, and pass).
    pub pass: usize,
    /// Tools (and findings about no tool) with an open finding of these rules at or above the
    /// failure threshold.
    pub fail: usize,
    /// Tools (and findings about no tool) whose findings of these rules are all accepted.
    pub accepted_risk: usize,
    /// `fail`, `accepted-risk` or `pass`.
    pub status: &'static str,
}

/// The framework a control belongs to.
pub fn framework_of(control: &str) -> &str {
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
pub fn matches(framework: &str, name: &str) -> bool {
    let name = fold(name);
    !name.is_empty() && fold(framework).starts_with(&name)
}

/// The frameworks the rules' controls belong to, sorted, each once.
pub fn frameworks(rules: &[RuleInfo]) -> Vec<String> {
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
pub fn token(text: &str) -> String {
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

pub fn rows(outcome: &Outcome, tools: &[ToolRow], threshold: Severity) -> Vec<ControlRow> {
    let wanted = outcome.evidence.framework.as_deref();
    let mut rules_by_control: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for rule in outcome.rules.iter() {
        for control in &rule.controls {
            if wanted.is_none_or(|name| matches(framework_of(control), name)) {
                rules_by_control.entry(control).or_default().push(&rule.id);
            }
        }
    }
    // Findings about no tool: (rule, accepted); advice below the threshold is left out.
    let toolless: Vec<(&str, bool)> = outcome
        .findings
        .iter()
        .filter(|f| f.tool.is_none() && (f.suppressed.is_some() || f.severity >= threshold))
        .map(|f| (&*f.rule, f.suppressed.is_some()))
        .collect();
    rules_by_control
        .into_iter()
        .map(|(control, rules)| {
            let (mut pass, mut fail, mut accepted) = (0, 0, 0);
            for tool in tools {
                if tool.outcome == ToolOutcome::NotApplicable {
                    continue;
                }
                let relevant = || tool.findings.iter().filter(|f| rules.contains(&&*f.rule));
                if relevant().any(|f| f.state == "open" && f.severity >= threshold) {
                    fail += 1;
                } else if relevant().any(|f| f.state == "accepted") {
                    accepted += 1;
                } else {
                    pass += 1;
                }
            }
            for (rule, suppressed) in &toolless {
                if rules.contains(rule) {
                    if *suppressed {
                        accepted += 1;
                    } else {
                        fail += 1;
                    }
                }
            }
            let status = match (fail, accepted) {
                (0, 0) => "pass",
                (0, _) => "accepted-risk",
                _ => "fail",
            };
            ControlRow {
                control: control.to_owned(),
                framework: framework_of(control).to_owned(),
                control_id: token(control),
                rules: rules.into_iter().map(str::to_owned).collect(),
                pass,
                fail,
                accepted_risk: accepted,
                status,
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
