//! The inventory's fields, declared once.
//!
//! Everything that knows a tool field reads this table: the loader (which keys exist and how each
//! is read), the JSON Schema, the config's mapping targets, rule conditions (`tool.<field>`),
//! finding and label targets (`at:`), message templates (`{field}`) and the README's format
//! section. Adding a text or keyword field is one edit here.

use std::sync::Arc;

use crate::channel::Channel;

/// How a field's value is read and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Free text; a YAML number or boolean is taken as its text as written (`id: 2024`).
    Text,
    /// One word of a fixed vocabulary.
    Keyword(&'static [&'static str]),
    /// A data classification level: one of the config's `data_classification.levels`.
    Level,
    /// A list of channel words (`text` is both text channels).
    Channels,
    /// A mapping of string labels, addressed as `labels.<key>`.
    Labels,
}

/// One field of a tool entry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spec {
    pub name: &'static str,
    /// What one value is called in messages ("unknown e2ee setting `x`").
    pub(crate) noun: &'static str,
    pub kind: Kind,
    pub(crate) required: bool,
    pub(crate) doc: &'static str,
    pub(crate) example: &'static str,
}

pub(crate) const CATEGORIES: &[&str] = &[
    "messaging",
    "video-conferencing",
    "voice",
    "email",
    "collaboration",
    "other",
];
pub(crate) const E2EE_SETTINGS: &[&str] = &["enforced", "optional", "disabled", "unknown"];
pub(crate) const STATUSES: &[&str] = &["approved", "pilot", "deprecated", "banned"];
/// `text` is both text channels (format v1); the others are the catalog's channels.
pub(crate) const CHANNELS: &[&str] = &{
    let mut words = ["text"; 7];
    let mut i = 0;
    while i < Channel::NAMES.len() {
        words[i + 1] = Channel::NAMES[i];
        i += 1;
    }
    words
};
/// What the company did about a tool's cloud backups of conversation history.
pub(crate) const BACKUPS: &[&str] = &["disabled", "e2ee-enforced", "enabled", "unknown"];
/// Whether a weaker mode the catalog names for a system (its `weaker_modes`) is switched off.
pub(crate) const MODE: &[&str] = &["off", "on", "unknown"];

/// Every field of a tool entry, in the order the README documents them.
pub(crate) const FIELDS: &[Spec] = &[
    Spec {
        name: "name",
        noun: "name",
        kind: Kind::Text,
        required: true,
        doc: "The product name; matched to the catalog by name, alias, vendor and decoration",
        example: "Signal",
    },
    Spec {
        name: "category",
        noun: "category",
        kind: Kind::Keyword(CATEGORIES),
        required: false,
        doc: "What kind of tool it is; `voice` and `video-conferencing` narrow the channels judged",
        example: "messaging",
    },
    Spec {
        name: "vendor",
        noun: "vendor",
        kind: Kind::Text,
        required: false,
        doc: "Who sells or runs it; settles names that could mean several products (`Teams`)",
        example: "Signal Technology Foundation",
    },
    Spec {
        name: "system",
        noun: "system",
        kind: Kind::Text,
        required: false,
        doc: "A catalog id that pins the system, whatever the name (`e2ee-lint catalog` lists ids)",
        example: "signal",
    },
    Spec {
        name: "owner",
        noun: "owner",
        kind: Kind::Text,
        required: false,
        doc: "Who in the company owns it",
        example: "it-security@acme.example",
    },
    Spec {
        name: "data_classification",
        noun: "data classification",
        kind: Kind::Level,
        required: false,
        doc: "The most sensitive data it carries: one of the config's `data_classification.levels`",
        example: "confidential",
    },
    Spec {
        name: "channels",
        noun: "channel",
        kind: Kind::Channels,
        required: false,
        doc: "The channels the company uses it for (default: every channel the catalog knows but backups)",
        example: "[text, voice]",
    },
    Spec {
        name: "e2ee",
        noun: "e2ee setting",
        kind: Kind::Keyword(E2EE_SETTINGS),
        required: false,
        doc: "How end-to-end encryption is configured; `enforced` settles opt-in channels",
        example: "enforced",
    },
    Spec {
        name: "backups",
        noun: "backups setting",
        kind: Kind::Keyword(BACKUPS),
        required: false,
        doc: "What the company did about cloud backups of conversations",
        example: "e2ee-enforced",
    },
    Spec {
        name: "sms_fallback",
        noun: "sms_fallback setting",
        kind: Kind::Keyword(MODE),
        required: false,
        doc: "Whether the Messages app may fall back to SMS/MMS; `off` silences `e2ee-scope` for it",
        example: "off",
    },
    Spec {
        name: "unencrypted_rooms",
        noun: "unencrypted_rooms setting",
        kind: Kind::Keyword(MODE),
        required: false,
        doc: "Whether the Matrix homeserver lets new rooms be created without E2EE; `off` silences `e2ee-scope` for it",
        example: "off",
    },
    Spec {
        name: "id",
        noun: "id",
        kind: Kind::Text,
        required: false,
        doc: "A stable id for baselines and exceptions (default: derived from the name)",
        example: "signal-hq",
    },
    Spec {
        name: "status",
        noun: "status",
        kind: Kind::Keyword(STATUSES),
        required: false,
        doc: "The company's decision about the tool; `banned` tools are exempt from E2EE rules",
        example: "approved",
    },
    Spec {
        name: "labels",
        noun: "label",
        kind: Kind::Labels,
        required: false,
        doc: "Free-form string labels, readable by rules as `labels.<key>`",
        example: "{team: board}",
    },
    Spec {
        name: "notes",
        noun: "notes",
        kind: Kind::Text,
        required: false,
        doc: "Free text; read by `unclassified-tool` for words that name a communication tool",
        example: "Used for on-call bridges",
    },
];

/// How many fields there are.
pub(crate) const COUNT: usize = FIELDS.len();

/// A field, by its index in [`FIELDS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FieldId(usize);

impl FieldId {
    /// The field called `name`; a name not in the table fails the build.
    pub(crate) const fn of(name: &str) -> FieldId {
        let mut i = 0;
        while i < FIELDS.len() {
            if const_eq(FIELDS[i].name, name) {
                return FieldId(i);
            }
            i += 1;
        }
        panic!("not a field of the inventory")
    }

    pub(crate) fn parse(name: &str) -> Option<FieldId> {
        FIELDS.iter().position(|f| f.name == name).map(FieldId)
    }

    pub(crate) fn spec(self) -> &'static Spec {
        &FIELDS[self.0]
    }

    pub fn name(self) -> &'static str {
        FIELDS[self.0].name
    }

    pub(crate) fn index(self) -> usize {
        self.0
    }

    pub(crate) fn all() -> impl Iterator<Item = FieldId> {
        (0..COUNT).map(FieldId)
    }

    /// The words a value of this field may take, for checking rule operands.
    pub(crate) fn vocabulary(self) -> Option<&'static [&'static str]> {
        match FIELDS[self.0].kind {
            Kind::Keyword(words) => Some(words),
            Kind::Channels => Some(CHANNELS),
            _ => None,
        }
    }
}

const fn const_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The fields the engine itself interprets; every other field is data for rules.
pub(crate) const NAME: FieldId = FieldId::of("name");
pub(crate) const CATEGORY: FieldId = FieldId::of("category");
pub(crate) const VENDOR: FieldId = FieldId::of("vendor");
pub(crate) const SYSTEM: FieldId = FieldId::of("system");
pub(crate) const OWNER: FieldId = FieldId::of("owner");
pub(crate) const DATA_CLASSIFICATION: FieldId = FieldId::of("data_classification");
pub(crate) const CHANNELS_FIELD: FieldId = FieldId::of("channels");
pub(crate) const E2EE: FieldId = FieldId::of("e2ee");
pub(crate) const ID: FieldId = FieldId::of("id");
pub(crate) const STATUS: FieldId = FieldId::of("status");
pub(crate) const LABELS: FieldId = FieldId::of("labels");
pub(crate) const NOTES: FieldId = FieldId::of("notes");

/// Field names, in table order (the mapping's targets, "did you mean" for unknown keys).
pub(crate) fn names() -> Vec<&'static str> {
    FIELDS.iter().map(|f| f.name).collect()
}

/// The README's table of tool fields (tested to match the README).
pub(crate) fn markdown() -> String {
    let mut out = String::from("| field | value | what it is | example |\n|---|---|---|---|\n");
    for field in FIELDS {
        let value = match field.kind {
            Kind::Text if field.required => "text (a number is its text), required".to_owned(),
            Kind::Text => "text (a number is its text)".to_owned(),
            Kind::Keyword(words) => format!("one of `{}`", words.join("`, `")),
            Kind::Level => "a level of the config".to_owned(),
            Kind::Channels => format!("list of `{}`", CHANNELS.join("`, `")),
            Kind::Labels => "mapping of strings".to_owned(),
        };
        out.push_str(&format!(
            "| `{}` | {value} | {} | `{}` |\n",
            field.name, field.doc, field.example
        ));
    }
    out
}

/// The fields every evidence format carries as their own columns (CSV) and entries
/// (report-json's `fields`): every one-value field, in table order, but the name, the id and
/// `e2ee`, which have columns of their own (`tool`, `tool_id`, `configured`). A new field in
/// [`FIELDS`] reaches them with no other edit.
pub(crate) fn evidence_fields() -> impl Iterator<Item = FieldId> {
    FieldId::all().filter(|f| {
        matches!(f.spec().kind, Kind::Text | Kind::Keyword(_) | Kind::Level)
            && ![NAME, ID, E2EE].contains(f)
    })
}

/// A tool's [`evidence_fields`] that the inventory gave, in table order; serialized as a map
/// from field name to value.
///
/// One is kept per tool for the whole run, so it is compact: which fields are set as bits, and
/// their values in one exactly sized slice (16 bytes a value, where a list of pairs took 24
/// and grew by doubling: about 10 MB of a 100,000-tool file's peak).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FieldValues {
    /// Bit `i` set: field `i` has a value, the next one in `values`.
    present: u32,
    values: Box<[Arc<str>]>,
}

// Every field has a bit in `FieldValues::present`.
const _: () = assert!(COUNT <= u32::BITS as usize);

impl FieldValues {
    /// The values of `value(field)` that are set, for every evidence field.
    pub(crate) fn collect(mut value: impl FnMut(FieldId) -> Option<Arc<str>>) -> FieldValues {
        let mut found: [Option<Arc<str>>; COUNT] = std::array::from_fn(|_| None);
        for field in evidence_fields() {
            found[field.index()] = value(field);
        }
        FieldValues::from_slots(found)
    }

    /// From one slot per field, in table order.
    fn from_slots(found: [Option<Arc<str>>; COUNT]) -> FieldValues {
        let mut present = 0;
        let mut values = Vec::with_capacity(found.iter().flatten().count());
        for (index, value) in found.into_iter().enumerate() {
            if let Some(value) = value {
                present |= 1 << index;
                values.push(value);
            }
        }
        FieldValues {
            present,
            values: values.into_boxed_slice(),
        }
    }

    /// From names and values (a report-json read back); names this build does not know, or
    /// that are not evidence fields, are dropped.
    pub(crate) fn from_names<'a>(
        values: impl IntoIterator<Item = (&'a str, Arc<str>)>,
    ) -> FieldValues {
        let mut found: [Option<Arc<str>>; COUNT] = std::array::from_fn(|_| None);
        for (name, value) in values {
            if let Some(field) = FieldId::parse(name).filter(|f| evidence_fields().any(|e| e == *f))
            {
                found[field.index()] = Some(value);
            }
        }
        FieldValues::from_slots(found)
    }

    pub(crate) fn get(&self, field: FieldId) -> Option<&str> {
        self.shared(field).map(|v| &**v)
    }

    /// A field's value, to share.
    pub(crate) fn shared(&self, field: FieldId) -> Option<&Arc<str>> {
        let bit = 1u32 << field.index();
        if self.present & bit == 0 {
            return None;
        }
        // The values before this one are those of the set bits below it.
        let at = (self.present & (bit - 1)).count_ones() as usize;
        self.values.get(at)
    }

    /// The fields set, with their values, in table order.
    fn iter(&self) -> impl Iterator<Item = (FieldId, &Arc<str>)> {
        FieldId::all()
            .filter(|f| self.present & (1 << f.index()) != 0)
            .zip(self.values.iter())
    }
}

impl serde::Serialize for FieldValues {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.values.len()))?;
        for (field, value) in self.iter() {
            map.serialize_entry(field.name(), &**value)?;
        }
        map.end()
    }
}

// Here rather than in tests/generated.rs: targets and template variables are the engine's own.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_a_schema_property_a_condition_a_target_and_a_variable() {
        let schema: serde_json::Value =
            serde_json::from_str(&crate::schema::text(crate::schema::SchemaKind::Inventory))
                .unwrap();
        let properties = &schema["$defs"]["tool"]["properties"];
        for field in FIELDS {
            assert!(
                properties.get(field.name).is_some(),
                "{} not in the schema",
                field.name
            );
            assert!(
                crate::engine::rule::Target::parse(field.name).is_ok(),
                "{} is not a target",
                field.name
            );
            assert!(
                crate::engine::template::is_variable(field.name),
                "{} is not a template variable",
                field.name
            );
            if field.kind != Kind::Labels {
                let rule = format!(
                    "id: x\nseverity: info\nsummary: s\ndocs: d\nwhen: {{field: tool.{}, exists: true}}\nmessage: '{{{}}}'\nat: {}\n",
                    field.name, field.name, field.name
                );
                let loaded = crate::engine::rule::Registry::from_files([("x.yaml", rule.as_str())]);
                assert!(loaded.is_ok(), "{}: {:?}", field.name, loaded.err());
            }
        }
    }
}
