//! Command-line definitions (clap derive) and nothing else.

use clap::{Parser, Subcommand, ValueEnum};

use e2ee_lint::commands::{CatalogFormat, OutputTarget, RulesFormat};
use e2ee_lint::output::Format;
use e2ee_lint::policy::FailOn;
use e2ee_lint::schema::SchemaKind;

#[derive(Debug, Parser)]
#[command(
    name = "e2ee-lint",
    version,
    about = "Checks company tool inventories against an end-to-end encryption policy",
    long_about = None,
)]
pub struct Cli {
    /// When to use colours in human output (`NO_COLOR` is honoured with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint inventory files, directories or glob patterns.
    Check(Box<CheckArgs>),
    /// Merge many runs' `report-json` files (one per repository) into one organization's
    /// evidence: every evidence format, per-repository provenance, controls and verdict
    /// recomputed on the union.
    Merge(Box<MergeArgs>),
    /// List every rule with its default severity and summary.
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
        format: RulesFormat,
        /// Also list the rules in this rule file (repeatable); the working directory's config
        /// adds its `rule_files`.
        #[arg(long = "rules", value_name = "PATH")]
        rules: Vec<std::path::PathBuf>,
    },
    /// Show a rule's documentation.
    Explain {
        /// The rule id, e.g. `no-e2ee`.
        rule: String,
        /// Also know the rules in this rule file (repeatable); the working directory's config
        /// adds its `rule_files`.
        #[arg(long = "rules", value_name = "PATH")]
        rules: Vec<std::path::PathBuf>,
    },
    /// Show the E2EE classification of every known system, or of one.
    Catalog {
        /// A system name, id or alias, e.g. "MS Teams".
        name: Option<String>,
        /// `table` for people, `json` (versioned) for tools.
        #[arg(long, value_enum, default_value_t = CatalogFormat::Table)]
        format: CatalogFormat,
        /// Show the catalog under this config's `catalog:` changes [default: the config `check`
        /// would use for a file in the working directory].
        #[arg(long, value_name = "PATH", conflicts_with = "isolated")]
        config: Option<std::path::PathBuf>,
        /// Show the built-in catalog, ignoring every config file.
        #[arg(long)]
        isolated: bool,
    },
    /// Validate the config that applies in the working directory, with everything it extends.
    Config {
        /// Print the effective config, each value followed by the file:line it comes from.
        #[arg(long)]
        show: bool,
        /// This config file instead of the one discovered from the working directory.
        #[arg(long, value_name = "PATH")]
        config: Option<std::path::PathBuf>,
    },
    /// Test rules against example inventories annotated with `# expect: RULE` / `# ok: RULE`.
    TestRules {
        /// Example inventories, or directories of them. Their configs are discovered as
        /// `check` does, so a config's `rule_files` apply.
        #[arg(required = true)]
        paths: Vec<std::path::PathBuf>,
        /// Rule files to test besides the built-in ones and the configs' (repeatable).
        #[arg(long = "rules", value_name = "PATH")]
        rules: Vec<std::path::PathBuf>,
        /// The policy date for date-dependent rules, as YYYY-MM-DD [default: today in UTC].
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        today: Option<e2ee_lint::date::Date>,
    },
    /// Write a commented starter config (refuses to overwrite an existing file).
    Init {
        /// Where to write it.
        #[arg(default_value = "e2ee-lint.yaml")]
        path: std::path::PathBuf,
    },
    /// Print the JSON Schema of the inventory or config format (for editors).
    Schema {
        #[arg(value_enum)]
        which: SchemaKind,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Run the language server on standard input and output (for editors).
    Server,
    /// Print the man page (roff), or write every page into a directory with `--dir`.
    Manpage {
        /// Write e2ee-lint.1 and one e2ee-lint-COMMAND.1 per subcommand into this directory.
        #[arg(long, value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Inventory files, directories (searched for *.yaml and *.yml) or glob patterns.
    /// Default: inventory.yaml, inventory.yml, inventories/**/*.yaml, inventories/**/*.yml
    pub paths: Vec<std::path::PathBuf>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Also write FORMAT to PATH; repeatable (`-o sarif=e2ee-lint.sarif -o junit=junit.xml`).
    /// Does not change what `--format` writes. PATH `-` is standard output (with the default
    /// `--format human` only). Never writes over an input (inventory, config, baseline,
    /// standard input); files are replaced atomically, a symbolic link by a regular file.
    #[arg(long = "output", short = 'o', value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub outputs: Vec<OutputTarget>,

    /// Exit 1 when an unsuppressed finding at or above this severity exists
    /// [default: the config's `fail_on`, else error].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Refuse files larger than this many bytes.
    #[arg(long, default_value_t = e2ee_lint::DEFAULT_MAX_FILE_SIZE, value_name = "BYTES")]
    pub max_file_size: u64,

    /// Also run the rules in this rule file (the built-in format; repeatable). A config's
    /// `rule_files` add to these.
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<std::path::PathBuf>,

    /// Let configs name files under this directory although it is outside their repository (a
    /// central policy kept elsewhere); repeatable. Without it, `extends` and `rule_files` stay
    /// inside the repository root.
    #[arg(long = "allow-outside", value_name = "PATH")]
    pub allow_outside: Vec<std::path::PathBuf>,

    /// Refuse every `catalog:` override and added system in the configs (for auditors, like
    /// `--no-ignores`): a config with one is an error.
    #[arg(long)]
    pub no_catalog_overrides: bool,

    /// Use this config file for every inventory instead of discovering one.
    #[arg(long, value_name = "PATH", conflicts_with = "isolated")]
    pub config: Option<std::path::PathBuf>,

    /// Ignore every config file (defaults only).
    #[arg(long)]
    pub isolated: bool,

    /// Override a rule's severity, e.g. `no-e2ee=warning` or `unclassified-tool=off`.
    /// Repeatable; wins over the config.
    #[arg(long, value_name = "RULE=LEVEL")]
    pub severity: Vec<String>,

    /// The date exceptions expire against, as YYYY-MM-DD [default: the UTC date of
    /// `SOURCE_DATE_EPOCH` when it is set, else today in UTC].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub today: Option<e2ee_lint::date::Date>,

    /// Do not apply inline `# e2ee-lint: ignore[...]` comments (config exceptions still apply).
    #[arg(long)]
    pub no_ignores: bool,

    /// Apply no exception, inline ignore or baseline: every finding shows.
    #[arg(long)]
    pub no_exceptions: bool,

    /// Suppress the findings recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<std::path::PathBuf>,

    /// Record the current unsuppressed findings in this baseline file; the run then reports
    /// and exits as the next run with `--baseline FILE` would.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<std::path::PathBuf>,

    /// Apply the safe fixes (a misspelt key with one close match, an unused ignore) in place,
    /// keeping everything else in the file; then report what is left. With `-`, print the
    /// fixed text on standard output.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,

    /// Print the safe fixes as a unified diff on standard output, without writing.
    #[arg(long)]
    pub diff: bool,

    /// The path of the buffer read from standard input (`-`), for config discovery and the
    /// names in findings; the file itself is not read.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<std::path::PathBuf>,

    /// Evidence reports: show only this framework's controls (`iso`, `nist`, `soc2`, `hipaa`,
    /// `pci`, `gdpr`, `nis2`, `cis`: a prefix of the framework's name).
    #[arg(long, value_name = "NAME")]
    pub framework: Option<String>,

    /// Evidence reports: add the changes since this earlier `report-json` file.
    #[arg(long, value_name = "PREVIOUS.json")]
    pub since: Option<std::path::PathBuf>,

    /// Evidence reports: the commit the inputs were read at [default: `GITHUB_SHA`, else
    /// `CI_COMMIT_SHA`].
    #[arg(long, value_name = "SHA")]
    pub evidence_commit: Option<String>,

    /// Evidence reports: the organization the report is about [default: the inventories'
    /// `organization:`]; for inventories in a company's own shape, which have none.
    #[arg(long, value_name = "NAME")]
    pub organization: Option<String>,

    /// Evidence reports: the repository this run checks, which `merge` names it by [default:
    /// `GITHUB_REPOSITORY`, else `CI_PROJECT_PATH`].
    #[arg(long, value_name = "NAME")]
    pub repository: Option<String>,
}

/// `e2ee-lint merge`: one organization's report from many runs' `report-json` files.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The `report-json` files, one per repository's run (directories are not searched).
    #[arg(required = true, value_name = "REPORT.json")]
    pub reports: Vec<std::path::PathBuf>,

    /// Standard output's format: an evidence format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Markdown)]
    pub format: Format,

    /// Also write FORMAT to PATH (repeatable): markdown, html, csv, report-json or oscal.
    #[arg(long = "output", short = 'o', value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub outputs: Vec<OutputTarget>,

    /// The organization the merged report is about [default: the runs' organizations].
    #[arg(long, value_name = "NAME")]
    pub organization: Option<String>,

    /// Refuse report files larger than this many bytes.
    #[arg(long, default_value_t = e2ee_lint::DEFAULT_MAX_FILE_SIZE, value_name = "BYTES")]
    pub max_file_size: u64,
}

fn parse_date(text: &str) -> Result<e2ee_lint::date::Date, String> {
    e2ee_lint::date::Date::parse(text)
        .ok_or_else(|| format!("`{text}` is not a date as YYYY-MM-DD"))
}

fn parse_output(value: &str) -> Result<OutputTarget, String> {
    let formats = || {
        Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_owned()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some((format, path)) = value.split_once('=') else {
        return Err(format!(
            "expected FORMAT=PATH, e.g. sarif=e2ee-lint.sarif (formats: {})",
            formats()
        ));
    };
    let format = Format::from_str(format, true)
        .map_err(|_| format!("unknown format `{format}` (formats: {})", formats()))?;
    if path.is_empty() {
        return Err("the PATH of FORMAT=PATH is empty".into());
    }
    Ok(OutputTarget {
        format,
        path: path.into(),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
