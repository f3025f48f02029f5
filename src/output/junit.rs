//! JUnit XML: one `<testsuite>` per inventory file, one `<testcase>` per tool (a tool without
//! findings is a passing case, so dashboards show what was checked), plus one case named after
//! the file for findings that belong to no tool (invalid YAML, a tool entry without a name).
//! Each unsuppressed finding at or above the run's failure threshold (`--fail-on`) is one
//! `<failure>` carrying the rule id, the message and `file:line:column`; findings below it are
//! advice, written to the case's `<system-out>`, so a green build never shows a red test and
//! a red build always does. Each suite carries the run's coverage counts as `<properties>`.
//!
//! Written with `quick-xml` rather than `quick-junit`: quick-junit always writes a `skipped`
//! attribute on `<testsuites>`, which the Jenkins xunit schema we validate against rejects, and
//! allows one failure per test case where a tool may break several rules. No times or
//! timestamps: the same input gives the same bytes.
//!
//! Names and messages are shown by CI dashboards, so every text goes through [`sanitize::line`]
//! first (control and bidi characters as visible escapes), then [`xml_text`].

use std::io::{self, Write};

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use std::collections::BTreeMap;

use super::json::JsonSpan;
use super::locate::Locator;
use super::sanitize;

use crate::Outcome;
use crate::finding::{Finding, Severity};
use crate::outcome::ToolSummary;

/// Replaces what XML 1.0 cannot carry at all (most control characters, U+FFFE/U+FFFF) with
/// U+FFFD; with `attribute`, line breaks and tabs become spaces, as an XML parser would
/// normalise them anyway.
pub(crate) fn xml_text(text: &str, attribute: bool) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' if attribute => ' ',
            '\n' | '\r' | '\t' => c,
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// One file's test cases: the file itself (case 0) and each tool (case `i` is tool `i - 1`),
/// with every active finding beside its case, sorted by case (stably, so each case keeps its
/// findings' order). 16 bytes a finding, nothing per tool: a 100,000-tool file holds no list
/// per case.
struct Suite<'a> {
    name: &'a str,
    tools: &'a [ToolSummary],
    assigned: Vec<(usize, &'a Finding)>,
}

impl<'a> Suite<'a> {
    fn tests(&self) -> usize {
        self.tools.len() + 1
    }

    fn case_name(&self, case: usize) -> &'a str {
        match case.checked_sub(1).and_then(|i| self.tools.get(i)) {
            Some(tool) => &tool.name,
            None => self.name,
        }
    }

    /// The cases that fail: a finding at or above the threshold (none when it is `never`).
    fn failures(&self, threshold: Option<Severity>) -> usize {
        let mut failing: Vec<usize> = self
            .assigned
            .iter()
            .filter(|(_, f)| threshold.is_some_and(|t| f.severity >= t))
            .map(|&(case, _)| case)
            .collect();
        failing.dedup();
        failing.len()
    }
}

/// Assigns each active finding to its tool's case, or to the file's case. Two entries may have
/// the same name and id (a duplicate); the finding goes to the nearest one.
fn suite<'a>(name: &'a str, tools: &'a [ToolSummary], findings: Vec<&'a Finding>) -> Suite<'a> {
    // Tools sorted by identity, then position: each finding's candidates are one range, and
    // the nearest of many same-named entries (100,000 `Slack`s on one line) is a binary search.
    let mut by_identity: Vec<(&str, &str, usize, usize)> = tools
        .iter()
        .enumerate()
        .map(|(index, tool)| (&*tool.name, &*tool.id, tool.span.offset, index))
        .collect();
    by_identity.sort_unstable();
    let mut assigned: Vec<(usize, &Finding)> = findings
        .into_iter()
        .map(|finding| {
            let index = finding.tool.as_ref().and_then(|tool| {
                let key = (&*tool.name, &*tool.id);
                let from = by_identity.partition_point(|&(n, i, _, _)| (n, i) < key);
                let same = by_identity.get(from..)?;
                let candidates = same.get(..same.partition_point(|&(n, i, _, _)| (n, i) == key))?;
                let at = finding.span.offset;
                let next = candidates.partition_point(|&(_, _, offset, _)| offset <= at);
                // The nearest is the last entry at or before the finding, or the first after it.
                [next.checked_sub(1), Some(next)]
                    .into_iter()
                    .flatten()
                    .filter_map(|k| candidates.get(k))
                    .min_by_key(|&&(_, _, offset, _)| offset.abs_diff(at))
                    .map(|&(_, _, _, i)| i + 1)
            });
            (index.unwrap_or(0), finding)
        })
        .collect();
    assigned.sort_by_key(|&(case, _)| case);
    Suite {
        name,
        tools,
        assigned,
    }
}

fn start<'a>(name: &'a str, attributes: &[(&str, &str)]) -> BytesStart<'a> {
    let mut tag = BytesStart::new(name);
    for (key, value) in attributes {
        tag.push_attribute((*key, xml_text(&sanitize::line(value), true).as_str()));
    }
    tag
}

fn failure_text(locator: &Locator, finding: &Finding) -> String {
    let span = JsonSpan::locate(locator, &finding.source, finding.span);
    let mut text = format!(
        "{}:{}:{}: {}[{}]: {}",
        sanitize::line(&finding.source.name),
        span.line,
        span.column,
        finding.severity,
        finding.rule,
        sanitize::line(&finding.message)
    );
    if let Some(help) = &finding.help {
        text.push_str("\nhelp: ");
        text.push_str(&sanitize::line(help));
    }
    xml_text(&text, false)
}

/// Writes the report. Unreadable paths are not test cases: they go to standard error and make
/// the run exit 2, as in every format.
pub(crate) fn render(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    // Straight to `out` (buffered by every caller), not into memory first: on a 100,000-tool
    // file the document is over 100 MB.
    let mut xml = Writer::new_with_indent(&mut *out, b' ', 2);
    let locator = Locator::new();
    // Active findings by file. A finding may sit in a file that is not an inventory (an
    // exception in a config file); that file gets a suite of its own with only the file case.
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for finding in outcome.findings.iter().filter(|f| f.suppressed.is_none()) {
        by_file
            .entry(&finding.source.name)
            .or_default()
            .push(finding);
    }
    let mut suites = Vec::new();
    for file in &outcome.files {
        let name = file.source.name.as_str();
        let findings = by_file.remove(name).unwrap_or_default();
        suites.push(suite(name, &file.tools, findings));
    }
    for (name, findings) in by_file {
        suites.push(suite(name, &[], findings));
    }
    let threshold = outcome.fail_on.threshold();
    let coverage = outcome.coverage();
    let reasons: usize = coverage.not_applicable_reasons.len();
    let properties: Vec<(&str, String)> = vec![
        ("coverage.files", coverage.files.to_string()),
        (
            "coverage.files_without_tools",
            coverage.files_without_tools.to_string(),
        ),
        (
            "coverage.unreadable_paths",
            coverage.unreadable_paths.to_string(),
        ),
        ("coverage.tools", coverage.tools.to_string()),
        ("coverage.communication", coverage.communication.to_string()),
        ("coverage.catalog", coverage.catalog.to_string()),
        ("coverage.unclassified", coverage.unclassified.to_string()),
        ("coverage.ambiguous", coverage.ambiguous.to_string()),
        ("coverage.judged", coverage.judged.to_string()),
        ("coverage.invalid", coverage.invalid.to_string()),
        (
            "coverage.not_applicable",
            coverage.not_applicable.to_string(),
        ),
        ("coverage.not_applicable_reasons", reasons.to_string()),
        ("fail_on", outcome.fail_on.as_str().to_owned()),
    ];
    let tests: usize = suites.iter().map(Suite::tests).sum();
    let failures: usize = suites.iter().map(|s| s.failures(threshold)).sum();
    xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    xml.write_event(Event::Start(start(
        "testsuites",
        &[
            ("name", "e2ee-lint"),
            ("tests", &tests.to_string()),
            ("failures", &failures.to_string()),
            ("errors", "0"),
        ],
    )))?;
    for suite in &suites {
        let name = suite.name;
        let tests = suite.tests().to_string();
        let failures = suite.failures(threshold).to_string();
        xml.write_event(Event::Start(start(
            "testsuite",
            &[
                ("name", name),
                ("tests", &tests),
                ("failures", &failures),
                ("errors", "0"),
                ("skipped", "0"),
                ("file", name),
            ],
        )))?;
        xml.write_event(Event::Start(BytesStart::new("properties")))?;
        for (key, value) in &properties {
            xml.write_event(Event::Empty(start(
                "property",
                &[("name", key), ("value", value)],
            )))?;
        }
        write_catalog_changes(&mut xml, outcome)?;
        xml.write_event(Event::End(BytesEnd::new("properties")))?;
        let mut rest = suite.assigned.as_slice();
        for case in 0..suite.tests() {
            let count = rest.iter().take_while(|&&(c, _)| c == case).count();
            let (of_case, after) = rest.split_at(count);
            rest = after;
            let tag = start(
                "testcase",
                &[("name", suite.case_name(case)), ("classname", name)],
            );
            if of_case.is_empty() {
                xml.write_event(Event::Empty(tag))?;
                continue;
            }
            xml.write_event(Event::Start(tag))?;
            let (failing, advice): (Vec<&Finding>, Vec<&Finding>) = of_case
                .iter()
                .map(|&(_, f)| f)
                .partition(|f| threshold.is_some_and(|t| f.severity >= t));
            for finding in &failing {
                let message = format!("{}: {}", finding.rule, finding.message);
                xml.write_event(Event::Start(start(
                    "failure",
                    &[("message", &message), ("type", &finding.rule)],
                )))?;
                xml.write_event(Event::Text(BytesText::new(&failure_text(
                    &locator, finding,
                ))))?;
                xml.write_event(Event::End(BytesEnd::new("failure")))?;
            }
            if !advice.is_empty() {
                let text: Vec<String> = advice.iter().map(|f| failure_text(&locator, f)).collect();
                xml.write_event(Event::Start(BytesStart::new("system-out")))?;
                xml.write_event(Event::Text(BytesText::new(&text.join("\n"))))?;
                xml.write_event(Event::End(BytesEnd::new("system-out")))?;
            }
            xml.write_event(Event::End(BytesEnd::new("testcase")))?;
        }
        xml.write_event(Event::End(BytesEnd::new("testsuite")))?;
    }
    xml.write_event(Event::End(BytesEnd::new("testsuites")))?;
    writeln!(out)
}

/// Inside each suite's `<properties>`: one `catalog-override` property per company change to
/// the catalog, so a dashboard showing any suite shows what the verdict rests on.
fn write_catalog_changes<W: Write>(xml: &mut Writer<W>, outcome: &Outcome) -> io::Result<()> {
    for change in &outcome.catalog_changes {
        xml.write_event(Event::Empty(start(
            "property",
            &[("name", "catalog-override"), ("value", &change.line())],
        )))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_drops_what_xml_cannot_hold() {
        assert_eq!(xml_text("a\u{1}b\nc", false), "a\u{fffd}b\nc");
        assert_eq!(xml_text("a\r\nb\tc", true), "a  b c");
        assert_eq!(xml_text("\u{ffff}é", true), "\u{fffd}é");
    }
}
