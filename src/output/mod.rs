//! Renderers: one module per output format. None of them knows any rule.

pub mod human;
pub mod json;

use std::io::{self, Write};

use crate::Outcome;

/// An output format of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics on standard error, then a summary line.
    Human,
    /// The versioned JSON contract (`"version": 1`).
    Json,
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

/// Writes `outcome` in `format` to `out`.
pub fn render(
    format: Format,
    outcome: &Outcome,
    style: Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(outcome, style, out),
        Format::Json => json::render(outcome, out),
    }
}
