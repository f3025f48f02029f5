//! The compliance report in Markdown (`--format markdown`, alias `report`): a document an
//! auditor can file as evidence, rendered from the [`evidence`](super::evidence) model.
//!
//! Every value from an inventory or config is escaped with backslashes, never with HTML
//! entities: no markup, no autolinked URL or address, no hidden bidi or control character.
//! Deterministic: the only date in it is the evaluation date.

mod header;

use std::io::{self, Write};

use super::evidence::{
    PreviousFinding, PreviousRisk, PreviousTool, Report, Risk, ToolOutcome, ToolRow, Tools,
    kind_text,
};

/// Escapes inventory text for a Markdown table cell or list item: Markdown punctuation gets a
/// backslash, and so do the characters that would start an autolink (`://`, `www.`, `@`).
pub(crate) fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '&' | '~' | '@' => {
                out.push('\\');
                out.push(c);
            }
            ':' if chars.peek() == Some(&'/') => out.push_str("\\:"),
            '.' if out
                .get(out.len().saturating_sub(3)..)
                .is_some_and(|t| t.eq_ignore_ascii_case("www")) =>
            {
                out.push_str("\\.");
            }
            '\n' | '\r' => out.push(' '),
            c if super::sanitize::is_hazard(c) => {
                out.push_str(&format!("\\\\u{{{:04x}}}", u32::from(c)))
            }
            c => out.push(c),
        }
    }
    out
}

fn opt(value: Option<&str>) -> String {
    value.map_or_else(|| "-".to_owned(), cell)
}

pub(crate) fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "# End-to-end encryption compliance report\n")?;
    header::evidence(report, out)?;
    super::merged::markdown(report, out)?;

    summary(report, out)?;
    tools(&report.tools, out)?;
    risks(&report.accepted_risks, out)?;
    controls(report, out)?;
    findings(report, out)?;
    catalog_overrides(report, out)?;
    changes(report, out)?;
    sources(report, out)?;
    if !report.path_errors.is_empty() {
        writeln!(out, "## Paths not read\n")?;
        for error in &report.path_errors {
            writeln!(out, "- {}: {}", cell(&error.path), cell(&error.message))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn summary(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let s = &report.summary;
    writeln!(out, "\n## Summary\n")?;
    writeln!(out, "| | count |\n|---|---|")?;
    writeln!(out, "| inventory files | {} |", s.files)?;
    writeln!(out, "| tools listed | {} |", s.tools_listed)?;
    writeln!(out, "| tools in scope | {} |", s.tools_in_scope)?;
    let c = &s.coverage;
    writeln!(
        out,
        "| communication tools (in the catalog / unclassified / ambiguous) | {} ({} / {} / {}) |",
        c.communication, c.catalog, c.unclassified, c.ambiguous
    )?;
    writeln!(out, "| communication tools judged | {} |", c.judged)?;
    writeln!(out, "| tools with invalid fields | {} |", c.invalid)?;
    writeln!(out, "| tools not applicable | {} |", c.not_applicable)?;
    for r in &c.not_applicable_reasons {
        writeln!(out, "| not applicable: {} | {} |", cell(&r.reason), r.tools)?;
    }
    writeln!(out, "| files with no tool | {} |", c.files_without_tools)?;
    for outcome in ToolOutcome::ALL {
        writeln!(
            out,
            "| {} | {} |",
            outcome.as_str(),
            s.outcomes.get(outcome)
        )?;
    }
    writeln!(
        out,
        "| open findings (error / warning / info) | {} / {} / {} |",
        s.open_findings.error, s.open_findings.warning, s.open_findings.info
    )?;
    writeln!(out, "| accepted risks | {} |", s.accepted_risks)?;
    writeln!(
        out,
        "| paths that could not be read | {} |",
        s.unreadable_paths
    )?;
    // Escaped: a lowering names the config file it was set in.
    let verdict = if s.verdict == "compliant" {
        cell(&report.verdict_line())
    } else {
        format!("**{}**", cell(&report.verdict_line()))
    };
    writeln!(out, "\nVerdict: {verdict}\n")
}

/// Which catalog the verdict used: never "embedded" alone when a config changed it.
pub(crate) fn catalog_words(report: &Report) -> String {
    match report.catalog_overrides.len() {
        0 => "embedded catalog and rules".to_owned(),
        n => format!(
            "embedded catalog changed by {n} catalog override{} of the company's config, and rules",
            if n == 1 { "" } else { "s" }
        ),
    }
}

/// Every company change to the catalog: the verdict rests on them.
fn catalog_overrides(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.catalog_overrides.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "## Catalog overrides
"
    )?;
    writeln!(
        out,
        "The company's config changes the catalog; these statuses are its word, not the vendors' sources.\n"
    )?;
    writeln!(
        out,
        "| config | change | reason | source |\n|---|---|---|---|"
    )?;
    for change in &report.catalog_overrides {
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(&change.config),
            cell(&change.summary),
            opt(change.reason.as_deref()),
            opt(change.source.as_deref())
        )?;
    }
    writeln!(out)
}

fn channels(tool: &ToolRow) -> String {
    if tool.channels.is_empty() {
        return "-".into();
    }
    let cells: Vec<String> = tool
        .channels
        .iter()
        .map(|c| {
            // The status word in bold where there is no E2EE.
            let status = match c.status {
                "none" | "org-keys" => format!("**{}**", c.status),
                other => other.to_owned(),
            };
            // Channel names are our own vocabulary: nothing to escape.
            let mut text = format!("{}: {status}", c.channel);
            if let Some(more) = c.qualifiers() {
                text.push_str(&format!(" ({})", cell(&more)));
            }
            text
        })
        .collect();
    cells.join("<br>")
}

fn tools(tools: &Tools, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## Tools\n")?;
    let (listed, folded) = super::evidence::by_action(tools);
    if listed.is_empty() {
        writeln!(out, "No tool in scope.\n")?;
    } else {
        tool_table(listed.iter().filter_map(|&i| tools.get(i)), out)?;
    }
    if !folded.is_empty() {
        writeln!(
            out,
            "<details><summary>{} tool(s) not applicable</summary>\n",
            folded.len()
        )?;
        for (reason, names) in super::evidence::by_reason(tools, &folded) {
            write!(out, "- {} ({}): ", cell(&reason), names.len())?;
            for (i, name) in names.iter().enumerate() {
                let sep = if i == 0 { "" } else { ", " };
                write!(out, "{sep}{}", cell(name))?;
            }
            writeln!(out)?;
        }
        writeln!(out, "\n</details>\n")?;
    }
    writeln!(
        out,
        "Channels: the catalog's E2EE status for each channel the company uses the tool for \
         (`unknown`: offered, no source settles it). Tools that need action come first; \
         outcomes are defined in the README.\n"
    )
}

fn tool_table<'t>(
    tools: impl Iterator<Item = std::borrow::Cow<'t, ToolRow>>,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(
        out,
        "| tool | location | vendor | owner | data | catalog | channels (catalog status) | \
         configured | outcome | findings |\n|---|---|---|---|---|---|---|---|---|---|"
    )?;
    for tool in tools {
        let catalog = match (&tool.catalog_name, &tool.reviewed) {
            (Some(name), Some(reviewed)) => format!("{}, reviewed {reviewed}", cell(name)),
            _ => "not in the catalog".to_owned(),
        };
        let findings: Vec<String> = tool
            .findings
            .iter()
            .map(|f| format!("`{}` ({}, {})", f.rule, f.severity, f.state))
            .collect();
        let outcome = match tool.outcome {
            o if o.needs_action() => format!("**{}**", tool.outcome_text()),
            _ => tool.outcome_text(),
        };
        writeln!(
            out,
            "| {} | {}:{} | {} | {} | {} | {catalog} | {} | {} | {outcome} | {} |",
            cell(&tool.name),
            cell(&tool.file),
            tool.line,
            opt(tool.vendor.as_deref()),
            opt(tool.owner.as_deref()),
            opt(tool.data_classification.as_deref()),
            channels(&tool),
            tool.configured.unwrap_or("-"),
            if findings.is_empty() {
                "-".to_owned()
            } else {
                findings.join("<br>")
            },
        )?;
    }
    writeln!(out)
}

/// The days left, in bold once the risk is expired or expiring.
fn days(risk: &Risk) -> String {
    match (risk.days_text(), risk.state) {
        (Some(text), "expired" | "expiring") => format!("**{text}**"),
        (Some(text), _) => text,
        (None, _) => "-".to_owned(),
    }
}

fn risks(risks: &[Risk], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## Accepted risks\n")?;
    if risks.is_empty() {
        return writeln!(out, "None.\n");
    }
    writeln!(
        out,
        "| tool | rule | location | how | reason | approved by | ticket | expires | days left |\n\
         |---|---|---|---|---|---|---|---|---|"
    )?;
    for risk in risks {
        writeln!(
            out,
            "| {} | `{}` | {}:{} | {} | {} | {} | {} | {} | {} |",
            opt(risk.tool.as_deref()),
            risk.rule,
            cell(&risk.file),
            risk.line,
            kind_text(risk.kind),
            cell(&risk.reason),
            opt(risk.approved_by.as_deref()),
            opt(risk.ticket.as_deref()),
            opt(risk.expires.as_deref()),
            days(risk),
        )?;
    }
    writeln!(out)
}

fn controls(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.controls.is_empty() {
        return Ok(());
    }
    writeln!(out, "## Controls\n")?;
    writeln!(
        out,
        "| control | checked by | not enabled | pass | fail | accepted risk | status |\n\
         |---|---|---|---|---|---|---|"
    )?;
    for control in &report.controls {
        let list = |ids: &[String]| match ids {
            [] => "-".to_owned(),
            ids => ids
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", "),
        };
        let status = match control.status {
            "fail" => "**fail**",
            other => other,
        };
        let status = match control.status {
            "not-tested" => format!("{status} ({})", cell(&control.basis)),
            _ => status.to_owned(),
        };
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {status} |",
            cell(&control.control),
            list(&control.rules),
            list(&control.not_enabled),
            control.pass,
            control.fail,
            control.accepted_risk
        )?;
    }
    writeln!(
        out,
        "\nCounts are tools in scope (and findings about no tool): encryption controls count \
         communication tools the catalog classified, risk-treatment controls the entries of the \
         risk process. A control with nothing judged by an enabled rule is `not-tested`. The \
         mapping of rules to controls is declared in each rule file (`controls:`); it is \
         guidance, not legal advice.\n"
    )
}

fn findings(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## Open findings\n")?;
    if report.findings.is_empty() {
        return writeln!(out, "None.\n");
    }
    writeln!(
        out,
        "| severity | rule | tool | location | finding |\n|---|---|---|---|---|"
    )?;
    for f in report.findings.iter() {
        writeln!(
            out,
            "| {} | `{}` | {} | {}:{}:{} | {} |",
            f.severity,
            f.rule,
            opt(f.tool.as_deref()),
            cell(&f.file),
            f.line,
            f.column,
            cell(&f.message)
        )?;
    }
    writeln!(out)
}

fn changes(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let Some(c) = &report.changes else {
        return Ok(());
    };
    writeln!(out, "## Changes since {}\n", cell(&c.since))?;
    let tool = |t: &PreviousTool| format!("{} ({})", cell(&t.name), cell(&t.file));
    let finding = |f: &PreviousFinding| {
        format!(
            "`{}` {}: {}",
            cell(&f.rule),
            opt(f.tool.as_deref()),
            cell(&f.message)
        )
    };
    let risk = |r: &PreviousRisk| {
        format!(
            "`{}` {} ({}, expires {})",
            cell(&r.rule),
            opt(r.tool.as_deref()),
            cell(&r.kind),
            opt(r.expires.as_deref())
        )
    };
    let lists: [(&str, Vec<String>); 7] = [
        ("Tools added", c.tools_added.iter().map(tool).collect()),
        ("Tools removed", c.tools_removed.iter().map(tool).collect()),
        ("New findings", c.findings_new.iter().map(finding).collect()),
        (
            "Resolved findings",
            c.findings_resolved.iter().map(finding).collect(),
        ),
        (
            "Accepted risks added",
            c.risks_added.iter().map(risk).collect(),
        ),
        (
            "Accepted risks expired",
            c.risks_expired.iter().map(risk).collect(),
        ),
        (
            "Accepted risks removed",
            c.risks_removed.iter().map(risk).collect(),
        ),
    ];
    for (title, items) in lists {
        writeln!(out, "- {title}: {}", items.len())?;
        for item in items {
            writeln!(out, "  - {item}")?;
        }
    }
    writeln!(out)
}

fn sources(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.sources.is_empty() {
        return Ok(());
    }
    writeln!(out, "## Classification sources\n")?;
    writeln!(
        out,
        "| system | note | source | reviewed |\n|---|---|---|---|"
    )?;
    for system in &report.sources {
        let links: Vec<String> = system
            .sources
            .iter()
            .map(|s| format!("<{}> ({})", s.url, s.date))
            .collect();
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(&system.name),
            cell(&system.note),
            links.join("<br>"),
            system.reviewed
        )?;
    }
    writeln!(out)
}
