//! The config's `catalog:` section: systems the company adds (in the entry format of
//! `rules/catalog.yaml`, read by the catalog's own serde model) and per-channel status
//! overrides, each with a required `reason` and `source`.

use std::sync::Arc;

use super::node_de::from_node;
use super::{CATALOG_KEYS, Layer, Loader, OVERRIDE_KEYS};
use crate::catalog::{Added, Channel, NameKind, Override, Support, System};
use crate::read::NodeReader;
use crate::source::Sp;
use crate::yaml::{Node, NodeKind};

/// Statuses an override may set: `partial` needs a scope saying where, which is an entry's
/// job (add a system instead).
const OVERRIDE_STATUSES: &[&str] = &["default", "opt-in", "admin-opt-in", "org-keys", "none"];

impl Loader<'_> {
    pub(super) fn catalog(&mut self, node: &Node, layer: &mut Layer) {
        let Some(entries) = self.mapping(node, "`catalog`") else {
            return;
        };
        for (key, value) in entries {
            let part = match key.as_str() {
                Some(part @ ("systems" | "overrides")) => part,
                _ => {
                    self.unknown_key(key, CATALOG_KEYS, "`catalog`");
                    continue;
                }
            };
            let items = match &value.kind {
                NodeKind::Seq(items) => items.as_slice(),
                NodeKind::Null => &[],
                _ => {
                    self.wrong_type(value, &format!("`catalog.{part}`"), "a list");
                    continue;
                }
            };
            for item in items {
                let before = self.errors.len();
                if part == "systems" {
                    if let Some(added) = self.added_system(item) {
                        layer.added.push(added);
                    }
                } else if let Some(change) = self.override_entry(item) {
                    layer.overrides.push(change);
                }
                if self.errors.len() == before {
                    self.show_item(layer, &format!("catalog.{part}"), item);
                }
            }
        }
    }

    /// One added system, read exactly as the catalog file's entries are.
    fn added_system(&mut self, item: &Node) -> Option<Added> {
        let system: System = match from_node(item, self.source) {
            Ok(system) => system,
            Err(e) => {
                self.error(
                    e.span.unwrap_or(item.span),
                    format!("invalid catalog entry: {}", e.message),
                    "here",
                    Some(
                        "added systems use the entry format of `rules/catalog.yaml` (`e2ee-lint catalog NAME --format json` shows one)"
                            .into(),
                    ),
                );
                return None;
            }
        };
        let span_of = |key: &str| item.get(key).map_or(item.span, |n| n.span);
        let mut names = vec![(system.name.clone(), span_of("name"), NameKind::Exact)];
        for (key, kind) in [
            ("aliases", NameKind::Exact),
            ("contextual_aliases", NameKind::Contextual),
        ] {
            if let Some(NodeKind::Seq(items)) = item.get(key).map(|n| &n.kind) {
                for alias in items {
                    if let Some(text) = alias.as_str() {
                        names.push((text.to_owned(), alias.span, kind));
                    }
                }
            }
        }
        Some(Added {
            system,
            file: Arc::clone(self.source),
            entry: self.first_line(item.span),
            id: span_of("id"),
            names,
        })
    }

    /// One override: `system`, `channels` (channel: status), `reason` and `source`.
    fn override_entry(&mut self, item: &Node) -> Option<Override> {
        let NodeKind::Map(entries) = &item.kind else {
            self.wrong_type(
                item,
                "a catalog override",
                "a mapping with `system`, `channels`, `reason` and `source`",
            );
            return None;
        };
        let (mut system, mut channels, mut reason, mut source) = (None, None, None, None);
        for (key, value) in entries {
            match key.as_str() {
                Some("system") => system = self.nonempty(value, "`system`"),
                Some("channels") => channels = self.override_channels(value),
                Some("reason") => reason = self.nonempty(value, "`reason`"),
                Some("source") => source = self.nonempty(value, "`source`"),
                _ => self.unknown_key(key, OVERRIDE_KEYS, "a catalog override"),
            }
        }
        let entry = self.first_line(item.span);
        for (present, key, example) in [
            (system.is_some(), "system", "system: zoom"),
            (channels.is_some(), "channels", "channels: {video: default}"),
            (
                reason.is_some(),
                "reason",
                "reason: \"Admin locked E2EE on for every meeting\"",
            ),
            (
                source.is_some(),
                "source",
                "source: \"https://wiki.example/zoom-e2ee\"",
            ),
        ] {
            let written = entries.iter().any(|(k, _)| k.as_str() == Some(key));
            if !present && !written {
                self.error(
                    entry,
                    format!("this catalog override has no `{key}`"),
                    format!("`{key}` missing"),
                    Some(format!(
                        "an override states the company's word against the catalog's sources, so it needs system, channels, reason and source; add `{example}`"
                    )),
                );
            }
        }
        Some(Override {
            file: Arc::clone(self.source),
            entry,
            system: system?,
            channels: channels?,
            reason: reason?.value,
            source: source?.value,
        })
    }

    fn override_channels(&mut self, node: &Node) -> Option<Vec<(Sp<Channel>, Support)>> {
        let entries = self.mapping(node, "`channels`")?;
        if entries.is_empty() {
            self.error(
                node.span,
                "`channels` is empty: the override changes nothing",
                "no channel",
                Some("name each channel and its status, e.g. `channels: {voice: default}`".into()),
            );
            return None;
        }
        let names: Vec<&str> = Channel::ALL
            .iter()
            .map(|c| c.as_str())
            .chain(["text"])
            .collect();
        let mut out: Vec<(Sp<Channel>, Support)> = Vec::new();
        let before = self.errors.len();
        for (key, value) in entries {
            let Some(channel) = self.keyword(key, "channel", &names) else {
                continue;
            };
            if value.as_str() == Some("partial") {
                self.error(
                    value.span,
                    "an override cannot set `partial`",
                    "needs a scope",
                    Some("`partial` needs a scope saying where E2EE applies: add the system under `catalog.systems` instead".into()),
                );
                continue;
            }
            let Some(status) = self.keyword(value, "override status", OVERRIDE_STATUSES) else {
                continue;
            };
            let Some(status) = Support::ALL
                .into_iter()
                .find(|s| s.as_str() == status.value)
            else {
                continue;
            };
            for &c in Channel::from_inventory(&channel.value) {
                if out.iter().any(|(o, _)| o.value == c) {
                    self.error(
                        channel.span,
                        format!("`{c}` is overridden twice in this entry"),
                        "again here",
                        None,
                    );
                    continue;
                }
                out.push((
                    Sp {
                        value: c,
                        span: channel.span,
                    },
                    status,
                ));
            }
        }
        (self.errors.len() == before).then_some(out)
    }
}
