//! Command-line definitions (clap derive) and nothing else.

use clap::{Parser, Subcommand, ValueEnum};

use crate::output::Format;

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
    Check(CheckArgs),
    /// List every rule with its default severity and summary.
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
        format: RulesFormat,
    },
    /// Show a rule's documentation.
    Explain {
        /// The rule id, e.g. `no-e2ee`.
        rule: String,
    },
    /// Show the E2EE classification of every known system, or of one.
    Catalog {
        /// A system name, id or alias, e.g. "MS Teams".
        name: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Inventory files, directories (searched for *.yaml and *.yml) or glob patterns.
    /// Default: inventory.yaml, inventory.yml, inventories/**/*.yaml, inventories/**/*.yml
    pub paths: Vec<String>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Also write FORMAT to PATH; repeatable (`-o sarif=e2ee-lint.sarif -o junit=junit.xml`).
    /// Does not change what `--format` writes. Never overwrites an input inventory.
    #[arg(long = "output", short = 'o', value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub outputs: Vec<OutputTarget>,

    /// Exit 1 when an unsuppressed finding at or above this severity exists.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// Refuse files larger than this many bytes.
    #[arg(long, default_value_t = crate::discover::DEFAULT_MAX_FILE_SIZE, value_name = "BYTES")]
    pub max_file_size: u64,
}

/// One `--output FORMAT=PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputTarget {
    pub format: Format,
    pub path: std::path::PathBuf,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// Aligned columns for a terminal.
    Table,
    /// The README's rule table.
    Markdown,
}
