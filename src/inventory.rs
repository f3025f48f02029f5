//! The typed inventory model (format version 1) and its loader from the spanned YAML tree.
//!
//! The loader never stops at the first problem: a wrong type drops that one field, a broken
//! entry drops that one tool, and each becomes a located [`Problem`] so one run shows them all.

use std::collections::BTreeMap;

use crate::catalog::Channel;
use crate::read::{Complaint, NodeReader};
use crate::source::{SourceFile, Span};
use crate::yaml::{self, Node, NodeKind};

/// A value with the span of the YAML node it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sp<T> {
    pub value: T,
    pub span: Span,
}

/// What the company configured for a tool's end-to-end encryption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum E2eeSetting {
    Enforced,
    Optional,
    Disabled,
    Unknown,
}

/// Keys of a tool entry, in the order the README documents them.
pub const TOOL_KEYS: &[&str] = &[
    "name",
    "category",
    "vendor",
    "system",
    "owner",
    "data_classification",
    "channels",
    "e2ee",
    "backups",
    "id",
    "status",
    "labels",
    "notes",
];
/// Keys of the top-level mapping.
pub const TOP_KEYS: &[&str] = &["version", "organization", "tools"];

/// Where a file's tool entries are, in the company's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolsAt {
    /// A list under this top-level key (`tools` in format v1); a bare top-level list is read too.
    Key(String),
    /// The document itself is the list (`tools: .`).
    List,
    /// The document is one tool: one record per file (`tools: single`).
    Single,
}

/// What to do with a key that no field is mapped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownFields {
    /// An `unknown-field` finding (the default).
    Warn,
    /// Nothing: the company's extra keys are theirs.
    Ignore,
}

/// How an inventory's shape maps onto the v1 model. The default is the identity: format v1.
///
/// The one loader reads every shape through it: a company key is looked up to find which of our
/// fields it feeds, and a value may be translated (`Red` -> `restricted`) before the field is
/// validated. Spans stay on the company's own keys and values.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub tools: ToolsAt,
    /// For each of [`TOOL_KEYS`] (same index), the company's key, if any.
    keys: Vec<Option<String>>,
    pub unknown_fields: UnknownFields,
    /// Per field of ours (index into [`TOOL_KEYS`]): the company's value -> ours.
    values: Vec<Option<BTreeMap<String, String>>>,
    /// Whether this is plain format v1 (no mapping configured): `version` is ours to check.
    pub v1: bool,
}

impl Default for Mapping {
    fn default() -> Self {
        Mapping {
            tools: ToolsAt::Key("tools".into()),
            keys: TOOL_KEYS.iter().map(|k| Some((*k).to_owned())).collect(),
            unknown_fields: UnknownFields::Warn,
            values: vec![None; TOOL_KEYS.len()],
            v1: true,
        }
    }
}

impl Mapping {
    /// A configured mapping. `fields` maps our field names to the company's keys; a field not
    /// listed keeps its own name as key, unless a listed field took that key.
    /// `values` maps our field names to value translations. Unknown field names are ignored
    /// (the config loader rejects them first).
    pub fn new(
        tools: ToolsAt,
        fields: &[(String, String)],
        unknown_fields: UnknownFields,
        values: &[(String, BTreeMap<String, String>)],
    ) -> Mapping {
        let mut keys: Vec<Option<String>> =
            TOOL_KEYS.iter().map(|k| Some((*k).to_owned())).collect();
        for (ours, theirs) in fields {
            if let Some(i) = TOOL_KEYS.iter().position(|k| k == ours) {
                keys[i] = Some(theirs.clone());
            }
        }
        // An unmapped field whose own name a mapped field took loses it.
        for (i, field) in TOOL_KEYS.iter().enumerate() {
            let mapped = fields.iter().any(|(ours, _)| ours == field);
            if !mapped && fields.iter().any(|(_, theirs)| theirs == field) {
                keys[i] = None;
            }
        }
        let mut mapped_values = vec![None; TOOL_KEYS.len()];
        for (ours, map) in values {
            if let Some(i) = TOOL_KEYS.iter().position(|k| k == ours) {
                mapped_values[i] = Some(map.clone());
            }
        }
        Mapping {
            tools,
            keys,
            unknown_fields,
            values: mapped_values,
            v1: false,
        }
    }

    /// Which of our fields (index into [`TOOL_KEYS`]) a company key feeds.
    fn field(&self, key: &str) -> Option<usize> {
        self.keys.iter().position(|k| k.as_deref() == Some(key))
    }

    /// The company's key for one of our fields (its own name when unmapped).
    pub fn key_of(&self, field: &str) -> Option<&str> {
        let i = TOOL_KEYS.iter().position(|k| *k == field)?;
        self.keys[i].as_deref()
    }

    /// The company keys that feed a field, in [`TOOL_KEYS`] order, for "did you mean".
    fn known_keys(&self) -> Vec<&str> {
        self.keys.iter().flatten().map(String::as_str).collect()
    }
}

/// The text a value translation matches a scalar by: a string's value, else its source text.
pub fn scalar_key(node: &Node, source: &str) -> Option<String> {
    match &node.kind {
        NodeKind::Str(s) => Some(s.to_string()),
        NodeKind::Bool(_) | NodeKind::Int(_) | NodeKind::Float(_) => source
            .get(node.span.offset..node.span.end())
            .map(|s| s.trim().to_owned()),
        _ => None,
    }
}
pub const CATEGORIES: &[&str] = &[
    "messaging",
    "video-conferencing",
    "voice",
    "email",
    "collaboration",
    "other",
];
pub const E2EE_SETTINGS: &[&str] = &["enforced", "optional", "disabled", "unknown"];
pub const STATUSES: &[&str] = &["approved", "pilot", "deprecated", "banned"];
/// `text` is both text channels (format v1); the others are the catalog's channels.
pub const CHANNELS: &[&str] = &[
    "text",
    "text_1to1",
    "text_group",
    "voice",
    "video",
    "files",
    "backups",
];
/// What the company did about a tool's cloud backups of conversation history.
pub const BACKUPS: &[&str] = &["disabled", "e2ee-enforced", "enabled", "unknown"];

impl E2eeSetting {
    pub fn as_str(self) -> &'static str {
        match self {
            E2eeSetting::Enforced => "enforced",
            E2eeSetting::Optional => "optional",
            E2eeSetting::Disabled => "disabled",
            E2eeSetting::Unknown => "unknown",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        [
            E2eeSetting::Enforced,
            E2eeSetting::Optional,
            E2eeSetting::Disabled,
            E2eeSetting::Unknown,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// One tool entry of an inventory.
#[derive(Debug, Clone)]
pub struct Tool {
    /// The whole entry, for labels that cover it.
    pub entry: Span,
    pub name: Sp<String>,
    /// The stable id: as written, or derived from the name (then its span is the name's).
    pub id: Sp<String>,
    pub id_is_explicit: bool,
    pub category: Option<Sp<String>>,
    pub vendor: Option<Sp<String>>,
    /// A catalog id that pins the system (`system: microsoft-teams`).
    pub system: Option<Sp<String>>,
    pub owner: Option<Sp<String>>,
    pub data_classification: Option<Sp<String>>,
    /// The channels as written, each with its own span.
    pub channels: Option<Sp<Vec<Sp<Channel>>>>,
    pub e2ee: Option<Sp<E2eeSetting>>,
    /// One of [`BACKUPS`].
    pub backups: Option<Sp<String>>,
    pub status: Option<Sp<String>>,
    pub labels: BTreeMap<String, Sp<String>>,
    pub notes: Option<Sp<String>>,
}

/// The inventory of one file (all its YAML documents together).
#[derive(Debug, Default)]
pub struct Inventory {
    pub organization: Option<Sp<String>>,
    pub tools: Vec<Tool>,
}

/// Which built-in check a loader problem belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// `invalid-inventory`
    Invalid,
    /// `unknown-field`
    UnknownField,
}

/// Something wrong with the file itself, found while loading.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

/// Derives a tool id from its name: lowercase words joined by `-`.
pub fn derive_id(name: &str) -> String {
    let mut id = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            id.push(c);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    while id.ends_with('-') {
        id.pop();
    }
    id
}

/// "did you mean `x`?" for a word close to one of `known`.
pub fn did_you_mean(word: &str, known: &[&str]) -> Option<String> {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(word, k), *k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!("did you mean `{k}`?"))
}

/// Parses and loads one inventory file (format v1), collecting every problem found.
pub fn load(source: &SourceFile) -> (Inventory, Vec<Problem>) {
    load_mapped(source, &Mapping::default())
}

/// Parses and loads one inventory file in a company's shape, collecting every problem found.
pub fn load_mapped(source: &SourceFile, mapping: &Mapping) -> (Inventory, Vec<Problem>) {
    let mut tools = Vec::new();
    let (mut inventory, problems) = load_each(source, mapping, &mut |loaded| match loaded {
        Loaded::Tool(tool) => tools.push(tool),
        Loaded::Restart => tools.clear(),
    });
    inventory.tools = tools;
    (inventory, problems)
}

/// What [`load_each`] hands over, in order.
// Each value is moved to the consumer once and never stored as a `Loaded`, so the size of the
// `Restart` variant costs nothing; boxing would cost an allocation per tool.
#[allow(clippy::large_enum_variant)]
pub enum Loaded {
    /// The next tool entry.
    Tool(Tool),
    /// Forget every tool handed over so far: the file is being loaded again from its full tree.
    Restart,
}

/// Files at least this large are parsed on one thread and converted on another.
const PIPELINE_MIN_BYTES: usize = 1 << 20;

/// Loads one inventory, handing each tool to `on` as soon as it is converted; the returned
/// inventory has no tools (the caller keeps what it needs).
///
/// Tool entries are converted as the parser produces them (see [`yaml::parse_streaming`]), so
/// memory never holds the whole tree; for a large file the parser runs on this thread while
/// another converts and hands over, so both cores work. Files the streaming path declines are
/// loaded from the full tree, which carries the spans their errors need.
///
/// `mapping` says where the tools are and which keys feed which fields (identity for format v1).
/// One-record-per-file inventories (`ToolsAt::Single`) have no list to stream and are read from
/// the tree.
pub fn load_each(
    source: &SourceFile,
    mapping: &Mapping,
    on: &mut (dyn FnMut(Loaded) + Send),
) -> (Inventory, Vec<Problem>) {
    if let Some(loaded) = load_streaming(source, mapping, on) {
        return loaded;
    }
    on(Loaded::Restart);
    let (mut inventory, problems) = load_from_tree(source, mapping);
    for tool in std::mem::take(&mut inventory.tools) {
        on(Loaded::Tool(tool));
    }
    (inventory, problems)
}

fn load_streaming(
    source: &SourceFile,
    mapping: &Mapping,
    on: &mut (dyn FnMut(Loaded) + Send),
) -> Option<(Inventory, Vec<Problem>)> {
    let key = match &mapping.tools {
        ToolsAt::Key(key) => Some(key.as_str()),
        ToolsAt::List => None,
        ToolsAt::Single => return None,
    };
    let text = source.text.as_str();
    let (document, problems) = if text.len() < PIPELINE_MIN_BYTES {
        let mut loader = Loader::new(source, mapping);
        let document = yaml::parse_streaming(text, key, &mut |item| {
            if let Some(tool) = loader.tool(&item) {
                on(Loaded::Tool(tool));
            }
        })?;
        (document, loader.problems)
    } else {
        std::thread::scope(|scope| {
            // Entries travel in batches: one hand-over per entry costs more in thread wake-ups
            // than converting the entry does.
            const BATCH: usize = 512;
            let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<Node<'_>>>(2);
            let worker = scope.spawn(move || {
                let mut loader = Loader::new(source, mapping);
                for item in receiver.into_iter().flatten() {
                    if let Some(tool) = loader.tool(&item) {
                        on(Loaded::Tool(tool));
                    }
                }
                loader.problems
            });
            let mut batch = Vec::with_capacity(BATCH);
            let document = yaml::parse_streaming(text, key, &mut |item| {
                batch.push(item);
                if batch.len() == BATCH {
                    // The worker only stops early by panicking, which `join` passes on below.
                    let _ = sender.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
                }
            });
            let _ = sender.send(batch);
            drop(sender);
            let problems = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            document.map(|document| (document, problems))
        })?
    };
    let mut loader = Loader {
        source,
        mapping,
        problems,
    };
    let mut inventory = Inventory::default();
    loader.document(&document, &mut inventory);
    Some((inventory, loader.problems))
}

/// The general path: the whole tree first, then the model.
fn load_from_tree(source: &SourceFile, mapping: &Mapping) -> (Inventory, Vec<Problem>) {
    let mut loader = Loader::new(source, mapping);
    let mut inventory = Inventory::default();
    match yaml::parse(&source.text) {
        Ok(documents) => {
            for document in &documents {
                loader.document(document, &mut inventory);
            }
        }
        Err(error) => loader.problems.push(Problem {
            kind: ProblemKind::Invalid,
            span: error.span,
            message: error.message,
            help: Some("fix the YAML syntax; the file was not checked further".into()),
        }),
    }
    (inventory, loader.problems)
}

struct Loader<'a> {
    source: &'a SourceFile,
    mapping: &'a Mapping,
    problems: Vec<Problem>,
}

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
    fn new(source: &'a SourceFile, mapping: &'a Mapping) -> Self {
        Loader {
            source,
            mapping,
            problems: Vec::new(),
        }
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

    fn document(&mut self, document: &Node, inventory: &mut Inventory) {
        let mapping = self.mapping;
        match (&document.kind, &mapping.tools) {
            // An empty document (or only comments) lists no tools.
            (NodeKind::Null, _) => {}
            (NodeKind::Map(_), ToolsAt::Single) => {
                if let Some(tool) = self.tool(document) {
                    inventory.tools.push(tool);
                }
            }
            (NodeKind::Seq(_), ToolsAt::Key(_) | ToolsAt::List) => self.tools(document, inventory),
            (NodeKind::Map(entries), ToolsAt::Key(tools_key)) => {
                for (key, value) in entries {
                    match key.as_str() {
                        Some(key) if key == tools_key => self.tools(value, inventory),
                        Some("version") if mapping.v1 => self.version(value),
                        Some("organization") => {
                            if inventory.organization.is_none() {
                                inventory.organization = self.string(value, "`organization`");
                            }
                        }
                        _ => {
                            let known = ["version", "organization", tools_key.as_str()];
                            let known = if mapping.v1 { &known[..] } else { &known[1..] };
                            self.unknown_key(key, known, "inventory")
                        }
                    }
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
    fn translate<'n>(&self, field: usize, value: &Node<'n>) -> Option<Node<'n>> {
        let map = self.mapping.values[field].as_ref()?;
        let one = |node: &Node<'n>| -> Option<Node<'n>> {
            let to = map.get(&scalar_key(node, &self.source.text)?)?;
            Some(Node {
                kind: NodeKind::Str(to.clone().into()),
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

    /// A string field, named by the company's key in messages.
    fn field_string(&mut self, node: &Node, key: &str) -> Option<Sp<String>> {
        match &node.kind {
            NodeKind::Str(s) => Some(Sp {
                value: s.to_string(),
                span: node.span,
            }),
            _ => {
                self.wrong_type(node, &format!("`{key}`"), "a string");
                None
            }
        }
    }

    fn tool(&mut self, item: &Node) -> Option<Tool> {
        let mapping = self.mapping;
        let name_key = mapping.key_of("name").unwrap_or("name");
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
        let mut tool = Tool {
            entry: item.span,
            name: Sp {
                value: String::new(),
                span: item.span,
            },
            id: Sp {
                value: String::new(),
                span: item.span,
            },
            id_is_explicit: false,
            category: None,
            vendor: None,
            system: None,
            owner: None,
            data_classification: None,
            channels: None,
            e2ee: None,
            backups: None,
            status: None,
            labels: BTreeMap::new(),
            notes: None,
        };
        for (key, value) in entries {
            let Some((field, key)) = key
                .as_str()
                .and_then(|k| mapping.field(k).map(|field| (field, k)))
            else {
                let known = mapping.known_keys();
                self.unknown_key(key, &known, "a tool entry");
                continue;
            };
            // In a company's own shape, `key: null` is how "not filled in" is written.
            if !mapping.v1 && value.kind == NodeKind::Null {
                continue;
            }
            let translated = self.translate(field, value);
            let value = translated.as_ref().unwrap_or(value);
            match TOOL_KEYS[field] {
                "name" => {
                    name = self.field_string(value, key);
                    if name.is_none() {
                        name_missing_reported = true;
                    }
                }
                "category" => tool.category = self.keyword(value, "category", CATEGORIES),
                "vendor" => tool.vendor = self.field_string(value, key),
                "system" => tool.system = self.field_string(value, key),
                "backups" => tool.backups = self.keyword(value, "backups setting", BACKUPS),
                "owner" => tool.owner = self.field_string(value, key),
                "data_classification" => tool.data_classification = self.field_string(value, key),
                "channels" => tool.channels = self.channels(value, key),
                "e2ee" => {
                    tool.e2ee = self
                        .keyword(value, "e2ee setting", E2EE_SETTINGS)
                        .and_then(|s| {
                            E2eeSetting::parse(&s.value).map(|value| Sp {
                                value,
                                span: s.span,
                            })
                        })
                }
                "id" => {
                    if let Some(id) = self.field_string(value, key) {
                        tool.id = id;
                        tool.id_is_explicit = true;
                    }
                }
                "status" => tool.status = self.keyword(value, "status", STATUSES),
                "labels" => tool.labels = self.labels(value, key),
                "notes" => tool.notes = self.field_string(value, key),
                _ => {}
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
        let banned = tool.status.as_ref().is_some_and(|s| s.value == "banned");
        if let Some(channels) = tool
            .channels
            .as_ref()
            .filter(|c| c.value.is_empty() && !banned)
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
                value: derive_id(&name.value),
                span: name.span,
            };
        }
        tool.name = name;
        Some(tool)
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
            .filter_map(|item| self.keyword(item, "channel", CHANNELS))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> (Inventory, Vec<Problem>) {
        load(&SourceFile::new("t.yaml", "t.yaml", text.to_owned()))
    }

    #[test]
    fn streaming_and_the_full_tree_agree() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut checked = 0;
        for path in [
            "acme.yaml",
            "messy.yaml",
            "seed/zoom-enforced.yaml",
            "malformed/wrong-types.yaml",
        ] {
            let text = std::fs::read_to_string(root.join(path)).unwrap();
            let source = SourceFile::new(path, path, text);
            let (streamed, streamed_problems) = load(&source);
            let (tree, tree_problems) = load_from_tree(&source, &Mapping::default());
            assert_eq!(format!("{streamed:?}"), format!("{tree:?}"), "{path}");
            let mut streamed_problems = streamed_problems;
            streamed_problems.sort_by_key(|p| p.span);
            let mut tree_problems = tree_problems;
            tree_problems.sort_by_key(|p| p.span);
            assert_eq!(streamed_problems, tree_problems, "{path}");
            checked += streamed.tools.len();
        }
        assert!(checked > 10);
    }

    fn gitlab_mapping() -> Mapping {
        let colours = [("Red", "restricted"), ("Green", "public")]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
            .into_iter()
            .collect();
        Mapping::new(
            ToolsAt::List,
            &[
                ("name".into(), "title".into()),
                ("owner".into(), "group_owner".into()),
            ],
            UnknownFields::Warn,
            &[("data_classification".into(), colours)],
        )
    }

    #[test]
    fn mapped_streaming_and_the_full_tree_agree() {
        let entry = "- title: Zoom\n  group_owner: IT\n  data_classification: Red\n  saas: true\n  notes: null\n- title: Slack\n  data_classification: Purple\n- description: no title\n";
        // Small (one thread) and past the pipeline threshold (two threads).
        for copies in [1, PIPELINE_MIN_BYTES / entry.len() + 1] {
            let text = entry.repeat(copies);
            let source = SourceFile::new("t.yml", "t.yml", text);
            let (streamed, mut streamed_problems) = load_mapped(&source, &gitlab_mapping());
            let (tree, mut tree_problems) = load_from_tree(&source, &gitlab_mapping());
            assert_eq!(format!("{streamed:?}"), format!("{tree:?}"));
            streamed_problems.sort_by_key(|p| p.span);
            tree_problems.sort_by_key(|p| p.span);
            assert_eq!(streamed_problems, tree_problems);
            assert_eq!(streamed.tools.len(), 2 * copies);
            let zoom = &streamed.tools[0];
            assert_eq!(zoom.name.value, "Zoom");
            assert_eq!(zoom.owner.as_ref().map(|o| o.value.as_str()), Some("IT"));
            let level = zoom.data_classification.as_ref().unwrap();
            assert_eq!(level.value, "restricted");
            assert_eq!(
                source.slice(level.span),
                "Red",
                "the span stays on the company's value"
            );
            let messages: Vec<_> = streamed_problems[..3]
                .iter()
                .map(|p| p.message.as_str())
                .collect();
            assert_eq!(
                messages,
                [
                    "unknown key `saas` in a tool entry",
                    "unknown key `description` in a tool entry",
                    "this tool entry has no `title`"
                ]
            );
            assert_eq!(streamed_problems.len(), 3 * copies);
        }
    }

    #[test]
    fn a_mapped_list_file_must_be_a_list_and_single_is_one_tool() {
        let source = SourceFile::new("t.yml", "t.yml", "tools:\n  - title: Signal\n".into());
        let (inventory, problems) = load_mapped(&source, &gitlab_mapping());
        assert_eq!(inventory.tools.len(), 0);
        assert_eq!(
            problems[0].message,
            "an inventory must be a list of tools, found a mapping"
        );
        assert_eq!(source.slice(problems[0].span), "tools");

        let single = Mapping::new(ToolsAt::Single, &[], UnknownFields::Ignore, &[]);
        let source = SourceFile::new("a.yaml", "a.yaml", "name: Signal\nwebsite: x\n".into());
        let (inventory, problems) = load_mapped(&source, &single);
        assert_eq!(problems, []);
        assert_eq!(inventory.tools[0].name.value, "Signal");
    }

    #[test]
    fn derives_ids_from_names() {
        assert_eq!(derive_id("Microsoft Teams"), "microsoft-teams");
        assert_eq!(derive_id("  WebEx, Cisco "), "webex-cisco");
        assert_eq!(derive_id("Zoom!"), "zoom");
    }

    #[test]
    fn loads_every_field_with_spans() {
        let text = "organization: Acme\ntools:\n  - name: Slack\n    e2ee: enforced\n    channels: [text, video]\n    labels: {team: it}\n";
        let (inventory, problems) = load_text(text);
        assert_eq!(problems, []);
        let tool = &inventory.tools[0];
        assert_eq!(&text[tool.name.span.offset..tool.name.span.end()], "Slack");
        assert_eq!(tool.id.value, "slack");
        assert_eq!(
            tool.e2ee.as_ref().map(|e| e.value),
            Some(E2eeSetting::Enforced)
        );
        // `text` is both text channels, each at the word's span.
        let channels: Vec<Channel> = tool
            .channels
            .iter()
            .flat_map(|c| &c.value)
            .map(|c| c.value)
            .collect();
        assert_eq!(
            channels,
            [Channel::TextOneToOne, Channel::TextGroup, Channel::Video]
        );
        assert_eq!(tool.labels["team"].value, "it");
    }

    #[test]
    fn a_bare_list_is_an_inventory() {
        let (inventory, problems) = load_text("- name: Signal\n- name: Wire\n");
        assert_eq!(problems, []);
        assert_eq!(inventory.tools.len(), 2);
    }

    #[test]
    fn strict_booleans_keep_no_as_a_string() {
        let (inventory, problems) = load_text("- name: no\n");
        assert_eq!(problems, []);
        assert_eq!(inventory.tools[0].name.value, "no");
    }

    #[test]
    fn reports_every_problem_and_keeps_the_rest() {
        let text = "tools:\n  - name: Slack\n    e2ee: yes\n    colour: red\n  - vendor: x\n  - name: 42\n  - name: Wire\n";
        let (inventory, problems) = load_text(text);
        let names: Vec<_> = inventory
            .tools
            .iter()
            .map(|t| t.name.value.as_str())
            .collect();
        assert_eq!(names, ["Slack", "Wire"]);
        let messages: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown e2ee setting `yes`",
                "unknown key `colour` in a tool entry",
                "this tool entry has no `name`",
                "`name` must be a string, found an integer",
            ]
        );
        assert_eq!(problems[1].kind, ProblemKind::UnknownField);
    }

    #[test]
    fn suggests_close_keys() {
        let (_, problems) = load_text("- name: Slack\n  chanels: [text]\n");
        assert_eq!(
            problems[0].help.as_deref(),
            Some("did you mean `channels`?")
        );
    }
}
