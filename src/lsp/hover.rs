//! Hovers: what the catalog knows about the tool under the cursor (the entry it resolved to,
//! or the candidates of an ambiguous name), and a rule's summary on a rule id.

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use super::diagnostics::Analysis;
use super::documents::{Document, Encoding};
use crate::catalog::{Catalog, Match, System};
use crate::engine::ToolSummary;
use crate::source::Span;

pub(super) fn hover(
    doc: &Document,
    analysis: Option<&Analysis>,
    position: Position,
    encoding: Encoding,
) -> Option<Hover> {
    let offset = doc.offset(position, encoding);
    if let Some(Analysis::Inventory(Ok(outcome))) = analysis
        && let Some(file) = outcome.files.first()
        && let Some(tool) = file
            .tools
            .iter()
            .find(|t| t.span.offset <= offset && offset <= t.span.end())
    {
        return Some(markdown(
            tool_text(&outcome.catalog, tool),
            doc.range(tool.span, encoding),
        ));
    }
    let (word, span) = word_at(&doc.text, offset)?;
    let registry = crate::engine::rule::Registry::embedded().ok()?;
    let info = registry.infos().into_iter().find(|r| &*r.id == word)?;
    let text = format!(
        "**`{}`** ({}{})\n\n{}\n\n[Documentation]({})",
        info.id,
        info.severity,
        if info.enabled { "" } else { ", off by default" },
        info.summary,
        crate::output::rule_help_uri(&info.id)
    );
    Some(markdown(text, doc.range(span, encoding)))
}

fn markdown(value: String, range: lsp_types::Range) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(range),
    }
}

/// The rule-id-like word (`[a-z0-9-]`) around an offset.
fn word_at(text: &str, offset: usize) -> Option<(&str, Span)> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let offset = offset.min(text.len());
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|(_, c)| !is_word(*c))
        .map_or(text.len(), |(i, _)| offset + i);
    (start < end).then(|| (&text[start..end], Span::new(start, end - start)))
}

/// What the hover says about one tool.
pub(super) fn tool_text(catalog: &Catalog, tool: &ToolSummary) -> String {
    let system = tool.catalog_id.as_deref().and_then(|id| catalog.by_id(id));
    match (system, tool.matched) {
        (Some(system), matched) => {
            let mut text = system_text(catalog, system);
            text.push_str(&format!("\n\nmatched `{}` as: {matched}", tool.name));
            text
        }
        (None, "ambiguous") => {
            let Match::Ambiguous(candidates) =
                catalog.resolve(&tool.name, tool.vendor().map(|v| &**v), None)
            else {
                return format!("`{}` is ambiguous in the catalog", tool.name);
            };
            let mut text = format!(
                "**{}** could mean several products; pin one with `system: <id>` or set `vendor:`:\n",
                tool.name
            );
            for system in candidates {
                text.push_str(&format!(
                    "\n- **{}** (`{}`), {}",
                    system.name, system.id, system.vendor
                ));
            }
            text
        }
        (None, _) => {
            let mut text = format!("**{}** is not in the e2ee-lint catalog.", tool.name);
            // A name close to one system (a typo, a contradicting vendor) names it first.
            let suggestions = match catalog.resolve(&tool.name, tool.vendor().map(|v| &**v), None) {
                Match::Near(near) => near.iter().map(|s| s.name.as_str()).collect(),
                _ => catalog.suggest(&tool.name),
            };
            if !suggestions.is_empty() {
                text.push_str(&format!(" Did you mean: {}?", suggestions.join(", ")));
            }
            text
        }
    }
}

/// A catalog entry: per-channel status with scope and requirements, sources, review date.
pub(super) fn system_text(catalog: &Catalog, system: &System) -> String {
    let mut text = format!(
        "**{}** (`{}`), {}, {}\n\n",
        system.name, system.id, system.vendor, system.category
    );
    if system.is_suite() {
        text.push_str("A suite; its components are judged:\n");
        for id in &system.includes {
            if let Some(part) = catalog.by_id(id) {
                text.push_str(&format!("- **{}** (`{}`)\n", part.name, part.id));
            }
        }
    } else {
        text.push_str("| channel | E2EE | scope | requires |\n|---|---|---|---|\n");
        for (channel, cell) in &system.channels {
            text.push_str(&format!(
                "| {channel} | {} | {} | {} |\n",
                cell.status,
                cell.scope.as_deref().unwrap_or("").replace('|', "\\|"),
                cell.requires.as_deref().unwrap_or("").replace('|', "\\|"),
            ));
        }
        for channel in &system.unknown {
            text.push_str(&format!("| {channel} | unknown | | |\n"));
        }
    }
    text.push_str(&format!(
        "\nconfidence: {}; reviewed {}\n\nsources:\n",
        system.confidence.as_str(),
        system.reviewed
    ));
    for source in &system.sources {
        text.push_str(&format!(
            "- [{}]({}) ({}, {})\n",
            source.title, source.url, source.kind, source.date
        ));
    }
    if !system.note.is_empty() {
        text.push_str(&format!("\n{}", system.note.trim()));
    }
    text
}
