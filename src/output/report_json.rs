//! `report-json`: the evidence report as versioned JSON (`"version": 2`), the contract that
//! `schemas/report.schema.json` describes and `--since` reads back.

use std::io::{self, Write};

use super::evidence::Report;

pub(crate) fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    super::json_text::to_writer_pretty(&mut *out, report).map_err(io::Error::other)?;
    out.write_all(b"\n")
}
