//! Renderers: one module per output format. None of them knows any rule.

pub mod excerpt;
pub mod fingerprint;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod locate;
pub mod report;
pub mod sanitize;
pub mod sarif;

use std::io::{self, Write};

use crate::Outcome;

/// The project's home, for SARIF `informationUri` and each rule's `helpUri` (the README's anchor
/// for the rule). A placeholder until the project is published: change it here only.
pub const REPOSITORY_URL: &str = "https://github.com/e2ee-lint/e2ee-lint";

/// Where a rule's documentation is: its heading in the README.
pub fn rule_help_uri(rule_id: &str) -> String {
    format!("{REPOSITORY_URL}#{rule_id}")
}

/// An output format of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics on standard error, then a summary line.
    Human,
    /// The versioned JSON contract (`"version": 1`).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// JUnit XML: one test suite per file, one test case per tool.
    Junit,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// GitLab Code Quality JSON (Code Climate issues).
    Gitlab,
    /// A Markdown compliance report: tools, classification, findings, accepted risks, controls.
    Report,
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
        Format::Report => report::render(outcome, out),
    }
}
