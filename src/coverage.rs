//! Coverage: what a run examined and what it did not. Every format states these counts, so no
//! verdict or control reads as more than the tools behind it.
//!
//! A tool is a communication tool when the catalog matched it, when `unclassified-tool` or
//! `ambiguous-tool` reported it, or when its category is a communication category; otherwise
//! it is not applicable, with the reason. A communication tool is *judged* when the catalog
//! matched it, no open `invalid-inventory` error says part of it could not be read, and none of
//! the rules its verdict rests on ([`VERDICT_RULES`]) is off.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use crate::Outcome;
use crate::finding::Severity;
use crate::outcome::ToolSummary;

/// Inventory categories that make a tool a communication tool.
pub(crate) const COMMUNICATION_CATEGORIES: &[&str] =
    &["messaging", "video-conferencing", "voice", "email"];

/// The rules whose findings say a tool could not be classified or read.
pub(crate) const UNCLASSIFIED: &str = "unclassified-tool";
pub(crate) const AMBIGUOUS: &str = "ambiguous-tool";
pub(crate) const INVALID: &str = crate::outcome::rule_ids::INVALID_INVENTORY;
const EMPTY: &str = crate::outcome::rule_ids::EMPTY_INVENTORY;

/// The rules a tool's E2EE verdict rests on: with one of them off, a channel with no E2EE
/// (`no-e2ee`), one where E2EE must be switched on (`e2ee-not-enforced`) or one the inventory
/// says is off (`e2ee-disabled`) would pass unseen, so no catalog tool counts as judged.
pub(crate) const VERDICT_RULES: &[&str] = &["no-e2ee", "e2ee-not-enforced", "e2ee-disabled"];

/// Why a tool is, or is not, in the scope of the E2EE policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Scope {
    /// A communication tool the catalog classified.
    Catalog,
    /// A communication tool the catalog does not know.
    Unclassified,
    /// A name that could be several catalog systems.
    Ambiguous,
    /// Not a communication tool: its category is another one.
    OtherCategory,
    /// Not a communication tool: no category, no catalog match and no communication word in
    /// the name or notes.
    NoCommunicationSign,
}

impl Scope {
    pub(crate) fn is_communication(self) -> bool {
        matches!(
            self,
            Scope::Catalog | Scope::Unclassified | Scope::Ambiguous
        )
    }
}

/// One tool's place in the coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ToolScope {
    pub(crate) scope: Scope,
    /// An open `invalid-inventory` error points at the tool: part of it was not read.
    pub(crate) invalid: bool,
    /// One of [`VERDICT_RULES`] is off in this run: its verdict could not be reached.
    pub(crate) verdict_rules_off: bool,
}

impl ToolScope {
    /// A communication tool the encryption rules could judge.
    pub(crate) fn judged(self) -> bool {
        self.scope == Scope::Catalog && !self.invalid && !self.verdict_rules_off
    }
}

/// The reason a not-applicable tool is out of scope, as every format words it.
pub(crate) fn reason(tool: &ToolSummary, scope: Scope) -> Option<String> {
    match scope {
        Scope::OtherCategory => Some(format!(
            "category `{}` is not a communication category; no catalog match",
            tool.category().unwrap_or_default()
        )),
        Scope::NoCommunicationSign => Some(
            "no catalog match, no category, and no communication word in the name or notes"
                .to_owned(),
        ),
        _ => None,
    }
}

/// The run's coverage counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub(crate) struct Coverage {
    /// Inventory files read.
    pub files: usize,
    /// Files that yielded no tool at all.
    pub(crate) files_without_tools: usize,
    /// Paths that could not be read.
    pub(crate) unreadable_paths: usize,
    /// Tools recognized in the files.
    pub(crate) tools: usize,
    /// Communication tools: `catalog + unclassified + ambiguous`.
    pub(crate) communication: usize,
    pub catalog: usize,
    pub(crate) unclassified: usize,
    pub(crate) ambiguous: usize,
    /// Communication tools the catalog matched and that were read whole.
    pub(crate) judged: usize,
    /// Tools with an open `invalid-inventory` error.
    pub(crate) invalid: usize,
    /// Tools judged not applicable, by reason (sorted by reason).
    pub(crate) not_applicable: usize,
    pub(crate) not_applicable_reasons: Vec<ReasonCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub(crate) struct ReasonCount {
    pub reason: String,
    pub(crate) tools: usize,
}

impl Coverage {
    /// Communication tools that were not judged (unclassified, ambiguous, or not read whole).
    pub(crate) fn not_examined(&self) -> usize {
        self.communication.saturating_sub(self.judged)
    }

    /// One line for summaries: `219 tools: 5 communication (5 in the catalog, 0 unclassified,
    /// 0 ambiguous), 5 judged, 214 not applicable; 0 files with no tool`.
    pub(crate) fn line(&self) -> String {
        format!(
            "coverage: {} tool(s), {} communication ({} in the catalog, {} unclassified, {} \
             ambiguous), {} judged, {} not applicable, {} with invalid fields; {} file(s) with \
             no tool",
            self.tools,
            self.communication,
            self.catalog,
            self.unclassified,
            self.ambiguous,
            self.judged,
            self.not_applicable,
            self.invalid,
            self.files_without_tools
        )
    }
}

impl Outcome {
    /// Each file's tools' scopes, in the order of `files` and their `tools`.
    pub(crate) fn tool_scopes(&self) -> Vec<Vec<ToolScope>> {
        let verdict_rules_off = self
            .disabled_rules
            .iter()
            .any(|rule| VERDICT_RULES.contains(&&**rule));
        // Membership only (never iterated), so the fast hash; SipHash here was a visible part
        // of a 100,000-tool run's last, single-threaded stretch.
        type Keys<'o> = HashSet<(&'o str, &'o str), foldhash::fast::RandomState>;
        let mut unclassified = Keys::default();
        let mut ambiguous = Keys::default();
        let mut invalid = Keys::default();
        for finding in &self.findings {
            let Some(tool) = &finding.tool else { continue };
            let key = (finding.source.name.as_str(), &*tool.id);
            match &*finding.rule {
                UNCLASSIFIED => {
                    unclassified.insert(key);
                }
                AMBIGUOUS => {
                    ambiguous.insert(key);
                }
                INVALID if finding.suppressed.is_none() && finding.severity == Severity::Error => {
                    invalid.insert(key);
                }
                _ => {}
            }
        }
        self.files
            .iter()
            .map(|file| {
                file.tools
                    .iter()
                    .map(|tool| {
                        let key = (file.source.name.as_str(), &*tool.id);
                        let scope = if tool.catalog_id.is_some() {
                            Scope::Catalog
                        } else if tool.matched == "ambiguous" || ambiguous.contains(&key) {
                            Scope::Ambiguous
                        } else if unclassified.contains(&key)
                            || tool
                                .category()
                                .is_some_and(|c| COMMUNICATION_CATEGORIES.contains(&c))
                        {
                            Scope::Unclassified
                        } else if tool.category().is_some() {
                            Scope::OtherCategory
                        } else {
                            Scope::NoCommunicationSign
                        };
                        ToolScope {
                            scope,
                            invalid: invalid.contains(&key),
                            verdict_rules_off,
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// What this run examined.
    pub(crate) fn coverage(&self) -> Coverage {
        let mut coverage = Coverage {
            files: self.files.len(),
            files_without_tools: self.files.iter().filter(|f| f.tools.is_empty()).count(),
            unreadable_paths: self.path_errors.len(),
            ..Coverage::default()
        };
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        for (file, scopes) in self.files.iter().zip(self.tool_scopes()) {
            for (tool, scope) in file.tools.iter().zip(scopes) {
                coverage.tools += 1;
                coverage.invalid += usize::from(scope.invalid);
                coverage.judged += usize::from(scope.judged());
                match scope.scope {
                    Scope::Catalog => coverage.catalog += 1,
                    Scope::Unclassified => coverage.unclassified += 1,
                    Scope::Ambiguous => coverage.ambiguous += 1,
                    other => {
                        coverage.not_applicable += 1;
                        if let Some(reason) = reason(tool, other) {
                            *reasons.entry(reason).or_default() += 1;
                        }
                    }
                }
            }
        }
        coverage.communication = coverage.catalog + coverage.unclassified + coverage.ambiguous;
        coverage.not_applicable_reasons = reasons
            .into_iter()
            .map(|(reason, tools)| ReasonCount { reason, tools })
            .collect();
        coverage
    }

    /// Open `empty-inventory` findings: files the run could not read a tool list from.
    pub(crate) fn empty_files(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| &*f.rule == EMPTY && f.suppressed.is_none())
            .count()
    }
}
