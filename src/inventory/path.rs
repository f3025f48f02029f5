//! Paths in the `inventory:` mapping: where the tools are in a nested shape
//! (`categories[*].sections[*].services[*]`) and where a field's value sits relative to a tool
//! (`meta.company`) or to a record that encloses it (`^.name`, `^^.name`).
//!
//! Hand-written rather than a JSONPath crate: the grammar is three kinds of step, and the walk
//! must keep the spanned nodes and name the step that matched nothing, which a generic query
//! engine does not report.

use super::loader::Loader;
use super::{Inventory, Problem, ProblemKind};
use crate::read::NodeReader;
use crate::suggest::did_you_mean;
use crate::yaml::{Node, NodeKind};

/// One step of a tools path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// The value under this key of a mapping.
    Key(String),
    /// Every item of a list: `[*]`.
    Items,
    /// Every value of a mapping: `*`.
    Values,
}

/// Where the tools are: a path of steps from the document, e.g. `categories[*].services[*]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ToolsPath {
    pub(crate) text: String,
    pub(crate) steps: Vec<Step>,
}

/// Where a field's value is: `up` enclosing records above the tool (`^` is one), then keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldPath {
    pub(crate) text: String,
    pub(crate) up: usize,
    pub(crate) keys: Vec<String>,
}

/// Whether a `tools:` value is a path rather than one top-level key.
pub(crate) fn is_tools_path(text: &str) -> bool {
    text.contains(['.', '[', '*'])
}

/// Whether a company key in `fields:` is a path rather than one key of the tool entry.
pub(crate) fn is_field_path(text: &str) -> bool {
    text.contains('.') || text.starts_with('^')
}

/// Parses a tools path; the error says what is wrong with it.
pub(crate) fn parse_tools(text: &str) -> Result<ToolsPath, String> {
    let mut steps = Vec::new();
    for segment in text.split('.') {
        let mut rest = segment;
        let key_end = rest.find('[').unwrap_or(rest.len());
        let key = &rest[..key_end];
        match key {
            "" if key_end == rest.len() => {
                return Err(format!(
                    "`{text}` has an empty step (two dots, or a dot at an end)"
                ));
            }
            "" => {}
            "*" => steps.push(Step::Values),
            key if key.contains(['*', ']', '^']) => {
                return Err(format!(
                    "`{key}` in `{text}` is not a key: a step is a key, `*` (every value of a mapping) or `key[*]` (every item of a list)"
                ));
            }
            key => steps.push(Step::Key(key.to_owned())),
        }
        rest = &rest[key_end..];
        while !rest.is_empty() {
            let Some(after) = rest.strip_prefix("[*]") else {
                return Err(format!(
                    "`{segment}` in `{text}`: only `[*]` (every item of a list) may follow a key"
                ));
            };
            steps.push(Step::Items);
            rest = after;
        }
    }
    Ok(ToolsPath {
        text: text.to_owned(),
        steps,
    })
}

/// Parses a field path (`meta.company`, `^.name`, `^^.name`).
pub(crate) fn parse_field(text: &str) -> Result<FieldPath, String> {
    let up = text.chars().take_while(|c| *c == '^').count();
    let rest = &text[up..];
    let rest = if up > 0 {
        rest.strip_prefix('.').ok_or_else(|| {
            format!("`{text}`: `^` (the record enclosing the tool) is followed by `.` and a key, e.g. `^.name`")
        })?
    } else {
        rest
    };
    let keys: Vec<String> = rest.split('.').map(str::to_owned).collect();
    if keys.iter().any(|k| k.is_empty()) {
        return Err(format!(
            "`{text}` has an empty step (two dots, or a dot at an end)"
        ));
    }
    if let Some(bad) = keys.iter().find(|k| k.contains(['[', ']', '*', '^'])) {
        return Err(format!(
            "`{bad}` in `{text}` is not a key: a field path is keys joined by `.`, after optional `^.` steps up"
        ));
    }
    Ok(FieldPath {
        text: text.to_owned(),
        up,
        keys,
    })
}

/// A tool node found by a tools path, with the records that enclose it, nearest last.
pub(crate) struct Found<'t, 'n> {
    pub(crate) node: &'t Node<'n>,
    pub(crate) enclosing: Vec<&'t Node<'n>>,
}

/// The step at which a tools path matched nothing.
pub(crate) struct Miss<'t, 'n> {
    /// Index of the step in the path.
    pub(crate) step: usize,
    /// The first node the step was tried on (where to point).
    pub at: &'t Node<'n>,
    /// The keys seen on the mappings the step was tried on, sorted and deduplicated.
    pub(crate) keys_seen: Vec<String>,
    /// The kind of node found where a list or mapping was expected, if that was the problem.
    pub(crate) found: Option<&'static str>,
}

/// Walks a tools path from `document`: every tool node, or the step that matched nothing.
/// A key present with an empty list or `null` is a match (no tools there), not a miss.
pub(crate) fn walk<'t, 'n>(
    path: &ToolsPath,
    document: &'t Node<'n>,
) -> Result<Vec<Found<'t, 'n>>, Miss<'t, 'n>> {
    let mut current = vec![Found {
        node: document,
        enclosing: Vec::new(),
    }];
    for (i, step) in path.steps.iter().enumerate() {
        let mut next = Vec::new();
        let mut matched = false;
        let mut keys_seen = Vec::new();
        let mut found = None;
        for here in &current {
            match (step, &here.node.kind) {
                (_, NodeKind::Null) => matched = true,
                (Step::Key(key), NodeKind::Map(entries)) => {
                    for (k, v) in entries {
                        match k.as_str() {
                            Some(k) if k == key => {
                                matched = true;
                                let mut enclosing = here.enclosing.clone();
                                enclosing.push(here.node);
                                next.push(Found { node: v, enclosing });
                            }
                            Some(k) => keys_seen.push(k.to_owned()),
                            None => {}
                        }
                    }
                }
                (Step::Items, NodeKind::Seq(items)) => {
                    matched = true;
                    next.extend(items.iter().map(|item| Found {
                        node: item,
                        enclosing: here.enclosing.clone(),
                    }));
                }
                (Step::Values, NodeKind::Map(entries)) => {
                    matched = true;
                    next.extend(entries.iter().map(|(_, v)| Found {
                        node: v,
                        enclosing: here.enclosing.clone(),
                    }));
                }
                (_, kind) => found = found.or(Some(kind.type_name())),
            }
        }
        if !matched && let Some(first) = current.first() {
            keys_seen.sort();
            keys_seen.dedup();
            return Err(Miss {
                step: i,
                at: first.node,
                keys_seen,
                found,
            });
        }
        current = next;
    }
    Ok(current)
}

/// The node a field path names, from a tool node and the records enclosing it (nearest last).
pub(crate) fn resolve<'t, 'n>(
    path: &FieldPath,
    tool: &'t Node<'n>,
    enclosing: &[&'t Node<'n>],
) -> Option<&'t Node<'n>> {
    let mut node = if path.up == 0 {
        tool
    } else {
        *enclosing.get(enclosing.len().checked_sub(path.up)?)?
    };
    for key in &path.keys {
        let NodeKind::Map(entries) = &node.kind else {
            return None;
        };
        node = entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(key.as_str()))
            .map(|(_, v)| v)?;
    }
    Some(node)
}

/// How a step is written, for messages (`sections[*]` names the key step `sections`).
pub(crate) fn describe(path: &ToolsPath, step: usize) -> String {
    match path.steps.get(step) {
        Some(Step::Key(key)) => format!("`{key}`"),
        Some(Step::Items) => "`[*]` (every item of a list)".to_owned(),
        Some(Step::Values) => "`*` (every value of a mapping)".to_owned(),
        None => String::new(),
    }
}

impl Loader<'_> {
    /// The tools a path leads to, or one `empty-inventory` at the step that matched nothing.
    pub(super) fn tools_at(&mut self, at: &ToolsPath, document: &Node, inventory: &mut Inventory) {
        let miss = match walk(at, document) {
            Ok(found) => {
                let before = self.problems.len();
                for found in found {
                    if let Some(tool) = self.tool_in(found.node, &found.enclosing) {
                        inventory.tools.push(tool);
                    }
                }
                // A value derived from an enclosing record (`^.name`) is read once per tool it
                // encloses: its problem is reported once.
                let mut seen = std::collections::HashSet::new();
                let mut index = 0;
                self.problems.retain(|p| {
                    index += 1;
                    index <= before || seen.insert((p.span, p.message.clone()))
                });
                return;
            }
            Err(miss) => miss,
        };
        // A top-level mapping has no span of its own: point at its first key.
        let span = match &miss.at.kind {
            NodeKind::Map(entries) => entries.first().map_or(miss.at.span, |(k, _)| k.span),
            _ => miss.at.span,
        };
        let step = describe(at, miss.step);
        let (why, help) = match (&at.steps[miss.step], miss.found) {
            (Step::Key(key), None) => {
                let seen: Vec<&str> = miss.keys_seen.iter().map(String::as_str).collect();
                let help = did_you_mean(key, &seen)
                    .map(|d| format!("{d}; keys seen there: {}", seen.join(", ")))
                    .unwrap_or_else(|| format!("keys seen there: {}", seen.join(", ")));
                (format!("no mapping there has the key `{key}`"), help)
            }
            (Step::Items, found) => (
                format!(
                    "expected a list there, found {}",
                    found.unwrap_or("something else")
                ),
                "use `key[*]` only where the value is a list; `*` reads every value of a mapping"
                    .to_owned(),
            ),
            (_, found) => (
                format!(
                    "expected a mapping there, found {}",
                    found.unwrap_or("something else")
                ),
                "use `[*]` for the items of a list".to_owned(),
            ),
        };
        self.problems.push(Problem {
            kind: ProblemKind::Empty,
            span: self.first_line(span),
            message: format!(
                "the `inventory.tools` path `{}` matched nothing at step {} of {} ({step}): {why}",
                at.text,
                miss.step + 1,
                at.steps.len()
            ),
            help: Some(format!(
                "{help}; the config's `inventory.tools` says where the tools are"
            )),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tools_paths_parse_into_steps() {
        let path = parse_tools("categories[*].sections[*].services[*]").unwrap();
        assert_eq!(
            path.steps,
            vec![
                Step::Key("categories".into()),
                Step::Items,
                Step::Key("sections".into()),
                Step::Items,
                Step::Key("services".into()),
                Step::Items,
            ]
        );
        assert_eq!(
            parse_tools("[*].apps.*").unwrap().steps,
            vec![Step::Items, Step::Key("apps".into()), Step::Values]
        );
        assert!(parse_tools("a..b").is_err());
        assert!(parse_tools("a[0]").is_err());
        assert!(parse_tools("a*b").is_err());
    }

    #[test]
    fn field_paths_count_steps_up() {
        let path = parse_field("^^.name").unwrap();
        assert_eq!((path.up, path.keys.clone()), (2, vec!["name".to_owned()]));
        assert_eq!(parse_field("meta.company").unwrap().keys.len(), 2);
        assert!(parse_field("^name").is_err());
        assert!(parse_field("a.").is_err());
    }
}
