//! How an inventory's shape maps onto the model: where the tools are, which company key feeds
//! which field, and value translations (`Red` -> `restricted`).

use std::collections::BTreeMap;

use super::path::{self, FieldPath, ToolsPath};
use crate::fields::{self, FieldId};
use crate::yaml::{Node, NodeKind};

/// Where a file's tool entries are, in the company's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ToolsAt {
    /// A list under this top-level key (`tools` in format v1); a bare top-level list is read too.
    Key(String),
    /// The document itself is the list (`tools: .`).
    List,
    /// The document is one tool: one record per file (`tools: single`).
    Single,
    /// Wherever a path leads (`categories[*].sections[*].services[*]`).
    Path(ToolsPath),
}

/// What to do with a key that no field is mapped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnknownFields {
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
pub(crate) struct Mapping {
    pub(crate) tools: ToolsAt,
    /// For each field of [`fields::FIELDS`] (same index), the company's key, if any.
    keys: Vec<Option<String>>,
    /// For each field (same index), the path to its value when the company's key is a path.
    pub(super) paths: Vec<Option<FieldPath>>,
    pub(crate) unknown_fields: UnknownFields,
    /// Per field of ours (same index): the company's value -> ours.
    pub(super) values: Vec<Option<BTreeMap<String, String>>>,
    /// Whether this is plain format v1 (no mapping configured): `version` is ours to check.
    pub(crate) v1: bool,
}

impl Mapping {
    /// The value translations in force, one line per field (`data_classification: Orange →
    /// confidential, Red → restricted`), in field then value order.
    pub(crate) fn value_translations(&self) -> Vec<String> {
        fields::FIELDS
            .iter()
            .zip(&self.values)
            .filter_map(|(field, map)| {
                let pairs: Vec<String> = map
                    .as_ref()?
                    .iter()
                    .map(|(theirs, ours)| match ours.as_str() {
                        super::preset::UNSET => format!("{theirs} → (unset)"),
                        ours => format!("{theirs} → {ours}"),
                    })
                    .collect();
                Some(format!("{}: {}", field.name, pairs.join(", ")))
            })
            .collect()
    }
}

impl Default for Mapping {
    fn default() -> Self {
        Mapping {
            tools: ToolsAt::Key("tools".into()),
            keys: fields::FIELDS
                .iter()
                .map(|f| Some(f.name.to_owned()))
                .collect(),
            paths: vec![None; fields::COUNT],
            unknown_fields: UnknownFields::Warn,
            values: vec![None; fields::COUNT],
            v1: true,
        }
    }
}

impl Mapping {
    /// A configured mapping. `fields` maps our field names to the company's keys; a field not
    /// listed keeps its own name as key, unless a listed field took that key.
    /// `values` maps our field names to value translations. Unknown field names are ignored
    /// (the config loader rejects them first).
    pub(crate) fn new(
        tools: ToolsAt,
        fields: &[(String, String)],
        unknown_fields: UnknownFields,
        values: &[(String, BTreeMap<String, String>)],
    ) -> Mapping {
        let mut keys: Vec<Option<String>> = fields::FIELDS
            .iter()
            .map(|f| Some(f.name.to_owned()))
            .collect();
        let mut paths = vec![None; fields::COUNT];
        for (ours, theirs) in fields {
            if let Some(field) = FieldId::parse(ours) {
                // The config loader rejects a malformed path first; one that slips through
                // (a library caller) reads nothing rather than a key of that odd name.
                if theirs.is_empty() {
                    // Not read at all (`category: ~`): their key of that name is their own.
                    keys[field.index()] = None;
                } else if path::is_field_path(theirs) {
                    keys[field.index()] = None;
                    paths[field.index()] = path::parse_field(theirs).ok();
                } else {
                    keys[field.index()] = Some(theirs.clone());
                }
            }
        }
        // An unmapped field whose own name a mapped field took loses it.
        for field in FieldId::all() {
            let mapped = fields.iter().any(|(ours, _)| ours == field.name());
            if !mapped && fields.iter().any(|(_, theirs)| theirs == field.name()) {
                keys[field.index()] = None;
            }
        }
        let mut mapped_values = vec![None; fields::COUNT];
        for (ours, map) in values {
            if let Some(field) = FieldId::parse(ours) {
                mapped_values[field.index()] = Some(map.clone());
            }
        }
        Mapping {
            tools,
            keys,
            paths,
            unknown_fields,
            values: mapped_values,
            v1: false,
        }
    }

    /// Which of our fields a company key feeds.
    pub(super) fn field(&self, key: &str) -> Option<FieldId> {
        let i = self.keys.iter().position(|k| k.as_deref() == Some(key))?;
        FieldId::all().nth(i)
    }

    /// The company's key for one of our fields (its own name when unmapped).
    pub(crate) fn key_of(&self, field: FieldId) -> Option<&str> {
        self.keys[field.index()]
            .as_deref()
            .or_else(|| self.paths[field.index()].as_ref().map(|p| p.text.as_str()))
    }

    /// The company keys that feed a field, in table order, for "did you mean"; a relative
    /// path's first key counts (`meta` of `meta.company`).
    pub(super) fn known_keys(&self) -> Vec<&str> {
        self.keys
            .iter()
            .flatten()
            .map(String::as_str)
            .chain(self.path_roots())
            .collect()
    }

    /// The first keys of relative field paths: keys of the tool entry that paths read.
    pub(super) fn path_roots(&self) -> impl Iterator<Item = &str> {
        self.paths
            .iter()
            .flatten()
            .filter(|p| p.up == 0)
            .filter_map(|p| p.keys.first().map(String::as_str))
    }

    /// Fields read through a path, with their paths.
    pub(super) fn field_paths(&self) -> impl Iterator<Item = (FieldId, &FieldPath)> {
        FieldId::all()
            .zip(&self.paths)
            .filter_map(|(field, path)| Some((field, path.as_ref()?)))
    }
}

/// The text a value translation matches a scalar by: a string's value, else its source text.
pub(crate) fn scalar_key(node: &Node, source: &str) -> Option<String> {
    match &node.kind {
        NodeKind::Str(s) => Some(s.to_string()),
        NodeKind::Bool(_) | NodeKind::Int(_) | NodeKind::Float(_) => source
            .get(node.span.offset..node.span.end())
            .map(|s| s.trim().to_owned()),
        _ => None,
    }
}
