//! The sections only a merged report has (`e2ee-lint merge`), for Markdown and HTML: what the
//! reader must know first (runs on different catalog versions), where each run came from, and
//! each tool across the repositories that list it. Both read only the evidence model.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::evidence::{Report, ToolOutcome, ToolRow};
use super::html::esc;
use super::report::cell;

/// A tool as a merged report groups it: by catalog entry, else by tool id.
fn key(tool: &ToolRow) -> &str {
    tool.catalog_id.as_deref().unwrap_or(&tool.id)
}

/// In-scope tools listed in more than one repository: key, shown name, repositories with the
/// outcome in each (worst first within a repository), in key order.
fn across(report: &Report) -> Vec<(String, Vec<(String, ToolOutcome)>)> {
    let mut groups: BTreeMap<String, (String, BTreeMap<String, ToolOutcome>)> = BTreeMap::new();
    for tool in report
        .tools
        .iter()
        .filter(|t| t.outcome != ToolOutcome::NotApplicable)
    {
        let Some(repository) = tool.repository.as_deref() else {
            continue;
        };
        let name = tool
            .catalog_name
            .as_deref()
            .map_or_else(|| tool.name.to_string(), str::to_owned);
        let entry = groups
            .entry(key(&tool).to_owned())
            .or_insert_with(|| (name, BTreeMap::new()));
        let outcome = entry.1.entry(repository.to_owned()).or_insert(tool.outcome);
        *outcome = (*outcome).min(tool.outcome);
    }
    groups
        .into_values()
        .filter(|(_, repositories)| repositories.len() > 1)
        .map(|(name, repositories)| {
            let list = repositories.into_iter().collect();
            (name, list)
        })
        .collect()
}

pub(crate) fn markdown(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let h = &report.header;
    if h.repositories.is_empty() {
        return Ok(());
    }
    for warning in &h.warnings {
        writeln!(out, "\n**Warning:** {}", cell(warning))?;
    }
    writeln!(out, "\n### Repositories\n")?;
    writeln!(
        out,
        "| repository | commit | evaluated on | tools | verdict | catalog version | policy SHA-256 | inputs SHA-256 |\n|---|---|---|---|---|---|---|---|"
    )?;
    for r in &h.repositories {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | `{}` | `{}` |",
            cell(&r.name),
            cell(r.commit.as_deref().unwrap_or("not set")),
            cell(&r.evaluated_on),
            r.tools,
            cell(&r.verdict),
            cell(&r.catalog_version),
            cell(&r.policy_sha256),
            r.inputs_sha256
        )?;
    }
    let across = across(report);
    if !across.is_empty() {
        writeln!(out, "\n### Tools in several repositories\n")?;
        writeln!(out, "| tool | repositories (outcome) |\n|---|---|")?;
        for (name, repositories) in across {
            let list: Vec<String> = repositories
                .iter()
                .map(|(r, o)| format!("{} ({})", cell(r), o.as_str()))
                .collect();
            writeln!(out, "| {} | {} |", cell(&name), list.join("<br>"))?;
        }
    }
    Ok(())
}

pub(crate) fn html(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let h = &report.header;
    if h.repositories.is_empty() {
        return Ok(());
    }
    for warning in &h.warnings {
        writeln!(
            out,
            "<p class=\"warning\"><strong>Warning:</strong> {}</p>",
            esc(warning)
        )?;
    }
    writeln!(
        out,
        "<style>table.repositories td {{ overflow-wrap: anywhere; }}</style>\
         <h3>Repositories</h3><table class=\"repositories\"><thead><tr><th>repository</th><th>commit</th>\
         <th>evaluated on</th><th>tools</th><th>verdict</th><th>catalog version</th>\
         <th>policy SHA-256</th><th>inputs SHA-256</th></tr></thead><tbody>"
    )?;
    for r in &h.repositories {
        writeln!(
            out,
            "<tr><td>{}</td><td><code class=\"hash\">{}</code></td><td>{}</td><td class=\"n\">{}</td>\
             <td>{}</td><td>{}</td><td><code class=\"hash\">{}</code></td><td><code class=\"hash\">{}</code></td></tr>",
            esc(&r.name),
            esc(r.commit.as_deref().unwrap_or("not set")),
            esc(&r.evaluated_on),
            r.tools,
            esc(&r.verdict),
            esc(&r.catalog_version),
            esc(&r.policy_sha256),
            esc(&r.inputs_sha256)
        )?;
    }
    writeln!(out, "</tbody></table>")?;
    let across = across(report);
    if !across.is_empty() {
        writeln!(
            out,
            "<h3>Tools in several repositories</h3><table><thead><tr><th>tool</th>\
             <th>repositories (outcome)</th></tr></thead><tbody>"
        )?;
        for (name, repositories) in across {
            let list: Vec<String> = repositories
                .iter()
                .map(|(r, o)| format!("{} ({})", esc(r), o.as_str()))
                .collect();
            writeln!(
                out,
                "<tr><td>{}</td><td>{}</td></tr>",
                esc(&name),
                list.join("<br>")
            )?;
        }
        writeln!(out, "</tbody></table>")?;
    }
    Ok(())
}
