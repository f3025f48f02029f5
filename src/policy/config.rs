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
use crate::fields::{self, CHANNELS};
use crate::finding::Severity;
use crate::inventory::{Mapping, ToolsAt, UnknownFields, scalar_key};
use crate::read::{Complaint, NodeReader};
use crate::source::Sp;
use crate::source::{SourceFile, Span};
use crate::suggest::did_you_mean;
use crate::yaml::{self, Node, NodeKind};

mod exception;

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

    /// `inventory:`: where the tools are, which company key feeds which field, what to do
    /// with the rest, and value translations.
    fn inventory(&mut self, node: &Node, levels: Option<&Levels>) -> Option<Mapping> {
        let entries = self.mapping(node, "`inventory`")?;
        let mut tools = ToolsAt::Key("tools".into());
        let mut fields: Vec<(Sp<String>, Sp<String>)> = Vec::new();
        let mut unknown = UnknownFields::Warn;
        let mut values: Vec<(String, BTreeMap<String, String>)> = Vec::new();
        let before = self.errors.len();
        for (key, value) in entries {
            match key.as_str() {
                Some("tools") => {
                    if let Some(at) = self.nonempty(value, "`inventory.tools`") {
                        tools = match at.value.as_str() {
                            TOOLS_LIST => ToolsAt::List,
                            TOOLS_SINGLE => ToolsAt::Single,
                            key => ToolsAt::Key(key.to_owned()),
                        };
                    }
                }
                Some("fields") => fields = self.fields(value),
                Some("unknown_fields") => {
                    if let Some(v) = self.keyword(value, "`unknown_fields` value", UNKNOWN_FIELDS) {
                        unknown = if v.value == "ignore" {
                            UnknownFields::Ignore
                        } else {
                            UnknownFields::Warn
                        };
                    }
                }
                Some("values") => values = self.values(value, levels),
                _ => self.unknown_key(key, INVENTORY_KEYS, "`inventory`"),
            }
        }
        // Each company key feeds one field.
        for (i, (ours, theirs)) in fields.iter().enumerate() {
            if let Some((first, _)) = fields[..i].iter().find(|(_, t)| t.value == theirs.value) {
                self.error(
                    theirs.span,
                    format!(
                        "`{}` is mapped twice: to `{}` and to `{}`",
                        theirs.value, first.value, ours.value
                    ),
                    "already mapped",
                    Some("each company key feeds one field; remove one of the two".into()),
                );
            }
        }
        // `name` is required: it cannot lose its key to another field.
        if !fields.iter().any(|(ours, _)| ours.value == "name")
            && let Some((ours, theirs)) = fields.iter().find(|(_, t)| t.value == "name")
        {
            self.error(
                theirs.span,
                format!(
                    "`name` is mapped to `{}`, so no key is left for the tool's name",
                    ours.value
                ),
                "the tool name's own key",
                Some("map `name` as well, e.g. `name: title`".into()),
            );
        }
        if self.errors.len() > before {
            return None;
        }
        let fields: Vec<(String, String)> = fields
            .into_iter()
            .map(|(ours, theirs)| (ours.value, theirs.value))
            .collect();
        Some(Mapping::new(tools, &fields, unknown, &values))
    }

    /// One of our field names, as a key of `inventory.fields` or `inventory.values`.
    fn our_field(&mut self, key: &Node, context: &str) -> Option<Sp<String>> {
        let field = self.string(key, &format!("a field name in {context}"))?;
        let names = fields::names();
        if names.contains(&field.value.as_str()) {
            return Some(field);
        }
        let help = did_you_mean(&field.value, &names)
            .unwrap_or_else(|| format!("the fields are: {}", names.join(", ")));
        self.error(
            field.span,
            format!("unknown field `{}` in {context}", field.value),
            "not a field of the inventory model",
            Some(help),
        );
        None
    }

    /// `inventory.fields`: our field name -> the company's key.
    fn fields(&mut self, node: &Node) -> Vec<(Sp<String>, Sp<String>)> {
        let mut fields = Vec::new();
        let Some(entries) = self.mapping(node, "`inventory.fields`") else {
            return fields;
        };
        for (key, value) in entries {
            let ours = self.our_field(key, "`inventory.fields`");
            let theirs = self.nonempty(value, "a company key");
            if let (Some(ours), Some(theirs)) = (ours, theirs) {
                fields.push((ours, theirs));
            }
        }
        fields
    }

    /// `inventory.values`: per field of ours, the company's values -> ours.
    fn values(
        &mut self,
        node: &Node,
        levels: Option<&Levels>,
    ) -> Vec<(String, BTreeMap<String, String>)> {
        let mut values = Vec::new();
        let Some(entries) = self.mapping(node, "`inventory.values`") else {
            return values;
        };
        let default_levels = Levels::default();
        let levels = levels.unwrap_or(&default_levels);
        let level_names: Vec<&str> = levels.names.iter().map(String::as_str).collect();
        for (key, value) in entries {
            let Some(field) = self.our_field(key, "`inventory.values`") else {
                continue;
            };
            let kind = fields::FieldId::parse(&field.value).map(|f| f.spec().kind);
            let allowed: Option<&[&str]> = match kind {
                Some(fields::Kind::Labels) => {
                    self.error(
                        field.span,
                        "`labels` is a mapping; its values cannot be translated",
                        "not a single-valued field",
                        None,
                    );
                    continue;
                }
                Some(fields::Kind::Keyword(words)) => Some(words),
                Some(fields::Kind::Channels) => Some(CHANNELS),
                Some(fields::Kind::Level) => Some(&level_names),
                _ => None,
            };
            let what = format!("`inventory.values.{}`", field.value);
            let Some(pairs) = self.mapping(value, &what) else {
                continue;
            };
            let mut map = BTreeMap::new();
            for (from, to) in pairs {
                let Some(from_text) = scalar_key(from, &self.source.text) else {
                    self.error(
                        from.span,
                        format!(
                            "the values in {what} must be scalars, found {}",
                            from.kind.type_name()
                        ),
                        "not a scalar",
                        None,
                    );
                    continue;
                };
                let Some(to) = self.nonempty(to, &format!("the value `{from_text}` maps to"))
                else {
                    continue;
                };
                if let Some(allowed) = allowed
                    && !allowed.contains(&to.value.as_str())
                {
                    let help = did_you_mean(&to.value, allowed)
                        .unwrap_or_else(|| format!("expected one of: {}", allowed.join(", ")));
                    self.error(
                        to.span,
                        format!("`{}` is not a valid `{}`", to.value, field.value),
                        format!("not one of: {}", allowed.join(", ")),
                        Some(help),
                    );
                    continue;
                }
                map.insert(from_text, to.value);
            }
            values.push((field.value, map));
        }
        values
    }

    fn levels(&mut self, node: &Node) -> Option<Levels> {
        let entries = self.mapping(node, "`data_classification`")?;
        let mut names: Option<Sp<Vec<String>>> = None;
        let mut threshold: Option<Sp<String>> = None;
        for (key, value) in entries {
            match key.as_str() {
                Some("levels") => names = self.level_names(value),
                Some("e2ee_required_from") => {
                    threshold = self.string(value, "`e2ee_required_from`")
                }
                _ => self.unknown_key(key, CLASSIFICATION_KEYS, "`data_classification`"),
            }
        }
        let names = match names {
            Some(names) => names.value,
            None => Levels::default().names,
        };
        let Some(threshold) = threshold else {
            self.error(
                node.span,
                "`data_classification` needs `e2ee_required_from`",
                "no `e2ee_required_from` here",
                Some("add `e2ee_required_from:` with the first level that requires E2EE".into()),
            );
            return None;
        };
        let known: Vec<&str> = names.iter().map(String::as_str).collect();
        match known.iter().position(|n| *n == threshold.value) {
            Some(index) => Some(Levels {
                names,
                threshold: index,
            }),
            None => {
                let help = did_you_mean(&threshold.value, &known)
                    .unwrap_or_else(|| format!("levels: {}", known.join(", ")));
                self.error(
                    threshold.span,
                    format!("`{}` is not one of the levels", threshold.value),
                    "not a level",
                    Some(help),
                );
                None
            }
        }
    }

    fn level_names(&mut self, node: &Node) -> Option<Sp<Vec<String>>> {
        let NodeKind::Seq(items) = &node.kind else {
            self.wrong_type(node, "`levels`", "a list of level names");
            return None;
        };
        let mut names: Vec<String> = Vec::new();
        for item in items {
            let name = self.string(item, "a level")?;
            if names.contains(&name.value) {
                self.error(
                    name.span,
                    format!("level `{}` is listed twice", name.value),
                    "again here",
                    None,
                );
                return None;
            }
            names.push(name.value);
        }
        if names.is_empty() {
            self.error(
                node.span,
                "`levels` is empty",
                "no levels",
                Some("list the levels, least to most sensitive".into()),
            );
            return None;
        }
        Some(Sp {
            value: names,
            span: node.span,
        })
    }

    fn rules(&mut self, node: &Node) -> BTreeMap<String, RuleLevel> {
        let mut rules = BTreeMap::new();
        let Some(entries) = self.mapping(node, "`rules`") else {
            return rules;
        };
        for (key, value) in entries {
            let Some(id) = self.rule_id(key, "a rule id") else {
                continue;
            };
            if let Some(level) = self.keyword(value, "rule level", RULE_LEVELS) {
                rules.insert(
                    id.value,
                    RuleLevel::parse(&level.value).unwrap_or(RuleLevel::Off),
                );
            }
        }
        rules
    }

    /// `max_exception_days`: a whole number of days, at least 1.
    fn positive_days(&mut self, node: &Node) -> Option<i64> {
        match &node.kind {
            NodeKind::Int(days) if *days >= 1 => Some(i64::try_from(*days).unwrap_or(i64::MAX)),
            _ => {
                self.error(
                    node.span,
                    format!(
                        "`max_exception_days` must be a whole number of days, at least 1, found `{}`",
                        self.source.slice(node.span)
                    ),
                    "not a number of days",
                    Some(format!("e.g. `max_exception_days: {MAX_EXCEPTION_DAYS}`")),
                );
                None
            }
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
