//! `check`: runs the pipeline, then writes every requested output (the `--format` stream,
//! `--output` files, the `--write-baseline` file) and decides the exit code.

use std::io::{self, Write};
use std::path::Path;

use super::OutputTarget;
use super::{error_line, exit, exit_code, line};
use crate::output::{self, Format, Style};
use crate::pipeline::{self, Request};
use crate::write::{self, FileId, Target};
use crate::{Outcome, discover, policy};

/// What `check` does besides running the pipeline: [`super::Command::Check`]'s fields, which
/// document them.
#[derive(Debug, Clone)]
pub(super) struct CheckOptions {
    pub(super) format: Format,
    pub(super) outputs: Vec<OutputTarget>,
    pub(super) write_baseline: Option<std::path::PathBuf>,
    pub(super) fix: bool,
    pub(super) diff: bool,
    pub(super) stdin_filename: Option<std::path::PathBuf>,
    pub(super) framework: Option<String>,
    pub(super) since: Option<std::path::PathBuf>,
    pub(super) evidence_commit: Option<String>,
    pub(super) organization: Option<String>,
    pub(super) repository: Option<String>,
}

pub(super) fn check(request: &Request, args: &CheckOptions, style: Style) -> Result<u8, String> {
    let mut outcome = match super::fix_cmd::outcome(request, args)? {
        Ok(outcome) if args.fix || args.diff => super::fix_cmd::apply(request, args, outcome)?,
        Ok(outcome) => outcome,
        Err(pipeline::Error::Usage(message)) => return Err(message),
        Err(pipeline::Error::Config(errors)) => {
            return Ok(super::config_errors(&errors, style, "nothing was checked"));
        }
        Err(pipeline::Error::Rules(errors)) => {
            return Ok(super::rule_errors(&errors, style, "nothing was checked"));
        }
    };
    check_targets(args, &outcome)?;
    evidence_context(args, request.settings.max_file_size, &mut outcome)?;
    let mut failed = false;
    if let Some(path) = &args.write_baseline {
        failed |= !write_baseline(path, &mut outcome, request.settings.max_file_size);
    }
    let stdout = if args.format == Format::Human {
        failed |= !emit(Stream::Stderr, args.format, &outcome, style);
        args.outputs
            .iter()
            .find(|t| t.path == Path::new(write::STDOUT))
            .map(|t| t.format)
    } else {
        for error in &outcome.path_errors {
            error_line(&error.to_string());
        }
        Some(args.format)
    };
    if let Some(format) = stdout {
        failed |= !emit(Stream::Stdout, format, &outcome, style);
    }
    for target in &args.outputs {
        if target.path == Path::new(write::STDOUT) {
            continue;
        }
        let written = write::atomic(&target.path, |out| {
            output::render(target.format, &outcome, Style::PLAIN, out)
        });
        if let Err(e) = written {
            let path = discover::display_name(&target.path);
            error_line(&format!(
                "cannot write {path}: {}",
                discover::io_message(&e)
            ));
            failed = true;
        }
    }
    let code = if failed {
        exit::USAGE
    } else {
        exit_code(&outcome)
    };
    // The process ends next; freeing a large outcome one allocation at a time would only
    // delay the exit (tens of milliseconds on a 100,000-tool inventory).
    std::mem::forget(outcome);
    Ok(code)
}

#[derive(Clone, Copy)]
enum Stream {
    Stdout,
    Stderr,
}

/// Renders one format to a standard stream; false (reported) when the stream cannot be
/// written. A reader that stops early (`| head`) is not a failure and does not change the
/// verdict.
fn emit(stream: Stream, format: Format, outcome: &Outcome, style: Style) -> bool {
    let render = |out: &mut dyn Write| {
        let mut buffered = io::BufWriter::with_capacity(1 << 16, out);
        output::render(format, outcome, style, &mut buffered)?;
        buffered.flush()
    };
    if matches!(stream, Stream::Stdout) && stdout_closed() {
        error_line("cannot write standard output: it is closed; nothing was written");
        return false;
    }
    let (result, name) = match stream {
        Stream::Stdout => (render(&mut io::stdout().lock()), "standard output"),
        Stream::Stderr => (render(&mut io::stderr().lock()), "standard error"),
    };
    match result {
        Ok(()) => true,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => true,
        Err(e) => {
            error_line(&format!(
                "cannot write {name}: {}",
                discover::io_message(&e)
            ));
            false
        }
    }
}

/// Whether the run started with standard output closed (`>&-`). The Rust runtime reopens a
/// closed standard stream on `/dev/null` for reading and writing, so every write "succeeds"
/// and a machine format would vanish with exit 0 or 1; a shell's `>/dev/null` opens it for
/// writing only, which is told apart by the access mode.
fn stdout_closed() -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        let Ok(meta) = std::fs::metadata("/proc/self/fd/1") else {
            return false;
        };
        // /dev/null is character device 1:3.
        if !meta.file_type().is_char_device() || meta.rdev() != 0x103 {
            return false;
        }
        let Ok(info) = std::fs::read_to_string("/proc/self/fdinfo/1") else {
            return false;
        };
        let flags = info
            .lines()
            .find_map(|l| l.strip_prefix("flags:"))
            .and_then(|f| u32::from_str_radix(f.trim(), 8).ok());
        // O_RDWR: the runtime's reopening, never a shell redirection of standard output.
        flags.is_some_and(|f| f & 0o3 == 0o2)
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// Refuses, before anything is written, an output that is an input (inventory, standard
/// input, config, baseline), two outputs that are one file, and two writers of standard
/// output.
fn check_targets(args: &CheckOptions, outcome: &Outcome) -> Result<(), String> {
    let mut to_stdout = args
        .outputs
        .iter()
        .filter(|t| t.path == Path::new(write::STDOUT));
    if let Some(first) = to_stdout.next() {
        if args.format != Format::Human {
            return Err(format!(
                "refusing to write {} output to standard output: --format {} already writes it; \
                 name a file, or drop --format",
                format_name(first.format),
                format_name(args.format)
            ));
        }
        if to_stdout.next().is_some() {
            return Err("two --output options write to standard output".into());
        }
    }
    let mut inputs: Vec<(FileId, &str)> = Vec::new();
    for file in &outcome.files {
        if file.source.path == Path::new(discover::STDIN) {
            if let Some(id) = write::stdin_id() {
                inputs.push((id, "standard input (an input inventory)"));
            }
        } else if let Some(id) = write::file_id(&file.source.path) {
            inputs.push((id, "an input inventory"));
        }
    }
    for config in &outcome.inputs.configs {
        inputs.extend(write::file_id(config).map(|id| (id, "a config file")));
    }
    if let Some(baseline) = &outcome.inputs.baseline {
        inputs.extend(write::file_id(baseline).map(|id| (id, "the baseline")));
    }
    let names: Vec<String> = args
        .outputs
        .iter()
        .map(|t| format!("{} output", format_name(t.format)))
        .collect();
    let mut targets: Vec<Target> = args
        .write_baseline
        .iter()
        .map(|path| Target {
            flag: "--write-baseline",
            what: "the baseline",
            path,
        })
        .collect();
    targets.extend(
        args.outputs
            .iter()
            .zip(&names)
            .filter(|(t, _)| t.path != Path::new(write::STDOUT))
            .map(|(t, what): (&OutputTarget, &String)| Target {
                flag: "--output",
                what,
                path: &t.path,
            }),
    );
    write::check_targets(&targets, &inputs)
}

/// Writes the baseline and marks what it recorded as suppressed by it, so that this run's
/// outputs and exit code are those of the next run with `--baseline`. Says which findings a
/// baseline cannot hold. False (reported) when the file cannot be written.
fn write_baseline(path: &Path, outcome: &mut Outcome, max_size: u64) -> bool {
    let recorded = policy::record_baseline(outcome, path, max_size);
    let name = discover::display_name(path);
    if let Err(e) = policy::baseline::write(path, &recorded.keys) {
        error_line(&format!(
            "{name}: cannot write the baseline: {}",
            discover::io_message(&e)
        ));
        return false;
    }
    if recorded.previous_unreadable {
        line(&format!(
            "warning: {name} was not a readable baseline, so the entries of files this run did not \
             check are gone; run on every inventory to rebuild it"
        ));
    }
    let n = recorded.keys.len();
    let kept = match recorded.kept {
        0 => String::new(),
        k => format!(
            " ({k} of them kept from files this run did not check; run on every inventory to drop stale ones)"
        ),
    };
    line(&format!(
        "wrote {n} baseline entr{} to {name}{kept}",
        if n == 1 { "y" } else { "ies" }
    ));
    if !recorded.not_recordable.is_empty() {
        let total: usize = recorded.not_recordable.values().sum();
        let rules: Vec<String> = recorded
            .not_recordable
            .iter()
            .map(|(rule, n)| format!("{rule} ({n})"))
            .collect();
        line(&format!(
            "warning: {total} finding{} cannot be recorded in a baseline and stay{} active: {}; \
             findings about the policy itself are fixed in the config or the inventory \
             (renew or remove the exception, fix the ignore comment)",
            if total == 1 { "" } else { "s" },
            if total == 1 { "s" } else { "" },
            rules.join(", ")
        ));
    }
    true
}

fn format_name(format: Format) -> String {
    use clap::ValueEnum;
    format
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_owned())
}

/// What only the command line knows, for evidence reports: the commit, the framework to show
/// and the earlier report to compare with. Fails before anything is written.
fn evidence_context(
    args: &CheckOptions,
    max_file_size: u64,
    outcome: &mut Outcome,
) -> Result<(), String> {
    use crate::outcome::InputKind;
    use crate::output::evidence::{self, Previous};
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    outcome.evidence.commit = args
        .evidence_commit
        .clone()
        .or_else(|| env("GITHUB_SHA"))
        .or_else(|| env("CI_COMMIT_SHA"));
    outcome.evidence.organization = args.organization.clone();
    outcome.evidence.repository = args
        .repository
        .clone()
        .or_else(|| env("GITHUB_REPOSITORY"))
        .or_else(|| env("CI_PROJECT_PATH"));
    if let Some(name) = &args.framework {
        let known = evidence::frameworks(&outcome.rules);
        if !known.iter().any(|f| evidence::framework_matches(f, name)) {
            return Err(format!(
                "--framework `{name}`: no control of that framework; frameworks: {}",
                known.join(", ")
            ));
        }
        outcome.evidence.framework = Some(name.clone());
    }
    if let Some(path) = &args.since {
        let read = discover::read(path, max_file_size).map_err(|e| e.to_string())?;
        let name = read.source.name.clone();
        let previous =
            Previous::parse(&read.source.text).map_err(|e| format!("--since {name}: {e}"))?;
        outcome.evidence.previous = Some(previous);
        outcome
            .inputs
            .sources
            .push((InputKind::PreviousReport, std::sync::Arc::new(read.source)));
    }
    Ok(())
}
