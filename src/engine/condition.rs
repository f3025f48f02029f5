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
use crate::catalog::{Channel, Enabler, Match, Support, System};
use crate::date::Date;
use crate::fields::{self, FieldId, Kind};
use crate::inventory::Tool;
use crate::source::Span;
use crate::suggest::did_you_mean;
use crate::yaml::span_of;

/// A catalog entry reviewed longer ago than this is stale (`catalog.stale`).
pub(crate) const STALE_AFTER_DAYS: i64 = 365;

/// A field a condition can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// Any text, keyword or level field of the tool (`tool.owner`, `tool.e2ee`...).
    Tool(FieldId),
    ToolLabel(String),
    /// A mapped inventory's own key (`tool.extra.cost_center`).
    ToolExtra(String),
    /// The channels the company uses the tool for.
    ToolChannels,
    /// Whether the tool's data classification is at or above the configured E2EE threshold.
    ToolSensitive,
    /// Whether the tool's notes name a communication product (`super::NOTES_SAY_COMMUNICATION`).
    ToolNotesSayCommunication,
    /// Whether a catalog entry matched (`exists`), and its id (`equals`).
    Catalog,
    CatalogName,
    CatalogVendor,
    /// How the name matched: exact, vendor, decorated, confusable, pinned, ambiguous, none.
    CatalogMatch,
    CatalogCategory,
    /// The retirement date, when the system no longer exists.
    CatalogRetired,
    /// Whether the entry was reviewed more than [`STALE_AFTER_DAYS`] before the policy date.
    CatalogStale,
    /// The status of the system's cloud backups.
    CatalogBackups,
    /// Channels in use that the catalog knows are offered but has no sourced status for.
    CatalogUnknownChannels,
    /// The settings of the system's weaker modes that touch a channel in use and that the
    /// inventory does not say are `off`.
    CatalogWeakerModes,
    /// Catalog systems a name that matched none is close to (a typo, a name with one
    /// candidate, a contradicting vendor): their ids.
    CatalogNear,
    Channel,
    ChannelE2ee,
    /// `verified` or `reported`.
    ChannelConfidence,
    /// Who can turn E2EE on for the channel: nobody, user, host or admin.
    ChannelTurnedOnBy,
}

/// Fields that are not tool fields, for error messages and documentation; the tool's own come
/// from the field table as `tool.<field>`.
pub(crate) const COMPUTED_FIELDS: &[&str] = &[
    "tool.labels.<key>",
    "tool.extra.<key>",
    "tool.sensitive",
    "tool.notes_say_communication",
    "catalog",
    "catalog.name",
    "catalog.vendor",
    "catalog.match",
    "catalog.category",
    "catalog.retired",
    "catalog.stale",
    "catalog.backups",
    "catalog.unknown_channels",
    "catalog.weaker_modes",
    "catalog.near",
    "channel",
    "channel.e2ee",
    "channel.confidence",
    "channel.turned_on_by",
];

/// Every field path a condition can name.
pub(crate) fn field_names() -> Vec<String> {
    FieldId::all()
        .map(|f| format!("tool.{}", f.name()))
        .chain(COMPUTED_FIELDS.iter().map(|f| (*f).to_owned()))
        .collect()
}

const BOOLEANS: &[&str] = &["true", "false"];
const MATCH_KINDS: &[&str] = &[
    "exact",
    "vendor",
    "decorated",
    "confusable",
    "pinned",
    "context",
    "ambiguous",
    "none",
];
const CATALOG_CATEGORIES: &[&str] = &["messaging", "calling", "email", "suite"];
const CONFIDENCES: &[&str] = &["verified", "reported"];

impl Field {
    fn parse(name: &str) -> Result<Field, (String, Option<String>)> {
        let field = match name {
            "tool.sensitive" => Field::ToolSensitive,
            "tool.notes_say_communication" => Field::ToolNotesSayCommunication,
            "catalog" | "catalog.id" => Field::Catalog,
            "catalog.name" => Field::CatalogName,
            "catalog.vendor" => Field::CatalogVendor,
            "catalog.match" => Field::CatalogMatch,
            "catalog.category" => Field::CatalogCategory,
            "catalog.retired" => Field::CatalogRetired,
            "catalog.stale" => Field::CatalogStale,
            "catalog.backups" => Field::CatalogBackups,
            "catalog.unknown_channels" => Field::CatalogUnknownChannels,
            "catalog.weaker_modes" => Field::CatalogWeakerModes,
            "catalog.near" => Field::CatalogNear,
            "channel.turned_on_by" => Field::ChannelTurnedOnBy,
            "channel" => Field::Channel,
            "channel.e2ee" => Field::ChannelE2ee,
            "channel.confidence" => Field::ChannelConfidence,
            other => {
                let tool = other.strip_prefix("tool.");
                match tool {
                    Some(rest) if rest.starts_with("labels.") && rest.len() > 7 => {
                        Field::ToolLabel(rest[7..].to_owned())
                    }
                    Some(rest) if rest.starts_with("extra.") && rest.len() > 6 => {
                        Field::ToolExtra(rest[6..].to_owned())
                    }
                    Some(rest) => match FieldId::parse(rest).map(|f| (f, f.spec().kind)) {
                        Some((_, Kind::Channels)) => Field::ToolChannels,
                        Some((f, Kind::Text | Kind::Keyword(_) | Kind::Level)) => Field::Tool(f),
                        _ => return Err(unknown_field(other)),
                    },
                    None => return Err(unknown_field(other)),
                }
            }
        };
        Ok(field)
    }

    fn is_per_channel(&self) -> bool {
        matches!(
            self,
            Field::Channel
                | Field::ChannelE2ee
                | Field::ChannelConfidence
                | Field::ChannelTurnedOnBy
        )
    }

    /// The values this field can take, when they are a closed set: operands outside it are
    /// mistakes (`in: [mesaging]`) that would make a condition silently never hold.
    fn vocabulary(&self) -> Option<&'static [&'static str]> {
        match self {
            Field::Tool(field) => field.vocabulary(),
            Field::ToolChannels => Some(crate::fields::CHANNELS),
            Field::ToolSensitive | Field::ToolNotesSayCommunication | Field::CatalogStale => {
                Some(BOOLEANS)
            }
            Field::CatalogMatch => Some(MATCH_KINDS),
            Field::CatalogCategory => Some(CATALOG_CATEGORIES),
            Field::CatalogBackups | Field::ChannelE2ee => Some(&Support::NAMES),
            Field::Channel | Field::CatalogUnknownChannels => Some(&Channel::NAMES),
            Field::ChannelConfidence => Some(CONFIDENCES),
            Field::ChannelTurnedOnBy => Some(&Enabler::NAMES),
            _ => None,
        }
    }
}

fn unknown_field(name: &str) -> (String, Option<String>) {
    let known = field_names();
    let refs: Vec<&str> = known.iter().map(String::as_str).collect();
    let hint = did_you_mean(name, &refs).unwrap_or_else(|| format!("known: {}", known.join(", ")));
    (format!("unknown field `{name}`"), Some(hint))
}

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
pub struct Located {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

impl Located {
    pub fn new(span: Span, message: impl Into<String>, help: Option<String>) -> Located {
        Located {
            span,
            message: message.into(),
            help,
        }
    }
}

/// A test of one field.
#[derive(Debug, Clone)]
pub enum Op {
    Equals(String),
    In(Vec<String>),
    Matches(RuleRegex),
    Exists(bool),
    AtLeast(String),
}

/// A compiled condition.
#[derive(Debug, Clone)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    Test { field: Field, op: Op },
}

/// What a condition is evaluated against.
pub(crate) struct Context<'a> {
    pub tool: &'a Tool,
    pub system: Option<&'a System>,
    pub resolution: &'a Match<'a>,
    /// The channels the company uses this tool for.
    pub channels_in_use: &'a [Channel],
    /// Of those, the ones the catalog has no sourced status for.
    pub unknown_in_use: &'a [Channel],
    /// The channel under test, in per-channel rules.
    pub channel: Option<(Channel, Support)>,
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
    let opt = |v: Option<&'a crate::source::Sp<String>>| {
        v.map_or(Value::Missing, |s| Value::One(&s.value))
    };
    match field {
        Field::Tool(field) => opt(tool.get(*field)),
        Field::ToolLabel(key) => opt(tool.labels.get(key)),
        Field::ToolExtra(key) => opt(tool.extra.get(key)),
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
