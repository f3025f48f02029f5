//! Findings the engine makes in code rather than from a rule's condition: the loader's problems,
//! a data classification the policy does not know, and a `system:` pin the catalog lacks.

use std::sync::Arc;

use super::{Engine, ids};
use crate::fields;
use crate::finding::{Finding, ToolRef};
use crate::inventory::{Problem, ProblemKind, Tool};
use crate::source::SourceFile;

impl Engine {
    pub(super) fn problem_finding(&self, source: &Arc<SourceFile>, problem: Problem) -> Finding {
        let rule = match problem.kind {
            ProblemKind::Invalid => ids::INVALID_INVENTORY,
            ProblemKind::UnknownField => ids::UNKNOWN_FIELD,
            ProblemKind::Empty => ids::EMPTY_INVENTORY,
        };
        let mut finding = self.finding(rule, source, problem.span, problem.message);
        finding.help = problem.help.map(Into::into);
        finding
    }

    /// A data classification the policy does not know is an invalid inventory.
    pub(super) fn check_level(
        &self,
        source: &Arc<SourceFile>,
        tool: &Tool,
        names: &ToolRef,
        findings: &mut Vec<Finding>,
    ) {
        let Some(level) = tool.get(fields::DATA_CLASSIFICATION) else {
            return;
        };
        if self.levels.index(&level.value).is_some() {
            return;
        }
        let known: Vec<&str> = self.levels.names.iter().map(String::as_str).collect();
        let mut finding = self.finding(
            ids::INVALID_INVENTORY,
            source,
            level.span,
            format!("unknown data classification level `{}`", level.value),
        );
        finding.help = Some(
            crate::suggest::did_you_mean(&level.value, &known)
                .unwrap_or_else(|| format!("levels, least to most sensitive: {}", known.join(", ")))
                .into(),
        );
        finding.tool = Some(names.clone());
        findings.push(finding);
    }

    /// `system:` names an id the catalog does not have.
    pub(super) fn unknown_pin(
        &self,
        source: &Arc<SourceFile>,
        tool: &Tool,
        names: &ToolRef,
    ) -> Finding {
        let pin = tool.get(fields::SYSTEM).map_or(tool.name.span, |s| s.span);
        let value = tool.value(fields::SYSTEM).unwrap_or("");
        let ids: Vec<&str> = self
            .catalog
            .systems()
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        let mut finding = self.finding(
            ids::INVALID_INVENTORY,
            source,
            pin,
            format!("`system: {value}` is not a catalog id"),
        );
        finding.help = Some(
            crate::suggest::did_you_mean(value, &ids)
                .unwrap_or_else(|| "see `e2ee-lint catalog` for the ids".into())
                .into(),
        );
        finding.tool = Some(names.clone());
        finding
    }
}
