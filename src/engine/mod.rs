//! The engine: classifies each tool against the catalog and runs every rule over it.

mod apply;
mod checks;
mod classify;
pub(crate) mod condition;
mod duplicates;
mod intern;
mod levels;
mod pattern;
mod registry;
pub mod rule;
mod summary;
pub(crate) mod template;

use std::collections::HashMap;
use std::sync::Arc;

use crate::catalog::{Catalog, Channel, Match, Support, System};
use crate::date::Date;
use crate::fields::{self, FieldId};
use crate::finding::{Finding, ToolRef};
use crate::inventory::{self, Inventory, Problem, Tool};
use crate::source::{SourceFile, Span};
use apply::Subject;
pub(crate) use classify::active_weaker_modes;
use classify::{COMMUNICATION_CATEGORIES, channels_in_use, notes_say_communication};
use duplicates::{Duplicate, FirstSeen};
use intern::Interner;
pub(crate) use levels::Levels;
use rule::Registry;
pub(crate) use summary::ToolSummary;

/// Ids of the rules whose detection lives in the engine and the loader. Each has a file in
/// `rules/` (tested, with the policy's own ids in [`crate::policy::ids`]).
pub(crate) mod ids {
    pub(crate) const INVALID_INVENTORY: &str = "invalid-inventory";
    pub(crate) const UNKNOWN_FIELD: &str = "unknown-field";
    pub(crate) const DUPLICATE_TOOL: &str = "duplicate-tool";
    pub(crate) const EMPTY_INVENTORY: &str = "empty-inventory";
    /// Every id above, for the test that each has a rule file.
    #[cfg(test)]
    pub(crate) const BUILTIN: &[&str] = &[
        INVALID_INVENTORY,
        UNKNOWN_FIELD,
        DUPLICATE_TOOL,
        EMPTY_INVENTORY,
    ];
}

/// Everything the engine needs besides the file.
pub struct Engine {
    pub(crate) catalog: Arc<Catalog>,
    pub(crate) registry: Registry,
    pub(crate) levels: Levels,
    /// How the inventories' shape maps onto the model (identity for format v1).
    pub(crate) mapping: inventory::Mapping,
    /// The policy date, for rules about age (`catalog.stale`).
    pub(crate) today: Date,
    /// The config's `allow_empty`: a file that lists no tools is not an `empty-inventory`
    /// finding (a file with keys but no tool list still is).
    pub(crate) allow_empty: bool,
}

impl Engine {
    /// The embedded catalog and rules with the default levels and format v1: the engine of a
    /// run with no config.
    pub fn embedded() -> Result<Engine, rule::RuleError> {
        Ok(Engine {
            catalog: Catalog::embedded(),
            registry: Registry::embedded()?,
            levels: Levels::default(),
            mapping: inventory::Mapping::default(),
            today: Date::today_utc(),
            allow_empty: false,
        })
    }

    /// This engine with other rules: the same catalog, levels, inventory shape and date (the
    /// rule-file fuzz target runs a company's rule file alone).
    pub fn with_rules(&self, registry: Registry) -> Engine {
        Engine {
            catalog: Arc::clone(&self.catalog),
            registry,
            levels: self.levels.clone(),
            mapping: self.mapping.clone(),
            today: self.today,
            allow_empty: self.allow_empty,
        }
    }
}

/// Lints one file tool by tool, so a caller can drop each tool once it is checked.
pub(crate) struct FileLint<'e> {
    engine: &'e Engine,
    source: Arc<SourceFile>,
    findings: Vec<Finding>,
    summaries: Vec<ToolSummary>,
    first: FirstSeen,
    /// Findings about a suite's components, with the component's id: dropped at the end for a
    /// component the file also lists on its own (it is judged there, as written).
    suite_findings: Vec<(String, Finding)>,
    /// Each summary's whole entry, by the same index: a loader problem inside an entry (a
    /// field of the wrong type) belongs to that tool, which was then not read whole.
    entries: Vec<Span>,
    /// Texts already used in this file, so findings and summaries share one copy of each.
    strings: Interner,
    /// Resolutions already made in this file: a large inventory repeats a few dozen spellings,
    /// and resolving one (normalising, word splits, vendor and typo checks) costs more than
    /// the rest of its lookup.
    resolved: ResolutionCache<'e>,
}

/// Catalog resolutions by their inputs (name, vendor, pin, communication), bounded so that a
/// file of distinct names costs no more memory than its tools.
#[derive(Default)]
struct ResolutionCache<'c> {
    entries: HashMap<Box<str>, Match<'c>, foldhash::fast::RandomState>,
    key: String,
}

impl<'c> ResolutionCache<'c> {
    const MAX_ENTRIES: usize = 4096;

    fn resolve(
        &mut self,
        catalog: &'c Catalog,
        name: &str,
        vendor: Option<&str>,
        pin: Option<&str>,
        communication: bool,
    ) -> Match<'c> {
        // Each part with its length first (`-` when absent), so no two inputs share a key.
        use std::fmt::Write as _;
        self.key.clear();
        for part in [Some(name), vendor, pin] {
            match part {
                Some(text) => {
                    let _ = write!(self.key, "{}:", text.len());
                    self.key.push_str(text);
                }
                None => self.key.push('-'),
            }
        }
        self.key.push(if communication { '1' } else { '0' });
        if let Some(found) = self.entries.get(self.key.as_str()) {
            return found.clone();
        }
        let found = catalog.resolve_tool(name, vendor, pin, communication);
        if self.entries.len() < Self::MAX_ENTRIES {
            self.entries.insert(self.key.as_str().into(), found.clone());
        }
        found
    }
}

impl<'e> FileLint<'e> {
    /// Checks one tool: its data classification, every condition rule (for a suite, on each
    /// component), and duplicates of the tools before it.
    pub(crate) fn tool(&mut self, tool: &Tool) {
        let engine = self.engine;
        let catalog = &*engine.catalog;
        // The category says it, or (with no category) the notes do.
        let communication = match tool.value(fields::CATEGORY) {
            Some(category) => COMMUNICATION_CATEGORIES.contains(&category),
            None => notes_say_communication(tool),
        };
        let resolution = self.resolved.resolve(
            catalog,
            &tool.name.value,
            tool.value(fields::VENDOR),
            tool.value(fields::SYSTEM),
            communication,
        );
        let system = resolution.system();
        let components: Vec<&System> = match system {
            Some(suite) if suite.is_suite() => suite
                .includes
                .iter()
                .filter_map(|id| catalog.by_id(id))
                .collect(),
            Some(system) => vec![system],
            None => Vec::new(),
        };
        let suite = system.filter(|s| s.is_suite());
        // A name is shared like the file's other repeated texts (a large inventory repeats a
        // few hundred spellings, and the interner stops remembering past its bound); the id,
        // mostly distinct, is the loader's copy, which the loader shares between entries that
        // reuse a long name through YAML aliases.
        let names = ToolRef {
            name: self.strings.get(&tool.name.value),
            id: Arc::clone(&tool.id.value),
        };
        let mut e2ee: Vec<(Channel, Support)> = Vec::new();
        let mut unknown_all: Vec<Channel> = Vec::new();
        engine.check_level(&self.source, tool, &names, &mut self.findings);
        if let Match::UnknownPin = resolution {
            self.findings
                .push(engine.unknown_pin(&self.source, tool, &names));
        }
        let subjects: Vec<Option<&System>> = if components.is_empty() {
            vec![None]
        } else {
            components.into_iter().map(Some).collect()
        };
        for component in subjects {
            let (channels, unknown) = channels_in_use(catalog, tool, component);
            for &channel in &channels {
                if let Some(status) = component.and_then(|s| s.status(channel)) {
                    match e2ee.iter_mut().find(|(c, _)| *c == channel) {
                        Some((_, weakest)) => *weakest = (*weakest).max(status),
                        None => e2ee.push((channel, status)),
                    }
                }
            }
            unknown_all.extend(&unknown);
            let subject = Subject {
                tool,
                names: &names,
                system: component,
                resolution: &resolution,
                suite,
                channels: &channels,
                unknown: &unknown,
            };
            for rule in engine.registry.rules() {
                if let Some(finding) = engine.apply(rule, &self.source, &subject, &mut self.strings)
                {
                    match (suite, component) {
                        (Some(_), Some(component)) => {
                            self.suite_findings.push((component.id.clone(), finding));
                        }
                        _ => self.findings.push(finding),
                    }
                }
            }
        }
        e2ee.sort();
        unknown_all.sort();
        unknown_all.dedup();
        let strings = &mut self.strings;
        let catalog_id = system.map(|s| strings.get(&s.id));
        let mut field = |f: FieldId| tool.value(f).map(|v| strings.get(v));
        self.summaries.push(ToolSummary {
            span: tool.name.span,
            id_is_explicit: tool.id_is_explicit,
            catalog_id,
            matched: resolution.kind_name(),
            e2ee: e2ee.into(),
            unknown: unknown_all.into(),
            configured: tool.e2ee(),
            fields: fields::FieldValues::collect(&mut field),
            name: names.name,
            id: names.id,
        });
        self.entries.push(tool.entry);
        let index = self.summaries.len() - 1;
        let system_id = system.map(|s| s.id.as_str());
        let earlier = self.first.earlier(
            &self.summaries,
            system_id,
            &tool.id.value,
            tool.id_is_explicit,
        );
        match earlier {
            Some(first) => {
                let first = &self.summaries[first];
                let (first_name, first_span) = (Arc::clone(&first.name), first.span);
                let duplicate = Duplicate {
                    tool,
                    names: self.summaries[index].tool_ref(),
                    first_name: &first_name,
                    first_span,
                    system,
                };
                let finding = engine.duplicate(&self.source, duplicate, &mut self.strings);
                self.findings.push(finding);
            }
            None => self
                .first
                .remember(&self.summaries, system_id, &tool.id.value, index),
        }
    }

    /// Makes room for about `tools` tools, their summaries and findings allocated once (see
    /// [`inventory::estimate_tools`]).
    pub(crate) fn reserve(&mut self, tools: usize) {
        self.summaries.reserve_exact(tools);
        // About one finding per tool; pages of the reserve never written are never resident.
        self.findings.reserve_exact(tools + tools / 4);
    }

    /// Reports a problem the loader found.
    pub(crate) fn problem(&mut self, problem: Problem) {
        let finding = self.engine.problem_finding(&self.source, problem);
        self.findings.push(finding);
    }

    /// Forgets everything: the file is being loaded again.
    pub(crate) fn restart(&mut self) {
        self.findings.clear();
        self.summaries.clear();
        self.first.clear();
        self.suite_findings.clear();
        self.entries.clear();
        self.strings.clear();
    }

    pub(crate) fn finish(mut self) -> (Vec<Finding>, Vec<ToolSummary>) {
        self.attach_loader_problems();
        let listed = &self.first.by_system;
        self.findings.extend(
            self.suite_findings
                .into_iter()
                .filter(|(component, _)| !listed.contains_key(component))
                .map(|(_, finding)| finding),
        );
        // Both grew by doubling while the file streamed in; the outcome keeps them to the end
        // of the run, so give the slack back (up to half of each, on a 100,000-tool file ~12 MB
        // of the evidence formats' peak).
        self.findings.shrink_to_fit();
        self.summaries.shrink_to_fit();
        (self.findings, self.summaries)
    }

    /// Gives each `invalid-inventory` problem the loader found inside a tool's entry (a field of
    /// the wrong type) to that tool, so the tool counts as not read whole, never as judged.
    /// Entries are in file order; tools reach the lint before or after the loader's problems.
    fn attach_loader_problems(&mut self) {
        let (entries, summaries) = (&self.entries, &self.summaries);
        for finding in &mut self.findings {
            if finding.tool.is_some() || &*finding.rule != ids::INVALID_INVENTORY {
                continue;
            }
            let at = finding.span.offset;
            let after = entries.partition_point(|entry| entry.offset <= at);
            let Some(index) = after.checked_sub(1) else {
                continue;
            };
            let entry = entries[index];
            if at < entry.offset + entry.len {
                finding.tool = Some(summaries[index].tool_ref());
            }
        }
    }
}

impl Engine {
    /// Starts linting one file.
    pub(crate) fn file(&self, source: &Arc<SourceFile>) -> FileLint<'_> {
        FileLint {
            engine: self,
            source: Arc::clone(source),
            findings: Vec::new(),
            summaries: Vec::new(),
            first: FirstSeen::default(),
            suite_findings: Vec::new(),
            entries: Vec::new(),
            strings: Interner::default(),
            resolved: ResolutionCache::default(),
        }
    }

    /// Lints one loaded inventory: loader problems, per-tool rules and cross-tool checks.
    pub(crate) fn run(
        &self,
        source: &Arc<SourceFile>,
        inventory: &Inventory,
        problems: Vec<Problem>,
    ) -> (Vec<Finding>, Vec<ToolSummary>) {
        let mut lint = self.file(source);
        for problem in problems {
            lint.problem(problem);
        }
        for tool in &inventory.tools {
            lint.tool(tool);
        }
        lint.finish()
    }

    fn finding(
        &self,
        rule: &str,
        source: &Arc<SourceFile>,
        span: Span,
        message: impl Into<Arc<str>>,
    ) -> Finding {
        // The registry's id, so every finding of a rule shares one copy.
        let id = self
            .registry
            .get(rule)
            .map_or_else(|| Arc::from(rule), |r| Arc::clone(&r.info.id));
        Finding::new(id, self.registry.severity(rule), source, span, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        Engine::embedded().unwrap()
    }

    fn tools(text: &str) -> (Arc<SourceFile>, Vec<Tool>) {
        let source = Arc::new(SourceFile::new("t.yaml", "t.yaml", text.to_owned()));
        let (inventory, problems) = inventory::load(&source);
        assert_eq!(problems, []);
        (source, inventory.tools)
    }

    fn duplicates(lint: FileLint) -> Vec<String> {
        let (findings, _) = lint.finish();
        findings
            .into_iter()
            .filter(|f| &*f.rule == ids::DUPLICATE_TOOL)
            .map(|f| f.message.to_string())
            .collect()
    }

    #[test]
    fn notes_name_communication_products_only() {
        let (_, tools) = tools(
            "- {name: A, notes: our instant messaging tool}\n- {name: B, notes: a video sharing platform}\n- {name: C}\n",
        );
        let said: Vec<bool> = tools.iter().map(notes_say_communication).collect();
        assert_eq!(said, [true, false, false]);
    }

    #[test]
    fn duplicates_by_system_and_by_id() {
        let engine = engine();
        let text = "- name: Slack\n- name: slack\n- {name: Zoom, id: a}\n- {name: Zoom, id: b}\n\
                    - {name: Jira, id: x}\n- {name: Confluence, id: x}\n";
        let (source, tools) = tools(text);
        let mut lint = engine.file(&source);
        for tool in &tools {
            lint.tool(tool);
        }
        // Two Zooms with distinct explicit ids are separate instances.
        assert_eq!(
            duplicates(lint),
            [
                "slack is listed more than once in this file",
                "Confluence is listed more than once in this file"
            ]
        );
    }

    #[test]
    fn an_id_whose_hash_is_taken_is_still_checked() {
        let engine = engine();
        let (source, tools) =
            tools("- {name: Jira, id: a}\n- {name: Wiki, id: b}\n- {name: Docs, id: b}\n");
        let mut lint = engine.file(&source);
        lint.tool(&tools[0]);
        // Pretend `b` hashes like `a`: its first sighting must land in the collision map.
        lint.first.by_id.insert(duplicates::id_hash("b"), 0);
        lint.tool(&tools[1]);
        assert_eq!(lint.first.id_collisions.get("b"), Some(&1));
        lint.tool(&tools[2]);
        assert_eq!(
            duplicates(lint),
            ["Docs is listed more than once in this file"]
        );
    }
}
