//! `e2ee-lint merge`: reads the runs' `report-json` files, draws each unreadable one as a
//! located diagnostic, merges the rest and writes every requested evidence format atomically.
//!
//! Exit codes (README "Exit codes"): 2 when an input could not be merged (the others are still
//! merged and every output written, the report saying which input is missing) or an output
//! could not be written; else 1 when a merged run has open findings at or above its own
//! `--fail-on`; else 0.

use std::io::{self, Write};

use clap::ValueEnum;
use std::path::Path;
use std::sync::Arc;

use super::{error_line, exit};
use crate::discover;
use crate::merge::{InputError, Merger};
use crate::output::evidence::Report;
use crate::output::{self, Format, Style};
use crate::source::display_name;
use crate::write::{self, Target};

/// What `merge` reads and writes: [`super::Command::Merge`]'s fields, which document them.
#[derive(Debug, Clone)]
pub(super) struct MergeOptions {
    pub(super) reports: Vec<std::path::PathBuf>,
    pub(super) format: Format,
    pub(super) outputs: Vec<super::OutputTarget>,
    pub(super) organization: Option<String>,
    pub(super) max_file_size: u64,
}

/// The formats a merged report renders: the evidence formats.
const EVIDENCE: &[Format] = &[
    Format::Markdown,
    Format::Html,
    Format::Csv,
    Format::ReportJson,
    Format::Oscal,
];

fn render(format: Format, report: &Report, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Html => output::html::render(report, out),
        Format::Csv => output::csv::render(report, out),
        Format::ReportJson => output::report_json::render(report, out),
        Format::Oscal => output::oscal::render(report, out),
        _ => output::report::render(report, out),
    }
}

pub(super) fn run(args: &MergeOptions, style: Style) -> Result<u8, String> {
    let formats = std::iter::once(args.format).chain(args.outputs.iter().map(|t| t.format));
    for format in formats {
        if !EVIDENCE.contains(&format) {
            return Err(format!(
                "merge writes evidence formats (markdown, html, csv, report-json, oscal), not {}",
                format
                    .to_possible_value()
                    .map_or_else(String::new, |v| v.get_name().to_owned())
            ));
        }
    }
    let inputs: Vec<(write::FileId, &str)> = args
        .reports
        .iter()
        .filter_map(|p| write::file_id(p).map(|id| (id, "an input report")))
        .collect();
    let targets: Vec<Target> = args
        .outputs
        .iter()
        .filter(|t| t.path != Path::new(write::STDOUT))
        .map(|t| Target {
            flag: "--output",
            what: "a merged report",
            path: &t.path,
        })
        .collect();
    write::check_targets(&targets, &inputs)?;
    // Inputs in path order, so the same set of files gives the same bytes.
    let mut paths: Vec<&Path> = args.reports.iter().map(|p| p.as_path()).collect();
    paths.sort();
    paths.dedup();
    let mut merger = Merger::new();
    let mut errors: Vec<InputError> = Vec::new();
    for path in paths {
        let result = match discover::read(path, args.max_file_size) {
            Ok(read) => {
                let name = read.source.name.clone();
                let text = Arc::clone(&read.source.text);
                drop(read);
                merger.add(&name, text)
            }
            Err(e) => Err(InputError::unreadable(&e.path, e.message)),
        };
        if let Err(error) = result {
            merger.missing(&error);
            errors.push(error);
        }
    }
    if !errors.is_empty() {
        let handler = output::human::handler(style);
        let mut text = String::new();
        for error in &errors {
            let _ = handler.render_report(&mut text, error);
            text.push('\n');
        }
        let _ = io::stderr().lock().write_all(text.as_bytes());
    }
    if merger.runs() == 0 {
        return Err("no report could be merged; nothing was written".into());
    }
    let fails = merger.fails();
    let report = merger.finish(args.organization.clone());
    let mut failed = false;
    let stdout_format = args
        .outputs
        .iter()
        .find(|t| t.path == Path::new(write::STDOUT))
        .map_or(args.format, |t| t.format);
    let to_stdout = (|| {
        let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
        render(stdout_format, &report, &mut out)?;
        out.flush()
    })();
    match to_stdout {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            error_line(&format!(
                "cannot write standard output: {}",
                discover::io_message(&e)
            ));
            failed = true;
        }
    }
    // The formats are independent: each output file is rendered on its own thread.
    let written: Vec<bool> = std::thread::scope(|scope| {
        let report = &report;
        let handles: Vec<_> = args
            .outputs
            .iter()
            .filter(|t| t.path != Path::new(write::STDOUT))
            .map(|target| {
                scope.spawn(move || {
                    let result =
                        write::atomic(&target.path, |out| render(target.format, report, out));
                    if let Err(e) = &result {
                        let path = display_name(&target.path);
                        error_line(&format!("cannot write {path}: {}", discover::io_message(e)));
                    }
                    result.is_ok()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or(false))
            .collect()
    });
    failed |= written.contains(&false);
    if !errors.is_empty() {
        error_line(&format!(
            "{} of {} report(s) could not be merged; the merged report names them and is incomplete",
            errors.len(),
            errors.len() + report.header.repositories.len()
        ));
    }
    std::mem::forget(report);
    Ok(if failed || !errors.is_empty() {
        exit::USAGE
    } else if fails {
        exit::FINDINGS
    } else {
        exit::OK
    })
}
