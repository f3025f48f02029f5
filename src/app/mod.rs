//! Runs a parsed command line and decides the exit code.

mod catalog_cmd;
mod check;
mod config_cmd;
mod docs;
mod fix_cmd;
mod merge_cmd;
mod test_rules;

use std::io::{self, IsTerminal, Write};

use crate::Outcome;
use crate::cli::{CheckArgs, Cli, ColorChoice, Command};
use crate::output::Style;
use crate::pipeline::Request;
use crate::policy::{self, ConfigChoice, Settings};
pub use crate::status::{error_line, exit, line};
pub use catalog_cmd::markdown as catalog_markdown;
pub use docs::{explain_text, rules_markdown, rules_table};

/// Runs the command; every error the user can cause is printed here as one line.
pub fn run(cli: Cli) -> u8 {
    let style = stderr_style(cli.color);
    let result = match cli.command {
        Command::Check(args) => check::check(&args, style),
        Command::Merge(args) => merge_cmd::run(&args, style),
        Command::Rules { format, rules } => docs::rules(format, &rules, style),
        Command::Explain { rule, rules } => docs::explain(&rule, &rules, style),
        Command::Catalog {
            name,
            format,
            config,
            isolated,
        } => catalog_cmd::run(
            name.as_deref(),
            format,
            &config_choice(config, isolated),
            style,
        ),
        Command::Config { show, config } => {
            config_cmd::run(show, &config_choice(config, false), style)
        }
        Command::TestRules {
            paths,
            rules,
            today,
        } => test_rules::run(&paths, &rules, today, style),
        Command::Init { path } => crate::policy::init::run(&path),
        Command::Schema { which } => print_stdout(&crate::schema::text(which)),
        Command::Completions { shell } => crate::generate::run_completions(shell),
        Command::Server => crate::lsp::run_stdio(),
        Command::Manpage { dir } => crate::generate::run_manpage(dir.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            error_line(&message);
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

/// Which config applies, from `--config` and `--isolated`.
fn config_choice(config: Option<std::path::PathBuf>, isolated: bool) -> ConfigChoice {
    match (config, isolated) {
        (Some(path), _) => ConfigChoice::Path(path),
        (None, true) => ConfigChoice::Isolated,
        (None, false) => ConfigChoice::Discover,
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
                .map_or_else(crate::date::Date::default_today, Ok)?,
            no_ignores: args.no_ignores,
            no_exceptions: args.no_exceptions,
            baseline: args.baseline.clone(),
            max_file_size: args.max_file_size,
            rule_files: args.rules.clone(),
            allow_outside: args.allow_outside.clone(),
            no_catalog_overrides: args.no_catalog_overrides,
        },
    })
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
