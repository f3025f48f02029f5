//! Runs a parsed command line: picks standard error's style, turns the arguments into the
//! library's request and options, calls the command, and prints its one error line (exit 2).

use std::io::{self, IsTerminal};

use e2ee_lint::Request;
use e2ee_lint::commands;
use e2ee_lint::date::Date;
use e2ee_lint::output::Style;
use e2ee_lint::policy::{ConfigChoice, Settings};
use e2ee_lint::status::{Exit, error_line};

use crate::cli::{CheckArgs, Cli, ColorChoice, Command, MergeArgs};

/// Runs the command; every error the user can cause is printed here as one line.
pub fn run(cli: Cli) -> u8 {
    let style = stderr_style(cli.color);
    let command = match cli.command {
        Command::Check(args) => request(&args).map(|request| check(request, *args)),
        Command::Merge(args) => Ok(merge(*args)),
        Command::Rules { format, rules } => Ok(commands::Command::Rules {
            format,
            rule_files: rules,
        }),
        Command::Explain { rule, rules } => Ok(commands::Command::Explain {
            id: rule,
            rule_files: rules,
        }),
        Command::Catalog {
            name,
            format,
            config,
            isolated,
        } => Ok(commands::Command::Catalog {
            name,
            format,
            config: config_choice(config, isolated),
        }),
        Command::Config { show, config } => Ok(commands::Command::Config {
            show,
            config: config_choice(config, false),
        }),
        Command::TestRules {
            paths,
            rules,
            today,
        } => Ok(commands::Command::TestRules {
            paths,
            rule_files: rules,
            today,
        }),
        Command::Init { path } => Ok(commands::Command::Init { path }),
        Command::Schema { which } => Ok(commands::Command::Schema(which)),
        Command::Server => Ok(commands::Command::Server),
        // Drawn from the command line itself, so they live with it in the binary.
        Command::Completions { shell } => return finish(crate::generate::run_completions(shell)),
        Command::Manpage { dir } => return finish(crate::generate::run_manpage(dir.as_deref())),
    };
    finish(command.and_then(|command| commands::run(command, style)))
}

/// The exit code of a finished command; its one error line, if any, printed (exit 2).
fn finish(result: Result<u8, String>) -> u8 {
    match result {
        Ok(code) => code,
        Err(message) => {
            error_line(&message);
            u8::from(Exit::Usage)
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

/// Which config applies, from `--config` and `--isolated`.
fn config_choice(config: Option<std::path::PathBuf>, isolated: bool) -> ConfigChoice {
    match (config, isolated) {
        (Some(path), _) => ConfigChoice::Path(path),
        (None, true) => ConfigChoice::Isolated,
        (None, false) => ConfigChoice::Discover,
    }
}

/// The pipeline's request for `check`'s arguments; fails on a bad `SOURCE_DATE_EPOCH`.
fn request(args: &CheckArgs) -> Result<Request, String> {
    Ok(Request {
        paths: args.paths.clone(),
        settings: Settings {
            config: config_choice(args.config.clone(), args.isolated),
            severity: args.severity.clone(),
            fail_on: args.fail_on,
            // Reproducible builds' convention for "now", then the clock.
            today: args.today.map_or_else(Date::default_today, Ok)?,
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

/// `check` with its arguments beyond the request.
fn check(request: Request, args: CheckArgs) -> commands::Command {
    commands::Command::Check {
        request,
        format: args.format,
        outputs: args.outputs,
        write_baseline: args.write_baseline,
        fix: args.fix,
        diff: args.diff,
        stdin_filename: args.stdin_filename,
        framework: args.framework,
        since: args.since,
        evidence_commit: args.evidence_commit,
        organization: args.organization,
        repository: args.repository,
    }
}

fn merge(args: MergeArgs) -> commands::Command {
    commands::Command::Merge {
        reports: args.reports,
        format: args.format,
        outputs: args.outputs,
        organization: args.organization,
        max_file_size: args.max_file_size,
    }
}
