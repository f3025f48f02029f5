//! The ways a tool carries conversations: shared vocabulary of the inventory fields, the catalog
//! and the rules, so it lives below all three.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A way a tool carries conversations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    #[serde(rename = "text_1to1")]
    TextOneToOne,
    TextGroup,
    Voice,
    Video,
    Files,
    Backups,
}

impl Channel {
    pub(crate) const ALL: [Channel; 6] = [
        Channel::TextOneToOne,
        Channel::TextGroup,
        Channel::Voice,
        Channel::Video,
        Channel::Files,
        Channel::Backups,
    ];

    /// The channels' names, in [`Channel::ALL`] order: the one spelling of each.
    pub(crate) const NAMES: [&'static str; 6] = [
        "text_1to1",
        "text_group",
        "voice",
        "video",
        "files",
        "backups",
    ];

    pub(crate) fn as_str(self) -> &'static str {
        Channel::NAMES[self as usize]
    }

    /// The channels an inventory word names: format v1's `text` is both text channels.
    pub(crate) fn from_inventory(word: &str) -> &'static [Channel] {
        match word {
            "text" => &[Channel::TextOneToOne, Channel::TextGroup],
            "text_1to1" => &[Channel::TextOneToOne],
            "text_group" => &[Channel::TextGroup],
            "voice" => &[Channel::Voice],
            "video" => &[Channel::Video],
            "files" => &[Channel::Files],
            "backups" => &[Channel::Backups],
            _ => &[],
        }
    }

    /// Whether a tool is judged on this channel when the inventory lists none: every channel
    /// but cloud backups, which `backups-not-e2ee` judges on its own.
    pub fn in_default_set(self) -> bool {
        self != Channel::Backups
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
