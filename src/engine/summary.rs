//! A tool as the engine classified it, for the outputs that list every tool.

use std::sync::Arc;

use crate::catalog::{Channel, Support};
use crate::fields::{self, FieldId};
use crate::finding::ToolRef;
use crate::inventory::E2eeSetting;
use crate::source::Span;

/// A tool as classified, for outputs that list every tool (JUnit, reports).
#[derive(Debug, Clone)]
pub(crate) struct ToolSummary {
    /// Shared with the tool's findings ([`ToolRef`]).
    pub name: Arc<str>,
    pub id: Arc<str>,
    pub span: Span,
    /// Whether the id was written in the inventory (else derived from the name).
    pub(crate) id_is_explicit: bool,
    pub(crate) catalog_id: Option<Arc<str>>,
    /// How the name was matched (`exact`, `vendor`, `decorated`, `confusable`, `pinned`,
    /// `ambiguous` or `none`).
    pub(crate) matched: &'static str,
    /// The catalog's E2EE status of each channel the company uses the tool for, in channel
    /// order; channels the catalog has no sourced status for are absent. For a suite, the
    /// weakest status among its components.
    pub(crate) e2ee: Box<[(Channel, Support)]>,
    /// Channels in use that the catalog lists as offered but unsourced.
    pub(crate) unknown: Box<[Channel]>,
    /// What the inventory says was configured (`e2ee:`).
    pub(crate) configured: Option<E2eeSetting>,
    /// Every evidence field the inventory gave ([`fields::evidence_fields`]), for the evidence
    /// formats' columns; texts a file repeats (levels, vendors, teams) are shared like finding
    /// messages. The level, vendor and owner are read from here (below): one copy per tool.
    pub(crate) fields: fields::FieldValues,
}

impl ToolSummary {
    pub(crate) fn data_classification(&self) -> Option<&Arc<str>> {
        self.fields.shared(fields::DATA_CLASSIFICATION)
    }

    pub(crate) fn vendor(&self) -> Option<&Arc<str>> {
        self.fields.shared(fields::VENDOR)
    }

    pub(crate) fn owner(&self) -> Option<&Arc<str>> {
        self.fields.shared(fields::OWNER)
    }

    /// The category as one of the field's words; read from `fields` (one copy per tool).
    pub(crate) fn category(&self) -> Option<&'static str> {
        self.word(fields::CATEGORY)
    }

    /// The status as one of the field's words; read from `fields` (one copy per tool).
    pub(crate) fn status(&self) -> Option<&'static str> {
        self.word(fields::STATUS)
    }

    /// The constant spelling of a field whose values the loader checked against its words.
    fn word(&self, field: FieldId) -> Option<&'static str> {
        let value = self.fields.get(field)?;
        field.vocabulary()?.iter().copied().find(|w| *w == value)
    }

    /// The tool as its findings name it.
    pub(crate) fn tool_ref(&self) -> ToolRef {
        ToolRef {
            name: Arc::clone(&self.name),
            id: Arc::clone(&self.id),
        }
    }
}
