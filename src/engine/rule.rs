//! Rule files (`rules/<id>.yaml`): their format, validation, and the registry of loaded rules.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::condition::{Condition, ConditionSpec};
use super::template::Template;
use crate::fields::{self, FieldId};
use crate::finding::Severity;
use crate::suggest::did_you_mean;

/// The rule files embedded at build time: `(file name, contents)`, sorted by file name.
pub const EMBEDDED_RULES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/rules.rs"));

/// Where in a tool entry a finding or label points: any field path (`e2ee`, `owner`,
/// `labels.team`, `extra.cost_center`) or the whole `entry`. Falls back to the tool's name when
/// the field is absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Field(FieldId),
    Label(String),
    Extra(String),
    Entry,
}

impl Default for Target {
    fn default() -> Self {
        Target::Field(fields::NAME)
    }
}

impl Target {
    pub fn parse(path: &str) -> Result<Target, String> {
        if path == "entry" {
            return Ok(Target::Entry);
        }
        if let Some(key) = path.strip_prefix("labels.").filter(|k| !k.is_empty()) {
            return Ok(Target::Label(key.to_owned()));
        }
        if let Some(key) = path.strip_prefix("extra.").filter(|k| !k.is_empty()) {
            return Ok(Target::Extra(key.to_owned()));
        }
        FieldId::parse(path).map(Target::Field).ok_or_else(|| {
            let mut known = fields::names();
            known.extend(["entry", "labels.<key>", "extra.<key>"]);
            let hint = did_you_mean(path, &known)
                .unwrap_or_else(|| format!("known: {}", known.join(", ")));
            format!("unknown target `{path}`; {hint}")
        })
    }

    /// The target is the channel list, whose labels go on each concerned channel.
    pub fn is_channels(&self) -> bool {
        *self == Target::Field(fields::CHANNELS_FIELD)
    }
}

impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let path = String::deserialize(deserializer)?;
        Target::parse(&path).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    id: String,
    severity: Severity,
    summary: String,
    docs: String,
    #[serde(default)]
    tags: Vec<String>,
    /// Compliance controls the rule gives evidence for (e.g. `ISO/IEC 27001:2022 A.8.24`).
    #[serde(default)]
    controls: Vec<String>,
    /// Detection lives in code (the loader, cross-tool checks); the file declares the rest.
    #[serde(default)]
    builtin: bool,
    /// `false`: the rule reports nothing unless a config or `--severity` sets its level.
    #[serde(default = "enabled_by_default")]
    enabled: bool,
    #[serde(default)]
    per_channel: bool,
    when: Option<ConditionSpec>,
    #[serde(default)]
    escalate: Vec<EscalateSpec>,
    message: String,
    help: Option<String>,
    #[serde(default)]
    at: Target,
    #[serde(default)]
    labels: Vec<LabelSpec>,
}

fn enabled_by_default() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EscalateSpec {
    when: ConditionSpec,
    severity: Severity,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelSpec {
    at: Target,
    message: String,
}

/// A severity that applies when its condition holds.
#[derive(Debug, Clone)]
pub struct Escalation {
    pub when: Condition,
    pub severity: Severity,
}

/// A secondary label a rule attaches. With `at: channels` it labels each concerned channel
/// the inventory lists, with `{channel}` set.
#[derive(Debug, Clone)]
pub struct LabelRule {
    pub at: Target,
    pub message: Template,
}

/// How a rule finds problems.
#[derive(Debug, Clone)]
pub enum Detection {
    /// In code: the loader or a cross-tool check.
    Builtin,
    /// A condition over one tool; with `per_channel`, over each channel in use.
    Condition { when: Condition, per_channel: bool },
}

/// What every output may know about a rule: its documentation, never its detection.
///
/// The outcome carries these for every rule that can fire, so renderers (SARIF's rule table,
/// the report's controls) describe built-in and custom rules alike without the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: String,
    /// The default severity, before any override.
    pub severity: Severity,
    /// Off by default: reports only when a config or `--severity` sets a level.
    pub enabled: bool,
    /// Severities the rule's escalations can raise it to, in file order.
    pub escalations: Vec<Severity>,
    pub summary: String,
    pub docs: String,
    pub tags: Vec<String>,
    /// Compliance controls the rule gives evidence for, as written in its file.
    pub controls: Vec<String>,
}

/// A loaded, validated rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub info: RuleInfo,
    pub detection: Detection,
    pub escalate: Vec<Escalation>,
    pub message: Template,
    pub help: Option<Template>,
    pub at: Target,
    pub labels: Vec<LabelRule>,
    /// The rule file as written, for `explain`.
    pub source: String,
}

/// A rule file that does not load.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct RuleError {
    pub file: String,
    pub message: String,
}

/// Whether an id is lowercase kebab-case (`no-e2ee`).
pub fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl Rule {
    /// Loads one rule file.
    pub fn parse(file: &str, text: &str) -> Result<Rule, RuleError> {
        let error = |message: String| RuleError {
            file: file.to_owned(),
            message,
        };
        let spec: RuleSpec = serde_saphyr::from_str_with_options(text, crate::yaml::options())
            .map_err(|e| error(e.to_string()))?;
        if !is_kebab_case(&spec.id) {
            return Err(error(format!("rule id `{}` is not kebab-case", spec.id)));
        }
        let detection = match (spec.builtin, spec.when) {
            (true, None) => Detection::Builtin,
            (false, Some(when)) => {
                let when = Condition::compile(when).map_err(error)?;
                if when.uses_channel() && !spec.per_channel {
                    return Err(error(
                        "the condition reads `channel` but the rule is not `per_channel: true`"
                            .into(),
                    ));
                }
                Detection::Condition {
                    when,
                    per_channel: spec.per_channel,
                }
            }
            (true, Some(_)) => return Err(error("a builtin rule has no `when:`".into())),
            (false, None) => return Err(error("a rule needs `when:` (or `builtin: true`)".into())),
        };
        let escalate: Vec<Escalation> = spec
            .escalate
            .into_iter()
            .map(|e| {
                let when = Condition::compile(e.when).map_err(&error)?;
                if when.uses_channel() {
                    return Err(error("an escalation cannot read `channel`".into()));
                }
                Ok(Escalation {
                    when,
                    severity: e.severity,
                })
            })
            .collect::<Result<_, _>>()?;
        let template = |text: &str| Template::parse(text).map_err(&error);
        let labels = spec
            .labels
            .iter()
            .map(|l| {
                Ok(LabelRule {
                    at: l.at.clone(),
                    message: template(&l.message)?,
                })
            })
            .collect::<Result<Vec<_>, RuleError>>()?;
        let message = template(&spec.message)?;
        let help = spec.help.as_deref().map(template).transpose()?;
        let channel_outside_label = message
            .variables()
            .chain(help.iter().flat_map(Template::variables))
            .any(|v| v == "channel");
        if channel_outside_label {
            return Err(error(
                "`{channel}` is only available in `labels` with `at: channels`".into(),
            ));
        }
        Ok(Rule {
            info: RuleInfo {
                id: spec.id,
                severity: spec.severity,
                enabled: spec.enabled,
                escalations: escalate.iter().map(|e| e.severity).collect(),
                summary: spec.summary,
                docs: spec.docs,
                tags: spec.tags,
                controls: spec.controls,
            },
            detection,
            escalate,
            message,
            help,
            at: spec.at,
            labels,
            source: text.to_owned(),
        })
    }
}

/// All loaded rules, by id.
#[derive(Debug, Clone)]
pub struct Registry {
    rules: BTreeMap<String, Rule>,
}

impl Registry {
    /// The rules embedded in the binary.
    ///
    /// Parsed once per process: a run asks for it in several places (the engine, the policy,
    /// the renderers), and the pre-commit case is measured in milliseconds.
    pub fn embedded() -> Result<Registry, RuleError> {
        static EMBEDDED: std::sync::OnceLock<Result<Registry, (String, String)>> =
            std::sync::OnceLock::new();
        EMBEDDED
            .get_or_init(|| {
                Registry::from_files(EMBEDDED_RULES.iter().copied())
                    .map_err(|e| (e.file, e.message))
            })
            .clone()
            .map_err(|(file, message)| RuleError { file, message })
    }

    /// Loads rule files; ids must be unique and match their file names.
    pub fn from_files<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Registry, RuleError> {
        let mut rules = BTreeMap::new();
        for (file, text) in files {
            let rule = Rule::parse(file, text)?;
            let stem = file.trim_end_matches(".yaml").trim_end_matches(".yml");
            let stem = stem.rsplit(['/', '\\']).next().unwrap_or(stem);
            if stem != rule.info.id {
                return Err(RuleError {
                    file: file.to_owned(),
                    message: format!("rule id `{}` does not match the file name", rule.info.id),
                });
            }
            if rules.contains_key(&rule.info.id) {
                return Err(RuleError {
                    file: file.to_owned(),
                    message: format!("duplicate rule id `{}`", rule.info.id),
                });
            }
            rules.insert(rule.info.id.clone(), rule);
        }
        Ok(Registry { rules })
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.get(id)
    }

    /// Rules sorted by id.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.values()
    }

    /// The default severity of a rule; a builtin id with no file is a defect caught by tests.
    pub fn severity(&self, id: &str) -> Severity {
        self.get(id).map_or(Severity::Error, |r| r.info.severity)
    }

    /// The documentation of every rule, sorted by id, for the outcome.
    pub fn infos(&self) -> Vec<RuleInfo> {
        self.rules().map(|r| r.info.clone()).collect()
    }
}
