//! The findings an exception can match, found by lookup: findings indexed by rule, then by the
//! three ways an exception names a tool (its name in any ASCII case, its id, its catalog
//! system). Matching N exceptions against N findings is then linear, not N x N.

use std::collections::HashMap;
use std::sync::Arc;

use crate::catalog::Catalog;
use crate::finding::Finding;

/// One rule's findings (indices into the group's findings) by tool name, id and system.
#[derive(Default)]
struct ByTool {
    /// ASCII-lowercased name, as `eq_ignore_ascii_case` compares.
    name: HashMap<String, Vec<usize>>,
    id: HashMap<Arc<str>, Vec<usize>>,
    system: HashMap<Arc<str>, Vec<usize>>,
}

/// Findings that name a tool, by rule.
pub(super) struct Candidates {
    by_rule: HashMap<Arc<str>, ByTool>,
}

impl Candidates {
    pub(super) fn new(findings: &[Finding]) -> Candidates {
        let mut by_rule: HashMap<Arc<str>, ByTool> = HashMap::new();
        for (at, finding) in findings.iter().enumerate() {
            let Some(tool) = &finding.tool else {
                continue;
            };
            let entry = by_rule.entry(Arc::clone(&finding.rule)).or_default();
            entry
                .name
                .entry(tool.name.to_ascii_lowercase())
                .or_default()
                .push(at);
            entry.id.entry(Arc::clone(&tool.id)).or_default().push(at);
            if let Some(system) = &finding.catalog_id {
                entry.system.entry(Arc::clone(system)).or_default().push(at);
            }
        }
        Candidates { by_rule }
    }

    /// Every finding of `rule` whose tool `wanted` may name, in finding order; a superset of
    /// the matches (the caller still checks each, `files` included).
    pub(super) fn of(&self, catalog: &Catalog, rule: &str, wanted: &str) -> Vec<usize> {
        let Some(by_tool) = self.by_rule.get(rule) else {
            return Vec::new();
        };
        let mut found: Vec<usize> = Vec::new();
        let lists = [
            by_tool.name.get(wanted.to_ascii_lowercase().as_str()),
            by_tool.id.get(wanted),
            catalog
                .lookup(wanted)
                .and_then(|system| by_tool.system.get(system.id.as_str())),
        ];
        for list in lists.into_iter().flatten() {
            found.extend_from_slice(list);
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}
