//! An earlier `report-json` (`--since`), as the data the run compares against. Parsing it is the
//! evidence renderer's business (`output::evidence`); the outcome only carries it.

use serde::{Deserialize, Serialize};

/// The parts of an earlier `report-json` that changes are computed from.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Previous {
    pub(crate) version: u32,
    pub(crate) header: PreviousHeader,
    #[serde(default)]
    pub(crate) tools: Vec<PreviousTool>,
    #[serde(default)]
    pub findings: Vec<PreviousFinding>,
    #[serde(default)]
    pub(crate) accepted_risks: Vec<PreviousRisk>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PreviousHeader {
    pub(crate) evaluated_on: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub(crate) struct PreviousTool {
    pub(crate) file: String,
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub(crate) struct PreviousFinding {
    pub(crate) file: String,
    pub(crate) tool_id: Option<String>,
    pub(crate) tool: Option<String>,
    pub(crate) rule: String,
    pub message: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub(crate) struct PreviousRisk {
    pub(crate) file: String,
    pub(crate) tool_id: Option<String>,
    pub(crate) tool: Option<String>,
    pub(crate) rule: String,
    pub kind: String,
    pub expires: Option<String>,
}
