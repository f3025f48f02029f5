//! How a tool reads against its catalog entry: the channels it is used for, the weaker modes
//! that touch them, and whether its category or notes say it is a communication product.

use crate::catalog::{Catalog, Channel, System};
use crate::fields::{self, FieldId};
use crate::inventory::Tool;

use super::pattern;

/// The system's weaker modes that touch a channel in use and that the inventory does not say
/// are `off` (its field named by the mode's `setting`).
pub(crate) fn active_weaker_modes<'a>(
    system: Option<&'a System>,
    tool: &'a Tool,
    channels: &'a [Channel],
) -> impl Iterator<Item = &'a crate::catalog::WeakerMode> + 'a {
    let is_off = |setting: &str| FieldId::parse(setting).and_then(|f| tool.value(f)) == Some("off");
    system
        .into_iter()
        .flat_map(move |s| s.weaker_modes_in_use(channels, is_off))
}

/// Phrases that make a tool's notes say it is a communication product. Prose mentions "video"
/// and "call" in passing (on GitLab's tech stack the bare words flagged YouTube and a pager), so
/// only phrases that name a product count. Read by `unclassified-tool` (as
/// `tool.notes_say_communication`) and by the reading of a name with one catalog candidate.
const NOTES_SAY_COMMUNICATION: &str = r"(?i-u)\b(messenger|messaging (app|platform|service|tool)|instant messag\w*|(live|team|group) chat|chat (app|tool|platform|service)|video ?conferenc\w*|web ?conferenc\w*|conferencing|video calls?|voice calls?|voip|softphone|sms)\b";

/// Whether the tool's notes say it is a communication product ([`NOTES_SAY_COMMUNICATION`]).
pub(crate) fn notes_say_communication(tool: &Tool) -> bool {
    static REGEX: std::sync::OnceLock<Option<pattern::RuleRegex>> = std::sync::OnceLock::new();
    let Some(notes) = tool.value(fields::NOTES) else {
        return false;
    };
    REGEX
        .get_or_init(|| pattern::builtin(NOTES_SAY_COMMUNICATION))
        .as_ref()
        .is_some_and(|regex| regex.is_match(notes))
}

/// Inventory categories that say a tool is for communication: a name with one catalog
/// candidate ("Matrix") resolves to it only under one of these.
pub(crate) const COMMUNICATION_CATEGORIES: &[&str] = &["messaging", "video-conferencing", "voice"];

/// The channels the company uses a tool (or a suite's component) for, and those of them the
/// catalog knows the system offers but has no sourced status for.
///
/// As listed in the inventory; else every channel the system offers except backups. A
/// category that names channels (`voice`) narrows either.
pub(super) fn channels_in_use(
    catalog: &Catalog,
    tool: &Tool,
    system: Option<&System>,
) -> (Vec<Channel>, Vec<Channel>) {
    let mut channels: Vec<Channel> = match (&tool.channels, system) {
        (Some(listed), _) => listed.value.iter().map(|c| c.value).collect(),
        (None, Some(system)) => system
            .channels
            .keys()
            .chain(&system.unknown)
            .copied()
            .filter(|c| c.in_default_set())
            .collect(),
        (None, None) => Vec::new(),
    };
    if let Some(narrow) = tool
        .value(fields::CATEGORY)
        .and_then(|c| catalog.category_channels(c))
    {
        channels.retain(|c| narrow.contains(c));
    }
    channels.sort();
    channels.dedup();
    let unknown = system.map_or_else(Vec::new, |s| {
        channels
            .iter()
            .copied()
            .filter(|c| s.unknown.contains(c))
            .collect()
    });
    (channels, unknown)
}
