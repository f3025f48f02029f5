//! SARIF 2.1.0 output, shaped for GitHub code scanning.
//!
//! A small typed serde model of the part of SARIF we write, rather than the `serde-sarif` crate:
//! that crate generates its whole model (~70 builder types) from the schema at build time,
//! which costs build time for the dozen objects used here. The model is kept honest by a test
//! that validates the output against the OASIS SARIF 2.1.0 schema.
//!
//! Columns are counted in Unicode code points (`columnKind: unicodeCodePoints`), like every other
//! output of e2ee-lint; `charOffset`/`charLength` count code points as well, through a
//! [`Locator`], so each location costs a bounded amount of work however long the file or line.
//!
//! Message texts go through [`sanitize::line`]: JSON encoding keeps control characters out of
//! the file but not bidi controls out of the viewer that shows the text. The result's
//! `properties.tool` and `toolId` keep the name and id as written, up to 120 characters (then
//! "… (N bytes)"): a result repeats them, and the location points at the whole value.

mod rules;

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::docs_url;
use super::fingerprint::{self, Fingerprint};
use super::json::{JsonSpan, pretty_nested};
use super::locate::Locator;
use super::sanitize;
use crate::Outcome;
use crate::finding::{Finding, Severity, SuppressionKind};
use crate::source::{SourceFile, Span};
use rules::{ReportingDescriptor, descriptor};

pub(crate) const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub(crate) const VERSION: &str = "2.1.0";

/// The key of our own entry in `partialFingerprints` (GitHub reads `primaryLocationLineHash`).
pub(crate) const FINGERPRINT_KEY: &str = "e2eeLintFingerprint/v1";

/// GitHub's `security-severity` score for a severity: above 9.0 is critical, 7.0–8.9 high,
/// 4.0–6.9 medium, 0.1–3.9 low. The one place this mapping is written (the README documents it).
pub(crate) fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Info => "2.0",
    }
}

/// SARIF `level` of a severity.
pub(crate) fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: [Invocation; 1],
    column_kind: &'static str,
    /// Before `results`, which must stay the run's last key (see [`render`]).
    properties: RunProperties,
    results: Vec<SarifResult<'a>>,
}

/// What the run examined, so a viewer can tell "no result" from "nothing checked", and the
/// company's changes to the catalog the results rest on.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties {
    coverage: crate::coverage::Coverage,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    catalog_overrides: Vec<crate::outcome::CatalogChange>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor<'a>>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    locations: [NotificationLocation; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationLocation {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    char_offset: usize,
    char_length: usize,
}

#[derive(Serialize)]
struct Suppression<'a> {
    kind: &'static str,
    status: &'static str,
    justification: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    properties: BTreeMap<&'static str, &'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    tool: std::borrow::Cow<'a, str>,
    tool_id: std::borrow::Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    catalog_id: Option<&'a str>,
}

/// A repository-relative path as a URI reference: `/` kept, everything outside RFC 3986's
/// unreserved and path characters percent-encoded. Absolute paths become `file://` URIs.
pub(crate) fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let windows_drive = path.len() >= 2 && path.as_bytes()[1] == b':';
    if path.starts_with('/') {
        out.push_str("file://");
    } else if windows_drive {
        out.push_str("file:///");
    }
    for (i, &byte) in crate::source::name_bytes(path).iter().enumerate() {
        let keep = byte.is_ascii_alphanumeric()
            || b"-._~/!$&'()*+,;=@".contains(&byte)
            || (byte == b':' && windows_drive && i == 1);
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn region(source: &SourceFile, span: Span, locator: &Locator) -> Region {
    let position = JsonSpan::locate(locator, source, span);
    Region {
        start_line: position.line,
        start_column: position.column,
        end_line: position.end_line,
        end_column: position.end_column,
        char_offset: locator.chars_before(source, span.offset),
        char_length: locator.chars_between(source, span.offset, span.end()),
    }
}

fn physical(source: &SourceFile, span: Span, locator: &Locator) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: uri(&source.name),
        },
        region: Some(region(source, span, locator)),
    }
}

fn suppression(finding: &Finding) -> Vec<Suppression<'_>> {
    let Some(s) = &finding.suppressed else {
        return Vec::new();
    };
    let (kind, origin) = match s.kind {
        SuppressionKind::Exception => ("external", "config exception"),
        SuppressionKind::Inline => ("inSource", "inline ignore"),
        SuppressionKind::Baseline => ("external", "baseline"),
    };
    let mut properties = BTreeMap::new();
    properties.insert("origin", origin);
    if let Some(v) = &s.approved_by {
        properties.insert("approvedBy", v.as_str());
    }
    if let Some(v) = &s.expires {
        properties.insert("expires", v.as_str());
    }
    if let Some(v) = &s.ticket {
        properties.insert("ticket", v.as_str());
    }
    let justification = if s.reason.is_empty() {
        origin.to_owned()
    } else {
        s.reason.clone()
    };
    vec![Suppression {
        kind,
        status: "accepted",
        justification,
        properties,
    }]
}

fn result<'a>(
    finding: &'a Finding,
    fingerprint: &Fingerprint,
    rule_index: Option<usize>,
    locator: &Locator,
) -> SarifResult<'a> {
    let mut partial_fingerprints = BTreeMap::new();
    // GitHub keys alerts on `primaryLocationLineHash`; ours does not depend on the line, so an
    // alert follows its tool when lines move. The upload action keeps a value that is present.
    partial_fingerprints.insert("primaryLocationLineHash", fingerprint.unique());
    partial_fingerprints.insert(FINGERPRINT_KEY, fingerprint.unique());
    let mut related = Vec::new();
    for (i, label) in finding.labels.iter().enumerate() {
        let source = label.source.as_deref().unwrap_or(&finding.source);
        related.push(Location {
            id: Some(i + 1),
            physical_location: physical(source, label.span, locator),
            message: Some(Text {
                text: sanitize::line(&label.message).into_owned(),
            }),
        });
    }
    let mut message = sanitize::line(&finding.message).into_owned();
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(&sanitize::line(help));
    }
    SarifResult {
        rule_id: &finding.rule,
        rule_index,
        level: level(finding.severity),
        message: Text { text: message },
        locations: [Location {
            id: None,
            physical_location: physical(&finding.source, finding.span, locator),
            message: None,
        }],
        related_locations: related,
        partial_fingerprints,
        suppressions: suppression(finding),
        properties: finding.tool.as_ref().map(|tool| ResultProperties {
            tool: crate::text::echoed(&tool.name),
            tool_id: crate::text::echoed(&tool.id),
            catalog_id: finding.catalog_id.as_deref(),
        }),
    }
}

/// Writes the SARIF log: every rule that can fire, every finding (suppressed ones with their
/// `suppressions`, which GitHub shows as dismissed), unreadable paths as notifications.
pub(crate) fn render(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let log = frame(outcome);
    let index = rule_indexes(outcome);
    let fingerprints = fingerprint::fingerprints(&outcome.findings);
    let locator = Locator::new();
    // The log without its results, cut where they go: `results` is the last key of the last
    // run, so everything after its `[]` is the closing of the run and the log. The results are
    // then written one by one, as `to_vec_pretty` of the whole log would (a test holds the two
    // to the same bytes): a 100,000-tool run never holds them all, rendered, at once.
    let frame = super::json_text::to_vec_pretty(&log).map_err(io::Error::other)?;
    let marker = b"\"results\": []";
    let cut = frame
        .windows(marker.len())
        .rposition(|w| w == marker)
        .ok_or_else(|| io::Error::other("SARIF frame without results"))?
        + marker.len()
        - 1;
    out.write_all(&frame[..cut])?;
    let mut bytes = Vec::new();
    for (i, (finding, fp)) in outcome.findings.iter().zip(&fingerprints).enumerate() {
        bytes.clear();
        bytes.extend_from_slice(if i == 0 {
            b"\n        "
        } else {
            b",\n        "
        });
        let rule_index = index.get(&*finding.rule).copied();
        pretty_nested(&result(finding, fp, rule_index, &locator), 4, &mut bytes);
        out.write_all(&bytes)?;
    }
    if !outcome.findings.is_empty() {
        out.write_all(b"\n      ")?;
    }
    out.write_all(&frame[cut..])?;
    out.write_all(b"\n")
}

/// Each rule's position in the log's rule table, for results' `ruleIndex`.
fn rule_indexes(outcome: &Outcome) -> BTreeMap<&str, usize> {
    outcome
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (&*r.id, i))
        .collect()
}

/// The log with every part but its results.
fn frame(outcome: &Outcome) -> Log<'_> {
    let rules: Vec<ReportingDescriptor> = outcome.rules.iter().map(descriptor).collect();
    let notifications = outcome
        .path_errors
        .iter()
        .map(|error| Notification {
            level: "error",
            message: Text {
                text: sanitize::line(&error.to_string()).into_owned(),
            },
            locations: [NotificationLocation {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: uri(&error.path),
                    },
                    region: None,
                },
            }],
        })
        .collect::<Vec<_>>();
    Log {
        schema: SCHEMA,
        version: VERSION,
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: env!("CARGO_PKG_NAME"),
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: docs_url(),
                    rules,
                },
            },
            invocations: [Invocation {
                execution_successful: notifications.is_empty(),
                tool_execution_notifications: notifications,
            }],
            column_kind: "unicodeCodePoints",
            properties: RunProperties {
                coverage: outcome.coverage(),
                catalog_overrides: super::catalog_changes(outcome),
            },
            results: Vec::new(),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testing::{fixture_outcome, rendered};
    use rules::pascal_case;

    #[test]
    fn uris_are_percent_encoded_references() {
        assert_eq!(uri("fixtures/acme.yaml"), "fixtures/acme.yaml");
        assert_eq!(uri("my dir/50%.yaml"), "my%20dir/50%25.yaml");
        assert_eq!(uri("/tmp/a b.yaml"), "file:///tmp/a%20b.yaml");
        assert_eq!(uri("C:/x/é.yaml"), "file:///C:/x/%C3%A9.yaml");
        assert_eq!(uri("a#b?c.yaml"), "a%23b%3Fc.yaml");
    }

    #[test]
    fn char_offsets_count_code_points() {
        let text = "é: x\n  - name: Zoom\n";
        let source = SourceFile::new("a.yaml", "a.yaml", text.into());
        let locator = Locator::new();
        let region = region(&source, Span::new(2, text.len() - 2), &locator);
        assert_eq!((region.char_offset, region.char_length), (1, 19));
        assert_eq!(locator.chars_before(&source, 15), 14);
        // Going backwards is no problem.
        assert_eq!(locator.chars_before(&source, 2), 1);
    }

    /// The streamed log is the whole log serialized the plain way.
    #[test]
    fn streaming_writes_the_reference_bytes() {
        let mut outcome = fixture_outcome();
        outcome.path_errors.push(crate::PathError {
            path: "missing.yaml".into(),
            message: "no such file or directory".into(),
        });
        let reference = |outcome: &Outcome| {
            let mut log = frame(outcome);
            let index = rule_indexes(outcome);
            let fingerprints = fingerprint::fingerprints(&outcome.findings);
            let locator = Locator::new();
            log.runs[0].results = outcome
                .findings
                .iter()
                .zip(&fingerprints)
                .map(|(f, fp)| result(f, fp, index.get(&*f.rule).copied(), &locator))
                .collect();
            String::from_utf8(crate::output::json_text::to_vec_pretty(&log).unwrap()).unwrap()
                + "\n"
        };
        assert_eq!(rendered(render, &outcome), reference(&outcome));
        outcome.findings.clear();
        assert_eq!(rendered(render, &outcome), reference(&outcome));
    }

    #[test]
    fn names_are_pascal_case() {
        assert_eq!(pascal_case("no-e2ee"), "NoE2ee");
        assert_eq!(pascal_case("e2ee-not-enforced"), "E2eeNotEnforced");
    }
}
