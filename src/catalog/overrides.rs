//! Company changes to the catalog, from a config's `catalog:` section: systems added in the
//! catalog's own entry format, and per-channel status overrides. Every changed entry and cell
//! is marked with the config entry it came from, so findings, `e2ee-lint catalog` and reports
//! can say that a status is the company's word, not a vendor's.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;

use super::{
    Catalog, CatalogChange, Cell, ChangeKind, Channel, ChannelChange, Support, System, matcher,
    normalize, validate,
};
use crate::finding::{Finding, Label};
use crate::source::{SourceFile, Sp, Span};
use crate::suggest::did_you_mean;

/// Where a company change to the catalog was written, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Provenance {
    #[serde(skip)]
    pub(crate) file: Arc<SourceFile>,
    /// The first line of the config entry.
    #[serde(skip)]
    pub span: Span,
    /// `path:line` of the config entry, as diagnostics show it.
    pub config: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The company's document behind an override.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The built-in status an override replaced; absent when the catalog had none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub was: Option<Support>,
}

impl Provenance {
    pub(crate) fn new(file: &Arc<SourceFile>, span: Span) -> Provenance {
        let span = file.first_line(span);
        Provenance {
            config: format!("{}:{}", file.name, file.line_col(span.offset).line),
            file: Arc::clone(file),
            span,
            reason: None,
            source: None,
            was: None,
        }
    }
}

/// A system a config adds, in the format of `rules/catalog.yaml`, with the spans its
/// diagnostics point at.
#[derive(Debug, Clone)]
pub(crate) struct Added {
    pub(crate) system: System,
    pub(crate) file: Arc<SourceFile>,
    pub(crate) entry: Span,
    pub id: Span,
    /// The name, aliases and contextual aliases as written, each with its span.
    pub names: Vec<(String, Span, NameKind)>,
}

/// Whether a name matches on its own or only with vendor context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameKind {
    Exact,
    Contextual,
}

/// A config's override of one system's status on some channels.
#[derive(Debug, Clone)]
pub(crate) struct Override {
    pub(crate) file: Arc<SourceFile>,
    pub(crate) entry: Span,
    /// The catalog id.
    pub(crate) system: Sp<String>,
    pub channels: Vec<(Sp<Channel>, Support)>,
    pub reason: String,
    pub source: String,
}

/// A company change the catalog cannot take, located in the config that wrote it.
#[derive(Debug, Clone)]
pub(crate) struct ChangeError {
    pub(crate) file: Arc<SourceFile>,
    pub span: Span,
    pub message: String,
    pub(crate) label: String,
    pub(crate) help: Option<String>,
}

impl Catalog {
    /// This catalog with a config's systems added and overrides applied, in order (a later
    /// override of the same channel wins). Added systems are validated like the catalog file.
    pub(crate) fn with_changes(
        &self,
        added: &[Added],
        overrides: &[Override],
    ) -> Result<Catalog, Vec<ChangeError>> {
        let mut systems = self.systems.clone();
        let mut errors = Vec::new();
        let mut changes = self.changes.clone();
        for addition in added {
            match name_clash(&systems, addition) {
                Some(error) => errors.push(error),
                None => {
                    let mut system = addition.system.clone();
                    system.added_by = Some(Provenance::new(&addition.file, addition.entry));
                    let cells = system
                        .channels
                        .iter()
                        .map(|(&c, cell)| ChannelChange::new(c, None, cell.status))
                        .collect();
                    changes.push(CatalogChange::new(
                        &addition.file,
                        addition.entry,
                        ChangeKind::AddedSystem,
                        (&system.id, &system.name),
                        cells,
                        None,
                        None,
                    ));
                    systems.push(system);
                }
            }
        }
        if errors.is_empty()
            && let Err(e) = validate(&systems)
        {
            // The built-in entries are valid, so the message names an added one.
            let culprit = added
                .iter()
                .find(|a| e.0.starts_with(&format!("{}: ", a.system.id)))
                .or(added.first());
            if let Some(addition) = culprit {
                errors.push(ChangeError {
                    file: Arc::clone(&addition.file),
                    span: addition.entry,
                    message: format!("invalid catalog entry: {}", e.0),
                    label: "in this entry".into(),
                    help: Some("added systems follow the format of `rules/catalog.yaml`: every cell cites a source of the entry, `reviewed` is a date".into()),
                });
            }
        }
        for change in overrides {
            match apply_override(&mut systems, self, change) {
                Ok(made) => changes.push(made),
                Err(error) => errors.push(error),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let matcher = matcher::Matcher::new(&systems, &self.decorations).map_err(|e| {
            added
                .first()
                .map(|a| ChangeError {
                    file: Arc::clone(&a.file),
                    span: a.entry,
                    message: format!("invalid catalog entry: {}", e.0),
                    label: "in this entry".into(),
                    help: None,
                })
                .into_iter()
                .collect::<Vec<_>>()
        })?;
        Ok(Catalog {
            systems,
            category_channels: self.category_channels.clone(),
            decorations: self.decorations.clone(),
            matcher,
            changes,
        })
    }
}

/// An added system's id, name or alias that is already taken.
fn name_clash(systems: &[System], addition: &Added) -> Option<ChangeError> {
    let error = |span: Span, message: String, help: &str| ChangeError {
        file: Arc::clone(&addition.file),
        span,
        message,
        label: "already in the catalog".into(),
        help: Some(help.into()),
    };
    let id = &addition.system.id;
    if let Some(other) = systems.iter().find(|s| &s.id == id) {
        let by = other.added_by.as_ref().map_or_else(
            || "a built-in entry".to_owned(),
            |p| format!("added at {}", p.config),
        );
        return Some(error(
            addition.id,
            format!("`{id}` is already a catalog id ({by})"),
            "pick another id; to change a built-in entry's status, use `catalog.overrides`",
        ));
    }
    // Compared after confusable folding, as the matcher folds inventory names: "Slаck" with a
    // Cyrillic а would otherwise be a new system's alias and silence the real Slack.
    let skeleton = |n: &str| normalize(&matcher::fold_confusables(n));
    for (name, span, kind) in &addition.names {
        let key = skeleton(name);
        let taken = systems.iter().find(|s| {
            let exact = std::iter::once(&s.name)
                .chain(&s.aliases)
                .any(|n| skeleton(n) == key);
            // Contextual aliases may be shared (vendor context decides); not with exact names.
            let contextual = s.contextual_aliases.iter().any(|n| skeleton(n) == key);
            exact || (*kind == NameKind::Exact && contextual)
        });
        if let Some(other) = taken {
            let shown = crate::text::sanitize::line(name);
            let message = if normalize(name) == skeleton(name) {
                format!("`{shown}` already names `{}` in the catalog", other.id)
            } else {
                format!(
                    "`{shown}` looks like `{}`, a name of `{}` in the catalog (confusable characters)",
                    skeleton(name),
                    other.id
                )
            };
            return Some(error(
                *span,
                message,
                "each name and alias names one system: remove it, or pin the inventory's tool with `system:`",
            ));
        }
    }
    None
}

/// Applies one override entry; the change it made, channel by channel, for every output.
fn apply_override(
    systems: &mut [System],
    catalog: &Catalog,
    change: &Override,
) -> Result<CatalogChange, ChangeError> {
    let error = |span: Span, message: String, label: &str, help: Option<String>| ChangeError {
        file: Arc::clone(&change.file),
        span,
        message,
        label: label.into(),
        help,
    };
    let wanted = change.system.value.as_str();
    let Some(system) = systems.iter_mut().find(|s| s.id == wanted) else {
        let help = match catalog.lookup(wanted) {
            Some(found) => Some(format!(
                "`{wanted}` is the name of `{}`; write its id",
                found.id
            )),
            None => {
                let ids: Vec<&str> = catalog.systems().iter().map(|s| s.id.as_str()).collect();
                did_you_mean(wanted, &ids)
                    .or_else(|| Some("`e2ee-lint catalog` lists the ids".into()))
            }
        };
        return Err(error(
            change.system.span,
            format!("`{wanted}` is not a catalog id"),
            "no such system",
            help,
        ));
    };
    if system.is_suite() {
        return Err(error(
            change.system.span,
            format!("`{wanted}` is a suite: its components are judged, not the suite"),
            "a suite",
            Some(format!(
                "override its components: {}",
                system.includes.join(", ")
            )),
        ));
    }
    let mut cells = Vec::new();
    for (channel, status) in &change.channels {
        let before = system.channels.get(&channel.value).map(|cell| cell.status);
        cells.push(ChannelChange::new(channel.value, before, *status));
        let mut provenance = Provenance::new(&change.file, change.entry);
        provenance.reason = Some(change.reason.clone());
        provenance.source = Some(change.source.clone());
        match system.channels.get_mut(&channel.value) {
            Some(cell) => {
                // A second override of one channel keeps the built-in status it replaced.
                provenance.was = cell
                    .overridden
                    .as_ref()
                    .map_or(Some(cell.status), |p| p.was);
                cell.status = *status;
                cell.overridden = Some(provenance);
                // The catalog's scope, requirement and sources describe the status replaced,
                // not this one: shown beside the company's status they would vouch for it.
                cell.scope = None;
                cell.requires = None;
                cell.since = None;
                cell.confidence = None;
                cell.sources.clear();
            }
            None => {
                system.unknown.retain(|c| *c != channel.value);
                system.channels.insert(
                    channel.value,
                    Cell {
                        status: *status,
                        scope: None,
                        requires: None,
                        since: None,
                        confidence: None,
                        covered: None,
                        not_covered: None,
                        turned_on_by: None,
                        sources: Vec::new(),
                        overridden: Some(provenance),
                    },
                );
            }
        }
    }
    Ok(CatalogChange::new(
        &change.file,
        change.entry,
        ChangeKind::Override,
        (&system.id, &system.name),
        cells,
        Some(change.reason.clone()),
        Some(change.source.clone()),
    ))
}

/// Adds to each finding about a changed system a label pointing at the config entry that
/// changed it: the verdict rests on the company's word, and the reader should see where.
pub(crate) fn annotate(catalog: &Catalog, findings: &mut [Finding]) {
    type Labels = (Vec<Label>, Vec<Label>, Vec<&'static str>);
    let mut labels: HashMap<&str, Labels> = HashMap::new();
    for system in catalog.systems() {
        let mut entries: Vec<Label> = Vec::new();
        let mut overridden: Vec<Label> = Vec::new();
        let mut channels: Vec<&'static str> = Vec::new();
        if let Some(added) = &system.added_by {
            entries.push(Label {
                source: Some(Arc::clone(&added.file)),
                span: added.span,
                message: format!(
                    "{} is not in the built-in catalog: the company's config adds it here",
                    system.name
                )
                .into(),
            });
        }
        // One label per override entry, listing the channels it set; attached to the findings
        // whose message names one of those channels.
        let mut by_entry: BTreeMap<(String, usize), (&Provenance, Vec<String>)> = BTreeMap::new();
        for (channel, cell) in &system.channels {
            if let Some(p) = &cell.overridden {
                let changed = match p.was {
                    Some(was) => format!("{channel}: {} (catalog: {was})", cell.status),
                    None => format!("{channel}: {} (catalog: no status)", cell.status),
                };
                by_entry
                    .entry((p.file.name.clone(), p.span.offset))
                    .or_insert((p, Vec::new()))
                    .1
                    .push(changed);
                channels.push(channel.as_str());
            }
        }
        for (provenance, changed) in by_entry.into_values() {
            overridden.push(Label {
                source: Some(Arc::clone(&provenance.file)),
                span: provenance.span,
                message: format!(
                    "the company's override sets {} {}; reason: {}",
                    system.name,
                    changed.join(", "),
                    provenance.reason.as_deref().unwrap_or("")
                )
                .into(),
            });
        }
        if !entries.is_empty() || !overridden.is_empty() {
            labels.insert(system.id.as_str(), (entries, overridden, channels));
        }
    }
    if labels.is_empty() {
        return;
    }
    for finding in findings {
        let Some((added, overridden, channels)) =
            finding.catalog_id.as_deref().and_then(|id| labels.get(id))
        else {
            continue;
        };
        finding.labels.extend(added.iter().cloned());
        if channels.iter().any(|c| names_word(&finding.message, c)) {
            finding.labels.extend(overridden.iter().cloned());
        }
    }
}

/// Whether `text` contains `word` not as part of a longer word (`text_1to1`, not `text`).
fn names_word(text: &str, word: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back().is_none_or(|c| !is_word(c));
        let after = text[at + word.len()..]
            .chars()
            .next()
            .is_none_or(|c| !is_word(c));
        before && after
    })
}
