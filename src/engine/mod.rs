//! The engine: classifies each tool against the catalog and runs every rule over it.

pub mod condition;
pub mod rule;
pub mod template;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::catalog::{Catalog, Channel, Support, System};
use crate::finding::{Finding, Label, ToolRef};
use crate::inventory::{self, E2eeSetting, Inventory, Problem, ProblemKind, Tool};
use crate::source::{SourceFile, Span};
use condition::Context;
use rule::{Detection, Registry, Rule, Target};
use template::join_words;

/// Ids of the rules whose detection lives in the engine and the loader. Each has a file in
/// `rules/` (tested, with the policy's own ids in [`crate::policy::ids`]).
pub mod ids {
    pub const INVALID_INVENTORY: &str = "invalid-inventory";
    pub const UNKNOWN_FIELD: &str = "unknown-field";
    pub const DUPLICATE_TOOL: &str = "duplicate-tool";
    pub const BUILTIN: &[&str] = &[INVALID_INVENTORY, UNKNOWN_FIELD, DUPLICATE_TOOL];
}

/// The company's ordered data classification levels and the level from which E2EE is required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Levels {
    /// Least to most sensitive.
    pub names: Vec<String>,
    /// Index into `names` of the first level that requires E2EE.
    pub threshold: usize,
}

impl Default for Levels {
    fn default() -> Self {
        Levels {
            names: ["public", "internal", "confidential", "restricted"]
                .map(String::from)
                .to_vec(),
            threshold: 2,
        }
    }
}

impl Levels {
    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// Whether `value` is a known level at or above `level`.
    pub fn at_least(&self, value: &str, level: &str) -> bool {
        matches!((self.index(value), self.index(level)), (Some(v), Some(l)) if v >= l)
    }

    /// Whether the tool's data requires E2EE under this policy.
    pub fn is_sensitive(&self, tool: &Tool) -> bool {
        tool.data_classification
            .as_ref()
            .and_then(|c| self.index(&c.value))
            .is_some_and(|i| i >= self.threshold)
    }

    pub fn threshold_name(&self) -> &str {
        self.names.get(self.threshold).map_or("", String::as_str)
    }
}

/// A tool as classified, for outputs that list every tool (JUnit, reports).
#[derive(Debug, Clone)]
pub struct ToolSummary {
    pub name: String,
    pub id: String,
    pub span: Span,
    /// Whether the id was written in the inventory (else derived from the name).
    pub id_is_explicit: bool,
    pub catalog_id: Option<String>,
    /// The catalog's E2EE status of each channel the company uses the tool for, in channel
    /// order; `None` for a channel not in use or unknown to the catalog.
    pub e2ee: [Option<Support>; 3],
    /// What the inventory says was configured (`e2ee:`).
    pub configured: Option<E2eeSetting>,
    /// One of [`inventory::CATEGORIES`] and [`inventory::STATUSES`]: no allocation per tool.
    pub category: Option<&'static str>,
    pub data_classification: Option<String>,
    pub status: Option<&'static str>,
}

/// Everything the engine needs besides the file.
pub struct Engine {
    pub catalog: Arc<Catalog>,
    pub registry: Registry,
    pub levels: Levels,
    /// How the inventories' shape maps onto the model (identity for format v1).
    pub mapping: inventory::Mapping,
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
        })
    }
}

/// A deterministic hash of a tool id (SipHash with fixed keys): same input, same output.
fn id_hash(id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    id.hash(&mut hasher);
    hasher.finish()
}

/// Lints one file tool by tool, so a caller can drop each tool once it is checked.
pub struct FileLint<'e> {
    engine: &'e Engine,
    source: Arc<SourceFile>,
    findings: Vec<Finding>,
    summaries: Vec<ToolSummary>,
    /// For `duplicate-tool`: the first tool (index into `summaries`) of each catalog system and
    /// of each id. Ids are keyed by hash so that a 100,000-tool file keeps no second copy of
    /// every id; the rare id whose hash an earlier, different id took goes to `id_collisions`.
    first_by_system: HashMap<&'e str, usize>,
    first_by_id: HashMap<u64, usize>,
    id_collisions: HashMap<String, usize>,
    /// Help lines already used in this file, so findings share one copy of each.
    helps: HashSet<Arc<str>>,
}

/// How many distinct help lines a file shares; past that, each finding keeps its own (a file
/// of all-different help lines gains nothing from the set).
const SHARED_HELPS: usize = 4096;

impl<'e> FileLint<'e> {
    /// Checks one tool: its data classification, every condition rule, and duplicates of the
    /// tools before it.
    pub fn tool(&mut self, tool: &Tool) {
        let engine = self.engine;
        let source = &self.source;
        let system = engine.catalog.lookup(&tool.name.value);
        let channels = channels_in_use(tool, system);
        let field = |v: &Option<inventory::Sp<String>>| v.as_ref().map(|s| s.value.clone());
        self.summaries.push(ToolSummary {
            name: tool.name.value.clone(),
            id: tool.id.value.clone(),
            span: tool.name.span,
            id_is_explicit: tool.id_is_explicit,
            catalog_id: system.map(|s| s.id.clone()),
            e2ee: Channel::ALL.map(|c| {
                system
                    .filter(|_| channels.contains(&c))
                    .and_then(|s| s.e2ee.get(&c).copied())
            }),
            configured: tool.e2ee.as_ref().map(|e| e.value),
            category: vocabulary(inventory::CATEGORIES, &tool.category),
            data_classification: field(&tool.data_classification),
            status: vocabulary(inventory::STATUSES, &tool.status),
        });
        engine.check_level(source, tool, &mut self.findings);
        for rule in engine.registry.rules() {
            if let Some(mut finding) = engine.apply(rule, source, tool, system, &channels) {
                finding.help = finding.help.map(|help| Self::share(&mut self.helps, help));
                self.findings.push(finding);
            }
        }
        let index = self.summaries.len() - 1;
        let earlier = system
            .and_then(|s| self.first_by_system.get(s.id.as_str()).copied())
            .filter(|&first| !(self.summaries[first].id_is_explicit && tool.id_is_explicit))
            .or_else(|| self.first_with_id(&tool.id.value));
        match earlier {
            Some(first) => {
                let first = &self.summaries[first];
                let finding = engine.duplicate(source, tool, &first.name, first.span, system);
                self.findings.push(finding);
            }
            None => {
                if let Some(system) = system {
                    self.first_by_system.entry(&system.id).or_insert(index);
                }
                self.remember_id(&tool.id.value, index);
            }
        }
    }

    fn share(helps: &mut HashSet<Arc<str>>, help: Arc<str>) -> Arc<str> {
        if let Some(shared) = helps.get(&*help) {
            return Arc::clone(shared);
        }
        if helps.len() < SHARED_HELPS {
            helps.insert(Arc::clone(&help));
        }
        help
    }

    fn first_with_id(&self, id: &str) -> Option<usize> {
        match self.first_by_id.get(&id_hash(id)) {
            Some(&first) if self.summaries[first].id == id => Some(first),
            Some(_) => self.id_collisions.get(id).copied(),
            None => None,
        }
    }

    fn remember_id(&mut self, id: &str, index: usize) {
        match self.first_by_id.entry(id_hash(id)) {
            std::collections::hash_map::Entry::Vacant(entry) => {
                entry.insert(index);
            }
            std::collections::hash_map::Entry::Occupied(entry) => {
                if self.summaries[*entry.get()].id != id {
                    self.id_collisions.entry(id.to_owned()).or_insert(index);
                }
            }
        }
    }

    /// Reports a problem the loader found.
    pub fn problem(&mut self, problem: Problem) {
        let finding = self.engine.problem_finding(&self.source, problem);
        self.findings.push(finding);
    }

    /// Forgets everything: the file is being loaded again.
    pub fn restart(&mut self) {
        self.findings.clear();
        self.summaries.clear();
        self.first_by_system.clear();
        self.first_by_id.clear();
        self.id_collisions.clear();
    }

    pub fn finish(self) -> (Vec<Finding>, Vec<ToolSummary>) {
        (self.findings, self.summaries)
    }
}

impl Engine {
    /// Starts linting one file.
    pub fn file(&self, source: &Arc<SourceFile>) -> FileLint<'_> {
        FileLint {
            engine: self,
            source: Arc::clone(source),
            findings: Vec::new(),
            summaries: Vec::new(),
            first_by_system: HashMap::new(),
            first_by_id: HashMap::new(),
            id_collisions: HashMap::new(),
            helps: HashSet::new(),
        }
    }

    /// Lints one loaded inventory: loader problems, per-tool rules and cross-tool checks.
    pub fn run(
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
        message: String,
    ) -> Finding {
        Finding::new(rule, self.registry.severity(rule), source, span, message)
    }

    fn problem_finding(&self, source: &Arc<SourceFile>, problem: Problem) -> Finding {
        let rule = match problem.kind {
            ProblemKind::Invalid => ids::INVALID_INVENTORY,
            ProblemKind::UnknownField => ids::UNKNOWN_FIELD,
        };
        let mut finding = self.finding(rule, source, problem.span, problem.message);
        finding.help = problem.help.map(Into::into);
        finding
    }

    /// A data classification the policy does not know is an invalid inventory.
    fn check_level(&self, source: &Arc<SourceFile>, tool: &Tool, findings: &mut Vec<Finding>) {
        let Some(level) = &tool.data_classification else {
            return;
        };
        if self.levels.index(&level.value).is_some() {
            return;
        }
        let known: Vec<&str> = self.levels.names.iter().map(String::as_str).collect();
        let mut finding = self.finding(
            ids::INVALID_INVENTORY,
            source,
            level.span,
            format!("unknown data classification level `{}`", level.value),
        );
        finding.help = Some(
            inventory::did_you_mean(&level.value, &known)
                .unwrap_or_else(|| format!("levels, least to most sensitive: {}", known.join(", ")))
                .into(),
        );
        finding.tool = Some(tool_ref(tool));
        findings.push(finding);
    }

    fn duplicate(
        &self,
        source: &Arc<SourceFile>,
        tool: &Tool,
        first_name: &str,
        first_span: Span,
        system: Option<&System>,
    ) -> Finding {
        let rule = self.registry.get(ids::DUPLICATE_TOOL);
        let vars = Vars {
            tool,
            system,
            levels: &self.levels,
            channels: String::new(),
            suggestions: Vec::new(),
        };
        let message = rule.map_or_else(
            || format!("{} is listed more than once", tool.name.value),
            |r| r.message.render(|v| vars.get(v)),
        );
        let mut finding = self.finding(ids::DUPLICATE_TOOL, source, tool.name.span, message);
        finding.help = rule
            .and_then(|r| r.help.as_ref())
            .map(|h| h.render(|v| vars.get(v)).into());
        finding.labels.push(Label {
            source: None,
            span: first_span,
            message: format!("first listed here as `{first_name}`"),
        });
        finding.tool = Some(tool_ref(tool));
        finding.catalog_id = system.map(|s| s.id.clone());
        finding
    }

    /// Runs one condition rule over one tool; at most one finding per rule and tool.
    fn apply(
        &self,
        rule: &Rule,
        source: &Arc<SourceFile>,
        tool: &Tool,
        system: Option<&System>,
        channels: &[Channel],
    ) -> Option<Finding> {
        let Detection::Condition { when, per_channel } = &rule.detection else {
            return None;
        };
        let mut cx = Context {
            tool,
            system,
            channels_in_use: channels,
            channel: None,
            levels: &self.levels,
        };
        let concerned: Vec<Channel> = if *per_channel {
            let system = system?;
            channels
                .iter()
                .filter_map(|&c| system.e2ee.get(&c).map(|&s| (c, s)))
                .filter(|&pair| {
                    cx.channel = Some(pair);
                    when.eval(&cx)
                })
                .map(|(c, _)| c)
                .collect()
        } else if when.eval(&cx) {
            Vec::new()
        } else {
            return None;
        };
        if *per_channel && concerned.is_empty() {
            return None;
        }
        cx.channel = None;
        let severity = rule
            .escalate
            .iter()
            .find(|e| e.when.eval(&cx))
            .map_or(rule.info.severity, |e| e.severity);
        let names: Vec<&str> = concerned.iter().map(|c| c.as_str()).collect();
        let vars = Vars {
            tool,
            system,
            levels: &self.levels,
            channels: join_words(&names),
            suggestions: if system.is_none() {
                self.catalog.suggest(&tool.name.value)
            } else {
                Vec::new()
            },
        };
        let span = target_span(tool, rule.at).unwrap_or(tool.name.span);
        let mut labels = Vec::new();
        for label in &rule.labels {
            if label.at == Target::Channels {
                let listed = tool.channels.iter().flat_map(|c| &c.value);
                for item in listed.filter(|c| concerned.contains(&c.value)) {
                    let message = label.message.render(|v| match v {
                        "channel" => Some(item.value.to_string()),
                        _ => vars.get(v),
                    });
                    labels.push(Label {
                        source: None,
                        span: item.span,
                        message,
                    });
                }
            } else if let Some(at) = target_span(tool, label.at).filter(|s| *s != span) {
                labels.push(Label {
                    source: None,
                    span: at,
                    message: label.message.render(|v| vars.get(v)),
                });
            }
        }
        Some(Finding {
            rule: rule.info.id.clone(),
            severity,
            message: rule.message.render(|v| vars.get(v)),
            help: rule.help.as_ref().map(|h| h.render(|v| vars.get(v)).into()),
            source: Arc::clone(source),
            span,
            labels,
            tool: Some(tool_ref(tool)),
            catalog_id: system.map(|s| s.id.clone()),
            suppressed: None,
        })
    }
}

fn tool_ref(tool: &Tool) -> ToolRef {
    ToolRef {
        name: tool.name.value.clone(),
        id: tool.id.value.clone(),
    }
}

/// The constant spelling of a field whose values the loader already checked against `words`.
fn vocabulary(
    words: &[&'static str],
    value: &Option<inventory::Sp<String>>,
) -> Option<&'static str> {
    let value = value.as_ref()?;
    words.iter().copied().find(|w| *w == value.value)
}

/// The channels the company uses a tool for: as listed, or every channel the catalog knows.
fn channels_in_use(tool: &Tool, system: Option<&System>) -> Vec<Channel> {
    let mut channels: Vec<Channel> = match (&tool.channels, system) {
        (Some(listed), _) => listed.value.iter().map(|c| c.value).collect(),
        (None, Some(system)) => system.e2ee.keys().copied().collect(),
        (None, None) => Vec::new(),
    };
    channels.sort();
    channels.dedup();
    channels
}

/// The span of a tool field, or `None` when the field is absent.
fn target_span(tool: &Tool, target: Target) -> Option<Span> {
    match target {
        Target::Name => Some(tool.name.span),
        Target::Id => tool.id_is_explicit.then_some(tool.id.span),
        Target::Category => tool.category.as_ref().map(|v| v.span),
        Target::Channels => tool.channels.as_ref().map(|v| v.span),
        Target::E2ee => tool.e2ee.as_ref().map(|v| v.span),
        Target::DataClassification => tool.data_classification.as_ref().map(|v| v.span),
        Target::Status => tool.status.as_ref().map(|v| v.span),
        Target::Entry => Some(tool.entry),
    }
}

/// Template variables for one tool.
struct Vars<'a> {
    tool: &'a Tool,
    system: Option<&'a System>,
    levels: &'a Levels,
    channels: String,
    suggestions: Vec<&'a str>,
}

impl Vars<'_> {
    fn get(&self, name: &str) -> Option<String> {
        let tool = self.tool;
        let field = |v: &Option<inventory::Sp<String>>| v.as_ref().map(|s| s.value.clone());
        match name {
            "tool" => Some(tool.name.value.clone()),
            "id" => Some(tool.id.value.clone()),
            "catalog" => self.system.map(|s| s.name.clone()),
            "catalog_id" => self.system.map(|s| s.id.clone()),
            "channels" => Some(self.channels.clone()),
            "e2ee" => Some(
                tool.e2ee
                    .as_ref()
                    .map_or("not set", |e| e.value.as_str())
                    .to_owned(),
            ),
            "data_classification" => field(&tool.data_classification),
            "threshold" => Some(self.levels.threshold_name().to_owned()),
            "vendor" => field(&tool.vendor),
            "category" => field(&tool.category),
            "status" => field(&tool.status),
            "did_you_mean" => match self.suggestions.as_slice() {
                [] => None,
                names => {
                    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                    Some(format!("Did you mean {}? ", quoted.join(" or ")))
                }
            },
            _ => None,
        }
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
            .filter(|f| f.rule == ids::DUPLICATE_TOOL)
            .map(|f| f.message)
            .collect()
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
        lint.first_by_id.insert(id_hash("b"), 0);
        lint.tool(&tools[1]);
        assert_eq!(lint.id_collisions.get("b"), Some(&1));
        lint.tool(&tools[2]);
        assert_eq!(
            duplicates(lint),
            ["Docs is listed more than once in this file"]
        );
    }
}
