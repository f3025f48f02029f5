//! The fields a condition reads (`tool.*`, `catalog.*`, `channel.*`): their names as rule files
//! write them, and the closed set of values each one takes, which operands are checked against.

use crate::catalog::{Channel, Enabler, Support};
use crate::fields::{FieldId, Kind};
use crate::suggest::did_you_mean;

/// A field a condition can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Field {
    /// Any text, keyword or level field of the tool (`tool.owner`, `tool.e2ee`...).
    Tool(FieldId),
    ToolLabel(String),
    /// A mapped inventory's own key (`tool.extra.cost_center`).
    ToolExtra(String),
    /// The channels the company uses the tool for.
    ToolChannels,
    /// Whether the tool's data classification is at or above the configured E2EE threshold.
    ToolSensitive,
    /// Whether the tool's notes name a communication product (`classify::NOTES_SAY_COMMUNICATION`).
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
    pub(super) fn parse(name: &str) -> Result<Field, (String, Option<String>)> {
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

    pub(super) fn is_per_channel(&self) -> bool {
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
    pub(super) fn vocabulary(&self) -> Option<&'static [&'static str]> {
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
