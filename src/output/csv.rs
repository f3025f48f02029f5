//! `csv`: the report's tools table, one row per tool, for spreadsheets and GRC imports.
//!
//! RFC 4180 quoting, and cells that a spreadsheet would run as a formula (starting with `=`,
//! `+`, `-`, `@`, a tab or a carriage return) are prefixed with a single quote (OWASP's advice
//! against CSV injection). Bidi and other invisible characters are shown as `\u{...}`.
//!
//! After the tools, a file that yielded no tool and a path that could not be read each get a
//! row with empty tool columns and the outcome `not-examined`, so that every coverage count of
//! the run can be read from the rows (docs/src/formats.md says how).

use std::io::{self, Write};

use super::evidence::{Report, ToolFinding, ToolOutcome, ToolRow};

/// The columns before the fields.
const LEADING: &[&str] = &["file", "line", "tool", "tool_id"];

/// The columns after the fields.
const TRAILING: &[&str] = &[
    "catalog_id",
    "channels",
    "configured",
    "outcome",
    "not_applicable_reason",
    "open_findings",
    "accepted_findings",
    "catalog_reviewed",
    "catalog_sources",
    "catalog_overrides",
];

/// The columns, in order: one per evidence field of the field table
/// (`outcome::evidence_fields`) between the tool's identity and its verdict.
pub(crate) fn header() -> Vec<&'static str> {
    let fields = crate::outcome::evidence_fields().map(|f| f.name());
    LEADING
        .iter()
        .copied()
        .chain(fields)
        .chain(TRAILING.iter().copied())
        .collect()
}

/// One cell: hidden characters shown as `\u{...}`, neutralised, quoted when needed.
fn cell(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    for c in text.chars() {
        if super::sanitize::is_hazard(c) && !matches!(c, '\t' | '\r' | '\n') {
            shown.push_str(&format!("\\u{{{:04x}}}", u32::from(c)));
        } else {
            shown.push(c);
        }
    }
    let text = shown.as_str();
    let neutral = match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// What a path row's `open_findings` starts with: the reports' "Paths not read".
pub(crate) const PATH_NOT_READ: &str = "path not read";

fn findings(tool: &ToolRow, state: &str) -> String {
    joined(&tool.findings, state)
}

fn joined(findings: &[ToolFinding], state: &str) -> String {
    findings
        .iter()
        .filter(|f| f.state == state)
        .map(|f| format!("{}: {}", f.rule, f.message))
        .collect::<Vec<_>>()
        .join("; ")
}

fn row(tool: &ToolRow) -> Vec<String> {
    let opt = |v: Option<&str>| v.unwrap_or("").to_owned();
    vec![
        tool.file.to_string(),
        tool.line.to_string(),
        tool.name.to_string(),
        tool.id.to_string(),
    ]
    .into_iter()
    .chain(crate::outcome::evidence_fields().map(|f| opt(tool.fields.get(f))))
    .chain([
        opt(tool.catalog_id.as_deref()),
        tool.channels
            .iter()
            .map(|c| c.describe())
            .collect::<Vec<_>>()
            .join("; "),
        opt(tool.configured),
        tool.outcome_text(),
        opt(tool.reason.as_deref()),
        findings(tool, "open"),
        findings(tool, "accepted"),
        opt(tool.reviewed.as_deref()),
        tool.sources.join(" "),
    ])
    .collect()
}

pub(crate) fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    write!(out, "{}\r\n", header().join(","))?;
    for tool in report.tools.iter() {
        let mut cells: Vec<String> = row(&tool).iter().map(|c| cell(c)).collect();
        // The company's changes to this tool's catalog entry, which its outcome rests on.
        let overrides = tool
            .catalog_id
            .as_deref()
            .map(|id| report.overrides_of(id).join("; "))
            .unwrap_or_default();
        cells.push(cell(&overrides));
        write!(out, "{}\r\n", cells.join(","))?;
    }
    for file in &report.files_without_tools {
        let line = file.line.map(|l| l.to_string()).unwrap_or_default();
        let open = joined(&file.findings, "open");
        let accepted = joined(&file.findings, "accepted");
        write!(out, "{}\r\n", untooled(&file.file, &line, &open, &accepted))?;
    }
    for error in &report.path_errors {
        let open = format!("{PATH_NOT_READ}: {}", error.message);
        write!(out, "{}\r\n", untooled(&error.path, "", &open, ""))?;
    }
    Ok(())
}

/// A row about a file or path with no tool: the tool columns empty, the outcome
/// `not-examined`, the findings in their columns; escaped like every other row.
fn untooled(file: &str, line: &str, open: &str, accepted: &str) -> String {
    header()
        .iter()
        .map(|&column| match column {
            "file" => cell(file),
            "line" => cell(line),
            "outcome" => cell(ToolOutcome::NotExamined.as_str()),
            "open_findings" => cell(open),
            "accepted_findings" => cell(accepted),
            _ => String::new(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::{cell, header};
    use crate::fields::{FIELDS, Kind};

    /// The CSV of a run begins with exactly these columns.
    #[test]
    fn the_rendered_header_is_the_header() {
        let engine = crate::engine::Engine::embedded().unwrap();
        let outcome = crate::Outcome::for_engine(&engine);
        let mut text = Vec::new();
        crate::output::render(
            crate::output::Format::Csv,
            &outcome,
            crate::output::Style::PLAIN,
            &mut text,
        )
        .unwrap();
        let text = String::from_utf8(text).unwrap();
        assert_eq!(text.lines().next(), Some(header().join(",").as_str()));
    }

    /// Every one-value field of the field table is a column, with no list of columns to keep
    /// in step (`notes`, `system` and `backups` were once missing); `name` and `id` are the
    /// leading `tool` and `tool_id`, and `e2ee` is read into the outcome's columns.
    #[test]
    fn every_one_value_field_is_a_column() {
        let header = header();
        for field in FIELDS {
            let one_value = matches!(field.kind, Kind::Text | Kind::Keyword(_) | Kind::Level);
            if one_value && !["name", "id", "e2ee"].contains(&field.name) {
                assert!(header.contains(&field.name), "no `{}` column", field.name);
            }
        }
    }

    #[test]
    fn formulas_are_neutralised_and_quotes_doubled() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("Slack"), "Slack");
    }
}
