//! `duplicate-tool`: the same system or id listed twice in one file, remembered compactly.
//!
//! A 100,000-tool file must not keep a second copy of every id, so ids are remembered by hash;
//! the rare id whose hash an earlier, different id took goes to a small collision map.

use std::collections::HashMap;
use std::sync::Arc;

use super::intern::Interner;
use super::{Engine, ToolSummary, apply, ids};
use crate::catalog::System;
use crate::finding::{Finding, Label, ToolRef};
use crate::inventory::Tool;
use crate::source::{SourceFile, Span};

/// A deterministic hash of a tool id (foldhash with a fixed seed): same input, same output.
/// A collision costs nothing but an entry in the collision map, whose answers are exact.
pub(super) fn id_hash(id: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0).hash_one(id)
}

/// The maps below are looked up once per tool and never iterated: the fast hash.
type Map<K> = HashMap<K, usize, foldhash::fast::RandomState>;

/// The first tool (an index into the file's summaries) of each catalog system and each id.
#[derive(Debug, Default)]
pub(super) struct FirstSeen {
    pub(super) by_system: Map<String>,
    pub(super) by_id: Map<u64>,
    pub(super) id_collisions: Map<String>,
}

impl FirstSeen {
    /// The earlier tool this one repeats: the same system (unless both carry distinct explicit
    /// ids: two instances of one product), or the same id.
    pub(super) fn earlier(
        &self,
        summaries: &[ToolSummary],
        system: Option<&str>,
        id: &str,
        id_is_explicit: bool,
    ) -> Option<usize> {
        system
            .and_then(|s| self.by_system.get(s).copied())
            .filter(|&first| !(summaries[first].id_is_explicit && id_is_explicit))
            .or_else(|| self.with_id(summaries, id))
    }

    fn with_id(&self, summaries: &[ToolSummary], id: &str) -> Option<usize> {
        match self.by_id.get(&id_hash(id)) {
            Some(&first) if *summaries[first].id == *id => Some(first),
            Some(_) => self.id_collisions.get(id).copied(),
            None => None,
        }
    }

    pub(super) fn remember(
        &mut self,
        summaries: &[ToolSummary],
        system: Option<&str>,
        id: &str,
        index: usize,
    ) {
        // Most tools repeat a system seen before: no key is allocated for those.
        if let Some(system) = system
            && !self.by_system.contains_key(system)
        {
            self.by_system.insert(system.to_owned(), index);
        }
        match self.by_id.entry(id_hash(id)) {
            std::collections::hash_map::Entry::Vacant(entry) => {
                entry.insert(index);
            }
            std::collections::hash_map::Entry::Occupied(entry) => {
                if *summaries[*entry.get()].id != *id {
                    self.id_collisions.entry(id.to_owned()).or_insert(index);
                }
            }
        }
    }

    pub(super) fn clear(&mut self) {
        self.by_system.clear();
        self.by_id.clear();
        self.id_collisions.clear();
    }
}

/// A tool that repeats an earlier one.
pub(super) struct Duplicate<'a> {
    pub(crate) tool: &'a Tool,
    pub names: ToolRef,
    pub(crate) first_name: &'a str,
    pub(crate) first_span: Span,
    pub(crate) system: Option<&'a System>,
}

impl Engine {
    /// The `duplicate-tool` finding, with a label at the first listing.
    pub(super) fn duplicate(
        &self,
        source: &Arc<SourceFile>,
        duplicate: Duplicate,
        strings: &mut Interner,
    ) -> Finding {
        let Duplicate {
            tool,
            names,
            first_name,
            first_span,
            system,
        } = duplicate;
        let rule = self.registry.get(ids::DUPLICATE_TOOL);
        let render = |strings: &mut Interner, t: &super::template::Template| {
            strings.render(|out| {
                t.render_into(out, |v, out| match v {
                    "tool" => out.push_str(&apply::shown_name(&tool.name.value)),
                    "id" => super::template::echo(out, &tool.id.value),
                    "catalog" => out.push_str(system.map_or("", |s| s.name.as_str())),
                    _ => {}
                })
            })
        };
        let message = match rule {
            Some(r) => render(strings, &r.message),
            None => format!(
                "{} is listed more than once",
                apply::shown_name(&tool.name.value)
            )
            .into(),
        };
        let mut finding = self.finding(ids::DUPLICATE_TOOL, source, tool.name.span, message);
        finding.help = rule
            .and_then(|r| r.help.as_ref())
            .map(|h| render(strings, h));
        let first = apply::shown_name(first_name);
        finding.labels = vec![Label {
            source: None,
            span: first_span,
            message: strings.render(|out| {
                out.push_str("first listed here as `");
                out.push_str(&first);
                out.push('`');
            }),
        }];
        finding.tool = Some(names);
        finding.catalog_id = system.map(|s| strings.get(&s.id));
        finding
    }
}
