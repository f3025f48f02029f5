//! Inline ignores: `# e2ee-lint: ignore[rule-a, rule-b] reason` comments in an inventory.
//!
//! serde-saphyr's tree keeps no comments, so they are found by scanning the text's lines. A `#`
//! only starts a comment at the start of a line or after whitespace, outside quotes; markers
//! inside the string values the loader kept (block scalars, multi-line quotes) are discarded by
//! span, so `notes: "... # e2ee-lint: ignore[x]"` is text, not an ignore.

use crate::inventory::Inventory;
use crate::source::{SourceFile, Span};

/// The marker that starts an ignore comment, after `#`.
pub(crate) const MARKER: &str = "e2ee-lint:";

pub(crate) use crate::outcome::Ignore;

/// Whether a text holds an ignore comment's marker anywhere (a SIMD search: it reads the
/// whole of a large file before anything else happens to it).
pub(crate) fn has_marker(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), MARKER.as_bytes()).is_some()
}

/// Finds every ignore comment of a file and attaches each to its tool: the tool whose `name:`
/// is on the comment's line, or whose entry starts on the next line.
///
/// Reads the text line by line: the caller first asks [`has_marker`] (the pipeline does, to
/// decide whether to keep the tools at all), and most files have no ignore.
pub(crate) fn scan(source: &SourceFile, inventory: &Inventory) -> Vec<Ignore> {
    let mut strings = string_spans(inventory);
    strings.sort_unstable();
    // Scalars never overlap, so the candidate is the last one starting at or before `offset`.
    let inside_string = |offset: usize| {
        let after = strings.partition_point(|s| s.offset <= offset);
        after > 0 && offset < strings[after - 1].end()
    };
    let mut ignores = Vec::new();
    let mut line_start = 0;
    for (index, line) in source.text.split_inclusive('\n').enumerate() {
        let start = line_start;
        line_start += line.len();
        let Some(hash) = comment_start(line) else {
            continue;
        };
        let offset = start + hash;
        let comment = line[hash..].trim_end_matches(['\n', '\r']);
        if let Some(mut ignore) = parse(comment, offset)
            && !inside_string(offset)
        {
            ignore.line = index + 1;
            ignores.push(ignore);
        }
    }
    if ignores.is_empty() {
        return ignores;
    }
    // Line of each tool's `name:` and of its entry's first line, looked up once per ignore.
    let mut by_name_line = std::collections::HashMap::new();
    let mut by_entry_line = std::collections::HashMap::new();
    for tool in &inventory.tools {
        let name_line = source.line_col(tool.name.span.offset).line;
        by_name_line.entry(name_line).or_insert(tool.entry);
        let entry_line = source.line_col(tool.entry.offset).line;
        by_entry_line.entry(entry_line).or_insert(tool.entry);
    }
    for ignore in &mut ignores {
        ignore.tool = by_name_line
            .get(&ignore.line)
            .or_else(|| by_entry_line.get(&(ignore.line + 1)))
            .copied();
    }
    ignores
}

/// Spans of the string values the loader kept, where a `#` is text.
fn string_spans(inventory: &Inventory) -> Vec<Span> {
    let mut spans = Vec::new();
    for tool in &inventory.tools {
        // Every string value of every field, from the one field table.
        spans.push(tool.name.span);
        spans.extend(tool.values.iter().flatten().map(|v| v.span));
        spans.extend(tool.labels.values().map(|v| v.span));
        spans.extend(tool.extra.values().map(|v| v.span));
    }
    spans.retain(|s| s.len > 0);
    spans
}

/// The byte index of the `#` that starts this line's comment, if any.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut previous: Option<char> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
            }
            Some(q) if c == q => {
                // `''` inside a single-quoted scalar is an escaped quote.
                if q == '\'' && chars.peek().is_some_and(|&(_, n)| n == '\'') {
                    chars.next();
                } else {
                    quote = None;
                }
            }
            Some(_) => {}
            None => {
                let at_token_start = previous
                    .is_none_or(|p| p.is_whitespace() || matches!(p, '[' | '{' | ',' | ':' | '-'));
                if c == '#' && previous.is_none_or(char::is_whitespace) {
                    return Some(i);
                }
                if matches!(c, '"' | '\'') && at_token_start {
                    quote = Some(c);
                }
            }
        }
        previous = Some(c);
    }
    None
}

/// The placeholder the editor's "ignore" action writes in place of a reason: until someone
/// replaces it, the comment has no reason and suppresses nothing.
pub(crate) const REASON_PLACEHOLDER: &str = "<reason>";

/// Parses `# e2ee-lint: ignore[a, b] reason`; other comments give `None`.
fn parse(comment: &str, offset: usize) -> Option<Ignore> {
    let body = comment.strip_prefix('#')?.trim_start();
    let after_marker = body.strip_prefix(MARKER)?;
    let rest = after_marker.trim_start();
    let list = rest.strip_prefix("ignore[")?;
    let close = list.find(']')?;
    let list_offset = offset + (comment.len() - list.len());
    let mut rules = Vec::new();
    let mut at = 0;
    for part in list[..close].split(',') {
        let trimmed = part.trim();
        if !trimmed.is_empty() {
            let lead = part.len() - part.trim_start().len();
            rules.push((
                trimmed.to_owned(),
                Span::new(list_offset + at + lead, trimmed.len()),
            ));
        }
        at += part.len() + 1;
    }
    let reason = list[close + 1..]
        .trim()
        .trim_start_matches([':', '-'])
        .trim();
    let reason = if reason == REASON_PLACEHOLDER {
        String::new()
    } else {
        reason.to_owned()
    };
    Some(Ignore {
        span: Span::new(offset, comment.trim_end().len()),
        line: 0,
        rules,
        reason,
        tool: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ignores, and the name of the tool each is attached to.
    fn scan_text(text: &str) -> Vec<(Ignore, Option<String>)> {
        let source = SourceFile::new("t.yaml", "t.yaml", text.to_owned());
        let (inventory, _) = crate::inventory::load(&source);
        scan(&source, &inventory)
            .into_iter()
            .map(|i| {
                let tool = inventory
                    .tools
                    .iter()
                    .find(|t| Some(t.entry) == i.tool)
                    .map(|t| t.name.value.to_string());
                (i, tool)
            })
            .collect()
    }

    #[test]
    fn finds_ignores_on_the_name_line_and_above() {
        let text = "tools:\n  # e2ee-lint: ignore[no-e2ee, unclassified-tool] public only\n  - name: Slack\n  - name: Teams # e2ee-lint: ignore[no-e2ee]\n";
        let ignores = scan_text(text);
        assert_eq!(ignores.len(), 2);
        assert_eq!(ignores[0].1.as_deref(), Some("Slack"));
        assert_eq!(ignores[0].0.reason, "public only");
        let ids: Vec<&str> = ignores[0].0.rules.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(ids, ["no-e2ee", "unclassified-tool"]);
        let span = ignores[0].0.rules[1].1;
        assert_eq!(&text[span.offset..span.end()], "unclassified-tool");
        assert_eq!(ignores[1].1.as_deref(), Some("Teams"));
        assert_eq!(ignores[1].0.reason, "");
    }

    #[test]
    fn the_editors_placeholder_is_no_reason() {
        let text =
            format!("tools:\n  - name: Slack # e2ee-lint: ignore[no-e2ee] {REASON_PLACEHOLDER}\n");
        assert_eq!(scan_text(&text)[0].0.reason, "");
        let text = "tools:\n  - name: Slack # e2ee-lint: ignore[no-e2ee] <reason> given\n";
        assert_eq!(scan_text(text)[0].0.reason, "<reason> given");
    }

    #[test]
    fn markers_inside_strings_are_text() {
        let text = "tools:\n  - name: \"Slack # e2ee-lint: ignore[no-e2ee] x\"\n    notes: |\n      # e2ee-lint: ignore[no-e2ee] y\n  - name: 'it''s # e2ee-lint: ignore[no-e2ee] z'\n  - name: a#b # e2ee-lint: ignore[no-e2ee] real\n";
        let ignores = scan_text(text);
        assert_eq!(ignores.len(), 1, "{ignores:?}");
        assert_eq!(ignores[0].0.reason, "real");
        assert_eq!(ignores[0].1.as_deref(), Some("a#b"));
    }

    #[test]
    fn a_comment_far_from_any_tool_is_attached_to_none() {
        let ignores = scan_text("# e2ee-lint: ignore[no-e2ee] why\n\ntools:\n  - name: Slack\n");
        assert_eq!(ignores[0].0.tool, None);
    }
}
