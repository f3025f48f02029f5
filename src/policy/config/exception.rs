//! The `exceptions:` list of a config file: each entry reasoned, owned, dated and, if limited
//! to files, limited to at least one.

use std::sync::Arc;

use super::{EXCEPTION_KEYS, Loader};
use crate::date::Date;
use crate::read::NodeReader;
use crate::source::Sp;
use crate::source::{SourceFile, Span};
use crate::yaml::{Node, NodeKind};

/// One accepted risk: reasoned, owned and dated.
#[derive(Debug, Clone)]
pub(crate) struct Exception {
    /// The config file that wrote it (with `extends`, maybe not the nearest one): where its
    /// findings point and what its `files` are relative to.
    pub source: Arc<SourceFile>,
    /// The first line of the list entry, where `unused-exception` points.
    pub(crate) entry: Span,
    pub(crate) tool: Sp<String>,
    pub(crate) rule: Sp<String>,
    pub reason: String,
    pub approved_by: String,
    pub ticket: Option<String>,
    pub(crate) expires: Sp<Date>,
    /// Inventory paths (relative to the config's directory) this exception is limited to.
    pub files: Vec<glob::Pattern>,
}

impl Loader<'_> {
    pub(super) fn exceptions(&mut self, node: &Node) -> Vec<Exception> {
        match &node.kind {
            NodeKind::Seq(items) => items.iter().filter_map(|i| self.exception(i)).collect(),
            NodeKind::Null => Vec::new(),
            _ => {
                self.wrong_type(node, "`exceptions`", "a list");
                Vec::new()
            }
        }
    }

    fn exception(&mut self, item: &Node) -> Option<Exception> {
        let NodeKind::Map(entries) = &item.kind else {
            self.wrong_type(
                item,
                "an exception",
                "a mapping with `tool`, `rule`, `reason`, `approved_by` and `expires`",
            );
            return None;
        };
        let (mut tool, mut rule, mut reason, mut approved_by, mut ticket, mut expires) =
            (None, None, None, None, None, None);
        let mut files = Vec::new();
        for (key, value) in entries {
            match key.as_str() {
                Some("tool") => tool = self.nonempty(value, "`tool`"),
                Some("rule") => rule = self.rule_id(value, "`rule`"),
                Some("reason") => reason = self.nonempty(value, "`reason`"),
                Some("approved_by") => approved_by = self.nonempty(value, "`approved_by`"),
                Some("ticket") => ticket = self.nonempty(value, "`ticket`"),
                Some("expires") => expires = self.date(value),
                Some("files") => files = self.globs(value),
                _ => self.unknown_key(key, EXCEPTION_KEYS, "an exception"),
            }
        }
        let entry = self.first_line(item.span);
        // Every accepted risk is reasoned, owned and dated: a missing field is an error, not
        // a default.
        for (present, key, example) in [
            (tool.is_some(), "tool", "tool: Slack"),
            (rule.is_some(), "rule", "rule: no-e2ee"),
            (
                reason.is_some(),
                "reason",
                "reason: why the risk is acceptable",
            ),
            (
                approved_by.is_some(),
                "approved_by",
                "approved_by: ciso@example.com",
            ),
            (expires.is_some(), "expires", "expires: 2027-06-30"),
        ] {
            // A key that is present with a bad value was reported already.
            let written = entries.iter().any(|(k, _)| k.as_str() == Some(key));
            if !present && !written {
                self.error(
                    entry,
                    format!("this exception has no `{key}`"),
                    format!("`{key}` missing"),
                    Some(format!(
                        "every exception needs tool, rule, reason, approved_by and expires; add `{example}`"
                    )),
                );
            }
        }
        Some(Exception {
            source: Arc::clone(self.source),
            entry,
            tool: tool?,
            rule: rule?,
            reason: reason?.value,
            approved_by: approved_by?.value,
            ticket: ticket.map(|t| t.value),
            expires: expires?,
            files,
        })
    }

    fn date(&mut self, node: &Node) -> Option<Sp<Date>> {
        let text = match &node.kind {
            NodeKind::Str(s) => s.to_string(),
            _ => self.source.slice(node.span).to_owned(),
        };
        match Date::parse(text.trim()) {
            Some(value) => Some(Sp {
                value,
                span: node.span,
            }),
            None => {
                self.error(
                    node.span,
                    format!("`expires` must be a date as YYYY-MM-DD, found `{text}`"),
                    "not a valid YYYY-MM-DD date",
                    Some(
                        "write the last day the exception applies, e.g. `expires: 2027-06-30`"
                            .into(),
                    ),
                );
                None
            }
        }
    }

    fn globs(&mut self, node: &Node) -> Vec<glob::Pattern> {
        let items: Vec<&Node> = match &node.kind {
            NodeKind::Seq(items) if items.is_empty() => {
                // An empty list reads as "no file" but would mean "every file".
                self.error(
                    node.span,
                    "`files` is empty, so this exception would apply to every inventory",
                    "empty list",
                    Some(
                        "remove `files` to apply the exception everywhere, or list the inventories it covers, e.g. `files: [\"inventories/eu/**\"]`"
                            .into(),
                    ),
                );
                return Vec::new();
            }
            NodeKind::Seq(items) => items.iter().collect(),
            NodeKind::Str(_) => vec![node],
            _ => {
                self.wrong_type(node, "`files`", "a list of glob patterns");
                return Vec::new();
            }
        };
        let mut patterns = Vec::new();
        for item in items {
            let Some(text) = self.string(item, "a `files` pattern") else {
                continue;
            };
            match glob::Pattern::new(&text.value) {
                Ok(pattern) => patterns.push(pattern),
                Err(e) => self.error(
                    text.span,
                    format!("invalid glob pattern: {}", e.msg),
                    "invalid pattern",
                    None,
                ),
            }
        }
        patterns
    }
}
