//! GitLab Code Quality JSON: an array of Code Climate issues, one per active finding.
//!
//! GitLab reads `description`, `check_name`, `fingerprint`, `severity`, `location.path` and
//! `location.lines.begin`. Each issue also carries the fields the Code Climate schemas require
//! (`type`, `categories` from the analyzer spec; `_type`, `id`, `self`, `title` from the
//! `CodeIssue` schema), which GitLab ignores, so the file validates against both.
//!
//! The texts GitLab shows (`description`, `title`, `content.body`) go through
//! [`sanitize::line`]: JSON encoding keeps control characters out of the file, but not bidi
//! controls out of the merge request page, and a name's line break would split the text there.
//! `location.path` stays as it is, or GitLab could not link the issue to the file.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use super::fingerprint;
use super::json::JsonSpan;
use super::locate::Locator;
use super::sanitize;
use crate::Outcome;
use crate::finding::Severity;

/// Code Quality severity of ours. `critical` and `blocker` are not used: an error is `major`,
/// as in other linters' GitLab formatters.
pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: &'a str,
    description: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<Content<'a>>,
    categories: [&'static str; 1],
    severity: &'static str,
    fingerprint: String,
    location: Location<'a>,
    #[serde(rename = "_type")]
    record_type: &'static str,
    id: String,
    #[serde(rename = "self")]
    self_uri: String,
    title: Cow<'a, str>,
}

#[derive(Serialize)]
struct Content<'a> {
    body: Cow<'a, str>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// Writes the issue array (`[]` when there is nothing to report). Suppressed findings are left
/// out: they are accepted risks, not code quality problems.
pub fn render(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let fingerprints = fingerprint::fingerprints(&outcome.findings);
    let locator = Locator::new();
    let issues: Vec<Issue> = outcome
        .findings
        .iter()
        .zip(&fingerprints)
        .filter(|(finding, _)| finding.suppressed.is_none())
        .map(|(finding, fp)| {
            let span = JsonSpan::locate(&locator, &finding.source, finding.span);
            // Unique per finding: the line-independent hash and its occurrence in the run.
            let fingerprint = format!("{}{:016x}", fp.hash, fp.occurrence);
            Issue {
                kind: "issue",
                check_name: &finding.rule,
                description: sanitize::line(&finding.message),
                content: finding.help.as_deref().map(|body| Content {
                    body: sanitize::line(body),
                }),
                categories: ["Security"],
                severity: severity(finding.severity),
                location: Location {
                    path: &finding.source.name,
                    lines: Lines {
                        begin: span.line,
                        end: span.end_line,
                    },
                },
                record_type: "CodeIssue",
                id: fingerprint.clone(),
                self_uri: format!("urn:e2ee-lint:finding:{fingerprint}"),
                title: sanitize::line(&finding.message),
                fingerprint,
            }
        })
        .collect();
    let mut bytes = serde_json::to_vec_pretty(&issues).map_err(io::Error::other)?;
    bytes.push(b'\n');
    out.write_all(&bytes)
}
