//! The pipeline, in one place: discover → load → engine → policy sink → outcome.
//!
//! Every entry point (the CLI, tests, benchmarks, the fuzzer) goes through [`check`] or, for a
//! source already in memory, [`lint_source`]. Nothing downstream calls back up.

use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::catalog::Catalog;
use crate::discover::{self, PathError};
use crate::engine::Engine;
use crate::engine::rule::Registry;
use crate::finding::Finding;
use crate::outcome::{FileReport, Outcome};
use crate::policy::{self, Policy, Settings};
use crate::source::SourceFile;
use crate::{finding, inventory};

/// What to check, and under which policy.
#[derive(Debug, Clone)]
pub struct Request {
    /// Files, directories, globs or `-`; empty means the default locations.
    pub paths: Vec<PathBuf>,
    pub settings: Settings,
}

/// Why a run could not start.
#[derive(Debug)]
pub enum Error {
    /// One line for the user (a bad flag, an unreadable config path, nothing to check).
    Usage(String),
    /// Diagnostics pointing into a config or baseline file.
    Config(Vec<policy::config::ConfigError>),
    /// Diagnostics pointing into rule files.
    Rules(Vec<crate::engine::rule::RuleError>),
}

impl From<policy::Error> for Error {
    fn from(error: policy::Error) -> Self {
        match error {
            policy::Error::Usage(message) => Error::Usage(message),
            policy::Error::Config(errors) => Error::Config(errors),
            policy::Error::Rules(errors) => Error::Rules(errors),
        }
    }
}

/// Runs the whole pipeline.
pub fn check(request: &Request) -> Result<Outcome, Error> {
    let settings = &request.settings;
    let (paths, path_errors) = if request.paths.is_empty() {
        let (paths, errors) = discover::discover_default();
        if paths.is_empty() && errors.is_empty() {
            return Err(Error::Usage(format!(
                "no inventory found; pass a path, or create one of: {}",
                discover::DEFAULT_PATTERNS.join(", ")
            )));
        }
        (paths, errors)
    } else {
        discover::discover(&request.paths)
    };
    let catalog = Catalog::embedded();
    let registry = Registry::embedded()
        .map_err(|e| Error::Usage(e.one_line()))?
        .with_custom(&settings.rule_files, settings.max_file_size)
        .map_err(Error::Rules)?;
    let mut policy = Policy::load(&paths, settings, &registry)?;
    let whole_set = request.paths.is_empty() || covers_default_set(&paths);
    policy.set_whole_set(whole_set);

    // Every rule that can fire: `invalid-config` is documented like one but stops the run.
    let rules: Vec<_> = policy
        .rule_infos()
        .into_iter()
        .filter(|r| &*r.id != policy::ids::INVALID_CONFIG)
        .collect();
    // The outcome's catalog: the embedded one, or the effective catalog of the configs when
    // they all agree on it (one config, or several that change nothing).
    let mut effective: Vec<Arc<Catalog>> = Vec::new();
    for (config, _) in policy.groups() {
        let catalog = policy::config::Config::effective_catalog(config);
        if !effective.iter().any(|c| Arc::ptr_eq(c, &catalog)) {
            effective.push(catalog);
        }
    }
    let shown = match effective.as_slice() {
        [one] => Arc::clone(one),
        _ => Arc::clone(&catalog),
    };
    let mut outcome = Outcome::new(rules.into(), shown);
    outcome.catalog_changes.clear();
    for (config, files) in policy.groups() {
        // Each config group is classified against its own effective catalog.
        let catalog = policy::config::Config::effective_catalog(config);
        add_changes(&mut outcome, &catalog);
        let registry = policy.registry(config);
        let engine = group_engine(config, &catalog, registry, settings);
        let mut group = check_files(&engine, files, settings.max_file_size);
        crate::catalog::overrides::annotate(&catalog, &mut group.findings);
        let findings = policy
            .sink(config, registry, &catalog)
            .apply(group.findings, &group.files);
        if outcome.findings.is_empty() {
            outcome.findings = findings; // no copy of a large first group
        } else {
            outcome.findings.extend(findings);
        }
        outcome.files.extend(group.files);
        outcome.path_errors.extend(group.path_errors);
    }
    policy.apply_baseline(&registry, &catalog, &mut outcome.findings);
    outcome.path_errors.splice(0..0, path_errors);
    outcome.sort();
    // Two configs extending one shared file report its catalog changes once.
    outcome.findings.dedup_by(|a, b| {
        &*a.rule == policy::ids::CATALOG_OVERRIDE
            && a.rule == b.rule
            && a.source.path == b.source.path
            && a.span == b.span
    });
    outcome.evaluated_on = Some(settings.today.to_string());
    outcome.whole_set = whole_set;
    outcome.disabled_rules = policy.disabled_rules();
    outcome.fail_on = policy.fail_on();
    outcome.inputs = policy.inputs();
    Ok(outcome)
}

/// Runs the whole pipeline on one document already in memory (an editor's buffer, standard
/// input named by `--stdin-filename`): `path` is where the document lives, for config
/// discovery, file names and baseline keys; the file on disk is not read. A partial run, like
/// `check PATH` on one file.
pub(crate) fn check_document(
    path: &std::path::Path,
    text: String,
    settings: &Settings,
) -> Result<Outcome, Error> {
    let registry = Registry::embedded().map_err(|e| Error::Usage(e.to_string()))?;
    let paths = [path.to_path_buf()];
    let policy = Policy::load(&paths, settings, &registry)?;
    // The document is classified as `check` would classify the file: against its config's
    // effective catalog, whose changes are then reported and listed.
    let catalog = policy
        .groups()
        .next()
        .map_or_else(Catalog::embedded, |(config, _)| {
            policy::config::Config::effective_catalog(config)
        });
    let rules: Vec<_> = registry
        .infos()
        .into_iter()
        .filter(|r| &*r.id != policy::ids::INVALID_CONFIG)
        .collect();
    let mut outcome = Outcome::new(rules.into(), Arc::clone(&catalog));
    if let Some((config, _)) = policy.groups().next() {
        let engine = group_engine(config, &catalog, &registry, settings);
        let source = SourceFile::new(discover::display_name(path), path, text);
        let (report, mut findings) = lint_source(&engine, source);
        finding::sort(&mut findings);
        let files = [report];
        outcome.findings = policy
            .sink(config, &registry, &catalog)
            .apply(findings, &files);
        outcome.files.extend(files);
    }
    policy.apply_baseline(&registry, &catalog, &mut outcome.findings);
    outcome.sort();
    outcome.evaluated_on = Some(settings.today.to_string());
    outcome.disabled_rules = policy.disabled_rules();
    outcome.fail_on = policy.fail_on();
    outcome.inputs = policy.inputs();
    Ok(outcome)
}

/// Adds a group catalog's changes to the outcome's list, each once.
fn add_changes(outcome: &mut Outcome, catalog: &Catalog) {
    for change in catalog.changes() {
        let seen = outcome
            .catalog_changes
            .iter()
            .any(|c| c.config == change.config && c.system == change.system);
        if !seen {
            outcome.catalog_changes.push(change.clone());
        }
    }
}

/// The engine of one config group: its catalog and rules, its levels and mapping.
fn group_engine(
    config: Option<&policy::config::Config>,
    catalog: &Arc<Catalog>,
    registry: &Registry,
    settings: &Settings,
) -> Engine {
    Engine {
        catalog: Arc::clone(catalog),
        registry: registry.clone(),
        levels: config.and_then(|c| c.levels.clone()).unwrap_or_default(),
        mapping: config.and_then(|c| c.mapping.clone()).unwrap_or_default(),
        today: settings.today,
        allow_empty: config.is_some_and(|c| c.allow_empty),
    }
}

/// Whether explicit paths cover every inventory that default discovery finds (a run with no
/// path arguments): then the run saw the whole inventory set.
fn covers_default_set(paths: &[PathBuf]) -> bool {
    let checked: std::collections::HashSet<PathBuf> =
        paths.iter().map(|p| policy::normalize(p)).collect();
    let (defaults, _) = discover::discover_default();
    defaults
        .iter()
        .all(|p| checked.contains(&policy::normalize(p)))
}

/// What [`check_files`] found in one group of files, before the policy.
#[derive(Debug, Default)]
pub(crate) struct Checked {
    pub files: Vec<FileReport>,
    /// Sorted by file, offset, rule.
    pub findings: Vec<Finding>,
    pub(crate) path_errors: Vec<PathError>,
}

impl Checked {
    /// These results as an outcome with no policy applied (the renderers' tests).
    #[cfg(test)]
    pub(crate) fn into_outcome(self, engine: &Engine) -> Outcome {
        let mut outcome = Outcome::for_engine(engine);
        outcome.files = self.files;
        outcome.findings = self.findings;
        outcome.path_errors = self.path_errors;
        outcome
    }
}

/// Lints one source that is already in memory.
///
/// Each tool is checked as soon as it is loaded and then dropped, unless the file has inline
/// ignore comments, which are matched to tool entries afterwards.
pub fn lint_source(engine: &Engine, source: SourceFile) -> (FileReport, Vec<Finding>) {
    let source = Arc::new(source);
    let keep_tools = policy::ignores::has_marker(&source.text);
    let mut lint = engine.file(&source);
    lint.reserve(inventory::estimate_tools(&source, &engine.mapping));
    let mut kept = Vec::new();
    let mut loaded_tools = 0usize;
    let (mut inventory, mut problems) =
        inventory::load_each(&source, &engine.mapping, &mut |loaded| match loaded {
            inventory::Loaded::Tool(tool) => {
                loaded_tools += 1;
                lint.tool(&tool);
                if keep_tools {
                    kept.push(tool);
                }
            }
            inventory::Loaded::Restart => {
                loaded_tools = 0;
                lint.restart();
                kept.clear();
            }
        });
    // A file that yields no tools is a finding, not a silent pass; a file that could not be
    // read already has one, and a config may declare empty files deliberate.
    if loaded_tools == 0
        && !engine.allow_empty
        && !problems.iter().any(|p| {
            matches!(
                p.kind,
                inventory::ProblemKind::Invalid | inventory::ProblemKind::Empty
            )
        })
    {
        let whole = crate::source::Span::new(0, source.text.len());
        problems.push(inventory::no_tools(source.first_line(whole)));
    }
    inventory.tools = kept;
    let ignores = if keep_tools {
        policy::ignores::scan(&source, &inventory)
    } else {
        Vec::new()
    };
    for problem in problems {
        lint.problem(problem);
    }
    let (findings, tools) = lint.finish();
    (
        FileReport {
            source,
            tools,
            ignores,
            organization: inventory.organization.map(|o| o.value),
        },
        findings,
    )
}

/// Reads and lints files in parallel; the result does not depend on scheduling.
pub(crate) fn check_files(engine: &Engine, paths: &[PathBuf], max_file_size: u64) -> Checked {
    let check_one = |path: &PathBuf| {
        let read = discover::read(path, max_file_size)?;
        match read.invalid_utf8 {
            None => Ok(lint_source(engine, read.source)),
            Some(span) => {
                let source = Arc::new(read.source);
                let problem = inventory::Problem {
                    kind: inventory::ProblemKind::Invalid,
                    span,
                    message: format!("invalid UTF-8 at byte {}", span.offset),
                    help: Some("save the file as UTF-8; the file was not checked further".into()),
                };
                let (findings, tools) =
                    engine.run(&source, &inventory::Inventory::default(), vec![problem]);
                let ignores = Vec::new();
                Ok((
                    FileReport {
                        source,
                        tools,
                        ignores,
                        organization: None,
                    },
                    findings,
                ))
            }
        }
    };
    // One file (the pre-commit and editor case) needs no thread pool: starting one costs more
    // than the file.
    let results: Vec<Result<(FileReport, Vec<Finding>), PathError>> = if paths.len() == 1 {
        paths.iter().map(check_one).collect()
    } else {
        paths.par_iter().map(check_one).collect()
    };
    let mut checked = Checked::default();
    for result in results {
        match result {
            Ok((report, findings)) => {
                checked.files.push(report);
                if checked.findings.is_empty() {
                    checked.findings = findings; // no copy of a large first file
                } else {
                    checked.findings.extend(findings);
                }
            }
            Err(error) => checked.path_errors.push(error),
        }
    }
    finding::sort(&mut checked.findings);
    checked
}
