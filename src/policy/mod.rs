//! Policy: the company's config (severity overrides, exceptions), inline ignores and the
//! baseline, applied in one sink after the engine and before any renderer.
//!
//! The order inside the sink is fixed and documented: severity overrides (a rule set to `off`
//! produces nothing), then config exceptions, then inline ignores, then the baseline. A finding
//! is suppressed by the first that covers it; nothing is dropped silently, and every entry that
//! covers nothing is itself reported so the policy shrinks as problems are fixed.

pub(crate) mod baseline;
mod candidates;
pub(crate) mod config;
mod files;
pub(crate) use crate::confine;
pub(crate) use crate::discover::parent_dir;
pub(crate) use crate::discover::{normalize, not_text};
pub(crate) mod discover;
pub(crate) mod ignores;
pub(crate) mod init;
mod severity;
mod sink;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::catalog::Catalog;
use crate::date::Date;
use crate::engine::rule::Registry;
use crate::finding::Finding;
pub use crate::outcome::FailOn;
use crate::outcome::Inputs;
use crate::source::SourceFile;
use baseline::Baseline;
pub(crate) use baseline::RelativeNames;
pub(crate) use baseline::record_baseline;
use config::{Config, ConfigError, RuleLevel};
pub(crate) use files::{read, relative_to};
use severity::{parse_severity_flags, settable_ids};
use sink::Sink;

/// Rule ids of the findings the policy itself produces. Each has a file in `rules/`.
pub(crate) mod ids {
    pub(crate) const EXPIRED_EXCEPTION: &str = "expired-exception";
    pub(crate) const UNUSED_EXCEPTION: &str = "unused-exception";
    pub(crate) const EXCEPTION_EXPIRING: &str = "exception-expiring";
    pub(crate) const IGNORE_WITHOUT_REASON: &str = "ignore-without-reason";
    pub(crate) const UNUSED_IGNORE: &str = "unused-ignore";
    pub(crate) const UNUSED_BASELINE_ENTRY: &str = "unused-baseline-entry";
    pub(crate) const EXCEPTION_TOO_LONG: &str = "exception-too-long";
    /// Every `catalog:` change of a config: always reported, never configurable.
    pub(crate) const CATALOG_OVERRIDE: &str = "catalog-override";
    pub(crate) const ALL: &[&str] = &[
        EXPIRED_EXCEPTION,
        UNUSED_EXCEPTION,
        EXCEPTION_EXPIRING,
        IGNORE_WITHOUT_REASON,
        UNUSED_IGNORE,
        UNUSED_BASELINE_ENTRY,
        EXCEPTION_TOO_LONG,
        CATALOG_OVERRIDE,
    ];
    /// Config diagnostics: documented by a rule file, never a finding.
    pub(crate) const INVALID_CONFIG: &str = "invalid-config";
}

pub(crate) use crate::outcome::EXPIRING_WITHIN_DAYS;

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
    /// `--rules PATH`: the company's rule files, for every inventory.
    pub rule_files: Vec<PathBuf>,
    /// `--allow-outside PATH`: directories outside the repository configs may name files in.
    pub allow_outside: Vec<PathBuf>,
    /// `--no-catalog-overrides`: a config that changes the catalog is refused.
    pub no_catalog_overrides: bool,
}

impl Settings {
    /// The settings of a plain `check` on `today`: configs discovered, nothing overridden.
    pub fn new(today: Date) -> Settings {
        Settings {
            config: ConfigChoice::Discover,
            severity: Vec::new(),
            fail_on: None,
            today,
            no_ignores: false,
            no_exceptions: false,
            baseline: None,
            max_file_size: crate::discover::DEFAULT_MAX_FILE_SIZE,
            rule_files: Vec::new(),
            allow_outside: Vec::new(),
            no_catalog_overrides: false,
        }
    }
}

/// Why the policy could not be loaded.
#[derive(Debug)]
pub(crate) enum Error {
    /// One line for the user (a bad flag, an unreadable config path).
    Usage(String),
    /// Diagnostics pointing into a config or baseline file.
    Config(Vec<ConfigError>),
    /// Diagnostics pointing into rule files.
    Rules(Vec<crate::engine::rule::RuleError>),
}

/// The policy of one run: the configs that apply to each inventory, the command line's
/// overrides and the baseline, all validated before any inventory is read.
#[derive(Debug)]
pub(crate) struct Policy {
    settings: Settings,
    cli_levels: BTreeMap<String, RuleLevel>,
    /// Inventories by the config that applies to them; BTreeMap keeps the order stable.
    groups: BTreeMap<Option<PathBuf>, Vec<PathBuf>>,
    configs: BTreeMap<PathBuf, Config>,
    /// The rules of each config: the built-in and `--rules` ones, plus its `rule_files`.
    registries: BTreeMap<PathBuf, Registry>,
    /// The rules of inventories with no config.
    base: Registry,
    baseline: Option<Baseline>,
    scope: Scope,
}

/// What this run saw, for deciding what is unused: an exception or baseline entry is only
/// called unused when everything it could cover was checked.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    /// The run checked the whole inventory set (see [`Policy::set_whole_set`]).
    pub(crate) whole_set: bool,
    /// Every inventory of the run, as [`normalize`]d absolute paths.
    pub(crate) checked: std::collections::HashSet<PathBuf>,
}

impl Policy {
    /// Finds and loads the config of every inventory, the company's rule files, the flags and
    /// the baseline. `base` holds the built-in rules and those named by `--rules`.
    pub(crate) fn load(
        paths: &[PathBuf],
        settings: &Settings,
        base: &Registry,
    ) -> Result<Policy, Error> {
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
        let mut registries = BTreeMap::new();
        let mut errors = Vec::new();
        let mut rule_errors = Vec::new();
        for path in groups.keys().flatten() {
            let source = read(path, settings.max_file_size).map_err(Error::Usage)?;
            // A config may name rule files whose ids its `rules:` and exceptions use: read it
            // once for its `rule_files`, load those, then read it again against every id.
            let options = config::LoadOptions {
                allowed: confine::Allowed::new(&settings.allow_outside),
                no_catalog_overrides: settings.no_catalog_overrides,
            };
            let rule_files =
                config::load_confined(Arc::clone(&source), &[], settings.max_file_size, &options)
                    .map(|c| c.rule_files)
                    .unwrap_or_default();
            let registry = match base.with_custom(&rule_files, settings.max_file_size) {
                Ok(registry) => registry,
                Err(e) => {
                    rule_errors.extend(e);
                    continue;
                }
            };
            let rule_ids = settable_ids(&registry);
            match config::load_confined(source, &rule_ids, settings.max_file_size, &options) {
                Ok(config) => {
                    configs.insert(path.clone(), config);
                    registries.insert(path.clone(), registry);
                }
                Err(e) => errors.extend(e),
            }
        }
        if !rule_errors.is_empty() {
            return Err(Error::Rules(rule_errors));
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
        // `--severity` may name any rule of the run, custom ones included.
        let mut known: Vec<&str> = settable_ids(base);
        for registry in registries.values() {
            known.extend(settable_ids(registry));
        }
        known.sort_unstable();
        known.dedup();
        let cli_levels = parse_severity_flags(&settings.severity, &known)?;
        let scope = Scope {
            whole_set: false,
            checked: paths.iter().map(|p| normalize(p)).collect(),
        };
        Ok(Policy {
            settings: settings.clone(),
            cli_levels,
            groups,
            configs,
            registries,
            base: base.clone(),
            baseline,
            scope,
        })
    }

    /// The rules that apply under a config (or with none).
    pub(crate) fn registry(&self, config: Option<&Config>) -> &Registry {
        config
            .and_then(|c| self.registries.get(&c.source.path))
            .unwrap_or(&self.base)
    }

    /// Every rule that can fire in this run, built-in and custom, sorted by id.
    pub(crate) fn rule_infos(&self) -> Vec<crate::engine::rule::RuleInfo> {
        let mut infos: BTreeMap<String, crate::engine::rule::RuleInfo> = BTreeMap::new();
        for registry in std::iter::once(&self.base).chain(self.registries.values()) {
            for info in registry.infos() {
                infos.entry(info.id.to_string()).or_insert(info);
            }
        }
        infos.into_values().collect()
    }

    /// The rules that report nothing in this run: off by default and turned on by no config of
    /// the run nor `--severity`, or set `off` everywhere. Sorted by id.
    pub(crate) fn disabled_rules(&self) -> Vec<std::sync::Arc<str>> {
        let configs: Vec<Option<&Config>> = self.groups().map(|(config, _)| config).collect();
        let configs = if configs.is_empty() {
            vec![None]
        } else {
            configs
        };
        self.rule_infos()
            .into_iter()
            .filter(|info| {
                configs.iter().all(|config| {
                    let level = self
                        .cli_levels
                        .get(&*info.id)
                        .or_else(|| config.and_then(|c| c.rules.get(&*info.id)));
                    match level {
                        Some(RuleLevel::Off) => true,
                        Some(RuleLevel::On(_)) => false,
                        None => !info.enabled,
                    }
                })
            })
            .map(|info| info.id)
            .collect()
    }

    /// Whether this run checks the whole inventory set: then every exception and baseline
    /// entry that matched nothing is unused. In a partial run (pre-commit's staged files, one
    /// file named on the command line) only the entries whose files were all checked are.
    pub(crate) fn set_whole_set(&mut self, whole_set: bool) {
        self.scope.whole_set = whole_set;
    }

    /// Each group of inventories with the config that applies to it.
    pub(crate) fn groups(&self) -> impl Iterator<Item = (Option<&Config>, &[PathBuf])> {
        self.groups.iter().map(|(config, files)| {
            (
                config.as_ref().and_then(|p| self.configs.get(p)),
                files.as_slice(),
            )
        })
    }

    /// The sink for one group's findings.
    pub(crate) fn sink<'a>(
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
            scope: &self.scope,
        }
    }

    /// Suppresses what the baseline records and reports its entries that match nothing. Runs
    /// once over every group's findings: baseline entries are not per config.
    pub(crate) fn apply_baseline(
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
    pub(crate) fn fail_on(&self) -> FailOn {
        self.settings.fail_on.unwrap_or_else(|| {
            self.configs
                .values()
                .filter_map(|c| c.fail_on)
                .reduce(FailOn::stricter)
                .unwrap_or_default()
        })
    }

    /// The policy files this run read, and the policy they set.
    pub(crate) fn inputs(&self) -> Inputs {
        // Every config file read, the extended ones too: none may be written over.
        let mut config_paths: Vec<PathBuf> = self.configs.keys().cloned().collect();
        // Sets beside the lists keep this linear in the number of files (5,000 rule files).
        let mut listed: std::collections::HashSet<PathBuf> = config_paths.iter().cloned().collect();
        for config in self.configs.values() {
            for file in config.files.iter().skip(1) {
                if listed.insert(file.path.clone()) {
                    config_paths.push(file.path.clone());
                }
            }
        }
        use crate::outcome::{ConfigFacts, InputKind, PolicyFacts};
        // Every file the policy came from: each config with the files it extends, the
        // company's rule files, the baseline.
        let mut sources: Vec<(InputKind, Arc<SourceFile>)> = Vec::new();
        let mut seen: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
        for config in self.configs.values() {
            for file in std::iter::once(&config.source).chain(config.files.iter().skip(1)) {
                if seen.insert(file.path.clone()) {
                    sources.push((InputKind::Config, Arc::clone(file)));
                }
            }
        }
        for registry in std::iter::once(&self.base).chain(self.registries.values()) {
            for rule in registry
                .rules()
                .filter(|r| !r.source.name.starts_with("rules/"))
            {
                if seen.insert(rule.source.path.clone()) {
                    sources.push((InputKind::RuleFile, Arc::clone(&rule.source)));
                }
            }
        }
        sources.extend(
            self.baseline
                .iter()
                .map(|b| (InputKind::Baseline, Arc::clone(&b.source))),
        );
        let levels_of = |levels: Option<&crate::engine::Levels>| {
            let levels = levels.cloned().unwrap_or_default();
            let threshold = levels.threshold_name().to_owned();
            (levels.names, threshold)
        };
        let configs = self
            .configs
            .values()
            .map(|c| {
                let (levels, e2ee_required_from) = levels_of(c.levels.as_ref());
                ConfigFacts {
                    file: c.source.name.clone(),
                    levels,
                    e2ee_required_from,
                    fail_on: c.fail_on.map(FailOn::as_str),
                    overrides: c
                        .rules
                        .iter()
                        .map(|(rule, level)| {
                            let level = match level {
                                RuleLevel::Off => "off",
                                RuleLevel::On(severity) => severity.as_str(),
                            };
                            format!("{rule}={level}")
                        })
                        .collect(),
                    extends: c.files.iter().skip(1).map(|f| f.name.clone()).collect(),
                    exceptions: c.exceptions.len(),
                    max_exception_days: c.max_exception_days,
                    value_mapping: c
                        .mapping
                        .as_ref()
                        .map(|m| m.value_translations())
                        .unwrap_or_default(),
                }
            })
            .collect();
        let default_levels = self
            .groups
            .keys()
            .any(|config| {
                config
                    .as_ref()
                    .is_none_or(|p| !self.configs.contains_key(p))
            })
            .then(|| levels_of(None));
        Inputs {
            configs: config_paths,
            baseline: self.baseline.as_ref().map(|b| b.source.path.clone()),
            sources,
            policy: PolicyFacts {
                configs,
                default_levels,
                cli_overrides: self.settings.severity.clone(),
                no_ignores: self.settings.no_ignores,
                no_exceptions: self.settings.no_exceptions,
            },
        }
    }
}
