//! Verdict rules a policy lowered below the failure threshold: `rules: {no-e2ee: info}` (or
//! `--severity no-e2ee=info`) makes Slack at `confidential` compliant, which is consistent but
//! is the company's decision, not the catalog's; the verdict and each tool it cleared say so.
//! Raising a severity, or lowering a rule the verdict does not rest on, is not named here.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::Outcome;
use crate::coverage::VERDICT_RULES;
use crate::finding::Severity;

/// One severity override of a verdict rule below the failure threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Lowering {
    pub(crate) rule: String,
    /// The level it is lowered to: `info` or `warning`.
    pub(crate) level: String,
    /// Where: `config PATH` or `--severity` (in a merged report, `REPOSITORY: config PATH`).
    pub(crate) by: String,
}

impl Lowering {
    /// `no-e2ee to info (config e2ee-lint.yaml)`.
    pub(crate) fn words(&self) -> String {
        format!("{} to {} ({})", self.rule, self.level, self.by)
    }
}

/// The verdict-rule lowerings in force, in config order, then the command line's (which wins
/// over a config's entry for the same rule).
pub(crate) fn lowerings(outcome: &Outcome) -> Vec<Lowering> {
    // Judged at `error` under `--fail-on never`, as the verdict is.
    let threshold = outcome.fail_on.threshold().unwrap_or(Severity::Error);
    let policy = &outcome.inputs.policy;
    let highest = |rule: &str| {
        outcome.rules.iter().find(|r| &*r.id == rule).map(|r| {
            r.escalations
                .iter()
                .copied()
                .fold(r.severity, Severity::max)
        })
    };
    let lowering = |entry: &str, by: String| {
        let (rule, level) = entry.split_once('=')?;
        let severity = match level {
            "info" => Severity::Info,
            "warning" => Severity::Warning,
            _ => return None,
        };
        let lowers = VERDICT_RULES.contains(&rule)
            && severity < threshold
            && highest(rule).is_some_and(|h| severity < h);
        lowers.then(|| Lowering {
            rule: rule.to_owned(),
            level: level.to_owned(),
            by: crate::output::sanitize::invisible(&by).into_owned(),
        })
    };
    let on_command_line = |entry: &str| {
        let rule = entry.split_once('=').map_or(entry, |(rule, _)| rule);
        policy
            .cli_overrides
            .iter()
            .any(|o| o.split_once('=').is_some_and(|(r, _)| r == rule))
    };
    let mut found: Vec<Lowering> = policy
        .configs
        .iter()
        .flat_map(|config| {
            config
                .overrides
                .iter()
                .filter(|entry| !on_command_line(entry))
                .filter_map(|entry| lowering(entry, format!("config {}", config.file)))
        })
        .chain(
            policy
                .cli_overrides
                .iter()
                .filter_map(|entry| lowering(entry, "--severity".to_owned())),
        )
        .collect();
    found.dedup();
    found
}

/// The verdict sentence with the lowerings named after its first word: "Compliant under a
/// policy that lowers no-e2ee to info (config e2ee-lint.yaml): no open finding; ...".
pub(crate) fn name_in_verdict(text: &str, lowerings: &[Lowering]) -> String {
    if lowerings.is_empty() {
        return text.to_owned();
    }
    let words: Vec<String> = lowerings.iter().map(Lowering::words).collect();
    let policy = format!(" under a policy that lowers {}", and_list(&words));
    let at = text.find([':', ',']).unwrap_or(text.len());
    format!("{}{policy}{}", &text[..at], &text[at..])
}

/// The rules among `lowered` that a tool's open findings below the threshold come from: the
/// lowering, not the catalog, cleared them.
pub(crate) fn cleared_rules<'a>(
    open: impl Iterator<Item = (&'a Arc<str>, Severity)>,
    lowered: &[Lowering],
    threshold: Severity,
) -> Vec<Arc<str>> {
    let mut rules: Vec<Arc<str>> = open
        .filter(|(rule, severity)| {
            *severity < threshold && lowered.iter().any(|l| *l.rule == ***rule)
        })
        .map(|(rule, _)| Arc::clone(rule))
        .collect();
    rules.sort();
    rules.dedup();
    rules
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lowering_follows_the_verdict_word() {
        let lowering = Lowering {
            rule: "no-e2ee".into(),
            level: "info".into(),
            by: "config e2ee-lint.yaml".into(),
        };
        assert_eq!(
            name_in_verdict(
                "Compliant: no open finding; 1 judged.",
                std::slice::from_ref(&lowering)
            ),
            "Compliant under a policy that lowers no-e2ee to info (config e2ee-lint.yaml): \
             no open finding; 1 judged."
        );
        let other = Lowering {
            rule: "e2ee-disabled".into(),
            level: "warning".into(),
            by: "--severity".into(),
        };
        assert_eq!(
            name_in_verdict("Compliant, with open findings.", &[lowering, other]),
            "Compliant under a policy that lowers no-e2ee to info (config e2ee-lint.yaml) and \
             e2ee-disabled to warning (--severity), with open findings."
        );
        assert_eq!(name_in_verdict("Compliant: x.", &[]), "Compliant: x.");
    }
}
