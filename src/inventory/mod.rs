//! The typed inventory model: tools with spans, read from any inventory shape.
//!
//! `mapping` says how a company's shape maps onto the model, `stream` parses a file (streamed
//! for large lists), and `loader` turns YAML nodes into tools. The loader never stops at the
//! first problem: a wrong type drops that one field, a broken entry drops that one tool, and each
//! becomes a located `Problem` so one run shows them all.

mod empty;
mod loader;
pub(crate) mod mapping;
pub(crate) mod path;
pub(crate) mod preset;
mod stream;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::catalog::Channel;
use crate::fields::{self, FieldId};
use crate::source::{Sp, Span};
pub(crate) use mapping::{Mapping, ToolsAt, UnknownFields, scalar_key};
pub(crate) use stream::{Loaded, estimate_tools, load_each};
#[cfg(test)]
pub(crate) use stream::{load, load_mapped};
/// What the company configured for a tool's end-to-end encryption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum E2eeSetting {
    Enforced,
    Optional,
    Disabled,
    Unknown,
}

/// Keys of the top-level mapping.
pub(crate) const TOP_KEYS: &[&str] = &["version", "organization", "tools"];

impl E2eeSetting {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            E2eeSetting::Enforced => "enforced",
            E2eeSetting::Optional => "optional",
            E2eeSetting::Disabled => "disabled",
            E2eeSetting::Unknown => "unknown",
        }
    }
    pub(crate) fn parse(s: &str) -> Option<Self> {
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
pub(crate) struct Tool {
    /// The whole entry, for labels that cover it.
    pub(crate) entry: Span,
    /// Shared, not owned: the engine keeps the loader's copy of a tool's texts rather than
    /// copying them, and a long text used through YAML aliases is one copy for every use.
    pub name: Sp<Arc<str>>,
    /// The stable id: as written, or derived from the name (then its span is the name's).
    pub id: Sp<Arc<str>>,
    pub(crate) id_is_explicit: bool,
    /// Text, keyword and level fields by [`FieldId`] index (`name` and `id` are above).
    pub(crate) values: [Option<Sp<Arc<str>>>; fields::COUNT],
    /// The channels as written, each with its own span (`text` gives both text channels).
    pub channels: Option<Sp<Vec<Sp<Channel>>>>,
    pub(crate) labels: BTreeMap<String, Sp<String>>,
    /// A mapped inventory's own keys that no field takes, readable by rules as `extra.<key>`.
    pub(crate) extra: BTreeMap<String, Sp<String>>,
}

impl Tool {
    /// A tool with only a name, at `entry`.
    pub(crate) fn new(entry: Span, name: Sp<Arc<str>>) -> Tool {
        Tool {
            entry,
            id: Sp {
                value: derive_id(&name.value).into(),
                span: name.span,
            },
            name,
            id_is_explicit: false,
            values: std::array::from_fn(|_| None),
            channels: None,
            labels: BTreeMap::new(),
            extra: BTreeMap::new(),
        }
    }

    /// A text, keyword or level field as written; `name` and `id` always have a value.
    pub(crate) fn get(&self, field: FieldId) -> Option<&Sp<Arc<str>>> {
        match field {
            fields::NAME => Some(&self.name),
            fields::ID => Some(&self.id),
            _ => self.values[field.index()].as_ref(),
        }
    }

    /// A field's value as text.
    pub(crate) fn value(&self, field: FieldId) -> Option<&str> {
        self.get(field).map(|v| &*v.value)
    }

    /// The span of a field as written (the id only when written), for findings and labels.
    pub(crate) fn span_of(&self, field: FieldId) -> Option<Span> {
        match field {
            fields::ID => self.id_is_explicit.then_some(self.id.span),
            fields::CHANNELS_FIELD => self.channels.as_ref().map(|c| c.span),
            fields::LABELS => None,
            _ => self.get(field).map(|v| v.span),
        }
    }

    /// What the inventory says was configured (`e2ee:`).
    pub(crate) fn e2ee(&self) -> Option<E2eeSetting> {
        self.value(fields::E2EE).and_then(E2eeSetting::parse)
    }

    pub(crate) fn is_banned(&self) -> bool {
        self.value(fields::STATUS) == Some("banned")
    }
}

/// The inventory of one file (all its YAML documents together).
#[derive(Debug, Default)]
pub(crate) struct Inventory {
    pub organization: Option<Sp<String>>,
    pub(crate) tools: Vec<Tool>,
}

/// Which built-in check a loader problem belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProblemKind {
    /// `invalid-inventory`
    Invalid,
    /// `unknown-field`
    UnknownField,
    /// `empty-inventory`
    Empty,
}

/// Something wrong with the file itself, found while loading.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Problem {
    pub kind: ProblemKind,
    pub span: Span,
    pub message: String,
    pub(crate) help: Option<String>,
}

/// The `empty-inventory` problem of a file that lists no tools, at `span`.
pub(crate) fn no_tools(span: Span) -> Problem {
    empty::no_tools(span)
}

/// Derives a tool id from its name: lowercase words joined by `-`.
pub(crate) fn derive_id(name: &str) -> String {
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
