//! The condition language of rule files: `all` / `any` / `not` over field tests.
//!
//! ```yaml
//! when:
//!   all:
//!     - {field: channel.e2ee, equals: opt-in}
//!     - not: {field: tool.e2ee, equals: enforced}
//! ```
//! A test names one field and one operator: `equals`, `in`, `matches` (regex), `exists`, or
//! `at_least` (a data classification level). On a list field (`tool.channels`) a test holds when
//! it holds for any element.

use crate::yaml::Spanned;
use serde::Deserialize;

use super::pattern::{RuleRegex, compile_regex};
use crate::catalog::{Channel, Match, Support, System};
use crate::date::Date;
use crate::fields;
use crate::inventory::Tool;
use crate::source::Span;
use crate::suggest::did_you_mean;
use crate::yaml::span_of;

mod field;

pub(crate) use field::Field;

/// A catalog entry reviewed longer ago than this is stale (`catalog.stale`).
pub(crate) const STALE_AFTER_DAYS: i64 = 365;

/// A condition as written in a rule file. Exactly one shape must be used; [`Condition::compile`]
/// checks that and reports what is wrong, at the place in the rule file where it is.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConditionSpec {
    all: Option<Vec<Spanned<ConditionSpec>>>,
    any: Option<Vec<Spanned<ConditionSpec>>>,
    not: Option<Box<Spanned<ConditionSpec>>>,
    field: Option<Spanned<String>>,
    equals: Option<Spanned<ScalarSpec>>,
    #[serde(rename = "in")]
    one_of: Option<Vec<Spanned<ScalarSpec>>>,
    matches: Option<Spanned<String>>,
    exists: Option<bool>,
    at_least: Option<Spanned<String>>,
}

/// A scalar operand; booleans are accepted for `tool.sensitive` and compared as "true"/"false".
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum ScalarSpec {
    Bool(bool),
    Str(String),
}

impl ScalarSpec {
    fn into_string(self) -> String {
        match self {
            ScalarSpec::Bool(b) => b.to_string(),
            ScalarSpec::Str(s) => s,
        }
    }
}

/// A mistake in a rule file, where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located {
    pub span: Span,
    pub message: String,
    pub(crate) help: Option<String>,
}

impl Located {
    pub(crate) fn new(span: Span, message: impl Into<String>, help: Option<String>) -> Located {
        Located {
            span,
            message: message.into(),
            help,
        }
    }
}

/// A test of one field.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    Equals(String),
    In(Vec<String>),
    Matches(RuleRegex),
    Exists(bool),
    AtLeast(String),
}

/// A compiled condition.
#[derive(Debug, Clone)]
pub(crate) enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    Test { field: Field, op: Op },
}

/// What a condition is evaluated against.
pub(crate) struct Context<'a> {
    pub(crate) tool: &'a Tool,
    pub(crate) system: Option<&'a System>,
    pub(crate) resolution: &'a Match<'a>,
    /// The channels the company uses this tool for.
    pub(crate) channels_in_use: &'a [Channel],
    /// Of those, the ones the catalog has no sourced status for.
    pub(crate) unknown_in_use: &'a [Channel],
    /// The channel under test, in per-channel rules.
    pub(crate) channel: Option<(Channel, Support)>,
    pub levels: &'a crate::engine::Levels,
    pub today: Date,
}

enum Value<'a> {
    Missing,
    One(&'a str),
    Owned(String),
    Many(Vec<&'a str>),
}

impl Condition {
    /// Compiles a condition written at `at` (the span of its first key).
    pub(crate) fn compile(spec: ConditionSpec, at: Span) -> Result<Condition, Located> {
        let ConditionSpec {
            all,
            any,
            not,
            field,
            equals,
            one_of,
            matches,
            exists,
            at_least,
        } = spec;
        let operand_span = equals
            .as_ref()
            .map(span_of)
            .or_else(|| one_of.as_ref().and_then(|v| v.first()).map(span_of))
            .or_else(|| at_least.as_ref().map(span_of));
        // Each operand with its span, for vocabulary errors.
        let mut operands: Vec<(String, Span)> = Vec::new();
        let ops = [
            equals.map(|v| {
                let span = span_of(&v);
                let value = v.value.into_string();
                operands.push((value.clone(), span));
                Op::Equals(value)
            }),
            one_of.map(|v| {
                Op::In(
                    v.into_iter()
                        .map(|item| {
                            let span = span_of(&item);
                            let value = item.value.into_string();
                            operands.push((value.clone(), span));
                            value
                        })
                        .collect(),
                )
            }),
            matches
                .map(|p| compile_regex(&p).map(Op::Matches))
                .transpose()?,
            exists.map(Op::Exists),
            at_least.map(|v| Op::AtLeast(v.value)),
        ];
        let mut ops: Vec<Op> = ops.into_iter().flatten().collect();
        let shapes = usize::from(all.is_some())
            + usize::from(any.is_some())
            + usize::from(not.is_some())
            + usize::from(field.is_some());
        if shapes != 1 {
            return Err(Located::new(
                at,
                "a condition must be exactly one of `all:`, `any:`, `not:` or `field:` with an operator",
                None,
            ));
        }
        let compile_list = |list: Vec<Spanned<ConditionSpec>>| {
            list.into_iter()
                .map(|c| {
                    let at = span_of(&c);
                    Condition::compile(c.value, at)
                })
                .collect::<Result<Vec<_>, _>>()
        };
        if let Some(list) = all {
            return Ok(Condition::All(compile_list(list)?));
        }
        if let Some(list) = any {
            return Ok(Condition::Any(compile_list(list)?));
        }
        if let Some(inner) = not {
            let at = span_of(&inner);
            return Ok(Condition::Not(Box::new(Condition::compile(
                inner.value,
                at,
            )?)));
        }
        let Some(field_name) = field else {
            return Err(Located::new(at, "a field test needs `field:`", None));
        };
        let field_span = span_of(&field_name);
        let field = Field::parse(&field_name.value)
            .map_err(|(message, help)| Located::new(field_span, message, help))?;
        if ops.len() != 1 {
            return Err(Located::new(
                field_span,
                "a field test needs exactly one of `equals`, `in`, `matches`, `exists`, `at_least`",
                None,
            ));
        }
        let op = ops.remove(0);
        if let Some(words) = field.vocabulary() {
            for (operand, span) in &operands {
                if !words.contains(&operand.as_str()) {
                    let hint = did_you_mean(operand, words)
                        .unwrap_or_else(|| format!("expected one of: {}", words.join(", ")));
                    return Err(Located::new(
                        *span,
                        format!(
                            "`{operand}` is not a value `{}` can take",
                            spec_name(&field)
                        ),
                        Some(hint),
                    ));
                }
            }
        }
        if matches!(op, Op::AtLeast(_)) && field != Field::Tool(fields::DATA_CLASSIFICATION) {
            return Err(Located::new(
                operand_span.unwrap_or(field_span),
                "`at_least` compares `tool.data_classification` only",
                None,
            ));
        }
        Ok(Condition::Test { field, op })
    }

    /// Whether this condition reads the channel under test (and so needs `per_channel: true`).
    /// Builds every `matches:` pattern now, so that a rule file's pattern past the size limit
    /// is reported when the file loads (they are otherwise built on first use).
    pub(crate) fn build_patterns(&self) -> Result<(), Located> {
        match self {
            Condition::All(list) | Condition::Any(list) => {
                list.iter().try_for_each(Condition::build_patterns)
            }
            Condition::Not(inner) => inner.build_patterns(),
            Condition::Test {
                op: Op::Matches(regex),
                ..
            } => regex.build(),
            Condition::Test { .. } => Ok(()),
        }
    }

    pub(crate) fn uses_channel(&self) -> bool {
        match self {
            Condition::All(list) | Condition::Any(list) => list.iter().any(Condition::uses_channel),
            Condition::Not(inner) => inner.uses_channel(),
            Condition::Test { field, .. } => field.is_per_channel(),
        }
    }

    pub(crate) fn eval(&self, cx: &Context) -> bool {
        match self {
            Condition::All(list) => list.iter().all(|c| c.eval(cx)),
            Condition::Any(list) => list.iter().any(|c| c.eval(cx)),
            Condition::Not(inner) => !inner.eval(cx),
            Condition::Test { field, op } => test(&value_of(field, cx), op, cx),
        }
    }
}

fn value_of<'a>(field: &Field, cx: &Context<'a>) -> Value<'a> {
    let tool = cx.tool;
    let opt = |v: Option<&'a str>| v.map_or(Value::Missing, Value::One);
    match field {
        Field::Tool(field) => opt(tool.value(*field)),
        Field::ToolLabel(key) => opt(tool.labels.get(key).map(|s| s.value.as_str())),
        Field::ToolExtra(key) => opt(tool.extra.get(key).map(|s| s.value.as_str())),
        Field::ToolChannels => {
            // Channels in use as inventory words, `text` when both text channels are.
            let mut words: Vec<&str> = cx.channels_in_use.iter().map(|c| c.as_str()).collect();
            if cx.channels_in_use.contains(&Channel::TextOneToOne)
                && cx.channels_in_use.contains(&Channel::TextGroup)
            {
                words.push("text");
            }
            Value::Many(words)
        }
        Field::ToolSensitive => Value::Owned(cx.levels.is_sensitive(tool).to_string()),
        Field::ToolNotesSayCommunication => {
            Value::Owned(super::notes_say_communication(tool).to_string())
        }
        Field::Catalog => cx.system.map_or(Value::Missing, |s| Value::One(&s.id)),
        Field::CatalogName => cx.system.map_or(Value::Missing, |s| Value::One(&s.name)),
        Field::CatalogVendor => cx.system.map_or(Value::Missing, |s| Value::One(&s.vendor)),
        Field::CatalogMatch => Value::One(cx.resolution.kind_name()),
        Field::CatalogCategory => cx
            .system
            .map_or(Value::Missing, |s| Value::One(&s.category)),
        Field::CatalogRetired => cx
            .system
            .and_then(|s| s.retired.as_deref())
            .map_or(Value::Missing, Value::One),
        Field::CatalogStale => Value::Owned(
            cx.system
                .and_then(|s| Date::parse(&s.reviewed))
                .is_some_and(|reviewed| cx.today.days() - reviewed.days() > STALE_AFTER_DAYS)
                .to_string(),
        ),
        Field::CatalogBackups => cx
            .system
            .and_then(|s| s.status(Channel::Backups))
            .map_or(Value::Missing, |s| Value::One(s.as_str())),
        Field::CatalogUnknownChannels => {
            Value::Many(cx.unknown_in_use.iter().map(|c| c.as_str()).collect())
        }
        Field::Channel => cx
            .channel
            .map_or(Value::Missing, |(c, _)| Value::One(c.as_str())),
        Field::ChannelE2ee => cx
            .channel
            .map_or(Value::Missing, |(_, s)| Value::One(s.as_str())),
        Field::ChannelConfidence => match (cx.channel, cx.system) {
            (Some((c, _)), Some(system)) => Value::One(system.confidence_of(c).as_str()),
            _ => Value::Missing,
        },
        Field::ChannelTurnedOnBy => match (cx.channel, cx.system) {
            (Some((c, _)), Some(system)) => system
                .cell(c)
                .map_or(Value::Missing, |cell| Value::One(cell.enabler().as_str())),
            _ => Value::Missing,
        },
        Field::CatalogWeakerModes => Value::Many(
            super::active_weaker_modes(cx.system, tool, cx.channels_in_use)
                .map(|m| m.setting.as_str())
                .collect(),
        ),
        Field::CatalogNear => match cx.resolution {
            Match::Near(systems) => Value::Many(systems.iter().map(|s| s.id.as_str()).collect()),
            _ => Value::Missing,
        },
    }
}

/// A field's path as rule files write it, for messages.
fn spec_name(field: &Field) -> String {
    match field {
        Field::Tool(f) => format!("tool.{}", f.name()),
        Field::ToolChannels => "tool.channels".into(),
        other => format!("{other:?}"),
    }
}

fn test(value: &Value, op: &Op, cx: &Context) -> bool {
    let holds = |v: &str| match op {
        Op::Equals(want) => v == want,
        Op::In(options) => options.iter().any(|o| o == v),
        Op::Matches(regex) => regex.is_match(v),
        Op::Exists(want) => *want,
        Op::AtLeast(level) => cx.levels.at_least(v, level),
    };
    match value {
        Value::Missing => matches!(op, Op::Exists(false)),
        Value::One(v) => holds(v),
        Value::Owned(v) => holds(v),
        Value::Many(items) => match op {
            Op::Exists(want) => *want != items.is_empty(),
            _ => items.iter().any(|v| holds(v)),
        },
    }
}
