//! The config file (`e2ee-lint.yaml`): its model, and its loader from the spanned YAML tree.
//!
//! Like cargo-deny, every value keeps its span, and every mistake is a diagnostic pointing into
//! the config file. A config with any error is not used at all: a half-read policy would give a
//! verdict nobody wrote.

use std::collections::BTreeMap;
use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};

use super::FailOn;
use crate::engine::Levels;

use crate::finding::Severity;
use crate::inventory::Mapping;
use crate::read::{Complaint, NodeReader};
use crate::source::Sp;
use crate::source::{SourceFile, Span};
use crate::suggest::did_you_mean;
use crate::yaml::{self, Node, NodeKind};

mod exception;
mod load;

pub use exception::Exception;

/// Keys of the top-level mapping, in the order the README documents them.
pub const TOP_KEYS: &[&str] = &[
    "fail_on",
    "data_classification",
    "rules",
    "max_exception_days",
    "exceptions",
    "inventory",
];
/// The longest an exception may run, from today, unless `max_exception_days` says otherwise.
pub const MAX_EXCEPTION_DAYS: i64 = 365;
pub const INVENTORY_KEYS: &[&str] = &["tools", "fields", "unknown_fields", "values"];
pub const UNKNOWN_FIELDS: &[&str] = &["warn", "ignore"];
/// `inventory.tools` values that are not key names.
pub const TOOLS_LIST: &str = ".";
pub const TOOLS_SINGLE: &str = "single";
pub const CLASSIFICATION_KEYS: &[&str] = &["levels", "e2ee_required_from"];
pub const EXCEPTION_KEYS: &[&str] = &[
    "tool",
    "rule",
    "reason",
    "approved_by",
    "ticket",
    "expires",
    "files",
];
pub const FAIL_ON: &[&str] = FailOn::NAMES;
pub const RULE_LEVELS: &[&str] = &["error", "warning", "info", "off"];

/// What the config sets a rule to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleLevel {
    Off,
    On(Severity),
}

impl RuleLevel {
    pub fn parse(s: &str) -> Option<RuleLevel> {
        match s {
            "off" => Some(RuleLevel::Off),
            "error" => Some(RuleLevel::On(Severity::Error)),
            "warning" => Some(RuleLevel::On(Severity::Warning)),
            "info" => Some(RuleLevel::On(Severity::Info)),
            _ => None,
        }
    }
}

/// A loaded, valid config file.
#[derive(Debug, Clone)]
pub struct Config {
    pub source: Arc<SourceFile>,
    pub fail_on: Option<FailOn>,
    pub levels: Option<Levels>,
    pub rules: BTreeMap<String, RuleLevel>,
    pub exceptions: Vec<Exception>,
    /// `max_exception_days`: an exception expiring later than this from today is reported.
    pub max_exception_days: i64,
    /// `inventory:`: how the company's inventory shape maps onto the model; `None` is format v1.
    pub mapping: Option<Mapping>,
}

/// A mistake in a config (or baseline) file, drawn by miette with a label into that file.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    pub message: String,
    pub source_code: NamedSource<Arc<String>>,
    pub span: SourceSpan,
    pub label: String,
    pub help: Option<String>,
}

impl Diagnostic for ConfigError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new("error[invalid-config]"))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source_code)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(Some(self.label.clone()), self.span),
        )))
    }
}

impl ConfigError {
    pub fn new(
        source: &SourceFile,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) -> ConfigError {
        ConfigError {
            message: message.into(),
            source_code: NamedSource::new(&source.name, Arc::clone(&source.text)),
            span: span.into(),
            label: label.into(),
            help,
        }
    }
}

/// Loads a config file; `rule_ids` are the ids `rules:` and `exceptions:` may name.
pub fn load(source: Arc<SourceFile>, rule_ids: &[&str]) -> Result<Config, Vec<ConfigError>> {
    let mut loader = Loader {
        source: &source,
        rule_ids,
        errors: Vec::new(),
    };
    let mut config = Config {
        source: Arc::clone(&source),
        fail_on: None,
        levels: None,
        rules: BTreeMap::new(),
        exceptions: Vec::new(),
        max_exception_days: MAX_EXCEPTION_DAYS,
        mapping: None,
    };
    match yaml::parse(&source.text) {
        Ok(documents) => {
            if let Some(extra) = documents.get(1) {
                loader.error(
                    extra.span,
                    "a config file has one YAML document",
                    "second document",
                    Some("remove the `---` separator and merge the documents".into()),
                );
            }
            if let Some(document) = documents.first() {
                loader.document(document, &mut config);
            }
        }
        Err(error) => loader.error(
            error.span,
            format!("invalid YAML: {}", error.message),
            "here",
            None,
        ),
    }
    if loader.errors.is_empty() {
        Ok(config)
    } else {
        Err(loader.errors)
    }
}

struct Loader<'a> {
    source: &'a SourceFile,
    rule_ids: &'a [&'a str],
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
            .push(ConfigError::new(self.source, span, message, label, help));
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
        if rule_ids.contains(&id.value.as_str()) {
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

    fn document(&mut self, document: &Node, config: &mut Config) {
        let Some(entries) = self.mapping(document, "the config file") else {
            return;
        };
        let mut inventory = None;
        for (key, value) in entries {
            match key.as_str() {
                Some("fail_on") => {
                    config.fail_on = self
                        .keyword(value, "`fail_on` value", FAIL_ON)
                        .and_then(|v| FailOn::parse(&v.value));
                }
                Some("data_classification") => config.levels = self.levels(value),
                Some("rules") => config.rules = self.rules(value),
                Some("exceptions") => config.exceptions = self.exceptions(value),
                Some("max_exception_days") => {
                    if let Some(days) = self.positive_days(value) {
                        config.max_exception_days = days;
                    }
                }
                Some("inventory") => inventory = Some(value),
                _ => self.unknown_key(key, TOP_KEYS, "the config file"),
            }
        }
        // After the loop: value translations are checked against the configured levels.
        if let Some(node) = inventory {
            config.mapping = self.inventory(node, config.levels.as_ref());
        }
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
