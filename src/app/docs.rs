//! The documentation commands: `rules`, `explain` and `catalog`, and the README's generated
//! rules section.

use crate::catalog::Catalog;
use crate::cli::RulesFormat;
use crate::engine::rule::{Registry, RuleInfo};
use crate::inventory::did_you_mean;

use super::print_stdout;

pub(super) fn rules(format: RulesFormat) -> Result<u8, String> {
    let registry = Registry::embedded().map_err(|e| e.to_string())?;
    let infos = registry.infos();
    let text = match format {
        RulesFormat::Table => rules_table(&infos),
        RulesFormat::Markdown => rules_markdown(&infos),
    };
    print_stdout(&text)
}

/// The rule table as aligned columns.
pub fn rules_table(rules: &[RuleInfo]) -> String {
    let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = format!("{:width$}  {:8}  SUMMARY\n", "RULE", "SEVERITY");
    for rule in rules {
        out.push_str(&format!(
            "{:width$}  {:8}  {}\n",
            rule.id,
            rule.severity.as_str(),
            rule.summary
        ));
    }
    out
}

/// The README's rules section: a table, then each rule's documentation (tested to match).
pub fn rules_markdown(rules: &[RuleInfo]) -> String {
    let mut out = String::from("| rule | default severity | summary |\n|---|---|---|\n");
    for rule in rules {
        out.push_str(&format!(
            "| [`{id}`](#{id}) | {} | {} |\n",
            severity_text(rule),
            rule.summary,
            id = rule.id
        ));
    }
    for rule in rules {
        out.push_str(&format!(
            "\n### `{}`\n\n**{}**: {}.\n\n",
            rule.id,
            severity_text(rule),
            rule.summary,
        ));
        if !rule.controls.is_empty() {
            out.push_str(&format!("Controls: {}.\n\n", rule.controls.join("; ")));
        }
        out.push_str(&rule.docs.trim_end().replace("## ", "#### "));
        out.push('\n');
    }
    out
}

/// "warning", or "warning; error when escalated" for rules with an escalation.
fn severity_text(rule: &RuleInfo) -> String {
    let mut text = rule.severity.as_str().to_owned();
    for escalation in &rule.escalations {
        text.push_str(&format!("; {escalation} when escalated"));
    }
    text
}

pub(super) fn explain(id: &str) -> Result<u8, String> {
    let registry = Registry::embedded().map_err(|e| e.to_string())?;
    let Some(rule) = registry.get(id) else {
        let ids: Vec<&str> = registry.rules().map(|r| r.info.id.as_str()).collect();
        let hint = did_you_mean(id, &ids).unwrap_or_else(|| "see `e2ee-lint rules`".into());
        return Err(format!("unknown rule `{id}`; {hint}"));
    };
    print_stdout(&explain_text(&rule.info))
}

/// A rule's documentation as `explain` prints it.
pub fn explain_text(rule: &RuleInfo) -> String {
    let mut out = format!("{} ({})\n\n{}\n\n", rule.id, rule.severity, rule.summary);
    for escalation in &rule.escalations {
        out.push_str(&format!(
            "Severity: {} by default, {escalation} when its escalation condition holds.\n\n",
            rule.severity
        ));
    }
    if !rule.controls.is_empty() {
        out.push_str(&format!("Controls: {}.\n\n", rule.controls.join("; ")));
    }
    out.push_str(rule.docs.trim_end());
    out.push('\n');
    out
}

pub(super) fn catalog(name: Option<&str>) -> Result<u8, String> {
    let catalog = Catalog::embedded();
    let text = match name {
        None => catalog_table(&catalog),
        Some(name) => {
            let Some(system) = catalog.lookup(name) else {
                let suggestions = catalog.suggest(name);
                let hint = if suggestions.is_empty() {
                    "see `e2ee-lint catalog`".to_owned()
                } else {
                    format!("did you mean `{}`?", suggestions.join("` or `"))
                };
                return Err(format!("`{name}` is not in the catalog; {hint}"));
            };
            catalog_entry(system)
        }
    };
    print_stdout(&text)
}

fn catalog_table(catalog: &Catalog) -> String {
    use crate::catalog::Channel;
    let width = catalog
        .systems()
        .iter()
        .map(|s| s.name.len())
        .max()
        .unwrap_or(0);
    let mut out = format!(
        "{:width$}  {:8}  {:8}  {:8}  ID\n",
        "SYSTEM", "TEXT", "VOICE", "VIDEO"
    );
    for system in catalog.systems() {
        let status = |c: Channel| system.e2ee.get(&c).map_or("-", |s| s.as_str());
        out.push_str(&format!(
            "{:width$}  {:8}  {:8}  {:8}  {}\n",
            system.name,
            status(Channel::Text),
            status(Channel::Voice),
            status(Channel::Video),
            system.id
        ));
    }
    out.push_str(
        "\ndefault = E2EE by default, opt-in = must be enabled, none = no E2EE, - = not offered\n",
    );
    out
}

fn catalog_entry(system: &crate::catalog::System) -> String {
    let mut out = format!("{} ({})\n", system.name, system.id);
    out.push_str(&format!("vendor:   {}\n", system.vendor));
    out.push_str(&format!("category: {}\n", system.category));
    if !system.aliases.is_empty() {
        out.push_str(&format!("aliases:  {}\n", system.aliases.join(", ")));
    }
    out.push_str("e2ee:\n");
    for (channel, support) in system.channels() {
        out.push_str(&format!("  {:6} {support}\n", channel.as_str()));
    }
    out.push_str(&format!("note:     {}\n", system.note));
    out.push_str(&format!("source:   {}\n", system.source));
    out.push_str(&format!("reviewed: {}\n", system.reviewed));
    out
}
