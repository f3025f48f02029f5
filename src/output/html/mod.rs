//! The compliance report as one self-contained HTML page: inline CSS and SVG, no script, font,
//! image or request to anywhere, so it works offline, as an e-mail attachment and printed to
//! PDF. A Content-Security-Policy forbids scripts; every value from an inventory or config is
//! escaped, and hidden characters are shown as `\u{...}`.

mod chart;
mod header;

use std::io::{self, Write};

use super::evidence::{Report, Risk, ToolOutcome, Tools, kind_text};
use super::sanitize;

/// The page's Content-Security-Policy: nothing may load or run; inline styles only.
pub(crate) const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
                       base-uri 'none'; form-action 'none'";

const STYLE: &str = include_str!("style.css");

/// Escapes text for HTML content and attribute values.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if sanitize::is_hazard(c) => out.push_str(&format!("\\u{{{:04x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// A path that may break after each `/` in a narrow column.
fn path(text: &str) -> String {
    esc(text).replace('/', "/<wbr>")
}

fn opt(value: Option<&str>) -> String {
    value.map_or_else(|| "–".to_owned(), esc)
}

/// A link for `http(s)` URLs, text for anything else.
fn link(url: &str, text: &str) -> String {
    if url.starts_with("https://") || url.starts_with("http://") {
        format!("<a href=\"{}\">{}</a>", esc(url), esc(text))
    } else {
        esc(text)
    }
}

fn title(report: &Report) -> String {
    let orgs = report.header.organizations.join(", ");
    let mut title = String::from("End-to-end encryption compliance report");
    if !orgs.is_empty() {
        title.push_str(" — ");
        title.push_str(&orgs);
    }
    title.push_str(" — ");
    title.push_str(&report.header.evaluated_on);
    title
}

pub(crate) fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let title = esc(&title(report));
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"{} {}\">\n<title>{title}</title>\n\
         <style>\n{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n",
        report.header.generator.name, report.header.generator.version
    )?;
    let verdict_class = match report.summary.verdict {
        "compliant" => "ok",
        _ => "bad",
    };
    writeln!(
        out,
        "<p class=\"verdict {verdict_class}\" id=\"verdict\">Verdict: {}</p>",
        esc(&report.verdict_line())
    )?;
    header::evidence(report, out)?;
    summary(report, out)?;
    tools(&report.tools, out)?;
    risks(&report.accepted_risks, out)?;
    controls(report, out)?;
    findings(report, out)?;
    catalog_overrides(report, out)?;
    changes(report, out)?;
    sources(report, out)?;
    if !report.path_errors.is_empty() {
        writeln!(out, "<section><h2>Paths not read</h2><ul>")?;
        for e in &report.path_errors {
            writeln!(out, "<li>{}: {}</li>", esc(&e.path), esc(&e.message))?;
        }
        writeln!(out, "</ul></section>")?;
    }
    writeln!(
        out,
        "<footer>The mapping of rules to controls is guidance, not legal advice.</footer>\n\
         </body>\n</html>"
    )
}

pub(super) fn row(out: &mut dyn Write, key: &str, value: &str) -> io::Result<()> {
    writeln!(out, "<tr><th scope=\"row\">{key}</th><td>{value}</td></tr>")
}

fn summary(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let s = &report.summary;
    writeln!(
        out,
        "<section id=\"summary\"><h2>Summary</h2><div class=\"summary\"><table class=\"kv\"><tbody>"
    )?;
    row(out, "Inventory files", &s.files.to_string())?;
    row(out, "Tools listed", &s.tools_listed.to_string())?;
    row(out, "Tools in scope", &s.tools_in_scope.to_string())?;
    let c = &s.coverage;
    row(
        out,
        "Communication tools (in the catalog / unclassified / ambiguous)",
        &format!(
            "{} ({} / {} / {})",
            c.communication, c.catalog, c.unclassified, c.ambiguous
        ),
    )?;
    row(out, "Communication tools judged", &c.judged.to_string())?;
    row(out, "Tools with invalid fields", &c.invalid.to_string())?;
    row(out, "Tools not applicable", &c.not_applicable.to_string())?;
    row(
        out,
        "Files with no tool",
        &c.files_without_tools.to_string(),
    )?;
    for o in ToolOutcome::ALL {
        row(out, o.as_str(), &s.outcomes.get(o).to_string())?;
    }
    row(
        out,
        "Open findings (error / warning / info)",
        &format!(
            "{} / {} / {}",
            s.open_findings.error, s.open_findings.warning, s.open_findings.info
        ),
    )?;
    row(out, "Accepted risks", &s.accepted_risks.to_string())?;
    row(out, "Paths not read", &s.unreadable_paths.to_string())?;
    writeln!(out, "</tbody></table><div class=\"charts\">")?;
    writeln!(
        out,
        "<figure>{}<figcaption>Tools by outcome</figcaption></figure>",
        chart::outcomes(report)
    )?;
    writeln!(
        out,
        "<figure>{}<figcaption>E2EE status per channel in use</figcaption></figure>",
        chart::channels(report)
    )?;
    writeln!(out, "</div></div></section>")
}

fn tools(tools: &Tools, out: &mut dyn Write) -> io::Result<()> {
    let (listed, folded) = super::evidence::by_action(tools);
    writeln!(
        out,
        "<section id=\"tools\"><h2>Tools</h2><p class=\"note\">Tools that need action come \
         first; outcomes are defined in the README.</p><table class=\"tools\"><thead><tr>\
         <th>tool</th><th>location</th><th>vendor</th><th>owner</th><th>data</th><th>catalog</th>\
         <th>channels (catalog status)</th><th>configured</th><th>outcome</th><th>findings</th>\
         </tr></thead><tbody>"
    )?;
    for t in listed.iter().filter_map(|&i| tools.get(i)) {
        let catalog = match (&t.catalog_name, &t.reviewed, &t.catalog_id) {
            (Some(name), Some(reviewed), Some(id)) => format!(
                "<a href=\"#src-{}\">{}</a><br><small>reviewed {}</small>",
                esc(id),
                esc(name),
                esc(reviewed)
            ),
            _ => "not in the catalog".into(),
        };
        let channels: Vec<String> = t
            .channels
            .iter()
            .map(|c| {
                // The catalog's scope is the tooltip: which surfaces the status covers.
                let scope = c.describe();
                format!(
                    "<span class=\"st st-{0}\" title=\"{2}\">{1}: {0}</span>",
                    c.status,
                    c.channel,
                    esc(&scope)
                )
            })
            .collect();
        let findings: Vec<String> = t
            .findings
            .iter()
            .map(|f| {
                format!(
                    "<span class=\"f f-{}\" title=\"{}\">{} ({}, {})</span>",
                    f.state,
                    esc(&f.message),
                    esc(&f.rule),
                    f.severity,
                    f.state
                )
            })
            .collect();
        writeln!(
            out,
            "<tr><td>{}</td><td>{}:{}</td><td>{}</td><td>{}</td><td>{}</td><td>{catalog}</td>\
             <td>{}</td><td>{}</td><td><span class=\"o o-{o}\">{text}</span></td><td>{}</td></tr>",
            esc(&t.name),
            path(&t.file),
            t.line,
            opt(t.vendor.as_deref()),
            opt(t.owner.as_deref()),
            opt(t.data_classification.as_deref()),
            if channels.is_empty() {
                "–".into()
            } else {
                channels.join("<br>")
            },
            t.configured.unwrap_or("–"),
            if findings.is_empty() {
                "–".into()
            } else {
                findings.join("<br>")
            },
            o = t.outcome.as_str(),
            text = esc(&t.outcome_text()),
        )?;
    }
    writeln!(out, "</tbody></table>")?;
    if !folded.is_empty() {
        writeln!(
            out,
            "<details id=\"not-applicable\"><summary>{} tool(s) not applicable</summary><ul>",
            folded.len()
        )?;
        for (reason, names) in super::evidence::by_reason(tools, &folded) {
            write!(out, "<li>{} ({}): ", esc(&reason), names.len())?;
            for (i, name) in names.iter().enumerate() {
                let sep = if i == 0 { "" } else { ", " };
                write!(out, "{sep}{}", esc(name))?;
            }
            writeln!(out, "</li>")?;
        }
        writeln!(out, "</ul></details>")?;
    }
    writeln!(out, "</section>")
}

fn risks(risks: &[Risk], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<section id=\"risks\"><h2>Accepted risks</h2>")?;
    if risks.is_empty() {
        return writeln!(out, "<p>None.</p></section>");
    }
    writeln!(
        out,
        "<table><thead><tr><th>tool</th><th>rule</th><th>location</th><th>how</th><th>reason</th>\
         <th>approved by</th><th>ticket</th><th>expires</th><th>days left</th></tr></thead><tbody>"
    )?;
    for r in risks {
        writeln!(
            out,
            "<tr class=\"risk-{}\"><td>{}</td><td>{}</td><td>{}:{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            r.state,
            opt(r.tool.as_deref()),
            esc(&r.rule),
            path(&r.file),
            r.line,
            kind_text(r.kind),
            esc(&r.reason),
            opt(r.approved_by.as_deref()),
            opt(r.ticket.as_deref()),
            opt(r.expires.as_deref()),
            r.days_text().unwrap_or_else(|| "–".into())
        )?;
    }
    writeln!(out, "</tbody></table></section>")
}

fn controls(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<section id=\"controls\"><h2>Controls</h2>")?;
    writeln!(
        out,
        "<table><thead><tr><th>control</th><th>checked by</th><th>not enabled</th>\
         <th>pass</th><th>fail</th><th>accepted risk</th><th>status</th></tr></thead><tbody>"
    )?;
    let list = |ids: &[String]| match ids {
        [] => "–".to_owned(),
        ids => esc(&ids.join(", ")),
    };
    for c in &report.controls {
        let why = match c.status {
            "not-tested" => format!("<br><small>{}</small>", esc(&c.basis)),
            _ => String::new(),
        };
        writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td><span class=\"c c-{6}\">{6}</span>{why}</td></tr>",
            esc(&c.control),
            list(&c.rules),
            list(&c.not_enabled),
            c.pass,
            c.fail,
            c.accepted_risk,
            c.status
        )?;
    }
    writeln!(
        out,
        "</tbody></table><p class=\"note\">Counts are tools in scope (and findings about no \
         tool): encryption controls count communication tools the catalog classified, \
         risk-treatment controls the entries of the risk process. A control with nothing judged \
         by an enabled rule is <code>not-tested</code>. The mapping is declared in each rule \
         file (<code>controls:</code>); it is guidance, not legal advice.</p></section>"
    )
}

fn findings(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<section id=\"findings\"><h2>Open findings</h2>")?;
    if report.findings.is_empty() {
        return writeln!(out, "<p>None.</p></section>");
    }
    writeln!(
        out,
        "<table><thead><tr><th>severity</th><th>rule</th><th>tool</th><th>location</th>\
         <th>finding</th></tr></thead><tbody>"
    )?;
    for f in report.findings.iter() {
        writeln!(
            out,
            "<tr><td class=\"sev-{0}\">{0}</td><td>{1}</td><td>{2}</td><td>{3}:{4}:{5}</td><td>{6}</td></tr>",
            f.severity,
            esc(&f.rule),
            opt(f.tool.as_deref()),
            path(&f.file),
            f.line,
            f.column,
            esc(&f.message)
        )?;
    }
    writeln!(out, "</tbody></table></section>")
}

/// Every company change to the catalog: the verdict rests on them.
fn catalog_overrides(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.catalog_overrides.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "<section id=\"catalog-overrides\"><h2>Catalog overrides</h2>\n<p>The company's config \
         changes the catalog; these statuses are its word, not the vendors' sources.</p>\n\
         <table><thead><tr><th>config</th><th>change</th><th>reason</th><th>source</th></tr>\
         </thead><tbody>"
    )?;
    for c in &report.catalog_overrides {
        writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&c.config),
            esc(&c.summary),
            opt(c.reason.as_deref()),
            opt(c.source.as_deref())
        )?;
    }
    writeln!(out, "</tbody></table></section>")
}

fn changes(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let Some(c) = &report.changes else {
        return Ok(());
    };
    writeln!(
        out,
        "<section id=\"changes\"><h2>Changes since {}</h2><ul>",
        esc(&c.since)
    )?;
    let mut list = |title: &str, items: Vec<String>| -> io::Result<()> {
        writeln!(out, "<li>{title}: {}", items.len())?;
        if !items.is_empty() {
            writeln!(
                out,
                "<ul>{}</ul>",
                items
                    .iter()
                    .map(|i| format!("<li>{i}</li>"))
                    .collect::<String>()
            )?;
        }
        writeln!(out, "</li>")
    };
    let tool = |t: &super::evidence::PreviousTool| format!("{} ({})", esc(&t.name), esc(&t.file));
    let finding = |f: &super::evidence::PreviousFinding| {
        format!(
            "{} {}: {}",
            esc(&f.rule),
            opt(f.tool.as_deref()),
            esc(&f.message)
        )
    };
    let risk = |r: &super::evidence::PreviousRisk| {
        format!(
            "{} {} ({}, expires {})",
            esc(&r.rule),
            opt(r.tool.as_deref()),
            esc(&r.kind),
            opt(r.expires.as_deref())
        )
    };
    list("Tools added", c.tools_added.iter().map(tool).collect())?;
    list("Tools removed", c.tools_removed.iter().map(tool).collect())?;
    list("New findings", c.findings_new.iter().map(finding).collect())?;
    list(
        "Resolved findings",
        c.findings_resolved.iter().map(finding).collect(),
    )?;
    list(
        "Accepted risks added",
        c.risks_added.iter().map(risk).collect(),
    )?;
    list(
        "Accepted risks expired",
        c.risks_expired.iter().map(risk).collect(),
    )?;
    list(
        "Accepted risks removed",
        c.risks_removed.iter().map(risk).collect(),
    )?;
    writeln!(out, "</ul></section>")
}

fn sources(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.sources.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "<section id=\"sources\"><h2>Classification sources</h2><table><thead><tr>\
         <th>system</th><th>note</th><th>sources</th><th>reviewed</th></tr></thead><tbody>"
    )?;
    for s in &report.sources {
        let links: Vec<String> = s
            .sources
            .iter()
            .map(|src| format!("{} ({})", link(&src.url, &src.title), esc(&src.date)))
            .collect();
        writeln!(
            out,
            "<tr id=\"src-{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&s.id),
            esc(&s.name),
            esc(&s.note),
            links.join("<br>"),
            esc(&s.reviewed)
        )?;
    }
    writeln!(out, "</tbody></table></section>")
}
