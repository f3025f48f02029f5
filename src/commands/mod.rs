//! The commands behind the binary's subcommands, reachable without the command line: one
//! [`Command`] value per subcommand, on the library's own types (a [`Request`], paths), and one
//! [`run`] that prints its results, draws every error the user can cause with a [`Style`], and
//! returns the exit code (or one error line for the caller to print, exit 2). The binary only
//! parses arguments into a `Command`, picks the style and calls `run`.

mod catalog_cmd;
mod check;
mod config_cmd;
mod docs;
mod fix_cmd;
mod merge_cmd;
mod test_rules;

use std::io::{self, Write};
use std::path::PathBuf;

use crate::Outcome;
use crate::date::Date;
use crate::output::{Format, Style};
use crate::pipeline::Request;
use crate::policy::{self, ConfigChoice};
use crate::status::{error_line, exit, line};
pub use catalog_cmd::CatalogFormat;
use check::CheckOptions;
pub use docs::RulesFormat;
use merge_cmd::MergeOptions;

/// One `--output FORMAT=PATH`: a format and the file it is written to (`-`: standard output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputTarget {
    pub format: Format,
    pub path: PathBuf,
}

/// One command of the binary, on library types: what its arguments asked for. Built once per
/// process, so its size does not matter.
#[derive(Debug)]
#[expect(clippy::large_enum_variant, reason = "one value per process")]
pub enum Command {
    /// `check`: runs the pipeline on `request`, applies or shows fixes, writes every output
    /// asked for (the `format` stream, `outputs` files, the baseline). Exit 2 when an input or
    /// an output failed, 1 when findings reach `--fail-on`, else 0.
    Check {
        request: Request,
        /// Standard output's format (`human` draws on standard error).
        format: Format,
        /// More formats, each to its file (`-`: standard output).
        outputs: Vec<OutputTarget>,
        /// Write the open findings as a baseline to this file.
        write_baseline: Option<PathBuf>,
        /// Apply the safe fixes in place.
        fix: bool,
        /// Print the safe fixes as a unified diff.
        diff: bool,
        /// Standard input is this file: its path finds the config and names it.
        stdin_filename: Option<PathBuf>,
        /// The framework whose controls the evidence reports show.
        framework: Option<String>,
        /// An earlier `report-json` to compare with.
        since: Option<PathBuf>,
        /// The commit the evidence is about (else `GITHUB_SHA`, `CI_COMMIT_SHA`).
        evidence_commit: Option<String>,
        /// The organization the evidence is about.
        organization: Option<String>,
        /// The repository the evidence is about (else `GITHUB_REPOSITORY`, `CI_PROJECT_PATH`).
        repository: Option<String>,
    },
    /// `merge`: merges the runs' `report-json` files into one evidence report in every
    /// requested format.
    Merge {
        /// The `report-json` files of the runs.
        reports: Vec<PathBuf>,
        /// The format on standard output.
        format: Format,
        /// More formats, each to its file.
        outputs: Vec<OutputTarget>,
        /// The organization's name in the merged report's header.
        organization: Option<String>,
        /// Reports larger than this many bytes are refused.
        max_file_size: u64,
    },
    /// `rules`: the rules that apply in the working directory (built-in, `rule_files` of the
    /// config there, and `rule_files` given), as a table or Markdown.
    Rules {
        format: RulesFormat,
        rule_files: Vec<PathBuf>,
    },
    /// `explain`: one rule's documentation, by id.
    Explain {
        id: String,
        rule_files: Vec<PathBuf>,
    },
    /// `catalog`: the effective catalog of the working directory, one system in full with a
    /// `name`, or all of it.
    Catalog {
        name: Option<String>,
        format: CatalogFormat,
        config: ConfigChoice,
    },
    /// `config`: validates the config that applies in the working directory; with `show`,
    /// prints the effective config with each value's origin.
    Config { show: bool, config: ConfigChoice },
    /// `test-rules`: runs the annotated example inventories under `paths`; exit 1 on a
    /// mismatch.
    TestRules {
        paths: Vec<PathBuf>,
        rule_files: Vec<PathBuf>,
        today: Option<Date>,
    },
    /// `init`: writes the starter config at `path`, never over an existing file.
    Init { path: PathBuf },
    /// `schema`: the JSON Schema of the inventory or the config format on standard output.
    Schema(crate::schema::SchemaKind),
    /// `server`: the language server on standard input and output, until `exit`.
    Server,
}

/// Runs `command`: prints its results, draws every error the user can cause with `style`, and
/// returns the exit code, or one error line for the caller to print (exit 2).
pub fn run(command: Command, style: Style) -> Result<u8, String> {
    match command {
        Command::Check {
            request,
            format,
            outputs,
            write_baseline,
            fix,
            diff,
            stdin_filename,
            framework,
            since,
            evidence_commit,
            organization,
            repository,
        } => {
            let options = CheckOptions {
                format,
                outputs,
                write_baseline,
                fix,
                diff,
                stdin_filename,
                framework,
                since,
                evidence_commit,
                organization,
                repository,
            };
            check::check(&request, &options, style)
        }
        Command::Merge {
            reports,
            format,
            outputs,
            organization,
            max_file_size,
        } => {
            let options = MergeOptions {
                reports,
                format,
                outputs,
                organization,
                max_file_size,
            };
            merge_cmd::run(&options, style)
        }
        Command::Rules { format, rule_files } => docs::rules(format, &rule_files, style),
        Command::Explain { id, rule_files } => docs::explain(&id, &rule_files, style),
        Command::Catalog {
            name,
            format,
            config,
        } => catalog_cmd::run(name.as_deref(), format, &config, style),
        Command::Config { show, config } => config_cmd::run(show, &config, style),
        Command::TestRules {
            paths,
            rule_files,
            today,
        } => test_rules::run(&paths, &rule_files, today, style),
        Command::Init { path } => policy::init::run(&path),
        Command::Schema(which) => print_stdout(&crate::schema::text(which)),
        Command::Server => crate::lsp::run_stdio(),
    }
}

/// The exit code of a finished run: unreadable paths first, then the outcome's threshold.
fn exit_code(outcome: &Outcome) -> u8 {
    if !outcome.path_errors.is_empty() {
        exit::USAGE
    } else if outcome.fails() {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

/// Draws config diagnostics on standard error and says nothing was done: exit 2.
fn config_errors(errors: &[policy::config::ConfigError], style: Style, what: &str) -> u8 {
    draw_errors(errors, style, "invalid configuration", what)
}

/// Draws rule-file diagnostics; the run stops with exit 2.
fn rule_errors(errors: &[crate::engine::rule::RuleError], style: Style, what: &str) -> u8 {
    draw_errors(errors, style, "invalid rule file", what)
}

fn draw_errors<D: miette::Diagnostic>(errors: &[D], style: Style, kind: &str, what: &str) -> u8 {
    let handler = crate::output::human::handler(style);
    let mut text = String::new();
    for error in errors {
        let _ = handler.render_report(&mut text, error);
        text.push('\n');
    }
    let _ = io::stderr().lock().write_all(text.as_bytes());
    error_line(&format!(
        "{kind} ({} problem{}); {what}",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    ));
    exit::USAGE
}

/// The config that applies in the working directory (as `check` would pick it for a file
/// there), loaded with everything it extends; `Ok(None)` when none applies.
fn config_for_cwd(
    choice: &ConfigChoice,
    max_file_size: u64,
) -> Result<Result<Option<policy::config::Config>, Vec<policy::config::ConfigError>>, String> {
    let path = match choice {
        ConfigChoice::Isolated => return Ok(Ok(None)),
        ConfigChoice::Path(path) => path.clone(),
        ConfigChoice::Discover => {
            match policy::discover::Finder::default()
                .find(std::path::Path::new("inventory.yaml"))?
            {
                Some(path) => path,
                None => return Ok(Ok(None)),
            }
        }
    };
    let registry = crate::engine::rule::Registry::embedded().map_err(|e| e.one_line())?;
    let rule_ids: Vec<&str> = registry
        .rules()
        .map(|r| &*r.info.id)
        .filter(|id| *id != policy::ids::INVALID_CONFIG)
        .collect();
    let source = policy::read(&path, max_file_size)?;
    Ok(policy::config::load_with(source, &rule_ids, max_file_size).map(Some))
}

/// Prints to stdout; a closed pipe (`| head`) is not an error.
fn print_stdout(text: &str) -> Result<u8, String> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(exit::OK),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(exit::OK),
        Err(e) => Err(format!(
            "cannot write standard output: {}",
            crate::discover::io_message(&e)
        )),
    }
}
