//! Runs a parsed command line and decides the exit code.

mod catalog_cmd;
mod docs;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::cli::{CheckArgs, Cli, ColorChoice, Command, OutputTarget};
use crate::output::{self, Format, Style};
use crate::pipeline::{self, Request};
use crate::policy::{self, ConfigChoice, Settings};
use crate::{Outcome, discover};
pub use catalog_cmd::markdown as catalog_markdown;
pub use docs::{explain_text, rules_markdown, rules_table};

/// Exit codes; the README documents the same table.
pub mod exit {
    /// Nothing at or above `--fail-on`.
    pub const OK: u8 = 0;
    /// Findings at or above `--fail-on`.
    pub const FINDINGS: u8 = 1;
    /// Usage error, unreadable path, invalid configuration.
    pub const USAGE: u8 = 2;
    /// A bug in e2ee-lint (a panic).
    pub const INTERNAL: u8 = 3;
}

/// Runs the command; every error the user can cause is printed here as one line.
pub fn run(cli: Cli) -> u8 {
    let style = stderr_style(cli.color);
    let result = match cli.command {
        Command::Check(args) => check(&args, style),
        Command::Rules { format } => docs::rules(format),
        Command::Explain { rule } => docs::explain(&rule),
        Command::Catalog { name, format } => catalog_cmd::run(name.as_deref(), format),
        Command::Init { path } => crate::policy::init::run(&path),
        Command::Schema { which } => print_stdout(&crate::schema::text(which)),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("e2ee-lint: error: {message}");
            exit::USAGE
        }
    }
}

/// Chooses colours and drawing for standard error.
fn stderr_style(choice: ColorChoice) -> Style {
    let terminal = io::stderr().is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && !no_color,
    };
    let width = if terminal {
        terminal_width().unwrap_or(Style::PLAIN.width)
    } else {
        Style::PLAIN.width
    };
    Style {
        color,
        unicode: terminal || choice == ColorChoice::Always,
        width,
    }
}

fn terminal_width() -> Option<usize> {
    std::env::var("COLUMNS").ok()?.parse().ok()
}

/// The exit code of a finished run: unreadable paths first, then the outcome's threshold.
pub fn exit_code(outcome: &Outcome) -> u8 {
    if !outcome.path_errors.is_empty() {
        exit::USAGE
    } else if outcome.fails() {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

/// The pipeline's request for `check`'s arguments; fails on a bad `SOURCE_DATE_EPOCH`.
fn request(args: &CheckArgs) -> Result<Request, String> {
    Ok(Request {
        paths: args.paths.clone(),
        settings: Settings {
            config: match (&args.config, args.isolated) {
                (Some(path), _) => ConfigChoice::Path(path.clone()),
                (None, true) => ConfigChoice::Isolated,
                (None, false) => ConfigChoice::Discover,
            },
            severity: args.severity.clone(),
            fail_on: args.fail_on,
            // Reproducible builds' convention for "now", then the clock.
            today: args
                .today
                .map_or_else(policy::date::Date::default_today, Ok)?,
            no_ignores: args.no_ignores,
            no_exceptions: args.no_exceptions,
            baseline: args.baseline.clone(),
            max_file_size: args.max_file_size,
        },
    })
}

fn check(args: &CheckArgs, style: Style) -> Result<u8, String> {
    let outcome = match pipeline::check(&request(args)?) {
        Ok(outcome) => outcome,
        Err(pipeline::Error::Usage(message)) => return Err(message),
        Err(pipeline::Error::Config(errors)) => {
            let handler = output::human::handler(style);
            let mut stderr = io::stderr().lock();
            for error in &errors {
                let mut text = String::new();
                let _ = handler.render_report(&mut text, error);
                let _ = writeln!(stderr, "{text}");
            }
            let _ = writeln!(
                stderr,
                "e2ee-lint: error: invalid configuration ({} problem{}); nothing was checked",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            );
            return Ok(exit::USAGE);
        }
    };
    check_output_targets(&args.outputs, &outcome)?;
    if let Some(path) = &args.write_baseline {
        let keys = policy::baseline_keys(&outcome, path);
        policy::baseline::write(path, &keys).map_err(|e| {
            format!(
                "{}: cannot write the baseline: {}",
                discover::display_name(path),
                discover::io_message(&e)
            )
        })?;
        eprintln!(
            "e2ee-lint: wrote {} baseline entr{} to {}",
            keys.len(),
            if keys.len() == 1 { "y" } else { "ies" },
            discover::display_name(path)
        );
        if outcome.path_errors.is_empty() {
            return Ok(exit::OK);
        }
    }
    let io_result = match args.format {
        Format::Human => write_buffered(&mut io::stderr().lock(), |out| {
            output::render(args.format, &outcome, style, out)
        }),
        format => {
            for error in &outcome.path_errors {
                eprintln!("e2ee-lint: error: {error}");
            }
            write_buffered(&mut io::stdout().lock(), |out| {
                output::render(format, &outcome, style, out)
            })
        }
    };
    match io_result {
        // A reader that stops early (`| head`) does not change the verdict.
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            return Err(format!("cannot write output: {e}"));
        }
        _ => {}
    }
    for target in &args.outputs {
        std::fs::File::create(&target.path)
            .and_then(|mut file| {
                write_buffered(&mut file, |out| {
                    output::render(target.format, &outcome, Style::PLAIN, out)
                })
            })
            .map_err(|e| {
                let path = discover::display_name(&target.path);
                format!("cannot write {path}: {}", discover::io_message(&e))
            })?;
    }
    let code = exit_code(&outcome);
    // The process ends next; freeing a large outcome one allocation at a time would only
    // delay the exit (tens of milliseconds on a 100,000-tool inventory).
    std::mem::forget(outcome);
    Ok(code)
}

/// Renders through a buffer: standard streams are line-buffered or unbuffered, and a large
/// report would otherwise cost one system call per line.
fn write_buffered(
    sink: &mut dyn Write,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut buffered = io::BufWriter::with_capacity(1 << 16, sink);
    render(&mut buffered)?;
    buffered.flush()
}

/// Refuses `--output` paths that are an input (inventory, config or baseline: inputs are
/// never written) or that two `--output`s share, before anything is written.
fn check_output_targets(targets: &[OutputTarget], outcome: &Outcome) -> Result<(), String> {
    // An output that does not exist yet is compared through its directory.
    let canonical = |path: &Path| {
        path.canonicalize().ok().or_else(|| {
            let parent = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            Some(parent.canonicalize().ok()?.join(path.file_name()?))
        })
    };
    let inputs: std::collections::HashMap<PathBuf, &str> = outcome
        .files
        .iter()
        .map(|f| (&f.source.path, "an input inventory"))
        .chain(outcome.inputs.configs.iter().map(|p| (p, "a config file")))
        .chain(outcome.inputs.baseline.iter().map(|p| (p, "the baseline")))
        .filter_map(|(p, what)| Some((canonical(p)?, what)))
        .collect();
    let mut seen = std::collections::HashSet::new();
    for target in targets {
        let path = canonical(&target.path).unwrap_or_else(|| target.path.clone());
        if let Some(what) = inputs.get(&path) {
            return Err(format!(
                "refusing to write {} output to {}: it is {what}",
                format_name(target.format),
                target.path.display()
            ));
        }
        if !seen.insert(path) {
            return Err(format!(
                "two --output options write to {}",
                target.path.display()
            ));
        }
    }
    Ok(())
}

fn format_name(format: Format) -> String {
    use clap::ValueEnum;
    format
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_owned())
}

/// Prints to stdout; a closed pipe (`| head`) is not an error.
fn print_stdout(text: &str) -> Result<u8, String> {
    match io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => Ok(exit::OK),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(exit::OK),
        Err(e) => Err(format!("cannot write output: {e}")),
    }
}
