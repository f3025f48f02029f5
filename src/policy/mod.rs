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

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::catalog::Catalog;
use crate::cli::FailOn;
use crate::engine::rule::Registry;
use crate::engine::{Engine, Levels};
use crate::finding::{Finding, Label, Suppression, SuppressionKind};
use crate::inventory::did_you_mean;
use crate::source::{SourceFile, Span};
use crate::{FileReport, Outcome};
use baseline::{Baseline, Key};
use config::{Config, ConfigError, Exception, RuleLevel};
use date::Date;

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
    pub today: Date,
    pub no_ignores: bool,
    pub no_exceptions: bool,
    pub baseline: Option<PathBuf>,
    pub write_baseline: Option<PathBuf>,
    pub max_file_size: u64,
}

/// Why a run could not start.
#[derive(Debug)]
pub enum Error {
    /// One line for the user (a bad flag, an unreadable config path).
    Usage(String),
    /// Diagnostics pointing into a config or baseline file.
    Config(Vec<ConfigError>),
}

/// A run's result with the policy applied.
#[derive(Debug)]
pub struct Checked {
    pub outcome: Outcome,
    /// The strictest `fail_on` of the configs used, if any sets one.
    pub fail_on: Option<FailOn>,
    /// Entries written by `--write-baseline`.
    pub baseline_written: Option<usize>,
}

/// Checks `paths` under the policy: config per inventory, engine, then the one sink.
pub fn check(paths: &[PathBuf], settings: &Settings) -> Result<Checked, Error> {
    let registry = Registry::embedded().map_err(|e| Error::Usage(e.to_string()))?;
    let rule_ids: Vec<&str> = registry.rules().map(|r| r.id.as_str()).collect();
    let cli_levels = parse_severity_flags(&settings.severity, &rule_ids)?;

    // Group the inventories by the config that applies to each; BTreeMap keeps the order stable.
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
            Some(baseline::load(source).map_err(|e| errors.extend(e)).ok())
        }
        _ => None,
    }
    .flatten();
    if !errors.is_empty() {
        return Err(Error::Config(errors));
    }

    let mut outcome = Outcome::default();
    let mut fail_on = None;
    for (config_path, files) in &groups {
        let config = config_path.as_ref().and_then(|p| configs.get(p));
        let engine = Engine {
            catalog: Catalog::embedded(),
            registry: registry.clone(),
            levels: config
                .and_then(|c| c.levels.clone())
                .unwrap_or_else(Levels::default),
            mapping: config.and_then(|c| c.mapping.clone()).unwrap_or_default(),
        };
        let group = crate::check_files(&engine, files, settings.max_file_size);
        let sink = Sink {
            registry: &registry,
            catalog: &engine.catalog,
            config,
            cli_levels: &cli_levels,
            settings,
        };
        let findings = sink.apply(group.findings, &group.files);
        if outcome.findings.is_empty() {
            outcome.findings = findings; // no copy of a large first group
        } else {
            outcome.findings.extend(findings);
        }
        outcome.files.extend(group.files);
        outcome.path_errors.extend(group.path_errors);
        if let Some(level) = config.and_then(|c| c.fail_on) {
            fail_on = Some(fail_on.map_or(level, |f| stricter(f, level)));
        }
    }

    let mut baseline_written = None;
    if let Some(path) = &settings.write_baseline {
        let dir = parent_dir(path);
        let keys: BTreeSet<Key> = outcome
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none() && !ids::ALL.contains(&f.rule.as_str()))
            .map(|f| Key::of(f, relative_to(&dir, &f.source.path, &f.source.name)))
            .collect();
        baseline::write(path, &keys).map_err(|e| {
            Error::Usage(format!(
                "{}: cannot write the baseline: {}",
                crate::discover::display_name(path),
                crate::discover::io_message(&e)
            ))
        })?;
        baseline_written = Some(keys.len());
    }
    if let Some(baseline) = &baseline {
        let sink = Sink {
            registry: &registry,
            catalog: &Catalog::embedded(),
            config: None,
            cli_levels: &cli_levels,
            settings,
        };
        sink.baseline(&mut outcome.findings, baseline);
    }
    outcome
        .files
        .sort_by(|a, b| a.source.name.cmp(&b.source.name));
    outcome.path_errors.sort_by(|a, b| a.path.cmp(&b.path));
    crate::finding::sort(&mut outcome.findings);
    outcome.evaluated_on = Some(settings.today.to_string());
    Ok(Checked {
        outcome,
        fail_on,
        baseline_written,
    })
}

fn stricter(a: FailOn, b: FailOn) -> FailOn {
    let rank = |f: FailOn| match f {
        FailOn::Info => 0,
        FailOn::Warning => 1,
        FailOn::Error => 2,
        FailOn::Never => 3,
    };
    if rank(a) <= rank(b) { a } else { b }
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

/// The one place where the policy changes findings.
struct Sink<'a> {
    registry: &'a Registry,
    catalog: &'a Catalog,
    config: Option<&'a Config>,
    cli_levels: &'a BTreeMap<String, RuleLevel>,
    settings: &'a Settings,
}

impl Sink<'_> {
    /// The level of a rule: the command line wins over the config, which wins over the rule.
    fn level(&self, rule: &str) -> Option<RuleLevel> {
        self.cli_levels
            .get(rule)
            .or_else(|| self.config.and_then(|c| c.rules.get(rule)))
            .copied()
    }

    /// Applies overrides to one finding; `None` when its rule is `off`.
    fn override_severity(&self, mut finding: Finding) -> Option<Finding> {
        match self.level(&finding.rule) {
            Some(RuleLevel::Off) => None,
            Some(RuleLevel::On(severity)) => {
                finding.severity = severity;
                Some(finding)
            }
            None => Some(finding),
        }
    }

    /// A finding the policy produces, before overrides.
    fn new_finding(
        &self,
        rule: &str,
        source: &Arc<SourceFile>,
        span: Span,
        message: String,
        help: Option<String>,
    ) -> Finding {
        let mut finding = Finding::new(rule, self.registry.severity(rule), source, span, message);
        finding.help = help.map(Into::into);
        finding
    }

    fn apply(&self, findings: Vec<Finding>, files: &[FileReport]) -> Vec<Finding> {
        let mut findings: Vec<Finding> = findings
            .into_iter()
            .filter_map(|f| self.override_severity(f))
            .collect();
        let mut produced = Vec::new();
        if !self.settings.no_exceptions {
            if let Some(config) = self.config {
                self.exceptions(config, &mut findings, &mut produced);
            }
            if !self.settings.no_ignores {
                self.ignores(files, &mut findings, &mut produced);
            }
        }
        findings.extend(
            produced
                .into_iter()
                .filter_map(|f| self.override_severity(f)),
        );
        findings
    }

    fn exception_matches(&self, config: &Config, exception: &Exception, finding: &Finding) -> bool {
        if finding.rule != exception.rule.value {
            return false;
        }
        let Some(tool) = &finding.tool else {
            return false;
        };
        let wanted = exception.tool.value.as_str();
        let same_tool = tool.name.eq_ignore_ascii_case(wanted)
            || tool.id == wanted
            || self
                .catalog
                .lookup(wanted)
                .is_some_and(|system| finding.catalog_id.as_deref() == Some(system.id.as_str()));
        if !same_tool {
            return false;
        }
        if exception.files.is_empty() {
            return true;
        }
        let dir = parent_dir(&config.source.path);
        let file = relative_to(&dir, &finding.source.path, &finding.source.name);
        let options = glob::MatchOptions {
            require_literal_separator: true,
            ..glob::MatchOptions::new()
        };
        exception
            .files
            .iter()
            .any(|p| p.matches_with(&file, options))
    }

    fn exceptions(&self, config: &Config, findings: &mut [Finding], produced: &mut Vec<Finding>) {
        let today = self.settings.today;
        let cfg = &config.source;
        for exception in &config.exceptions {
            let expired = exception.expires.value < today;
            let expires = exception.expires.value.to_string();
            let mut used = false;
            for finding in findings.iter_mut() {
                if !self.exception_matches(config, exception, finding) {
                    continue;
                }
                used = true;
                if expired {
                    let mut f = self.new_finding(
                        ids::EXPIRED_EXCEPTION,
                        &finding.source,
                        finding.span,
                        format!(
                            "the exception for `{}` on {} expired on {expires}; the finding is active again",
                            exception.rule.value, exception.tool.value
                        ),
                        Some(format!(
                            "fix the finding, or renew the exception with a new `expires` date and approval (approved by {})",
                            exception.approved_by
                        )),
                    );
                    f.labels.push(Label {
                        source: Some(Arc::clone(cfg)),
                        span: exception.expires.span,
                        message: format!("this exception expired on {expires}"),
                    });
                    f.tool = finding.tool.clone();
                    f.catalog_id = finding.catalog_id.clone();
                    produced.push(f);
                } else if finding.suppressed.is_none() {
                    finding.suppressed = Some(Box::new(Suppression {
                        kind: SuppressionKind::Exception,
                        reason: exception.reason.clone(),
                        approved_by: Some(exception.approved_by.clone()),
                        expires: Some(expires.clone()),
                        ticket: exception.ticket.clone(),
                    }));
                }
            }
            if expired && !used {
                produced.push(self.new_finding(
                    ids::EXPIRED_EXCEPTION,
                    cfg,
                    exception.expires.span,
                    format!(
                        "the exception for `{}` on {} expired on {expires} and matches no finding",
                        exception.rule.value, exception.tool.value
                    ),
                    Some("remove the exception".into()),
                ));
            } else if !expired && !used {
                produced.push(self.new_finding(
                    ids::UNUSED_EXCEPTION,
                    cfg,
                    exception.entry,
                    format!(
                        "the exception for `{}` on {} matches no finding",
                        exception.rule.value, exception.tool.value
                    ),
                    Some("remove the exception, or fix its `tool`, `rule` or `files`".into()),
                ));
            }
            let days_left = exception.expires.value.days() - today.days();
            if !expired && days_left <= EXPIRING_WITHIN_DAYS {
                let when = match days_left {
                    0 => "today".to_owned(),
                    1 => "in 1 day".to_owned(),
                    n => format!("in {n} days"),
                };
                produced.push(self.new_finding(
                    ids::EXCEPTION_EXPIRING,
                    cfg,
                    exception.expires.span,
                    format!(
                        "the exception for `{}` on {} expires {when} ({expires})",
                        exception.rule.value, exception.tool.value
                    ),
                    Some(
                        "renew it (new date, new approval) or fix the finding before CI starts failing"
                            .into(),
                    ),
                ));
            }
        }
    }

    fn ignores(&self, files: &[FileReport], findings: &mut [Finding], produced: &mut Vec<Finding>) {
        let rule_ids: Vec<&str> = self.registry.rules().map(|r| r.id.as_str()).collect();
        for file in files {
            for ignore in &file.ignores {
                if ignore.reason.is_empty() {
                    // An unexplained ignore suppresses nothing: the reason is the record.
                    produced.push(self.new_finding(
                        ids::IGNORE_WITHOUT_REASON,
                        &file.source,
                        ignore.span,
                        "this ignore comment gives no reason, so it suppresses nothing".into(),
                        Some("write why after the bracket: `# e2ee-lint: ignore[no-e2ee] public announcements only`".into()),
                    ));
                    continue;
                }
                let Some(entry) = ignore.tool else {
                    produced.push(self.new_finding(
                        ids::UNUSED_IGNORE,
                        &file.source,
                        ignore.span,
                        "this ignore comment is not attached to any tool".into(),
                        Some("put it on the tool's `name:` line or on the line directly above the tool's entry".into()),
                    ));
                    continue;
                };
                // Findings arrive sorted by file and offset (`check_files` sorts them), so the
                // ones inside this entry are one range: no scan of every finding per comment.
                let name = file.source.name.as_str();
                let end = entry.end().max(entry.offset + 1);
                let start_at = findings.partition_point(|f| {
                    (f.source.name.as_str(), f.span.offset) < (name, entry.offset)
                });
                let end_at = findings
                    .partition_point(|f| (f.source.name.as_str(), f.span.offset) < (name, end));
                for (rule, span) in &ignore.rules {
                    let mut used = false;
                    for finding in findings[start_at..end_at.max(start_at)].iter_mut() {
                        if !Arc::ptr_eq(&finding.source, &file.source) || finding.rule != *rule {
                            continue;
                        }
                        used = true;
                        if finding.suppressed.is_none() {
                            finding.suppressed = Some(Box::new(Suppression {
                                kind: SuppressionKind::Inline,
                                reason: ignore.reason.clone(),
                                approved_by: None,
                                expires: None,
                                ticket: None,
                            }));
                        }
                    }
                    if !used {
                        let help = if rule_ids.contains(&rule.as_str()) {
                            "remove it from the comment; the tool no longer has this finding".into()
                        } else {
                            did_you_mean(rule, &rule_ids)
                                .map(|d| format!("`{rule}` is not a rule id; {d}"))
                                .unwrap_or_else(|| {
                                    format!("`{rule}` is not a rule id; see `e2ee-lint rules`")
                                })
                        };
                        produced.push(self.new_finding(
                            ids::UNUSED_IGNORE,
                            &file.source,
                            *span,
                            format!("`ignore[{rule}]` suppresses nothing"),
                            Some(help),
                        ));
                    }
                }
            }
        }
    }

    fn baseline(&self, findings: &mut Vec<Finding>, baseline: &Baseline) {
        let dir = parent_dir(&baseline.source.path);
        let keys: BTreeSet<&Key> = baseline.entries.iter().map(|(key, _)| key).collect();
        let mut used: BTreeSet<Key> = BTreeSet::new();
        for finding in findings.iter_mut() {
            if ids::ALL.contains(&finding.rule.as_str()) {
                continue;
            }
            let key = Key::of(
                finding,
                relative_to(&dir, &finding.source.path, &finding.source.name),
            );
            if keys.contains(&key) {
                if finding.suppressed.is_none() {
                    finding.suppressed = Some(Box::new(Suppression {
                        kind: SuppressionKind::Baseline,
                        reason: "in the baseline".into(),
                        approved_by: None,
                        expires: None,
                        ticket: None,
                    }));
                }
                used.insert(key);
            }
        }
        for (key, span) in &baseline.entries {
            if used.contains(key) {
                continue;
            }
            let what = key
                .tool
                .as_deref()
                .map_or_else(String::new, |t| format!(" for `{t}`"));
            let span = baseline.source.first_line(*span);
            let finding = self.new_finding(
                ids::UNUSED_BASELINE_ENTRY,
                &baseline.source,
                span,
                format!(
                    "baseline entry `{}`{what} in {} matches no finding",
                    key.rule, key.file
                ),
                Some("the problem is fixed: remove the entry, or rewrite the baseline with --write-baseline".into()),
            );
            if let Some(finding) = self.override_severity(finding) {
                findings.push(finding);
            }
        }
    }
}
