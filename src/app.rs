//! Runs a parsed command line and decides the exit code.

use std::io::{self, IsTerminal, Write};

use crate::catalog::Catalog;
use crate::cli::{CheckArgs, Cli, ColorChoice, Command, FailOn, OutputTarget, RulesFormat};
use crate::engine::rule::Registry;
use crate::finding::Severity;
use crate::inventory::did_you_mean;
use crate::output::{self, Format, Style};
use crate::{Outcome, discover};

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
        Command::Rules { format } => rules(format),
        Command::Explain { rule } => explain(&rule),
        Command::Catalog { name } => catalog(name.as_deref()),
        Command::Init { path } => crate::policy::init::run(&path),
        Command::Schema { which } => print_stdout(&crate::schema::text(which)),
        Command::Completions { shell } => crate::generate::run_completions(shell),
        Command::Manpage { dir } => crate::generate::run_manpage(dir.as_deref()),
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

fn exit_code(outcome: &Outcome, fail_on: FailOn) -> u8 {
    if !outcome.path_errors.is_empty() {
        return exit::USAGE;
    }
    let threshold = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
        FailOn::Never => return exit::OK,
    };
    match outcome.worst() {
        Some(worst) if worst >= threshold => exit::FINDINGS,
        _ => exit::OK,
    }
}

fn check(args: &CheckArgs, style: Style) -> Result<u8, String> {
    let (paths, errors) = if args.paths.is_empty() {
        let (paths, errors) = discover::discover_default();
        if paths.is_empty() && errors.is_empty() {
            return Err(format!(
                "no inventory found; pass a path, or create one of: {}",
                discover::DEFAULT_PATTERNS.join(", ")
            ));
        }
        (paths, errors)
    } else {
        discover::discover(&args.paths)
    };
    check_output_targets(&args.outputs, &paths)?;
    let (mut outcome, fail_on) = match policy_check(args, &paths, style)? {
        Ok(checked) => checked,
        Err(code) => return Ok(code),
    };
    outcome.path_errors.splice(0..0, errors);
    // Renderers describe every rule that can fire (SARIF's rule table).
    let registry = &Registry::embedded().map_err(|e| e.to_string())?;
    let io_result = match args.format {
        Format::Human => write_buffered(&mut io::stderr().lock(), |out| {
            output::render(args.format, &outcome, registry, style, out)
        }),
        format => {
            for error in &outcome.path_errors {
                eprintln!("e2ee-lint: error: {error}");
            }
            write_buffered(&mut io::stdout().lock(), |out| {
                output::render(format, &outcome, registry, style, out)
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
                    output::render(target.format, &outcome, registry, Style::PLAIN, out)
                })
            })
            .map_err(|e| {
                let path = discover::display_name(&target.path);
                format!("cannot write {path}: {}", discover::io_message(&e))
            })?;
    }
    let code = exit_code(&outcome, fail_on);
    // The process ends next; freeing a large outcome one allocation at a time would only
    // delay the exit (tens of milliseconds on a 100,000-tool inventory).
    std::mem::forget(outcome);
    Ok(code)
}

/// Runs the policy (config, engine, sink); config errors are drawn here and exit 2.
fn policy_check(
    args: &CheckArgs,
    paths: &[std::path::PathBuf],
    style: Style,
) -> Result<Result<(Outcome, FailOn), u8>, String> {
    use crate::policy::{self, ConfigChoice, Settings};
    let settings = Settings {
        config: match (&args.config, args.isolated) {
            (Some(path), _) => ConfigChoice::Path(path.clone()),
            (None, true) => ConfigChoice::Isolated,
            (None, false) => ConfigChoice::Discover,
        },
        severity: args.severity.clone(),
        // Reproducible builds' convention for "now", then the clock.
        today: args
            .today
            .or_else(policy::date::Date::from_source_date_epoch)
            .unwrap_or_else(policy::date::Date::today_utc),
        no_ignores: args.no_ignores,
        no_exceptions: args.no_exceptions,
        baseline: args.baseline.clone(),
        write_baseline: args.write_baseline.clone(),
        max_file_size: args.max_file_size,
    };
    let checked = match policy::check(paths, &settings) {
        Ok(checked) => checked,
        Err(policy::Error::Usage(message)) => return Err(message),
        Err(policy::Error::Config(errors)) => {
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
            return Ok(Err(exit::USAGE));
        }
    };
    if let (Some(count), Some(path)) = (checked.baseline_written, &args.write_baseline) {
        eprintln!(
            "e2ee-lint: wrote {count} baseline entr{} to {}",
            if count == 1 { "y" } else { "ies" },
            discover::display_name(path)
        );
        if checked.outcome.path_errors.is_empty() {
            return Ok(Err(exit::OK));
        }
    }
    let fail_on = args.fail_on.or(checked.fail_on).unwrap_or(FailOn::Error);
    Ok(Ok((checked.outcome, fail_on)))
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

/// Refuses `--output` paths that are an input inventory (inputs are never written) or that
/// two `--output`s share, before anything is written.
fn check_output_targets(
    targets: &[OutputTarget],
    inputs: &[std::path::PathBuf],
) -> Result<(), String> {
    // An output that does not exist yet is compared through its directory.
    let canonical = |path: &std::path::Path| {
        path.canonicalize().ok().or_else(|| {
            let parent = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => std::path::Path::new("."),
            };
            Some(parent.canonicalize().ok()?.join(path.file_name()?))
        })
    };
    let inputs: std::collections::HashSet<_> = inputs.iter().filter_map(|p| canonical(p)).collect();
    let mut seen = std::collections::HashSet::new();
    for target in targets {
        let path = canonical(&target.path).unwrap_or_else(|| target.path.clone());
        if inputs.contains(&path) {
            return Err(format!(
                "refusing to write {} output to {}: it is an input inventory",
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

fn rules(format: RulesFormat) -> Result<u8, String> {
    let registry = Registry::embedded().map_err(|e| e.to_string())?;
    let text = match format {
        RulesFormat::Table => rules_table(&registry),
        RulesFormat::Markdown => rules_markdown(&registry),
    };
    print_stdout(&text)
}

/// Prints to stdout; a closed pipe (`| head`) is not an error.
fn print_stdout(text: &str) -> Result<u8, String> {
    match io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => Ok(exit::OK),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(exit::OK),
        Err(e) => Err(format!("cannot write output: {e}")),
    }
}

/// The rule table as aligned columns.
pub fn rules_table(registry: &Registry) -> String {
    let width = registry.rules().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = format!("{:width$}  {:8}  SUMMARY\n", "RULE", "SEVERITY");
    for rule in registry.rules() {
        out.push_str(&format!(
            "{:width$}  {:8}  {}\n",
            rule.id,
            rule.severity.as_str(),
            rule.summary
        ));
    }
    out
}

/// The README's rules section: a table, then each rule's documentation (tested to match).
pub fn rules_markdown(registry: &Registry) -> String {
    let mut out = String::from("| rule | default severity | summary |\n|---|---|---|\n");
    for rule in registry.rules() {
        out.push_str(&format!(
            "| [`{id}`](#{id}) | {} | {} |\n",
            severity_text(rule),
            rule.summary,
            id = rule.id
        ));
    }
    for rule in registry.rules() {
        out.push_str(&format!(
            "\n### `{}`\n\n**{}**: {}.\n\n",
            rule.id,
            severity_text(rule),
            rule.summary,
        ));
        if !rule.controls.is_empty() {
            out.push_str(&format!("Controls: {}.\n\n", rule.controls.join("; ")));
        }
        out.push_str(&rule.docs.trim_end().replace("## ", "#### "));
        out.push('\n');
    }
    out
}

/// "warning", or "warning; error when escalated" for rules with an escalation.
fn severity_text(rule: &crate::engine::rule::Rule) -> String {
    let mut text = rule.severity.as_str().to_owned();
    for escalation in &rule.escalate {
        text.push_str(&format!("; {} when escalated", escalation.severity));
    }
    text
}

fn explain(id: &str) -> Result<u8, String> {
    let registry = Registry::embedded().map_err(|e| e.to_string())?;
    let Some(rule) = registry.get(id) else {
        let ids: Vec<&str> = registry.rules().map(|r| r.id.as_str()).collect();
        let hint = did_you_mean(id, &ids).unwrap_or_else(|| "see `e2ee-lint rules`".into());
        return Err(format!("unknown rule `{id}`; {hint}"));
    };
    print_stdout(&explain_text(rule))
}

/// A rule's documentation as `explain` prints it.
pub fn explain_text(rule: &crate::engine::rule::Rule) -> String {
    let mut out = format!("{} ({})\n\n{}\n\n", rule.id, rule.severity, rule.summary);
    for escalation in &rule.escalate {
        out.push_str(&format!(
            "Severity: {} by default, {} when its escalation condition holds.\n\n",
            rule.severity, escalation.severity
        ));
    }
    if !rule.controls.is_empty() {
        out.push_str(&format!("Controls: {}.\n\n", rule.controls.join("; ")));
    }
    out.push_str(rule.docs.trim_end());
    out.push('\n');
    out
}

fn catalog(name: Option<&str>) -> Result<u8, String> {
    let catalog = Catalog::embedded();
    let text = match name {
        None => catalog_table(&catalog),
        Some(name) => {
            let Some(system) = catalog.lookup(name) else {
                let suggestions = catalog.suggest(name);
                let hint = if suggestions.is_empty() {
                    "see `e2ee-lint catalog`".to_owned()
                } else {
                    format!("did you mean `{}`?", suggestions.join("` or `"))
                };
                return Err(format!("`{name}` is not in the catalog; {hint}"));
            };
            catalog_entry(system)
        }
    };
    print_stdout(&text)
}

fn catalog_table(catalog: &Catalog) -> String {
    use crate::catalog::Channel;
    let width = catalog
        .systems()
        .iter()
        .map(|s| s.name.len())
        .max()
        .unwrap_or(0);
    let mut out = format!(
        "{:width$}  {:8}  {:8}  {:8}  ID\n",
        "SYSTEM", "TEXT", "VOICE", "VIDEO"
    );
    for system in catalog.systems() {
        let status = |c: Channel| system.e2ee.get(&c).map_or("-", |s| s.as_str());
        out.push_str(&format!(
            "{:width$}  {:8}  {:8}  {:8}  {}\n",
            system.name,
            status(Channel::Text),
            status(Channel::Voice),
            status(Channel::Video),
            system.id
        ));
    }
    out.push_str(
        "\ndefault = E2EE by default, opt-in = must be enabled, none = no E2EE, - = not offered\n",
    );
    out
}

fn catalog_entry(system: &crate::catalog::System) -> String {
    let mut out = format!("{} ({})\n", system.name, system.id);
    out.push_str(&format!("vendor:   {}\n", system.vendor));
    out.push_str(&format!("category: {}\n", system.category));
    if !system.aliases.is_empty() {
        out.push_str(&format!("aliases:  {}\n", system.aliases.join(", ")));
    }
    out.push_str("e2ee:\n");
    for (channel, support) in system.channels() {
        out.push_str(&format!("  {:6} {support}\n", channel.as_str()));
    }
    out.push_str(&format!("note:     {}\n", system.note));
    out.push_str(&format!("source:   {}\n", system.source));
    out.push_str(&format!("reviewed: {}\n", system.reviewed));
    out
}
