//! The documentation commands: `rules` and `explain`.

use crate::engine::rule::{Registry, RuleInfo};
use crate::suggest::did_you_mean;

use super::print_stdout;
use crate::output::Style;
use crate::policy::ConfigChoice;

/// The rules of the working directory: the built-in ones, `--rules` files and the `rule_files`
/// of the config `check` would use there. `Err(code)` when a file is invalid (drawn already).
fn registry_here(
    rules: &[std::path::PathBuf],
    style: Style,
) -> Result<Result<Registry, u8>, String> {
    let max = crate::discover::DEFAULT_MAX_FILE_SIZE;
    let base = Registry::embedded().map_err(|e| e.one_line())?;
    let config = match super::config_for_cwd(&ConfigChoice::Discover, max)? {
        Ok(config) => config,
        Err(errors) => {
            return Ok(Err(super::config_errors(
                &errors,
                style,
                "no rule is shown",
            )));
        }
    };
    let mut files = rules.to_vec();
    files.extend(config.iter().flat_map(|c| c.rule_files.iter().cloned()));
    Ok(base
        .with_custom(&files, max)
        .map_err(|errors| super::rule_errors(&errors, style, "no rule is shown")))
}

/// How `rules` prints the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RulesFormat {
    /// Aligned columns for a terminal.
    Table,
    /// The README's rule table.
    Markdown,
}

pub(super) fn rules(
    format: RulesFormat,
    rule_files: &[std::path::PathBuf],
    style: Style,
) -> Result<u8, String> {
    let registry = match registry_here(rule_files, style)? {
        Ok(registry) => registry,
        Err(code) => return Ok(code),
    };
    let infos = registry.infos();
    let text = match format {
        RulesFormat::Table => rules_table(&infos),
        RulesFormat::Markdown => rules_markdown(&infos),
    };
    print_stdout(&text)
}

/// The rule table as aligned columns.
fn rules_table(rules: &[RuleInfo]) -> String {
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
fn rules_markdown(rules: &[RuleInfo]) -> String {
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

use crate::manual::severity_text;

pub(super) fn explain(
    id: &str,
    rule_files: &[std::path::PathBuf],
    style: Style,
) -> Result<u8, String> {
    let registry = match registry_here(rule_files, style)? {
        Ok(registry) => registry,
        Err(code) => return Ok(code),
    };
    let Some(rule) = registry.get(id) else {
        let ids: Vec<&str> = registry.rules().map(|r| &*r.info.id).collect();
        let hint = did_you_mean(id, &ids).unwrap_or_else(|| "see `e2ee-lint rules`".into());
        return Err(format!("unknown rule `{id}`; {hint}"));
    };
    print_stdout(&explain_text(&rule.info))
}

/// A rule's documentation as `explain` prints it.
fn explain_text(rule: &RuleInfo) -> String {
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
