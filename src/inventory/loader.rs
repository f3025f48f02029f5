//! Turning YAML nodes into tools: each field read as the field table says, every problem
//! recorded with its span.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::path;
use super::{
    Inventory, Mapping, Problem, ProblemKind, Tool, ToolsAt, UnknownFields, derive_id, empty,
    scalar_key,
};
use crate::catalog::Channel;
use crate::fields::{self, FieldId, Kind};
use crate::read::{Complaint, NodeReader};
use crate::source::{SourceFile, Sp, Span};
use crate::yaml::{Node, NodeKind};

/// The key of a value translation that catches every value not named (`"*": other`).
pub(super) const ANY_VALUE: &str = "*";

pub(super) struct Loader<'a> {
    pub(super) source: &'a SourceFile,
    pub(super) mapping: &'a Mapping,
    pub(super) problems: Vec<Problem>,
    /// Long texts already read in this file, one shared copy each (see [`Loader::text`]).
    long_texts: Vec<Arc<str>>,
    /// The last name an id was derived from, and that id: aliased entries derive it once.
    derived: Option<(Arc<str>, Arc<str>)>,
}

/// From this many bytes a text is looked up among the file's earlier long texts: a 2.6 MB name
/// reused through YAML aliases by 99 tools was 99 copies (and 99 of the id derived from it).
const LONG_TEXT: usize = 1024;

/// How many distinct long texts a file shares; past that, a new one replaces the shortest
/// remembered if it is longer, so a file of many different long texts costs one copy each, as
/// without sharing, and the few longest stay shared.
const LONG_TEXTS: usize = 16;

impl NodeReader for Loader<'_> {
    fn source(&self) -> &SourceFile {
        self.source
    }

    /// Inventory problems are findings; they carry no label text.
    fn complain(
        &mut self,
        kind: Complaint,
        span: Span,
        message: String,
        _label: String,
        help: Option<String>,
    ) {
        let kind = match kind {
            Complaint::Invalid => ProblemKind::Invalid,
            Complaint::UnknownKey if self.mapping.unknown_fields == UnknownFields::Ignore => {
                return;
            }
            Complaint::UnknownKey => ProblemKind::UnknownField,
        };
        self.problems.push(Problem {
            kind,
            span,
            message,
            help,
        });
    }
}

impl<'a> Loader<'a> {
    pub(super) fn new(source: &'a SourceFile, mapping: &'a Mapping) -> Self {
        Loader {
            source,
            mapping,
            problems: Vec::new(),
            long_texts: Vec::new(),
            derived: None,
        }
    }

    /// A tool's text, shared with an equal long text read before in this file.
    fn text(&mut self, text: &str) -> Arc<str> {
        if text.len() <= LONG_TEXT {
            return Arc::from(text);
        }
        if let Some(shared) = self.long_texts.iter().find(|t| ***t == *text) {
            return Arc::clone(shared);
        }
        let text: Arc<str> = Arc::from(text);
        if self.long_texts.len() < LONG_TEXTS {
            self.long_texts.push(Arc::clone(&text));
        } else if let Some(shortest) = self
            .long_texts
            .iter_mut()
            .min_by_key(|t| t.len())
            .filter(|t| t.len() < text.len())
        {
            // The longest are kept: texts interleaved between the uses of a long one cannot
            // push it out unless they are longer still, so they cost more input than they save.
            *shortest = Arc::clone(&text);
        }
        text
    }

    /// The id derived from `name`, computed once for a name shared by several entries.
    fn derived_id(&mut self, name: &Arc<str>) -> Arc<str> {
        if let Some((from, id)) = &self.derived
            && Arc::ptr_eq(from, name)
        {
            return Arc::clone(id);
        }
        let id: Arc<str> = derive_id(name).into();
        self.derived = Some((Arc::clone(name), Arc::clone(&id)));
        id
    }

    fn invalid(&mut self, span: Span, message: impl Into<String>, help: Option<String>) {
        self.complain(
            Complaint::Invalid,
            span,
            message.into(),
            String::new(),
            help,
        );
    }

    pub(super) fn document(&mut self, document: &Node, inventory: &mut Inventory) {
        let mapping = self.mapping;
        match (&document.kind, &mapping.tools) {
            // An empty document (or only comments) lists no tools.
            (NodeKind::Null, _) => {}
            (_, ToolsAt::Path(at)) => self.tools_at(at, document, inventory),
            (NodeKind::Map(_), ToolsAt::Single) => {
                if let Some(tool) = self.tool(document) {
                    inventory.tools.push(tool);
                }
            }
            (NodeKind::Seq(_), ToolsAt::Key(_) | ToolsAt::List) => self.tools(document, inventory),
            (NodeKind::Map(entries), ToolsAt::Key(tools_key)) => {
                let mut unknown = Vec::new();
                let mut found = false;
                for (key, value) in entries {
                    match key.as_str() {
                        Some(key) if key == tools_key => {
                            found = true;
                            self.tools(value, inventory)
                        }
                        Some("version") if mapping.v1 => self.version(value),
                        Some("organization") => {
                            if inventory.organization.is_none() {
                                inventory.organization = self.string(value, "`organization`");
                            }
                        }
                        _ => unknown.push(key),
                    }
                }
                // Keys but no tool list: one `empty-inventory` naming them, rather than an
                // `unknown-field` per key and a run that passes on zero tools.
                if let (false, Some(first)) = (found, unknown.first()) {
                    let span = self.first_line(first.span);
                    self.problems
                        .push(empty::no_tool_list(entries, tools_key, mapping.v1, span));
                    return;
                }
                for key in unknown {
                    let known = ["version", "organization", tools_key.as_str()];
                    let known = if mapping.v1 { &known[..] } else { &known[1..] };
                    self.unknown_key(key, known, "inventory")
                }
            }
            (_, tools) => {
                let (expected, help) = match tools {
                    ToolsAt::Key(key) if mapping.v1 => (
                        "a mapping with `tools:` or a list of tools".to_owned(),
                        "start the file with `tools:` followed by `- name: ...` entries".to_owned(),
                    ),
                    ToolsAt::Key(key) => (
                        format!("a mapping with `{key}:` or a list of tools"),
                        format!("the config's `inventory.tools` says the tools are under `{key}:`"),
                    ),
                    ToolsAt::List => (
                        "a list of tools".to_owned(),
                        "the config's `inventory.tools: .` says the file is a list of tools"
                            .to_owned(),
                    ),
                    // Read by `tools_at` above; kept so the message stays total.
                    ToolsAt::Path(at) => (
                        format!("a document the path `{}` leads through", at.text),
                        "the config's `inventory.tools` path says where the tools are".to_owned(),
                    ),
                    ToolsAt::Single => (
                        "one tool (a mapping)".to_owned(),
                        "the config's `inventory.tools: single` says each file is one tool"
                            .to_owned(),
                    ),
                };
                // The streaming path's top-level mapping has no span of its own: use its first key.
                let span = match &document.kind {
                    NodeKind::Map(entries) if document.span == Span::default() => {
                        entries.first().map_or(document.span, |(k, _)| k.span)
                    }
                    _ => document.span,
                };
                self.invalid(
                    self.first_line(span),
                    format!(
                        "an inventory must be {expected}, found {}",
                        document.kind.type_name()
                    ),
                    Some(help),
                );
            }
        }
    }

    fn version(&mut self, value: &Node) {
        if value.kind != NodeKind::Int(1) {
            self.invalid(
                value.span,
                format!(
                    "unsupported inventory format version `{}`",
                    self.source.slice(value.span)
                ),
                Some("this version of e2ee-lint reads format version 1".into()),
            );
        }
    }

    fn tools(&mut self, value: &Node, inventory: &mut Inventory) {
        match &value.kind {
            NodeKind::Seq(items) => {
                for item in items {
                    if let Some(tool) = self.tool(item) {
                        inventory.tools.push(tool);
                    }
                }
            }
            // `tools:` with nothing under it is an empty list.
            NodeKind::Null => {}
            _ => self.wrong_type(value, "`tools`", "a list of tools"),
        }
    }

    /// A field's value after the configured value translation, if any applies.
    fn translate<'n>(&self, field: FieldId, value: &Node<'n>) -> Option<Node<'n>> {
        let map = self.mapping.values[field.index()].as_ref()?;
        let one = |node: &Node<'n>| -> Option<Node<'n>> {
            // `*` translates every value the map does not name.
            let key = scalar_key(node, &self.source.text)?;
            let to = map.get(&key).or_else(|| map.get(ANY_VALUE))?;
            let kind = if to.as_str() == super::preset::UNSET {
                NodeKind::Null
            } else {
                NodeKind::Str(to.clone().into())
            };
            Some(Node {
                kind,
                span: node.span,
            })
        };
        match &value.kind {
            NodeKind::Seq(items) => Some(Node {
                kind: NodeKind::Seq(
                    items
                        .iter()
                        .map(|item| one(item).unwrap_or_else(|| item.clone()))
                        .collect(),
                ),
                span: value.span,
            }),
            _ => one(value),
        }
    }

    /// A string field, named by the company's key in messages. A number or boolean is taken
    /// as its text exactly as written (`id: 2024`, `owner: 42`, `version: 1.50` stays `1.50`):
    /// CMDB exports write ids as numbers, and the source bytes lose nothing, so no diagnostic.
    fn field_string(&mut self, node: &Node, key: &str) -> Option<Sp<Arc<str>>> {
        match &node.kind {
            NodeKind::Str(s) => Some(Sp {
                value: self.text(s),
                span: node.span,
            }),
            NodeKind::Bool(_) | NodeKind::Int(_) | NodeKind::Float(_)
                if let Some(text) = scalar_key(node, &self.source.text) =>
            {
                Some(Sp {
                    value: text.into(),
                    span: node.span,
                })
            }
            _ => {
                self.wrong_type(node, &format!("`{key}`"), "a string");
                None
            }
        }
    }

    pub(super) fn tool(&mut self, item: &Node) -> Option<Tool> {
        self.tool_in(item, &[])
    }

    /// One field's value, read as the field table says, into `tool` (`name` into `name`).
    fn field(
        &mut self,
        tool: &mut Tool,
        field: FieldId,
        key: &str,
        value: &Node,
        name: &mut Option<Sp<Arc<str>>>,
        name_missing_reported: &mut bool,
    ) {
        let translated = self.translate(field, value);
        let value = translated.as_ref().unwrap_or(value);
        // In a company's own shape, `key: null` is how "not filled in" is written, and a
        // translation to `~` leaves the field unset.
        if !self.mapping.v1 && value.kind == NodeKind::Null {
            return;
        }
        let spec = field.spec();
        match spec.kind {
            Kind::Text | Kind::Level => {
                let text = self.field_string(value, key);
                match field {
                    fields::NAME => {
                        *name_missing_reported |= text.is_none();
                        *name = text;
                    }
                    fields::ID => {
                        if let Some(id) = text {
                            tool.id = id;
                            tool.id_is_explicit = true;
                        }
                    }
                    _ => tool.values[field.index()] = text,
                }
            }
            Kind::Keyword(words) => {
                tool.values[field.index()] = self.keyword(value, spec.noun, words).map(|word| Sp {
                    value: word.value.into(),
                    span: word.span,
                });
            }
            Kind::Channels => tool.channels = self.channels(value, key),
            Kind::Labels => tool.labels = self.labels(value, key),
        }
    }

    /// A tool entry, with the records that enclose it (nearest last) for `^.` field paths.
    pub(super) fn tool_in(&mut self, item: &Node, enclosing: &[&Node]) -> Option<Tool> {
        let mapping = self.mapping;
        let name_key = mapping.key_of(fields::NAME).unwrap_or("name");
        let NodeKind::Map(entries) = &item.kind else {
            self.wrong_type(
                item,
                "a tool entry",
                &format!("a mapping with at least `{name_key}:`"),
            );
            return None;
        };
        let mut name = None;
        let mut name_missing_reported = false;
        let mut tool = Tool::new(
            item.span,
            Sp {
                value: Arc::from(""),
                span: item.span,
            },
        );
        for (key, value) in entries {
            let Some((field, key)) = key
                .as_str()
                .and_then(|k| mapping.field(k).map(|field| (field, k)))
            else {
                self.extra_key(key, value, &mut tool);
                continue;
            };
            self.field(
                &mut tool,
                field,
                key,
                value,
                &mut name,
                &mut name_missing_reported,
            );
        }
        // Fields read through a path: below the entry (`meta.company`) or from a record that
        // encloses it (`^.name`). A path that leads nowhere is a field not filled in.
        for (field, at) in mapping.field_paths() {
            if let Some(value) = path::resolve(at, item, enclosing) {
                self.field(
                    &mut tool,
                    field,
                    &at.text,
                    value,
                    &mut name,
                    &mut name_missing_reported,
                );
            }
        }
        let name = match name {
            Some(name) if !name.value.trim().is_empty() => name,
            Some(name) => {
                self.invalid(
                    name.span,
                    format!("a tool's `{name_key}` must not be empty"),
                    None,
                );
                return None;
            }
            None => {
                if !name_missing_reported {
                    let help = if mapping.v1 {
                        "add `name:` with the tool's product name, e.g. `name: Signal`".to_owned()
                    } else {
                        format!(
                            "add `{name_key}:` with the tool's product name (the config maps `name` to `{name_key}`)"
                        )
                    };
                    self.invalid(
                        self.first_line(item.span),
                        format!("this tool entry has no `{name_key}`"),
                        Some(help),
                    );
                }
                return None;
            }
        };
        if let Some(channels) = tool
            .channels
            .as_ref()
            .filter(|c| c.value.is_empty() && !tool.is_banned())
        {
            // An empty list would exempt the tool from every channel rule: a silent pass.
            self.invalid(
                channels.span,
                "`channels` is empty: the tool would be judged on nothing",
                Some("list the channels the company uses, remove `channels:` to be judged on every channel, or set `status: banned`".into()),
            );
            tool.channels = None;
        }
        if !tool.id_is_explicit {
            tool.id = Sp {
                value: self.derived_id(&name.value),
                span: name.span,
            };
        }
        tool.name = name;
        Some(tool)
    }

    /// A key no field takes: in a mapped inventory the company's own, kept for rules as
    /// `extra.<key>` (text values); reported as unknown unless the mapping ignores such keys.
    fn extra_key(&mut self, key: &Node, value: &Node, tool: &mut Tool) {
        // The first key of a relative field path (`meta` of `meta.company`) is read.
        if key
            .as_str()
            .is_some_and(|k| self.mapping.path_roots().any(|root| root == k))
        {
            return;
        }
        if !self.mapping.v1
            && let (Some(name), Some(text)) = (key.as_str(), scalar_key(value, &self.source.text))
        {
            tool.extra.insert(
                name.to_owned(),
                Sp {
                    value: text,
                    span: value.span,
                },
            );
        }
        let known = self.mapping.known_keys();
        self.unknown_key(key, &known, "a tool entry");
    }

    fn channels(&mut self, value: &Node, key: &str) -> Option<Sp<Vec<Sp<Channel>>>> {
        let NodeKind::Seq(items) = &value.kind else {
            self.wrong_type(
                value,
                &format!("`{key}`"),
                "a list such as [text, voice, video]",
            );
            return None;
        };
        let channels = items
            .iter()
            .filter_map(|item| self.keyword(item, "channel", fields::CHANNELS))
            .flat_map(|word| {
                Channel::from_inventory(&word.value)
                    .iter()
                    .map(move |&value| Sp {
                        value,
                        span: word.span,
                    })
            })
            .collect::<Vec<_>>();
        if channels.is_empty() && !items.is_empty() {
            return None; // every word was invalid, and each is reported
        }
        Some(Sp {
            value: channels,
            span: value.span,
        })
    }

    fn labels(&mut self, value: &Node, key: &str) -> BTreeMap<String, Sp<String>> {
        let mut labels = BTreeMap::new();
        let NodeKind::Map(entries) = &value.kind else {
            if value.kind != NodeKind::Null {
                self.wrong_type(value, &format!("`{key}`"), "a mapping of strings");
            }
            return labels;
        };
        for (key, value) in entries {
            let Some(key) = self.string(key, "a label key") else {
                continue;
            };
            if let Some(value) = self.string(value, &format!("label `{}`", key.value)) {
                labels.insert(key.value, value);
            }
        }
        labels
    }
}
