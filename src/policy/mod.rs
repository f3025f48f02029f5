//! Policy: the company's config (severity overrides, exceptions), inline ignores and the
//! baseline, applied in one sink after the engine and before any renderer.
//!
//! The order inside the sink is fixed and documented: severity overrides (a rule set to `off`
//! produces nothing), then config exceptions, then inline ignores, then the baseline. A finding
//! is suppressed by the first that covers it; nothing is dropped silently, and every entry that
//! covers nothing is itself reported so the policy shrinks as problems are fixed.

pub mod baseline;
pub mod config;
pub mod date;
pub mod discover;
pub mod ignores;
pub mod init;
mod sink;
mod threshold;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::catalog::Catalog;
use crate::engine::rule::Registry;
use crate::finding::Finding;
use crate::outcome::{Inputs, Outcome};
use crate::source::SourceFile;
use crate::suggest::did_you_mean;
use baseline::{Baseline, Key};
use config::{Config, ConfigError, RuleLevel};
use date::Date;
use sink::Sink;
pub use threshold::FailOn;

/// Rule ids of the findings the policy itself produces. Each has a file in `rules/`.
pub mod ids {
    pub const EXPIRED_EXCEPTION: &str = "expired-exception";
    pub const UNUSED_EXCEPTION: &str = "unused-exception";
    pub const EXCEPTION_EXPIRING: &str = "exception-expiring";
    pub const IGNORE_WITHOUT_REASON: &str = "ignore-without-reason";
    pub const UNUSED_IGNORE: &str = "unused-ignore";
    pub const UNUSED_BASELINE_ENTRY: &str = "unused-baseline-entry";
    pub const ALL: &[&str] = &[
        EXPIRED_EXCEPTION,
        UNUSED_EXCEPTION,
        EXCEPTION_EXPIRING,
        IGNORE_WITHOUT_REASON,
        UNUSED_IGNORE,
        UNUSED_BASELINE_ENTRY,
    ];
}

/// Days before expiry from which an exception is reported as `exception-expiring`.
pub const EXPIRING_WITHIN_DAYS: i64 = 30;

/// Which config files apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigChoice {
    /// The nearest `e2ee-lint.yaml` / `.e2ee-lint.yaml` above each inventory.
    Discover,
    /// `--config PATH` for every inventory.
    Path(PathBuf),
    /// `--isolated`: no config file at all.
    Isolated,
}

/// Everything from the command line that the policy needs.
#[derive(Debug, Clone)]
pub struct Settings {
    pub config: ConfigChoice,
    /// `--severity RULE=LEVEL`, in order; later ones win.
    pub severity: Vec<String>,
    /// `--fail-on`, which wins over every config's `fail_on`.
    pub fail_on: Option<FailOn>,
    pub today: Date,
    pub no_ignores: bool,
    pub no_exceptions: bool,
    pub baseline: Option<PathBuf>,
    pub max_file_size: u64,
}

/// Why the policy could not be loaded.
#[derive(Debug)]
pub enum Error {
    /// One line for the user (a bad flag, an unreadable config path).
    Usage(String),
    /// Diagnostics pointing into a config or baseline file.
    Config(Vec<ConfigError>),
}

/// The policy of one run: the configs that apply to each inventory, the command line's
/// overrides and the baseline, all validated before any inventory is read.
#[derive(Debug)]
pub struct Policy {
    settings: Settings,
    cli_levels: BTreeMap<String, RuleLevel>,
    /// Inventories by the config that applies to them; BTreeMap keeps the order stable.
    groups: BTreeMap<Option<PathBuf>, Vec<PathBuf>>,
    configs: BTreeMap<PathBuf, Config>,
    baseline: Option<Baseline>,
}

impl Policy {
    /// Finds and loads the config of every inventory, the flags and the baseline.
    pub fn load(
        paths: &[PathBuf],
        settings: &Settings,
        registry: &Registry,
    ) -> Result<Policy, Error> {
        let rule_ids: Vec<&str> = registry.rules().map(|r| r.info.id.as_str()).collect();
        let cli_levels = parse_severity_flags(&settings.severity, &rule_ids)?;

        let mut groups: BTreeMap<Option<PathBuf>, Vec<PathBuf>> = BTreeMap::new();
        let mut finder = discover::Finder::default();
        for path in paths {
            let config = match &settings.config {
                ConfigChoice::Isolated => None,
                ConfigChoice::Path(config) => Some(config.clone()),
                ConfigChoice::Discover => finder.find(path).map_err(Error::Usage)?,
            };
            groups.entry(config).or_default().push(path.clone());
        }
        if let ConfigChoice::Path(config) = &settings.config
            && groups.is_empty()
        {
            groups.insert(Some(config.clone()), Vec::new());
        }

        let mut configs = BTreeMap::new();
        let mut errors = Vec::new();
        for path in groups.keys().flatten() {
            let source = read(path, settings.max_file_size).map_err(Error::Usage)?;
            match config::load(source, &rule_ids) {
                Ok(config) => {
                    configs.insert(path.clone(), config);
                }
                Err(e) => errors.extend(e),
            }
        }
        let baseline = match &settings.baseline {
            Some(path) if !settings.no_exceptions => {
                let source = read(path, settings.max_file_size).map_err(Error::Usage)?;
                baseline::load(source).map_err(|e| errors.extend(e)).ok()
            }
            _ => None,
        };
        if !errors.is_empty() {
            return Err(Error::Config(errors));
        }
        Ok(Policy {
            settings: settings.clone(),
            cli_levels,
            groups,
            configs,
            baseline,
        })
    }

    /// Each group of inventories with the config that applies to it.
    pub fn groups(&self) -> impl Iterator<Item = (Option<&Config>, &[PathBuf])> {
        self.groups.iter().map(|(config, files)| {
            (
                config.as_ref().and_then(|p| self.configs.get(p)),
                files.as_slice(),
            )
        })
    }

    /// The sink for one group's findings.
    pub fn sink<'a>(
        &'a self,
        config: Option<&'a Config>,
        registry: &'a Registry,
        catalog: &'a Catalog,
    ) -> Sink<'a> {
        Sink {
            registry,
            catalog,
            config,
            cli_levels: &self.cli_levels,
            settings: &self.settings,
        }
    }

    /// Suppresses what the baseline records and reports its entries that match nothing. Runs
    /// once over every group's findings: baseline entries are not per config.
    pub fn apply_baseline(
        &self,
        registry: &Registry,
        catalog: &Catalog,
        findings: &mut Vec<Finding>,
    ) {
        if let Some(baseline) = &self.baseline {
            self.sink(None, registry, catalog)
                .baseline(findings, baseline);
        }
    }

    /// `--fail-on`, else the strictest `fail_on` of the configs used, else `error`.
    pub fn fail_on(&self) -> FailOn {
        self.settings.fail_on.unwrap_or_else(|| {
            self.configs
                .values()
                .filter_map(|c| c.fail_on)
                .reduce(FailOn::stricter)
                .unwrap_or_default()
        })
    }

    /// The policy files this run read.
    pub fn inputs(&self) -> Inputs {
        Inputs {
            configs: self.configs.keys().cloned().collect(),
            baseline: self.baseline.as_ref().map(|b| b.source.path.clone()),
        }
    }
}

/// The baseline entries `--write-baseline PATH` records for an outcome: every active finding
/// but the policy's own, with file paths relative to the baseline's directory.
pub fn baseline_keys(outcome: &Outcome, path: &Path) -> BTreeSet<Key> {
    let dir = parent_dir(path);
    outcome
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none() && !ids::ALL.contains(&f.rule.as_str()))
        .map(|f| Key::of(f, relative_to(&dir, &f.source.path, &f.source.name)))
        .collect()
}

/// `--severity no-e2ee=warning` flags, validated against the rule ids.
fn parse_severity_flags(
    flags: &[String],
    rule_ids: &[&str],
) -> Result<BTreeMap<String, RuleLevel>, Error> {
    let mut levels = BTreeMap::new();
    for flag in flags {
        let Some((rule, level)) = flag.split_once('=') else {
            return Err(Error::Usage(format!(
                "--severity `{flag}`: expected RULE=LEVEL, e.g. `no-e2ee=warning`"
            )));
        };
        let (rule, level) = (rule.trim(), level.trim());
        if !rule_ids.contains(&rule) {
            let hint =
                did_you_mean(rule, rule_ids).unwrap_or_else(|| "see `e2ee-lint rules`".into());
            return Err(Error::Usage(format!(
                "--severity: unknown rule `{rule}`; {hint}"
            )));
        }
        let Some(level) = RuleLevel::parse(level) else {
            return Err(Error::Usage(format!(
                "--severity {rule}: unknown level `{level}`; expected one of: error, warning, info, off"
            )));
        };
        levels.insert(rule.to_owned(), level);
    }
    Ok(levels)
}

/// Reads a config or baseline file the user named or discovery found.
fn read(path: &Path, max_size: u64) -> Result<Arc<SourceFile>, String> {
    let file = crate::discover::read(path, max_size).map_err(|e| e.to_string())?;
    if let Some(span) = file.invalid_utf8 {
        return Err(format!(
            "{}: invalid UTF-8 at byte {}",
            file.source.name, span.offset
        ));
    }
    Ok(Arc::new(file.source))
}

fn parent_dir(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    absolute
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// `path` relative to `dir` with `/` separators, or `fallback` when it is not below `dir`.
pub fn relative_to(dir: &Path, path: &Path, fallback: &str) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let clean = |p: &Path| -> PathBuf { p.components().collect() };
    match clean(&absolute).strip_prefix(clean(dir)) {
        Ok(relative) => crate::discover::display_name(relative),
        Err(_) => fallback.to_owned(),
    }
}
