//! The E2EE catalog: how each messaging, calling and email system protects each channel, with
//! the sources, dates and confidence behind every cell. Matching names against it is
//! `matcher`'s job.

pub(crate) mod changes;
pub(crate) mod matcher;
pub(crate) mod overrides;
mod validate;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use crate::channel::Channel;
pub(crate) use changes::{CatalogChange, ChangeKind, ChannelChange};
pub use matcher::Match;
pub(crate) use matcher::normalize;
pub(crate) use overrides::{Added, NameKind, Override, Provenance};
pub(crate) use validate::validate;

/// The catalog that ships inside the binary.
pub(crate) const EMBEDDED_CATALOG: &str = include_str!("../../rules/catalog.yaml");

/// The same catalog as JSON, made by `build.rs`: what a run parses (a test holds them equal).
pub(crate) const EMBEDDED_CATALOG_JSON: &str =
    include_str!(concat!(env!("OUT_DIR"), "/catalog.json"));

/// How a system protects one channel, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Support {
    /// Every use of the channel is end-to-end encrypted with no setting.
    Default,
    /// E2EE by default on some surfaces of the channel and not on others (the cell's scope).
    Partial,
    /// A user, host or organizer turns it on.
    OptIn,
    /// An administrator must allow it first.
    AdminOptIn,
    /// Client-side encryption whose keys the organisation's key service holds: not E2EE.
    OrgKeys,
    /// No end-to-end encryption.
    None,
}

impl Support {
    pub(crate) const ALL: [Support; 6] = [
        Support::Default,
        Support::Partial,
        Support::OptIn,
        Support::AdminOptIn,
        Support::OrgKeys,
        Support::None,
    ];

    /// The statuses' names, in [`Support::ALL`] order: the one spelling of each.
    pub(crate) const NAMES: [&'static str; 6] = [
        "default",
        "partial",
        "opt-in",
        "admin-opt-in",
        "org-keys",
        "none",
    ];

    pub(crate) fn as_str(self) -> &'static str {
        Support::NAMES[self as usize]
    }

    /// Who has to act for the channel to be end-to-end encrypted, for help lines.
    pub(crate) fn who_acts(self) -> &'static str {
        match self {
            Support::Default => "nobody: it is on by default",
            Support::Partial => "users must avoid the surfaces without E2EE",
            Support::OptIn => "users or hosts must turn it on every time",
            Support::AdminOptIn => "an administrator must allow it first, then users turn it on",
            Support::OrgKeys => {
                "nobody can: the organisation's key service holds the keys, so servers can read"
            }
            Support::None => "nobody can: the system offers none",
        }
    }
}

impl fmt::Display for Support {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who can turn end-to-end encryption on for a channel that is not E2EE by default: the one
/// fact `e2ee-claim-unenforceable` needs to tell an enforceable `e2ee: enforced` from a hope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Enabler {
    /// No setting exists (the surfaces without E2EE stay without it).
    Nobody,
    /// Each user, per conversation or per call (Telegram's Secret Chats).
    User,
    /// The host or organizer of a meeting, per meeting.
    Host,
    /// An administrator can make it the rule for everyone (a policy or a locked setting).
    Admin,
}

impl Enabler {
    pub(crate) const NAMES: [&'static str; 4] = ["nobody", "user", "host", "admin"];

    pub(crate) fn as_str(self) -> &'static str {
        Enabler::NAMES[self as usize]
    }
}

/// How well a claim is backed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Confidence {
    /// A vendor document or repository that was read.
    Verified,
    /// Only news or third parties.
    Reported,
}

impl Confidence {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Confidence::Verified => "verified",
            Confidence::Reported => "reported",
        }
    }
}

/// A document a cell rests on.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Source {
    pub id: String,
    pub(crate) url: String,
    pub(crate) title: String,
    /// The source's own date (`YYYY-MM-DD`, `YYYY-MM`, `YYYY`) or `unknown`.
    pub(crate) date: String,
    /// vendor | vendor-repo | news | third-party
    pub kind: String,
}

/// One channel of one system.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Cell {
    pub status: Support,
    /// Which surfaces the status covers, in plain words. Shared: evidence reports repeat it
    /// for every tool of the system.
    #[serde(default)]
    pub(crate) scope: Option<Arc<str>>,
    /// A licence or plan the status needs.
    #[serde(default)]
    pub(crate) requires: Option<Arc<str>>,
    #[serde(default)]
    pub since: Option<String>,
    /// Overrides the entry's confidence for this cell.
    #[serde(default)]
    pub(crate) confidence: Option<Confidence>,
    /// For a `partial` cell: the surfaces that are E2EE by default ("DMs, group DMs and voice
    /// channels"), and those that are not ("Stage channels").
    #[serde(default)]
    pub(crate) covered: Option<Arc<str>>,
    #[serde(default)]
    pub(crate) not_covered: Option<Arc<str>>,
    /// Who can turn E2EE on where it is not on by default; when absent, what the status implies
    /// ([`Cell::enabler`]).
    #[serde(default)]
    pub(crate) turned_on_by: Option<Enabler>,
    /// Ids of the entry's sources.
    pub(crate) sources: Vec<String>,
    /// Set when a company config overrode this cell's status (never read from a catalog file).
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub overridden: Option<Provenance>,
}

impl Cell {
    /// Who can turn E2EE on: as the cell says, else what its status implies (`admin-opt-in`: an
    /// administrator; `opt-in`: each user; any other status: nobody).
    pub(crate) fn enabler(&self) -> Enabler {
        self.turned_on_by.unwrap_or(match self.status {
            Support::AdminOptIn => Enabler::Admin,
            Support::OptIn => Enabler::User,
            _ => Enabler::Nobody,
        })
    }
}

/// A weaker mode the system itself offers beside its E2EE surfaces (SMS fallback in a Messages
/// app, a homeserver switch that turns the encryption default off). Reported by `e2ee-scope`
/// until the inventory says the mode is off with the inventory field named `setting`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WeakerMode {
    /// The inventory field that says the mode is `off` (`sms_fallback`).
    pub(crate) setting: String,
    pub channels: Vec<Channel>,
    /// What the mode does, in the catalog's words.
    pub(crate) says: Arc<str>,
    pub(crate) sources: Vec<String>,
}

/// One system as the catalog classifies it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct System {
    pub id: String,
    pub name: String,
    pub(crate) vendor: String,
    #[serde(default)]
    pub(crate) vendor_names: Vec<String>,
    /// messaging | calling | email | suite
    pub(crate) category: String,
    #[serde(default)]
    pub(crate) part_of: Option<String>,
    /// For suites: the systems the suite bundles, judged in its place.
    #[serde(default)]
    pub(crate) includes: Vec<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Names that could mean other products: they resolve here only with vendor context.
    #[serde(default)]
    pub contextual_aliases: Vec<String>,
    /// Names of other products that look like this one; never matched.
    #[serde(default)]
    pub false_friends: Vec<String>,
    pub(crate) confidence: Confidence,
    pub(crate) reviewed: String,
    #[serde(default)]
    pub(crate) retired: Option<String>,
    pub(crate) sources: Vec<Source>,
    #[serde(default)]
    pub channels: BTreeMap<Channel, Cell>,
    /// Channels offered but not settled by any source: left out of `channels`, never guessed.
    #[serde(default)]
    pub(crate) unknown: Vec<Channel>,
    /// The system's own weaker modes beside its E2EE surfaces.
    #[serde(default)]
    pub(crate) weaker_modes: Vec<WeakerMode>,
    pub(crate) note: String,
    /// Set when a company config added this entry (never read from a catalog file).
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub added_by: Option<Provenance>,
}

impl System {
    pub(crate) fn cell(&self, channel: Channel) -> Option<&Cell> {
        self.channels.get(&channel)
    }

    pub(crate) fn status(&self, channel: Channel) -> Option<Support> {
        self.cell(channel).map(|c| c.status)
    }

    /// The confidence of one cell: its own, else the entry's.
    pub(crate) fn confidence_of(&self, channel: Channel) -> Confidence {
        self.cell(channel)
            .and_then(|c| c.confidence)
            .unwrap_or(self.confidence)
    }

    pub(crate) fn is_suite(&self) -> bool {
        self.category == "suite"
    }

    /// The weaker modes that touch one of `channels` and that `is_off` (the inventory's field
    /// named by the mode's `setting` saying `off`) does not silence.
    pub(crate) fn weaker_modes_in_use<'a>(
        &'a self,
        channels: &'a [Channel],
        is_off: impl Fn(&str) -> bool + 'a,
    ) -> impl Iterator<Item = &'a WeakerMode> + 'a {
        self.weaker_modes.iter().filter(move |mode| {
            !is_off(&mode.setting) && mode.channels.iter().any(|c| channels.contains(c))
        })
    }

    /// Every way of writing the vendor: its name and the other names.
    pub(crate) fn vendor_names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.vendor.as_str()).chain(self.vendor_names.iter().map(String::as_str))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    #[serde(default)]
    decorations: Vec<String>,
    #[serde(default)]
    category_channels: BTreeMap<String, Vec<Channel>>,
    systems: Vec<System>,
}

/// An error in a catalog file.
#[derive(Debug)]
pub(crate) struct CatalogError(pub String);

impl std::fmt::Display for CatalogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid catalog: {}", self.0)
    }
}

impl std::error::Error for CatalogError {}

/// The loaded catalog with its lookup indexes.
#[derive(Debug, Clone)]
pub struct Catalog {
    systems: Vec<System>,
    category_channels: BTreeMap<String, Vec<Channel>>,
    /// Kept so that a config's added systems are matched like the built-in ones.
    decorations: Vec<String>,
    matcher: matcher::Matcher,
    /// The company changes that made this catalog, in config order (none when embedded).
    changes: Vec<CatalogChange>,
}

impl Catalog {
    /// The catalog embedded in the binary, parsed once per process.
    pub fn embedded() -> Arc<Catalog> {
        static EMBEDDED: std::sync::OnceLock<Arc<Catalog>> = std::sync::OnceLock::new();
        let catalog = EMBEDDED.get_or_init(|| {
            // The embedded catalog is tested to parse; failing here is a build defect, not
            // bad input.
            Arc::new(
                Catalog::from_json(EMBEDDED_CATALOG_JSON).expect("the embedded catalog is valid"),
            )
        });
        Arc::clone(catalog)
    }

    #[cfg(test)]
    pub(crate) fn parse(text: &str) -> Result<Catalog, CatalogError> {
        let file: CatalogFile = crate::yaml::from_str(text).map_err(|e| CatalogError(e.message))?;
        Catalog::from_file(file)
    }

    /// The embedded catalog as `build.rs` wrote it.
    pub(crate) fn from_json(text: &str) -> Result<Catalog, CatalogError> {
        let file: CatalogFile =
            serde_json::from_str(text).map_err(|e| CatalogError(e.to_string()))?;
        Catalog::from_file(file)
    }

    fn from_file(file: CatalogFile) -> Result<Catalog, CatalogError> {
        validate(&file.systems)?;
        let matcher = matcher::Matcher::new(&file.systems, &file.decorations)?;
        Ok(Catalog {
            systems: file.systems,
            category_channels: file.category_channels,
            decorations: file.decorations,
            matcher,
            changes: Vec::new(),
        })
    }

    /// The company changes (overrides, added systems) that made this catalog.
    pub(crate) fn changes(&self) -> &[CatalogChange] {
        &self.changes
    }

    pub fn systems(&self) -> &[System] {
        &self.systems
    }

    pub fn by_id(&self, id: &str) -> Option<&System> {
        self.systems.iter().find(|s| s.id == id)
    }

    /// The channels an inventory category limits a tool to, if it limits them.
    pub(crate) fn category_channels(&self, category: &str) -> Option<&[Channel]> {
        self.category_channels.get(category).map(Vec::as_slice)
    }

    /// Resolves an inventory name (with its `vendor:` and `system:` when written).
    pub fn resolve(&self, name: &str, vendor: Option<&str>, pin: Option<&str>) -> Match<'_> {
        self.matcher
            .resolve(&self.systems, name, vendor, pin, false)
    }

    /// Resolves an inventory tool: as [`Catalog::resolve`], and a name with one catalog
    /// candidate ("Matrix") resolves to it when the tool is declared a communication tool.
    pub(crate) fn resolve_tool(
        &self,
        name: &str,
        vendor: Option<&str>,
        pin: Option<&str>,
        communication: bool,
    ) -> Match<'_> {
        self.matcher
            .resolve(&self.systems, name, vendor, pin, communication)
    }

    /// The system an inventory name resolves to with no vendor context, if one.
    pub(crate) fn lookup(&self, name: &str) -> Option<&System> {
        self.resolve(name, None, None).system()
    }

    /// Catalog names close to `name`, for "did you mean": never a different product.
    pub(crate) fn suggest(&self, name: &str) -> Vec<&str> {
        self.matcher.suggest(&self.systems, name)
    }

    /// The earliest and latest review dates, for reports.
    pub(crate) fn reviewed_range(&self) -> Option<(&str, &str)> {
        let dates = self.systems.iter().map(|s| s.reviewed.as_str());
        Some((dates.clone().min()?, dates.max()?))
    }
}

#[cfg(test)]
mod catalog_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_catalog_is_the_yaml_catalog() {
        let yaml = Catalog::parse(EMBEDDED_CATALOG).unwrap();
        let json = Catalog::from_json(EMBEDDED_CATALOG_JSON).unwrap();
        assert_eq!(format!("{:?}", yaml.systems), format!("{:?}", json.systems));
        assert_eq!(yaml.category_channels, json.category_channels);
        assert_eq!(yaml.decorations, json.decorations);
        assert!(yaml.systems.len() >= 40);
    }
}
