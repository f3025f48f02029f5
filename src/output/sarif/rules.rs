//! SARIF's rule table: one `reportingDescriptor` per rule that can fire, from the rule's own
//! documentation, so built-in and custom rules read alike in code scanning.

use serde::Serialize;

use super::{Text, level, security_severity};
use crate::finding::Severity;
use crate::outcome::RuleInfo;
use crate::output::rule_help_uri;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ReportingDescriptor<'a> {
    id: &'a str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties<'a>,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties<'a> {
    tags: &'a [String],
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

/// `no-e2ee` → `NoE2ee`: SARIF's `name` is an identifier-like form of the id.
pub(super) fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect::<String>()
            })
        })
        .collect()
}

/// The first section of a rule's documentation ("What it does") as one paragraph, at most
/// 1024 characters (GitHub's limit for `fullDescription`).
fn full_description(rule: &RuleInfo) -> String {
    let body: Vec<&str> = rule
        .docs
        .lines()
        .skip_while(|line| line.starts_with('#') || line.trim().is_empty())
        .take_while(|line| !line.starts_with('#'))
        .collect();
    let text = body
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let text = if text.is_empty() {
        rule.summary.clone()
    } else {
        text
    };
    match text.char_indices().nth(1023) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// Markdown documentation as plain text: headings lose their `#`s and end with punctuation.
fn plain_text(markdown: &str) -> String {
    markdown
        .trim_end()
        .lines()
        .map(|line| match line.trim_start_matches('#') {
            heading if heading.len() < line.len() => {
                let heading = heading.trim();
                match heading.ends_with(['?', '!', '.', ':']) {
                    true => heading.to_owned(),
                    false => format!("{heading}:"),
                }
            }
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The most severe level a rule can report: its default or an escalation.
fn worst_severity(rule: &RuleInfo) -> Severity {
    rule.escalations
        .iter()
        .copied()
        .fold(rule.severity, Severity::max)
}

pub(super) fn descriptor(rule: &RuleInfo) -> ReportingDescriptor<'_> {
    ReportingDescriptor {
        id: &rule.id,
        name: pascal_case(&rule.id),
        short_description: Text {
            text: rule.summary.clone(),
        },
        full_description: Text {
            text: full_description(rule),
        },
        help: Help {
            text: plain_text(&rule.docs),
            markdown: rule.docs.trim_end().to_owned(),
        },
        help_uri: rule_help_uri(&rule.id),
        default_configuration: Configuration {
            level: level(rule.severity),
        },
        properties: RuleProperties {
            tags: &rule.tags,
            security_severity: security_severity(worst_severity(rule)),
        },
    }
}
