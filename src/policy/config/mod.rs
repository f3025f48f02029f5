//! The config file (`e2ee-lint.yaml`): its model, and its loader from the spanned YAML tree.
//!
//! Like cargo-deny, every value keeps its span, and every mistake is a diagnostic pointing into
//! the config file. A config with any error is not used at all: a half-read policy would give a
//! verdict nobody wrote.
//!
//! A config may `extends:` others (a shared policy); [`load`] resolves the chain and merges it
//! into one [`Config`], remembering where each value came from (`Shown`).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::FailOn;
use crate::catalog::{Added, Catalog, Override};
use crate::engine::Levels;

use crate::finding::Severity;
use crate::inventory::Mapping;
use crate::read::{Complaint, NodeReader};
use crate::source::Sp;
use crate::source::{SourceFile, Span};
use crate::suggest::did_you_mean;
use crate::yaml::{Node, NodeKind};

mod catalog;
mod exception;
mod extends;
mod load;
mod node_de;
mod show;
#[cfg(test)]
mod tests;

pub(crate) use exception::Exception;
pub(crate) use show::{Shown, render as show};

/// Keys of the top-level mapping, in the order the README documents them.
pub(crate) const TOP_KEYS: &[&str] = &[
    "extends",
    "fail_on",
    "data_classification",
    "rules",
    "max_exception_days",
    "exceptions",
    "inventory",
    "rule_files",
    "catalog",
    "allow_empty",
    "catalog_overrides",
];
/// `catalog_overrides:` values: `forbid` refuses every change to the catalog in the chain.
pub(crate) const CATALOG_OVERRIDES: &[&str] = &["allow", "forbid"];
/// Top-level keys whose entries accumulate through `extends` (the others: the nearer file wins).
pub(crate) const ACCUMULATING_KEYS: &[&str] = &["exceptions", "rule_files", "catalog"];
pub(crate) const CATALOG_KEYS: &[&str] = &["systems", "overrides"];
pub(crate) const OVERRIDE_KEYS: &[&str] = &["system", "channels", "reason", "source"];
/// The longest an exception may run, from today, unless `max_exception_days` says otherwise.
pub(crate) const MAX_EXCEPTION_DAYS: i64 = 365;
pub(crate) const INVENTORY_KEYS: &[&str] =
    &["preset", "tools", "fields", "unknown_fields", "values"];
pub(crate) const UNKNOWN_FIELDS: &[&str] = &["warn", "ignore"];
/// `inventory.tools` values that are not key names.
pub(crate) const TOOLS_LIST: &str = ".";
pub(crate) const TOOLS_SINGLE: &str = "single";
pub(crate) const CLASSIFICATION_KEYS: &[&str] = &["levels", "e2ee_required_from"];
pub(crate) const EXCEPTION_KEYS: &[&str] = &[
    "tool",
    "rule",
    "reason",
    "approved_by",
    "ticket",
    "expires",
    "files",
];
pub(crate) const FAIL_ON: &[&str] = FailOn::NAMES;
pub(crate) const RULE_LEVELS: &[&str] = &["error", "warning", "info", "off"];

/// What the config sets a rule to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RuleLevel {
    Off,
    On(Severity),
}

impl RuleLevel {
    pub(crate) fn parse(s: &str) -> Option<RuleLevel> {
        match s {
            "off" => Some(RuleLevel::Off),
            "error" => Some(RuleLevel::On(Severity::Error)),
            "warning" => Some(RuleLevel::On(Severity::Warning)),
            "info" => Some(RuleLevel::On(Severity::Info)),
            _ => None,
        }
    }
}

/// A loaded, valid config: the file with everything it `extends` merged in.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// The file itself (the nearest one, where the chain starts).
    pub source: Arc<SourceFile>,
    pub fail_on: Option<FailOn>,
    pub levels: Option<Levels>,
    pub rules: BTreeMap<String, RuleLevel>,
    pub exceptions: Vec<Exception>,
    /// `max_exception_days`: an exception expiring later than this from today is reported.
    pub max_exception_days: i64,
    /// `inventory:`: how the company's inventory shape maps onto the model; `None` is format v1.
    pub mapping: Option<Mapping>,
    /// `rule_files:` globs expanded (relative to the file that wrote them), the extended files'
    /// first; sorted within each glob, no duplicates. Loading them is the rule registry's job.
    pub rule_files: Vec<PathBuf>,
    /// The effective catalog when `catalog:` adds systems or overrides statuses; `None` means
    /// the embedded catalog applies unchanged.
    pub catalog: Option<Arc<Catalog>>,
    /// `allow_empty`: an inventory that lists no tools is deliberate, not `empty-inventory`.
    pub(crate) allow_empty: bool,
    /// Every file read for this config: itself first, then what it extends, in load order.
    pub files: Vec<Arc<SourceFile>>,
    /// Each effective value with the file and line it came from, for `config --show`.
    pub(crate) shown: Vec<Shown>,
}

impl Config {
    /// The catalog the engine uses under this config.
    pub(crate) fn effective_catalog(config: Option<&Config>) -> Arc<Catalog> {
        config
            .and_then(|c| c.catalog.clone())
            .unwrap_or_else(Catalog::embedded)
    }
}

/// A mistake in a config (or baseline) file: the one located error, coded `invalid-config`.
pub(crate) type ConfigError = crate::located::LocatedError;

/// A config problem at `span` of `source`, with the words under the span.
pub(crate) fn config_error(
    source: &SourceFile,
    span: Span,
    message: impl Into<String>,
    label: impl Into<String>,
    help: Option<String>,
) -> ConfigError {
    ConfigError::new(
        "invalid-config",
        source,
        span,
        message,
        Some(label.into()),
        help,
    )
}

/// Loads a config file and everything it `extends`; `rule_ids` are the ids `rules:` and
/// `exceptions:` may name. Extended files are read with the default size limit.
pub(crate) fn load(source: Arc<SourceFile>, rule_ids: &[&str]) -> Result<Config, Vec<ConfigError>> {
    load_with(source, rule_ids, crate::discover::DEFAULT_MAX_FILE_SIZE)
}

/// [`load`], reading extended files of at most `max_file_size` bytes.
pub(crate) fn load_with(
    source: Arc<SourceFile>,
    rule_ids: &[&str],
    max_file_size: u64,
) -> Result<Config, Vec<ConfigError>> {
    load_confined(source, rule_ids, max_file_size, &Default::default())
}

/// What the command line says about loading configs.
#[derive(Debug, Clone, Default)]
pub(crate) struct LoadOptions {
    /// `--allow-outside`: directories outside the repository the config may name files in;
    /// see [`crate::policy::confine`].
    pub(crate) allowed: crate::policy::confine::Allowed,
    /// `--no-catalog-overrides`: every `catalog:` change is an error.
    pub no_catalog_overrides: bool,
}

/// [`load_with`] under the command line's [`LoadOptions`].
pub(crate) fn load_confined(
    source: Arc<SourceFile>,
    rule_ids: &[&str],
    max_file_size: u64,
    options: &LoadOptions,
) -> Result<Config, Vec<ConfigError>> {
    extends::resolve(source, rule_ids, max_file_size, options)
}

/// One file's own settings, before the `extends` chain is merged.
#[derive(Debug, Default)]
struct Layer {
    fail_on: Option<FailOn>,
    levels: Option<Levels>,
    rules: BTreeMap<String, RuleLevel>,
    exceptions: Vec<Exception>,
    max_exception_days: Option<i64>,
    allow_empty: Option<bool>,
    mapping: Option<Mapping>,
    rule_files: Vec<PathBuf>,
    added: Vec<Added>,
    overrides: Vec<Override>,
    /// `catalog_overrides: forbid`, with where it was written.
    forbid_catalog: Option<String>,
    shown: Vec<Shown>,
}

struct Loader<'a> {
    source: &'a Arc<SourceFile>,
    rule_ids: &'a [&'a str],
    /// Directories outside the repository the command line allows paths into.
    allowed: &'a crate::policy::confine::Allowed,
    errors: Vec<ConfigError>,
}

impl NodeReader for Loader<'_> {
    fn source(&self) -> &SourceFile {
        self.source
    }

    /// Every config problem, unknown keys included, is an error in the config file.
    fn complain(
        &mut self,
        _kind: Complaint,
        span: Span,
        message: String,
        label: String,
        help: Option<String>,
    ) {
        self.error(span, message, label, help);
    }
}

impl Loader<'_> {
    fn error(
        &mut self,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) {
        let span = self.first_line(span);
        self.errors
            .push(config_error(self.source, span, message, label, help));
    }

    /// Entries of a mapping, or `None` (reported) when the node is something else.
    fn mapping<'n, 'a>(
        &mut self,
        node: &'n Node<'a>,
        what: &str,
    ) -> Option<&'n [(Node<'a>, Node<'a>)]> {
        match &node.kind {
            NodeKind::Map(entries) => Some(entries),
            NodeKind::Null => Some(&[]),
            _ => {
                self.wrong_type(node, what, "a mapping");
                None
            }
        }
    }

    fn rule_id(&mut self, node: &Node, what: &str) -> Option<Sp<String>> {
        let rule_ids = self.rule_ids;
        let id = self.string(node, what)?;
        // No ids at all: a first reading that only wants `rule_files` (the ids those files
        // define are not known yet); the second reading checks every id.
        // Sorted by `extends::resolve`.
        if rule_ids.is_empty() || rule_ids.binary_search(&id.value.as_str()).is_ok() {
            return Some(id);
        }
        let help = did_you_mean(&id.value, rule_ids)
            .unwrap_or_else(|| "`e2ee-lint rules` lists every rule".into());
        self.error(
            id.span,
            format!("unknown rule `{}`", id.value),
            "no rule has this id",
            Some(help),
        );
        None
    }

    /// Reads one file's settings; `inherited` are the levels of the files it extends, against
    /// which its value translations are checked when it sets none of its own.
    fn document(&mut self, document: &Node, inherited: Option<&Levels>) -> Layer {
        let mut layer = Layer::default();
        let Some(entries) = self.mapping(document, "the config file") else {
            return layer;
        };
        let mut inventory = None;
        for (key, value) in entries {
            let before = self.errors.len();
            match key.as_str() {
                // Read before the rest of the file, by `extends::resolve`.
                Some("extends") => {}
                Some("fail_on") => {
                    layer.fail_on = self
                        .keyword(value, "`fail_on` value", FAIL_ON)
                        .and_then(|v| FailOn::parse(&v.value));
                }
                Some("data_classification") => layer.levels = self.levels(value),
                Some("rules") => {
                    layer.rules = self.rules(value);
                    self.show_entries(&mut layer, "rules", value);
                }
                Some("exceptions") => {
                    layer.exceptions = self.exceptions(value);
                    self.show_items(&mut layer, "exceptions", value);
                }
                Some("max_exception_days") => layer.max_exception_days = self.positive_days(value),
                Some("allow_empty") => match value.kind {
                    NodeKind::Bool(allow) => layer.allow_empty = Some(allow),
                    _ => self.wrong_type(value, "`allow_empty`", "`true` or `false`"),
                },
                Some("inventory") => inventory = Some((key, value)),
                Some("rule_files") => self.rule_files(value, &mut layer),
                Some("catalog") => self.catalog(value, &mut layer),
                Some("catalog_overrides") => {
                    let forbid = self
                        .keyword(value, "`catalog_overrides` value", CATALOG_OVERRIDES)
                        .is_some_and(|v| v.value == "forbid");
                    if forbid {
                        let line = self.source.line_col(value.span.offset).line;
                        layer.forbid_catalog = Some(format!(
                            "`catalog_overrides: forbid` in {}:{line}",
                            self.source.name
                        ));
                    }
                }
                _ => self.unknown_key(key, TOP_KEYS, "the config file"),
            }
            let single = !matches!(
                key.as_str(),
                Some("extends" | "rules" | "exceptions" | "inventory" | "rule_files" | "catalog")
            );
            if single && self.errors.len() == before {
                self.show(&mut layer, key, value, None);
            }
        }
        // After the loop: value translations are checked against the configured levels.
        if let Some((key, node)) = inventory {
            let levels = layer.levels.as_ref().or(inherited);
            layer.mapping = self.inventory(node, levels);
            self.show(&mut layer, key, node, None);
        }
        layer
    }

    fn nonempty(&mut self, node: &Node, what: &str) -> Option<Sp<String>> {
        let value = self.string(node, what)?;
        if value.value.trim().is_empty() {
            self.error(
                value.span,
                format!("{what} must not be empty"),
                "empty",
                None,
            );
            return None;
        }
        Some(value)
    }
}
