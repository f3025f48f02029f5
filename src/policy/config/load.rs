//! The config's plain sections, read from the spanned tree: `inventory:` (the company's shape),
//! `data_classification:`, `rules:` and `max_exception_days:`.

use std::collections::BTreeMap;

use super::{
    CLASSIFICATION_KEYS, INVENTORY_KEYS, Loader, MAX_EXCEPTION_DAYS, RULE_LEVELS, RuleLevel,
    TOOLS_LIST, TOOLS_SINGLE, UNKNOWN_FIELDS,
};
use crate::engine::Levels;
use crate::fields::{self, CHANNELS};
use crate::inventory::{Mapping, ToolsAt, UnknownFields, path, preset, scalar_key};
use crate::read::NodeReader;
use crate::source::Sp;
use crate::suggest::did_you_mean;
use crate::yaml::{Node, NodeKind};

impl Loader<'_> {
    /// `inventory:`: where the tools are, which company key feeds which field, what to do
    /// with the rest, and value translations.
    pub(super) fn inventory(&mut self, node: &Node, levels: Option<&Levels>) -> Option<Mapping> {
        let entries = self.mapping(node, "`inventory`")?;
        let mut tools = ToolsAt::Key("tools".into());
        let mut fields: Vec<(Sp<String>, Sp<String>)> = Vec::new();
        let mut unknown = UnknownFields::Warn;
        let mut values: Vec<(String, BTreeMap<String, String>)> = Vec::new();
        let before = self.errors.len();
        // A preset first: the keys written next to it override it.
        if let Some((_, value)) = entries.iter().find(|(k, _)| k.as_str() == Some("preset"))
            && let Some(preset) = self.preset(value)
        {
            let at = |text: &str| Sp {
                value: text.to_owned(),
                span: value.span,
            };
            tools = self.tools_at(&at(preset.tools)).unwrap_or(tools);
            fields = preset
                .fields
                .iter()
                .map(|(ours, theirs)| (at(ours), at(theirs)))
                .collect();
            if preset.ignore_unknown {
                unknown = UnknownFields::Ignore;
            }
            values = preset
                .values
                .iter()
                .map(|(field, pairs)| {
                    let map = pairs
                        .iter()
                        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                        .collect();
                    ((*field).to_owned(), map)
                })
                .collect();
        }
        for (key, value) in entries {
            match key.as_str() {
                Some("preset") => {}
                Some("tools") => {
                    if let Some(at) = self.nonempty(value, "`inventory.tools`")
                        && let Some(at) = self.tools_at(&at)
                    {
                        tools = at;
                    }
                }
                Some("fields") => {
                    let written = self.fields(value);
                    fields.retain(|(ours, _)| !written.iter().any(|(w, _)| w.value == ours.value));
                    fields.extend(written);
                }
                Some("unknown_fields") => {
                    if let Some(v) = self.keyword(value, "`unknown_fields` value", UNKNOWN_FIELDS) {
                        unknown = if v.value == "ignore" {
                            UnknownFields::Ignore
                        } else {
                            UnknownFields::Warn
                        };
                    }
                }
                Some("values") => {
                    let written = self.values(value, levels);
                    values.retain(|(ours, _)| !written.iter().any(|(w, _)| w == ours));
                    values.extend(written);
                }
                _ => self.unknown_key(key, INVENTORY_KEYS, "`inventory`"),
            }
        }
        // Each company key feeds one field.
        for (i, (ours, theirs)) in fields.iter().enumerate() {
            if theirs.value == preset::UNSET {
                continue;
            }
            if let Some((first, _)) = fields[..i].iter().find(|(_, t)| t.value == theirs.value) {
                self.error(
                    theirs.span,
                    format!(
                        "`{}` is mapped twice: to `{}` and to `{}`",
                        theirs.value, first.value, ours.value
                    ),
                    "already mapped",
                    Some("each company key feeds one field; remove one of the two".into()),
                );
            }
        }
        // `name` is required: it cannot lose its key to another field.
        if !fields.iter().any(|(ours, _)| ours.value == "name")
            && let Some((ours, theirs)) = fields.iter().find(|(_, t)| t.value == "name")
        {
            self.error(
                theirs.span,
                format!(
                    "`name` is mapped to `{}`, so no key is left for the tool's name",
                    ours.value
                ),
                "the tool name's own key",
                Some("map `name` as well, e.g. `name: title`".into()),
            );
        }
        if self.errors.len() > before {
            return None;
        }
        let fields: Vec<(String, String)> = fields
            .into_iter()
            .map(|(ours, theirs)| (ours.value, theirs.value))
            .collect();
        Some(Mapping::new(tools, &fields, unknown, &values))
    }

    /// `inventory.preset`: one of [`preset::PRESETS`] by name.
    fn preset(&mut self, node: &Node) -> Option<&'static preset::Preset> {
        let name = self.nonempty(node, "`inventory.preset`")?;
        if let Some(found) = preset::find(&name.value) {
            return Some(found);
        }
        let names = preset::names();
        let help = did_you_mean(&name.value, &names)
            .unwrap_or_else(|| format!("the presets are: {}", names.join(", ")));
        self.error(
            name.span,
            format!("unknown inventory preset `{}`", name.value),
            "not a preset",
            Some(help),
        );
        None
    }

    /// `inventory.tools`: a key, `.`, `single` or a path (`categories[*].services[*]`).
    fn tools_at(&mut self, at: &Sp<String>) -> Option<ToolsAt> {
        Some(match at.value.as_str() {
            TOOLS_LIST => ToolsAt::List,
            TOOLS_SINGLE => ToolsAt::Single,
            text if path::is_tools_path(text) => match path::parse_tools(text) {
                Ok(parsed) => ToolsAt::Path(parsed),
                Err(why) => {
                    self.error(
                        at.span,
                        format!("`inventory.tools` is not a valid path: {why}"),
                        "not a path",
                        Some("write keys joined by `.`, with `[*]` after a key that holds a list, e.g. `categories[*].services[*]`".into()),
                    );
                    return None;
                }
            },
            key => ToolsAt::Key(key.to_owned()),
        })
    }

    /// One of our field names, as a key of `inventory.fields` or `inventory.values`.
    pub(super) fn our_field(&mut self, key: &Node, context: &str) -> Option<Sp<String>> {
        let field = self.string(key, &format!("a field name in {context}"))?;
        let names = fields::names();
        if names.contains(&field.value.as_str()) {
            return Some(field);
        }
        let help = did_you_mean(&field.value, &names)
            .unwrap_or_else(|| format!("the fields are: {}", names.join(", ")));
        self.error(
            field.span,
            format!("unknown field `{}` in {context}", field.value),
            "not a field of the inventory model",
            Some(help),
        );
        None
    }

    /// `inventory.fields`: our field name -> the company's key.
    pub(super) fn fields(&mut self, node: &Node) -> Vec<(Sp<String>, Sp<String>)> {
        let mut fields = Vec::new();
        let Some(entries) = self.mapping(node, "`inventory.fields`") else {
            return fields;
        };
        for (key, value) in entries {
            let ours = self.our_field(key, "`inventory.fields`");
            // `~`: the field is not read (the company's key of that name is their own).
            let theirs = if value.kind == NodeKind::Null {
                Some(Sp {
                    value: preset::UNSET.to_owned(),
                    span: value.span,
                })
            } else {
                self.nonempty(value, "a company key")
            };
            if let Some(theirs) = theirs.as_ref().filter(|t| path::is_field_path(&t.value))
                && let Err(why) = path::parse_field(&theirs.value)
            {
                self.error(
                    theirs.span,
                    format!("not a valid field path: {why}"),
                    "not a path",
                    Some("a field path is keys joined by `.` below the tool (`meta.company`), or `^.` steps up to an enclosing record first (`^.name`)".into()),
                );
                continue;
            }
            if let (Some(ours), Some(theirs)) = (ours, theirs) {
                fields.push((ours, theirs));
            }
        }
        fields
    }

    /// `inventory.values`: per field of ours, the company's values -> ours.
    pub(super) fn values(
        &mut self,
        node: &Node,
        levels: Option<&Levels>,
    ) -> Vec<(String, BTreeMap<String, String>)> {
        let mut values = Vec::new();
        let Some(entries) = self.mapping(node, "`inventory.values`") else {
            return values;
        };
        let default_levels = Levels::default();
        let levels = levels.unwrap_or(&default_levels);
        let level_names: Vec<&str> = levels.names.iter().map(String::as_str).collect();
        for (key, value) in entries {
            let Some(field) = self.our_field(key, "`inventory.values`") else {
                continue;
            };
            let kind = fields::FieldId::parse(&field.value).map(|f| f.spec().kind);
            let allowed: Option<&[&str]> = match kind {
                Some(fields::Kind::Labels) => {
                    self.error(
                        field.span,
                        "`labels` is a mapping; its values cannot be translated",
                        "not a single-valued field",
                        None,
                    );
                    continue;
                }
                Some(fields::Kind::Keyword(words)) => Some(words),
                Some(fields::Kind::Channels) => Some(CHANNELS),
                Some(fields::Kind::Level) => Some(&level_names),
                _ => None,
            };
            let what = format!("`inventory.values.{}`", field.value);
            let Some(pairs) = self.mapping(value, &what) else {
                continue;
            };
            let mut map = BTreeMap::new();
            for (from, to) in pairs {
                let Some(from_text) = scalar_key(from, &self.source.text) else {
                    self.error(
                        from.span,
                        format!(
                            "the values in {what} must be scalars, found {}",
                            from.kind.type_name()
                        ),
                        "not a scalar",
                        None,
                    );
                    continue;
                };
                // `~`: the value leaves the field unset.
                if to.kind == NodeKind::Null {
                    map.insert(from_text, preset::UNSET.to_owned());
                    continue;
                }
                let Some(to) = self.nonempty(to, &format!("the value `{from_text}` maps to"))
                else {
                    continue;
                };
                if let Some(allowed) = allowed
                    && !allowed.contains(&to.value.as_str())
                {
                    let help = did_you_mean(&to.value, allowed)
                        .unwrap_or_else(|| format!("expected one of: {}", allowed.join(", ")));
                    self.error(
                        to.span,
                        format!("`{}` is not a valid `{}`", to.value, field.value),
                        format!("not one of: {}", allowed.join(", ")),
                        Some(help),
                    );
                    continue;
                }
                map.insert(from_text, to.value);
            }
            values.push((field.value, map));
        }
        values
    }

    pub(super) fn levels(&mut self, node: &Node) -> Option<Levels> {
        let entries = self.mapping(node, "`data_classification`")?;
        let mut names: Option<Sp<Vec<String>>> = None;
        let mut threshold: Option<Sp<String>> = None;
        for (key, value) in entries {
            match key.as_str() {
                Some("levels") => names = self.level_names(value),
                Some("e2ee_required_from") => {
                    threshold = self.string(value, "`e2ee_required_from`")
                }
                _ => self.unknown_key(key, CLASSIFICATION_KEYS, "`data_classification`"),
            }
        }
        let names = match names {
            Some(names) => names.value,
            None => Levels::default().names,
        };
        let Some(threshold) = threshold else {
            self.error(
                node.span,
                "`data_classification` needs `e2ee_required_from`",
                "no `e2ee_required_from` here",
                Some("add `e2ee_required_from:` with the first level that requires E2EE".into()),
            );
            return None;
        };
        let known: Vec<&str> = names.iter().map(String::as_str).collect();
        match known.iter().position(|n| *n == threshold.value) {
            Some(index) => Some(Levels {
                names,
                threshold: index,
            }),
            None => {
                let help = did_you_mean(&threshold.value, &known)
                    .unwrap_or_else(|| format!("levels: {}", known.join(", ")));
                self.error(
                    threshold.span,
                    format!("`{}` is not one of the levels", threshold.value),
                    "not a level",
                    Some(help),
                );
                None
            }
        }
    }

    pub(super) fn level_names(&mut self, node: &Node) -> Option<Sp<Vec<String>>> {
        let NodeKind::Seq(items) = &node.kind else {
            self.wrong_type(node, "`levels`", "a list of level names");
            return None;
        };
        let mut names: Vec<String> = Vec::new();
        for item in items {
            let name = self.string(item, "a level")?;
            if names.contains(&name.value) {
                self.error(
                    name.span,
                    format!("level `{}` is listed twice", name.value),
                    "again here",
                    None,
                );
                return None;
            }
            names.push(name.value);
        }
        if names.is_empty() {
            self.error(
                node.span,
                "`levels` is empty",
                "no levels",
                Some("list the levels, least to most sensitive".into()),
            );
            return None;
        }
        Some(Sp {
            value: names,
            span: node.span,
        })
    }

    pub(super) fn rules(&mut self, node: &Node) -> BTreeMap<String, RuleLevel> {
        let mut rules = BTreeMap::new();
        let Some(entries) = self.mapping(node, "`rules`") else {
            return rules;
        };
        for (key, value) in entries {
            let Some(id) = self.rule_id(key, "a rule id") else {
                continue;
            };
            if let Some(level) = self.keyword(value, "rule level", RULE_LEVELS) {
                rules.insert(
                    id.value,
                    RuleLevel::parse(&level.value).unwrap_or(RuleLevel::Off),
                );
            }
        }
        rules
    }

    /// `max_exception_days`: a whole number of days, at least 1.
    pub(super) fn positive_days(&mut self, node: &Node) -> Option<i64> {
        match &node.kind {
            NodeKind::Int(days) if *days >= 1 => Some(i64::try_from(*days).unwrap_or(i64::MAX)),
            _ => {
                self.error(
                    node.span,
                    format!(
                        "`max_exception_days` must be a whole number of days, at least 1, found `{}`",
                        self.source.slice(node.span)
                    ),
                    "not a number of days",
                    Some(format!("e.g. `max_exception_days: {MAX_EXCEPTION_DAYS}`")),
                );
                None
            }
        }
    }
}
