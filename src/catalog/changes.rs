//! The list of a catalog's company changes, for every output: each override entry and added
//! system, where it was written, why, and whether it raises a status (claims more encryption
//! than the catalog's sources do, the whitewash an auditor must see) or lowers it.

use std::sync::Arc;

use serde::Serialize;

use super::{Channel, Support};
use crate::source::{SourceFile, Span};

/// What kind of change an entry makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum ChangeKind {
    /// `catalog.overrides`: a built-in system's status on some channels.
    Override,
    /// `catalog.systems`: a system the built-in catalog does not have.
    AddedSystem,
}

/// Whether a channel's new status claims more end-to-end encryption than the old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Direction {
    /// More encryption claimed than the catalog's sources give (`none` → `default`).
    Raises,
    /// Less: a stricter company view (`default` → `none`).
    Lowers,
    /// The same status.
    Keeps,
}

impl Direction {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Direction::Raises => "raises",
            Direction::Lowers => "lowers",
            Direction::Keeps => "keeps",
        }
    }
}

/// How much end-to-end encryption a status claims; `None` (no sourced status, `unknown`) sits
/// just above `none`: claiming `default` for it raises, stating `none` lowers.
fn strength(status: Option<Support>) -> u8 {
    match status {
        Some(Support::Default) => 12,
        Some(Support::Partial) => 10,
        Some(Support::OptIn) => 8,
        Some(Support::AdminOptIn) => 6,
        Some(Support::OrgKeys) => 4,
        None => 2,
        Some(Support::None) => 0,
    }
}

/// One channel's status before and after the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ChannelChange {
    pub(crate) channel: &'static str,
    /// The status before (`unknown` when the catalog had none).
    pub(crate) from: &'static str,
    pub(crate) to: &'static str,
    pub(crate) direction: Direction,
}

impl ChannelChange {
    pub(crate) fn new(channel: Channel, from: Option<Support>, to: Support) -> ChannelChange {
        let direction = match strength(Some(to)).cmp(&strength(from)) {
            std::cmp::Ordering::Greater => Direction::Raises,
            std::cmp::Ordering::Less => Direction::Lowers,
            std::cmp::Ordering::Equal => Direction::Keeps,
        };
        ChannelChange {
            channel: channel.as_str(),
            from: from.map_or("unknown", Support::as_str),
            to: to.as_str(),
            direction,
        }
    }
}

/// One company change to the catalog: an override entry or an added system.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CatalogChange {
    #[serde(skip)]
    pub(crate) file: Arc<SourceFile>,
    /// The first line of the config entry.
    #[serde(skip)]
    pub span: Span,
    /// `path:line` of the config entry.
    pub config: String,
    pub kind: ChangeKind,
    /// The catalog id and name of the system.
    pub(crate) system: String,
    pub name: String,
    pub channels: Vec<ChannelChange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The change in words: "raises Slack text_1to1 from none to default".
    pub summary: String,
}

impl CatalogChange {
    pub(crate) fn new(
        file: &Arc<SourceFile>,
        span: Span,
        kind: ChangeKind,
        (system, name): (&str, &str),
        channels: Vec<ChannelChange>,
        reason: Option<String>,
        source: Option<String>,
    ) -> CatalogChange {
        let span = file.first_line(span);
        let summary = summary(kind, name, &channels);
        CatalogChange {
            config: format!("{}:{}", file.name, file.line_col(span.offset).line),
            file: Arc::clone(file),
            span,
            kind,
            system: system.to_owned(),
            name: name.to_owned(),
            channels,
            reason,
            source,
            summary,
        }
    }

    /// Whether the change claims more encryption than the catalog on some channel.
    pub(crate) fn raises(&self) -> bool {
        self.kind == ChangeKind::AddedSystem
            || self
                .channels
                .iter()
                .any(|c| c.direction == Direction::Raises)
    }

    /// One line for lists: the summary, the reason and the source, with where it was written.
    pub(crate) fn line(&self) -> String {
        let mut text = format!("{}: {}", self.config, self.summary);
        if let Some(reason) = &self.reason {
            text.push_str(&format!("; reason: {reason}"));
        }
        if let Some(source) = &self.source {
            text.push_str(&format!("; source: {source}"));
        }
        text
    }
}

/// "raises Slack text_1to1 from none to default, voice from none to default; lowers Slack
/// video from default to none", or "adds Foo (not in the built-in catalog): text_1to1 default".
fn summary(kind: ChangeKind, name: &str, channels: &[ChannelChange]) -> String {
    if kind == ChangeKind::AddedSystem {
        let cells: Vec<String> = channels
            .iter()
            .map(|c| format!("{} {}", c.channel, c.to))
            .collect();
        let cells = if cells.is_empty() {
            "no channel status".to_owned()
        } else {
            cells.join(", ")
        };
        return format!("adds {name} (not in the built-in catalog): {cells}");
    }
    let mut parts = Vec::new();
    for direction in [Direction::Raises, Direction::Lowers, Direction::Keeps] {
        let cells: Vec<String> = channels
            .iter()
            .filter(|c| c.direction == direction)
            .map(|c| format!("{} from {} to {}", c.channel, c.from, c.to))
            .collect();
        if !cells.is_empty() {
            parts.push(format!(
                "{} {name} {}",
                direction.as_str(),
                cells.join(", ")
            ));
        }
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raising_and_lowering_are_told_apart() {
        let raise =
            ChannelChange::new(Channel::TextOneToOne, Some(Support::None), Support::Default);
        assert_eq!(raise.direction, Direction::Raises);
        let lower = ChannelChange::new(Channel::Voice, Some(Support::Default), Support::None);
        assert_eq!(lower.direction, Direction::Lowers);
        assert_eq!(
            ChannelChange::new(Channel::Voice, None, Support::Default).direction,
            Direction::Raises
        );
        assert_eq!(
            ChannelChange::new(Channel::Voice, None, Support::None).direction,
            Direction::Lowers
        );
        assert_eq!(
            summary(ChangeKind::Override, "Slack", &[raise, lower]),
            "raises Slack text_1to1 from none to default; lowers Slack voice from default to none"
        );
    }
}
