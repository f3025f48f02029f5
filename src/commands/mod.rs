//! The commands behind the binary's subcommands, one documented function each, reachable without
//! the command line: each takes the library's own types (a [`Request`], paths, a [`Style`]),
//! prints its results, draws every error the user can cause, and returns the exit code (or one
//! error line for the caller to print, exit 2). The binary only parses arguments, picks the
//! style and calls one of these.

mod catalog_cmd;
mod check;
mod config_cmd;
mod docs;
mod fix_cmd;
mod merge_cmd;
mod test_rules;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::Outcome;
use crate::date::Date;
use crate::output::{Format, Style};
use crate::pipeline::Request;
use crate::policy::{self, ConfigChoice};
use crate::status::{error_line, exit, line};
pub use catalog_cmd::CatalogFormat;
pub use check::CheckOptions;
pub use docs::RulesFormat;
pub use merge_cmd::MergeOptions;

/// One `--output FORMAT=PATH`: a format and the file it is written to (`-`: standard output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputTarget {
    pub format: Format,
    pub path: PathBuf,
}

/// `check`: runs the pipeline on `request`, applies or shows fixes, writes every output the
/// options ask for (the `--format` stream, `--output` files, the baseline) and returns the exit
/// code: 2 when an input or an output failed, 1 when findings reach `--fail-on`, else 0.
pub fn check(request: &Request, options: &CheckOptions, style: Style) -> Result<u8, String> {
    check::check(request, options, style)
}

/// `merge`: merges the runs' `report-json` files into one evidence report in every requested
/// format.
pub fn merge(options: &MergeOptions, style: Style) -> Result<u8, String> {
    merge_cmd::run(options, style)
}

/// `rules`: the rules that apply in the working directory (built-in, `rule_files` of the
/// config there, and `rule_files` given), as a table or Markdown.
pub fn rules(format: RulesFormat, rule_files: &[PathBuf], style: Style) -> Result<u8, String> {
    docs::rules(format, rule_files, style)
}

/// `explain`: one rule's documentation, by id.
pub fn explain(id: &str, rule_files: &[PathBuf], style: Style) -> Result<u8, String> {
    docs::explain(id, rule_files, style)
}

/// `catalog`: the effective catalog of the working directory, one system in full with a
/// `name`, or all of it.
pub fn catalog(
    name: Option<&str>,
    format: CatalogFormat,
    choice: &ConfigChoice,
    style: Style,
) -> Result<u8, String> {
    catalog_cmd::run(name, format, choice, style)
}

/// `config`: validates the config that applies in the working directory; with `show`, prints
/// the effective config with each value's origin.
pub fn config(show: bool, choice: &ConfigChoice, style: Style) -> Result<u8, String> {
    config_cmd::run(show, choice, style)
}

/// `test-rules`: runs the annotated example inventories under `paths`; exit 1 on a mismatch.
pub fn test_rules(
    paths: &[PathBuf],
    rule_files: &[PathBuf],
    today: Option<Date>,
    style: Style,
) -> Result<u8, String> {
    test_rules::run(paths, rule_files, today, style)
}

/// `init`: writes the starter config at `path`, never over an existing file.
pub fn init(path: &Path) -> Result<u8, String> {
    policy::init::run(path)
}

/// `schema`: the JSON Schema of the inventory or the config format on standard output.
pub fn schema(which: crate::schema::SchemaKind) -> Result<u8, String> {
    print_stdout(&crate::schema::text(which))
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
