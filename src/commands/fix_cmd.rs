//! `check --fix`, `check --diff` and `check --stdin-filename`: the run's outcome for a named
//! buffer, and the safe fixes applied in place (atomically) or shown as a unified diff.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use super::CheckOptions;
use super::line;
use crate::output::Format;
use crate::pipeline::{self, Error, Request};
use crate::{Outcome, discover, fix};

/// The outcome of the run `args` ask for: the pipeline over the paths, or, with
/// `--stdin-filename`, over standard input named by that path.
pub(super) fn outcome(
    request: &Request,
    args: &CheckOptions,
) -> Result<Result<Outcome, Error>, String> {
    let reads_stdin = request
        .paths
        .iter()
        .any(|p| p == Path::new(discover::STDIN));
    if (args.fix || args.diff) && reads_stdin && args.stdin_filename.is_none() {
        return Err(format!(
            "--{} on standard input needs --stdin-filename PATH: the path finds the config \
             whose fixes apply, and names the file in the output",
            if args.fix { "fix" } else { "diff" }
        ));
    }
    let Some(path) = &args.stdin_filename else {
        if (args.fix || args.diff) && args.format != Format::Human {
            return Err(format!(
                "--{} writes standard output; drop --format, or write it with --output FORMAT=PATH",
                if args.fix { "fix" } else { "diff" }
            ));
        }
        return Ok(pipeline::check(request));
    };
    if !(request.paths.is_empty() || request.paths == [PathBuf::from(discover::STDIN)]) {
        return Err("--stdin-filename names standard input: pass `-` or no path".into());
    }
    if (args.fix || args.diff) && args.format != Format::Human {
        return Err("--fix and --diff with standard input write standard output; drop --format, or write it with --output FORMAT=PATH".into());
    }
    let text = read_stdin(request.settings.max_file_size)?;
    Ok(pipeline::check_document(path, text, &request.settings))
}

fn read_stdin(max_size: u64) -> Result<String, String> {
    let mut bytes = Vec::new();
    io::stdin()
        .lock()
        .take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("standard input: {}", discover::io_message(&e)))?;
    if bytes.len() as u64 > max_size {
        return Err(format!(
            "standard input: larger than --max-file-size ({max_size} bytes); refusing to read it"
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "standard input: invalid UTF-8 at byte {}",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Plans the fixes of every file of `outcome` and prints (`--diff`) or applies (`--fix`) them.
/// Returns the outcome to report: after `--fix`, the run again over the fixed files.
pub(super) fn apply(
    request: &Request,
    args: &CheckOptions,
    outcome: Outcome,
) -> Result<Outcome, String> {
    let settings = &request.settings;
    let mut fixed_files = 0;
    let mut fixes = 0;
    let mut failed = Vec::new();
    // Files whose fix was not written (changed meanwhile, hard links, a link out of the
    // repository): reported like unreadable paths, so the run exits 2.
    let mut skipped: Vec<discover::PathError> = Vec::new();
    let mut stdin_text = None;
    for file in &outcome.files {
        let from_stdin = args.stdin_filename.is_some();
        if file.source.path == Path::new(discover::STDIN) {
            continue; // an unnamed buffer: nothing to discover its policy by
        }
        let quick = fix::safe_fixes(file, &outcome.findings);
        let planned = if quick.is_empty() {
            fix::Planned::default()
        } else {
            fix::plan(&file.source.path, &file.source.text, settings).map_err(usage)?
        };
        let Some(new) = planned.text else {
            if from_stdin && args.fix {
                stdin_text = Some(file.source.text.as_str().to_owned());
            }
            continue;
        };
        fixes += planned.fixes.len();
        fixed_files += 1;
        if args.diff {
            match fix::unified_diff(&file.source.name, &file.source.text, &new) {
                Ok(diff) => print(&diff)?,
                Err(message) => failed.push(format!("refusing the diff of {message}")),
            }
        } else if from_stdin {
            stdin_text = Some(new);
        } else {
            let written = fix::fixed_file(&file.source.path, &file.source.text, &new);
            if let Err(message) = written {
                fixed_files -= 1;
                fixes -= planned.fixes.len();
                skipped.push(discover::PathError {
                    path: file.source.name.clone(),
                    message,
                });
            }
        }
    }
    if !failed.is_empty() {
        return Err(failed.join("; "));
    }
    let plural = |n: usize, word: &str| {
        let ending = match (n, word.ends_with('x')) {
            (1, _) => "",
            (_, true) => "es",
            _ => "s",
        };
        format!("{n} {word}{ending}")
    };
    if args.diff {
        line(&format!(
            "{} in {} (apply with --fix)",
            plural(fixes, "fix"),
            plural(fixed_files, "file")
        ));
        return Ok(outcome);
    }
    line(&format!(
        "fixed {} in {}",
        plural(fixes, "finding"),
        plural(fixed_files, "file")
    ));
    if let (Some(text), Some(path)) = (stdin_text, &args.stdin_filename) {
        print(&text)?;
        return pipeline::check_document(path, text, settings).map_err(usage);
    }
    let mut outcome = if fixed_files == 0 {
        outcome
    } else {
        pipeline::check(request).map_err(usage)?
    };
    outcome.path_errors.extend(skipped);
    Ok(outcome)
}

fn usage(error: Error) -> String {
    match error {
        Error::Usage(message) => message,
        Error::Config(errors) => format!(
            "invalid configuration ({} problem{})",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        ),
        Error::Rules(errors) => errors
            .first()
            .map_or_else(|| "invalid rule file".into(), |e| e.one_line()),
    }
}

fn print(text: &str) -> Result<(), String> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!(
            "cannot write standard output: {}",
            discover::io_message(&e)
        )),
    }
}
