//! Rule files (`rules/<id>.yaml`): their format and validation. The loaded set is
//! [`Registry`] (`registry.rs`).

use std::sync::Arc;

use crate::yaml::Spanned;
use serde::Deserialize;

use super::condition::{Condition, ConditionSpec, Located};
use super::template::Template;
use crate::fields::{self, FieldId};
use crate::finding::Severity;
use crate::source::{SourceFile, Span};
use crate::suggest::did_you_mean;
use crate::yaml::span_of;

pub use super::registry::Registry;

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
    pub(crate) fn parse(path: &str) -> Result<Target, String> {
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
    pub(crate) fn is_channels(&self) -> bool {
        *self == Target::Field(fields::CHANNELS_FIELD)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    id: Spanned<String>,
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
    when: Option<Spanned<ConditionSpec>>,
    #[serde(default)]
    escalate: Vec<EscalateSpec>,
    message: Spanned<String>,
    help: Option<Spanned<String>>,
    at: Option<Spanned<String>>,
    #[serde(default)]
    labels: Vec<LabelSpec>,
}

fn enabled_by_default() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EscalateSpec {
    when: Spanned<ConditionSpec>,
    severity: Severity,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelSpec {
    at: Spanned<String>,
    message: Spanned<String>,
}

/// A severity that applies when its condition holds.
#[derive(Debug, Clone)]
pub(crate) struct Escalation {
    pub(crate) when: Condition,
    pub severity: Severity,
}

/// A secondary label a rule attaches. With `at: channels` it labels each concerned channel
/// the inventory lists, with `{channel}` set.
#[derive(Debug, Clone)]
pub(crate) struct LabelRule {
    pub at: Target,
    pub message: Template,
}

/// How a rule finds problems.
#[derive(Debug, Clone)]
pub(crate) enum Detection {
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
    /// Shared by every finding of the rule.
    pub id: Arc<str>,
    /// The default severity, before any override.
    pub severity: Severity,
    /// Off by default: reports only when a config or `--severity` sets a level.
    pub enabled: bool,
    /// Severities the rule's escalations can raise it to, in file order.
    pub(crate) escalations: Vec<Severity>,
    pub summary: String,
    pub docs: String,
    pub tags: Vec<String>,
    /// Compliance controls the rule gives evidence for, as written in its file.
    pub(crate) controls: Vec<String>,
}

/// A loaded, validated rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub info: RuleInfo,
    pub(crate) detection: Detection,
    pub(crate) escalate: Vec<Escalation>,
    pub(crate) message: Template,
    pub(crate) help: Option<Template>,
    pub at: Target,
    pub(crate) labels: Vec<LabelRule>,
    /// Where the id is written, for duplicate-id errors.
    pub(crate) id_span: Span,
    /// The rule file as written.
    pub source: Arc<SourceFile>,
}

/// A rule file that does not load: the one located error, coded `invalid-rule`.
pub(crate) type RuleError = crate::located::LocatedError;

/// A rule-file problem as a [`RuleError`].
pub(crate) fn rule_error(source: &SourceFile, problem: Located) -> RuleError {
    RuleError::new(
        "invalid-rule",
        source,
        problem.span,
        problem.message,
        None,
        problem.help,
    )
}

/// Whether an id is lowercase kebab-case (`no-e2ee`).
pub(crate) fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl Rule {
    /// Loads one rule file; every mistake is located in it.
    pub(crate) fn parse(source: &Arc<SourceFile>) -> Result<Rule, RuleError> {
        let text = source.text.as_str();
        let spec: RuleSpec = crate::yaml::from_str(text).map_err(|located| {
            rule_error(source, Located::new(located.span, located.message, None))
        })?;
        let rule = Rule::from_spec(spec, source)?;
        rule.build_patterns().map_err(|e| rule_error(source, e))?;
        Ok(rule)
    }

    /// Builds the rule's `matches:` patterns now (they are otherwise built on first use), so
    /// that a rule file whose pattern does not build is an error when it loads.
    pub(crate) fn build_patterns(&self) -> Result<(), Located> {
        if let Detection::Condition { when, .. } = &self.detection {
            when.build_patterns()?;
        }
        self.escalate
            .iter()
            .try_for_each(|escalation| escalation.when.build_patterns())
    }

    /// A rule from its JSON form (the embedded rules, converted by `build.rs`): the same
    /// checks, with no locations, since the tests hold the YAML they come from valid.
    pub(crate) fn parse_json(json: &str, source: &Arc<SourceFile>) -> Result<Rule, RuleError> {
        let spec: RuleSpec = serde_json::from_str(json)
            .map_err(|e| rule_error(source, Located::new(Span::default(), e.to_string(), None)))?;
        Rule::from_spec(spec, source)
    }

    fn from_spec(spec: RuleSpec, source: &Arc<SourceFile>) -> Result<Rule, RuleError> {
        let fail = |span: Span, message: String, help: Option<String>| {
            rule_error(source, Located::new(span, message, help))
        };
        let id_span = span_of(&spec.id);
        if !is_kebab_case(&spec.id.value) {
            return Err(fail(
                id_span,
                format!("rule id `{}` is not kebab-case", spec.id.value),
                Some("use lowercase words joined by `-`, e.g. `unowned-tool`".into()),
            ));
        }
        let compile = |when: Spanned<ConditionSpec>| {
            let at = span_of(&when);
            Condition::compile(when.value, at).map_err(|e| rule_error(source, e))
        };
        let detection = match (spec.builtin, spec.when) {
            (true, None) => Detection::Builtin,
            (false, Some(when)) => {
                let at = span_of(&when);
                let when = compile(when)?;
                if when.uses_channel() && !spec.per_channel {
                    return Err(fail(
                        at,
                        "the condition reads `channel` but the rule is not `per_channel: true`"
                            .into(),
                        Some("add `per_channel: true`".into()),
                    ));
                }
                Detection::Condition {
                    when,
                    per_channel: spec.per_channel,
                }
            }
            (true, Some(when)) => {
                return Err(fail(
                    span_of(&when),
                    "a builtin rule has no `when:`".into(),
                    None,
                ));
            }
            (false, None) => {
                return Err(fail(
                    id_span,
                    "a rule needs `when:` (or `builtin: true`)".into(),
                    None,
                ));
            }
        };
        let escalate: Vec<Escalation> = spec
            .escalate
            .into_iter()
            .map(|e| {
                let at = span_of(&e.when);
                let when = compile(e.when)?;
                if when.uses_channel() {
                    return Err(fail(at, "an escalation cannot read `channel`".into(), None));
                }
                Ok(Escalation {
                    when,
                    severity: e.severity,
                })
            })
            .collect::<Result<_, _>>()?;
        let template = |text: &Spanned<String>| {
            Template::parse(&text.value)
                .map_err(|(message, help)| fail(span_of(text), message, help))
        };
        let target = |path: &Spanned<String>| {
            Target::parse(&path.value).map_err(|message| fail(span_of(path), message, None))
        };
        let labels = spec
            .labels
            .iter()
            .map(|l| {
                Ok(LabelRule {
                    at: target(&l.at)?,
                    message: template(&l.message)?,
                })
            })
            .collect::<Result<Vec<_>, RuleError>>()?;
        let message = template(&spec.message)?;
        let help = spec.help.as_ref().map(template).transpose()?;
        for (template, text) in
            std::iter::once((&message, &spec.message)).chain(help.iter().zip(spec.help.iter()))
        {
            if template
                .variables()
                .any(|v| v == "channel" || v == "status_of_channel")
            {
                return Err(fail(
                    span_of(text),
                    "`{channel}` and `{status_of_channel}` exist only in `labels` with `at: channels`"
                        .into(),
                    None,
                ));
            }
        }
        let at = spec
            .at
            .as_ref()
            .map(target)
            .transpose()?
            .unwrap_or_default();
        Ok(Rule {
            info: RuleInfo {
                id: spec.id.value.into(),
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
            at,
            labels,
            id_span,
            source: Arc::clone(source),
        })
    }
}
