//! `e2ee-lint catalog`: the classification as a compact table, one entry in full, or JSON.
//!
//! It shows the effective catalog of the working directory: the config `check` would use for a
//! file there may add systems and override statuses (`catalog:`), and those are marked.

use crate::catalog::{Catalog, Channel, Confidence, Match, System};

use super::{config_errors, config_for_cwd, print_stdout};
use crate::output::Style;
use crate::policy::ConfigChoice;

/// How `catalog` prints the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CatalogFormat {
    /// A compact table (or one entry in full, with a NAME).
    Table,
    /// `{"version": 1, "systems": [...]}`, every field of every entry.
    Json,
    /// The README's catalog table.
    Markdown,
}

/// The version of `catalog --format json`; bumped on any incompatible change.
const JSON_VERSION: u32 = 1;

pub(super) fn run(
    name: Option<&str>,
    format: CatalogFormat,
    choice: &ConfigChoice,
    style: Style,
) -> Result<u8, String> {
    let config = match config_for_cwd(choice, crate::discover::DEFAULT_MAX_FILE_SIZE)? {
        Ok(config) => config,
        Err(errors) => return Ok(config_errors(&errors, style, "the catalog is not shown")),
    };
    let catalog = crate::policy::config::Config::effective_catalog(config.as_ref());
    let systems: Vec<&System> = match name {
        None => catalog.systems().iter().collect(),
        Some(name) => vec![find(&catalog, name)?],
    };
    let text = match (format, name) {
        (CatalogFormat::Json, _) => json(&systems)?,
        (CatalogFormat::Markdown, _) => markdown(&systems),
        (CatalogFormat::Table, None) => table(&systems),
        (CatalogFormat::Table, Some(_)) => systems.iter().map(|s| entry(s)).collect(),
    };
    print_stdout(&text)
}

/// One system by id, name or alias; ambiguous names list their candidates.
fn find<'c>(catalog: &'c Catalog, name: &str) -> Result<&'c System, String> {
    if let Some(system) = catalog.by_id(name) {
        return Ok(system);
    }
    // Asking the catalog is a question about communication systems: a name with one
    // candidate ("Matrix") shows it.
    match catalog.resolve_tool(name, None, None, true) {
        Match::Found(system, _) => Ok(system),
        Match::Ambiguous(candidates) => {
            let ids: Vec<&str> = candidates.iter().map(|s| s.id.as_str()).collect();
            Err(format!(
                "`{name}` could be several systems: {}; ask for one by id",
                ids.join(", ")
            ))
        }
        Match::Near(near) => Err(format!(
            "`{name}` is not in the catalog; did you mean `{}`?",
            near.iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join("` or `")
        )),
        Match::UnknownPin | Match::NotFound => {
            let suggestions = catalog.suggest(name);
            let hint = if suggestions.is_empty() {
                "see `e2ee-lint catalog`".to_owned()
            } else {
                format!("did you mean `{}`?", suggestions.join("` or `"))
            };
            Err(format!("`{name}` is not in the catalog; {hint}"))
        }
    }
}

fn json(systems: &[&System]) -> Result<String, String> {
    let value = serde_json::json!({"version": JSON_VERSION, "systems": systems});
    serde_json::to_string_pretty(&value)
        .map(|text| text + "\n")
        .map_err(|e| format!("cannot render the catalog: {e}"))
}

use crate::manual::cell_text;

/// The catalog table as Markdown, one row per system (`catalog --format markdown`).
fn markdown(systems: &[&System]) -> String {
    crate::manual::catalog_table(systems, false)
}

fn table(systems: &[&System]) -> String {
    let width = systems
        .iter()
        .map(|s| display_name(s).chars().count())
        .max()
        .unwrap_or(0);
    let mut out = format!("{:width$}", "SYSTEM");
    for channel in Channel::ALL {
        out.push_str(&format!("  {:13}", channel.as_str().to_uppercase()));
    }
    out.push_str("  ID\n");
    for system in systems {
        out.push_str(&format!("{:width$}", display_name(system)));
        for channel in Channel::ALL {
            out.push_str(&format!("  {:13}", cell_text(system, channel)));
        }
        out.push_str(&format!("  {}", system.id));
        if let Some(retired) = &system.retired {
            out.push_str(&format!(" (retired {retired})"));
        }
        out.push('\n');
    }
    out.push_str(
        "\ndefault: always E2EE · partial: E2EE on some surfaces only · opt-in: a user or host \
         turns it on · admin-opt-in: an admin must allow it first · org-keys: the organisation's \
         key service holds the keys (not E2EE) · none: no E2EE\n\
         *: reported by news or third parties only · ?: offered, but no source settles it · -: \
         not offered\n",
    );
    let changes: Vec<String> = systems.iter().flat_map(|s| changes(s)).collect();
    if !changes.is_empty() {
        out.push_str(
            "+: added by the company's config · !: status overridden by the company's config\n\n",
        );
        for line in changes {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// The name column: `+` marks a system the company's config added.
fn display_name(system: &System) -> String {
    match system.added_by {
        Some(_) => format!("{} +", system.name),
        None => system.name.clone(),
    }
}

/// One line per company change to a system: where it is written and why.
fn changes(system: &System) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(added) = &system.added_by {
        lines.push(format!(
            "{} ({}): added at {}",
            system.name, system.id, added.config
        ));
    }
    for (channel, cell) in &system.channels {
        if let Some(p) = &cell.overridden {
            let was = p
                .was
                .map_or_else(|| "no status".to_owned(), |w| w.to_string());
            lines.push(format!(
                "{} {channel}: {} (catalog: {was}), overridden at {}: {} <{}>",
                system.name,
                cell.status,
                p.config,
                p.reason.as_deref().unwrap_or(""),
                p.source.as_deref().unwrap_or("")
            ));
        }
    }
    lines
}

fn entry(system: &System) -> String {
    let mut out = format!("{} ({})\n", system.name, system.id);
    if let Some(added) = &system.added_by {
        out.push_str(&format!(
            "added by the company's config at {}\n",
            added.config
        ));
    }
    let line = |out: &mut String, key: &str, value: &str| {
        out.push_str(&format!("{key:11}{value}\n"));
    };
    line(&mut out, "vendor:", &system.vendor);
    line(&mut out, "category:", &system.category);
    if let Some(part_of) = &system.part_of {
        line(&mut out, "part of:", part_of);
    }
    if !system.includes.is_empty() {
        line(&mut out, "includes:", &system.includes.join(", "));
    }
    if !system.aliases.is_empty() {
        line(&mut out, "aliases:", &system.aliases.join(", "));
    }
    if !system.contextual_aliases.is_empty() {
        let names = system.contextual_aliases.join(", ");
        line(
            &mut out,
            "also:",
            &format!("{names} (with vendor context only)"),
        );
    }
    if let Some(retired) = &system.retired {
        line(&mut out, "retired:", retired);
    }
    line(&mut out, "confidence:", system.confidence.as_str());
    out.push_str("e2ee:\n");
    for (channel, cell) in &system.channels {
        let mut text = format!("  {:11}{}", channel.as_str(), cell.status);
        if system.confidence_of(*channel) == Confidence::Reported {
            text.push_str(" (reported)");
        }
        out.push_str(&text);
        out.push('\n');
        if let Some(p) = &cell.overridden {
            let was = p
                .was
                .map_or_else(|| "no status".to_owned(), |w| w.to_string());
            out.push_str(&format!(
                "    overridden by the company's config at {} (catalog: {was})\n    reason: {}\n    source: {}\n",
                p.config,
                p.reason.as_deref().unwrap_or(""),
                p.source.as_deref().unwrap_or("")
            ));
        }
        for (what, value) in [
            ("scope", cell.scope.as_deref()),
            ("requires", cell.requires.as_deref()),
            ("since", cell.since.as_deref()),
        ] {
            if let Some(value) = value {
                out.push_str(&format!("    {what}: {value}\n"));
            }
        }
        if !cell.sources.is_empty() {
            out.push_str(&format!("    sources: {}\n", cell.sources.join(", ")));
        }
    }
    if !system.unknown.is_empty() {
        let names: Vec<&str> = system.unknown.iter().map(|c| c.as_str()).collect();
        line(
            &mut out,
            "unknown:",
            &format!("{} (no source settles them)", names.join(", ")),
        );
    }
    line(&mut out, "note:", &system.note);
    out.push_str("sources:\n");
    for source in &system.sources {
        out.push_str(&format!(
            "  {}: {} ({}, {}) <{}>\n",
            source.id, source.title, source.kind, source.date, source.url
        ));
    }
    line(&mut out, "reviewed:", &system.reviewed);
    out
}
