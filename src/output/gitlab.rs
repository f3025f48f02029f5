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

use super::fingerprint::{self, Fingerprint};
use super::json::{JsonSpan, pretty_nested};
use super::locate::Locator;
use super::sanitize;
use crate::Outcome;
use crate::finding::Severity;

/// Code Quality severity of ours. `critical` and `blocker` are not used: an error is `major`,
/// as in other linters' GitLab formatters.
pub(crate) fn severity(severity: Severity) -> &'static str {
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
pub(crate) fn render(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let fingerprints = fingerprint::fingerprints(&outcome.findings);
    let locator = Locator::new();
    // Written issue by issue, the bytes `to_vec_pretty` gives for the whole array (a test holds
    // them equal), so a 100,000-tool run never holds every rendered issue at once.
    let mut any = false;
    let mut bytes = Vec::new();
    out.write_all(b"[")?;
    for issue in issues(outcome, &fingerprints, &locator) {
        bytes.clear();
        bytes.extend_from_slice(if any { b",\n  " } else { b"\n  " });
        pretty_nested(&issue, 1, &mut bytes);
        out.write_all(&bytes)?;
        any = true;
    }
    out.write_all(if any { b"\n]\n" } else { b"]\n" })
}

/// One Code Quality issue per unsuppressed finding.
fn issues<'a>(
    outcome: &'a Outcome,
    fingerprints: &'a [Fingerprint],
    locator: &'a Locator,
) -> impl Iterator<Item = Issue<'a>> {
    outcome
        .findings
        .iter()
        .zip(fingerprints)
        .filter(|(finding, _)| finding.suppressed.is_none())
        .map(|(finding, fp)| {
            let span = JsonSpan::locate(locator, &finding.source, finding.span);
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testing::{fixture_outcome, rendered};

    /// The streamed array is the whole array serialized the plain way.
    #[test]
    fn streaming_writes_the_reference_bytes() {
        let mut outcome = fixture_outcome();
        let reference = |outcome: &Outcome| {
            let fingerprints = fingerprint::fingerprints(&outcome.findings);
            let locator = Locator::new();
            let all: Vec<Issue> = issues(outcome, &fingerprints, &locator).collect();
            String::from_utf8(crate::output::json_text::to_vec_pretty(&all).unwrap()).unwrap()
                + "\n"
        };
        assert_eq!(rendered(render, &outcome), reference(&outcome));
        outcome.findings.clear();
        assert_eq!(rendered(render, &outcome), reference(&outcome));
    }
}
