//! Renderers: one module per output format. None of them knows any rule.

pub(crate) mod csv;
pub(crate) mod evidence;
pub(crate) mod fingerprint;
pub(crate) mod github;
pub(crate) mod gitlab;
#[cfg(test)]
mod help_links;
pub(crate) mod html;
pub(crate) mod human;
pub(crate) mod json;
pub(crate) mod json_text;
pub(crate) mod junit;
pub(crate) mod merged;
pub(crate) mod oscal;
pub(crate) mod report;
pub(crate) mod report_json;
pub(crate) mod sarif;
#[cfg(test)]
mod testing;

use std::io::{self, Write};

use crate::Outcome;
pub(crate) use crate::text::{excerpt, locate, sanitize};

/// The manual's site (the mdBook under `docs/`), Cargo.toml's `package.homepage`: the one place
/// to change it.
pub(crate) const MANUAL_URL: &str = env!("CARGO_PKG_HOMEPAGE");

/// Overrides [`docs_url`] at run time, e.g. with an internal mirror of the manual.
pub(crate) const DOCS_URL_ENV: &str = "E2EE_LINT_DOCS_URL";

/// The manual's base URL, for SARIF `informationUri` and every rule's `helpUri`, with no
/// trailing `/`: `$E2EE_LINT_DOCS_URL` when set and not blank, else [`MANUAL_URL`]. Read once
/// per process.
pub(crate) fn docs_url() -> &'static str {
    static URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    URL.get_or_init(|| {
        std::env::var(DOCS_URL_ENV)
            .ok()
            .map(|url| url.trim().to_owned())
            .filter(|url| !url.is_empty())
            .unwrap_or_else(|| MANUAL_URL.to_owned())
            .trim_end_matches('/')
            .to_owned()
    })
}

/// Where a rule's documentation is: its page in the manual, `rules/<id>.html` (written by
/// `src/manual.rs`, built by mdBook).
pub(crate) fn rule_help_uri(rule_id: &str) -> String {
    format!("{}/rules/{rule_id}.html", docs_url())
}

/// The run's catalog changes with every text escaped for machine formats (bidi controls and
/// line separators shown as escapes; the format encodes the rest), in the outcome's order.
pub(crate) fn catalog_changes(outcome: &Outcome) -> Vec<crate::outcome::CatalogChange> {
    let esc = |t: &str| sanitize::invisible(t).into_owned();
    outcome
        .catalog_changes
        .iter()
        .map(|c| {
            let mut c = c.clone();
            c.config = esc(&c.config);
            c.name = esc(&c.name);
            c.system = esc(&c.system);
            c.summary = esc(&c.summary);
            c.reason = c.reason.as_deref().map(esc);
            c.source = c.source.as_deref().map(esc);
            c
        })
        .collect()
}

/// An output format of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics on standard error, then a summary line.
    Human,
    /// The versioned JSON contract (`"version": 2`).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// JUnit XML: one test suite per file, one test case per tool.
    Junit,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// GitLab Code Quality JSON (Code Climate issues).
    Gitlab,
    /// The compliance report in Markdown: evidence header, summary, tools, accepted risks,
    /// controls, changes (`report` is an alias).
    #[value(alias = "report")]
    Markdown,
    /// The compliance report as one self-contained HTML page (inline CSS and SVG, no script).
    Html,
    /// The report's tools table as CSV, one row per tool.
    Csv,
    /// The compliance report as versioned JSON (`"version": 2`, schemas/report.schema.json).
    ReportJson,
    /// An OSCAL 1.1.2 assessment-results document, for GRC platforms.
    Oscal,
}

/// How to draw human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// ANSI colours.
    pub color: bool,
    /// Unicode box drawing (a terminal) rather than ASCII (logs, files).
    pub unicode: bool,
    /// Wrap width in columns.
    pub width: usize,
}

impl Style {
    /// Plain ASCII without colours: for pipes, CI logs and snapshots.
    pub const PLAIN: Style = Style {
        color: false,
        unicode: false,
        width: 100,
    };
}

/// Writes `outcome` in `format` to `out`. Renderers read only the outcome, which carries the
/// metadata of every rule that can fire (SARIF lists them all); they know no rule.
pub fn render(
    format: Format,
    outcome: &Outcome,
    style: Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(outcome, style, out),
        Format::Json => json::render(outcome, out),
        Format::Sarif => sarif::render(outcome, out),
        Format::Junit => junit::render(outcome, out),
        Format::Github => github::render(outcome, out),
        Format::Gitlab => gitlab::render(outcome, out),
        Format::Markdown => report::render(&evidence::build(outcome), out),
        Format::Html => html::render(&evidence::build(outcome), out),
        Format::Csv => csv::render(&evidence::build(outcome), out),
        Format::ReportJson => report_json::render(&evidence::build(outcome), out),
        Format::Oscal => oscal::render(&evidence::build(outcome), out),
    }
}
