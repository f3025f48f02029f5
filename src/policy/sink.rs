//! The sink: the one place where the policy changes findings (overrides, exceptions, inline
//! ignores, the baseline), and where the entries that cover nothing are reported.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::baseline::{Baseline, Key};
use super::config::{Config, RuleLevel};
use super::relative_to;
use super::{RelativeNames, Scope, Settings, ids, parent_dir};
use crate::catalog::Catalog;
use crate::engine::rule::Registry;
use crate::finding::{Finding, Suppression, SuppressionKind};
use crate::outcome::FileReport;
use crate::source::{SourceFile, Span};
use crate::suggest::did_you_mean;

// The config's exceptions: which findings each covers, and the findings about the exceptions.
mod exceptions;

/// The one place where the policy changes findings.
pub(crate) struct Sink<'a> {
    pub(super) registry: &'a Registry,
    pub(super) catalog: &'a Catalog,
    pub(super) config: Option<&'a Config>,
    pub(super) cli_levels: &'a BTreeMap<String, RuleLevel>,
    pub(super) settings: &'a Settings,
    pub(super) scope: &'a Scope,
}

/// How an `expired-exception` message ends while its finding is not suppressed otherwise.
const ACTIVE_AGAIN: &str = "the finding is active again";
const NOW_INLINE: &str = "the finding is now suppressed only by an inline ignore comment";
const NOW_BASELINE: &str = "the finding is now suppressed only by the baseline";

/// The suppression a baseline entry gives.
pub(super) fn baseline_suppression() -> Suppression {
    Suppression {
        kind: SuppressionKind::Baseline,
        reason: "in the baseline".into(),
        approved_by: None,
        expires: None,
        ticket: None,
    }
}

/// Whether `expired` is the `expired-exception` finding of `finding`, still saying the
/// finding is active.
fn expired_for(expired: &Finding, finding: &Finding) -> bool {
    &*expired.rule == ids::EXPIRED_EXCEPTION
        && Arc::ptr_eq(&expired.source, &finding.source)
        && expired.span == finding.span
        && expired.tool.as_ref().map(|t| &t.id) == finding.tool.as_ref().map(|t| &t.id)
        && expired.message.ends_with(ACTIVE_AGAIN)
        && expired
            .message
            .starts_with(&format!("the exception for `{}` on ", finding.rule))
}

/// Says in an `expired-exception` message what suppresses its finding now.
fn now_suppressed_by(expired: &mut Finding, by: &str) {
    if let Some(head) = expired.message.strip_suffix(ACTIVE_AGAIN) {
        expired.message = format!("{head}{by}").into();
    }
}

impl Sink<'_> {
    /// The level of a rule: the command line wins over the config, which wins over the rule.
    fn level(&self, rule: &str) -> Option<RuleLevel> {
        self.cli_levels
            .get(rule)
            .or_else(|| self.config.and_then(|c| c.rules.get(rule)))
            .copied()
    }

    /// Applies overrides to one finding; `None` when its rule is `off`.
    fn override_severity(&self, mut finding: Finding) -> Option<Finding> {
        match self.level(&finding.rule) {
            Some(RuleLevel::Off) => None,
            Some(RuleLevel::On(severity)) => {
                finding.severity = severity;
                Some(finding)
            }
            // A rule that is off by default speaks only when someone turned it on.
            None if self
                .registry
                .get(&finding.rule)
                .is_some_and(|r| !r.info.enabled) =>
            {
                None
            }
            None => Some(finding),
        }
    }

    /// A finding the policy produces, before overrides.
    fn new_finding(
        &self,
        rule: &str,
        source: &Arc<SourceFile>,
        span: Span,
        message: String,
        help: Option<String>,
    ) -> Finding {
        let mut finding = Finding::new(rule, self.registry.severity(rule), source, span, message);
        finding.help = help.map(Into::into);
        finding
    }

    /// Applies overrides, exceptions and inline ignores to one group's findings.
    pub(crate) fn apply(&self, findings: Vec<Finding>, files: &[FileReport]) -> Vec<Finding> {
        let mut findings: Vec<Finding> = findings
            .into_iter()
            .filter_map(|f| self.override_severity(f))
            .collect();
        let mut produced = Vec::new();
        if !self.settings.no_exceptions {
            let mut expired = Vec::new();
            if let Some(config) = self.config {
                expired = self.exceptions(config, &mut findings, &mut produced);
            }
            if !self.settings.no_ignores {
                self.ignores(files, &mut findings, &mut produced);
            }
            // An expired exception's finding may be covered by an inline ignore after all.
            for (produced_at, finding_at) in expired {
                let inline = findings[finding_at]
                    .suppressed
                    .as_ref()
                    .is_some_and(|s| s.kind == SuppressionKind::Inline);
                if inline {
                    now_suppressed_by(&mut produced[produced_at], NOW_INLINE);
                }
            }
        }
        findings.extend(
            produced
                .into_iter()
                .filter_map(|f| self.override_severity(f)),
        );
        // Not through the overrides, exceptions or ignores: a catalog change is always seen.
        findings.extend(self.catalog_changes());
        findings
    }

    /// One `catalog-override` finding per change the config made to the catalog, at its entry.
    fn catalog_changes(&self) -> Vec<Finding> {
        self.catalog
            .changes()
            .iter()
            .map(|change| {
                let mut message = format!("the config {}", change.summary);
                if let Some(reason) = &change.reason {
                    message.push_str(&format!("; reason: {reason}"));
                }
                if let Some(source) = &change.source {
                    message.push_str(&format!("; source: {source}"));
                }
                let help = if change.raises() {
                    "this entry claims more end-to-end encryption than the catalog's sources: \
                     review its reason and source; `catalog_overrides: forbid` or \
                     `--no-catalog-overrides` refuse such entries"
                } else {
                    "a stricter company view than the catalog's; nothing to do if intended"
                };
                let mut finding = self.new_finding(
                    ids::CATALOG_OVERRIDE,
                    &change.file,
                    change.span,
                    message,
                    Some(help.into()),
                );
                finding.catalog_id = Some(change.system.as_str().into());
                finding
            })
            .collect()
    }

    fn ignores(&self, files: &[FileReport], findings: &mut [Finding], produced: &mut Vec<Finding>) {
        let rule_ids: Vec<&str> = self.registry.rules().map(|r| &*r.info.id).collect();
        for file in files {
            for ignore in &file.ignores {
                if ignore.reason.is_empty() {
                    // An unexplained ignore suppresses nothing: the reason is the record.
                    produced.push(self.new_finding(
                        ids::IGNORE_WITHOUT_REASON,
                        &file.source,
                        ignore.span,
                        "this ignore comment gives no reason, so it suppresses nothing".into(),
                        Some("write why after the bracket: `# e2ee-lint: ignore[no-e2ee] public announcements only`".into()),
                    ));
                    continue;
                }
                let Some(entry) = ignore.tool else {
                    produced.push(self.new_finding(
                        ids::UNUSED_IGNORE,
                        &file.source,
                        ignore.span,
                        "this ignore comment is not attached to any tool".into(),
                        Some("put it on the tool's `name:` line or on the line directly above the tool's entry".into()),
                    ));
                    continue;
                };
                // Findings arrive sorted by file and offset (`check_files` sorts them), so the
                // ones inside this entry are one range: no scan of every finding per comment.
                let name = file.source.name.as_str();
                let end = entry.end().max(entry.offset + 1);
                let start_at = findings.partition_point(|f| {
                    (f.source.name.as_str(), f.span.offset) < (name, entry.offset)
                });
                let end_at = findings
                    .partition_point(|f| (f.source.name.as_str(), f.span.offset) < (name, end));
                for (rule, span) in &ignore.rules {
                    let mut used = false;
                    for finding in findings[start_at..end_at.max(start_at)].iter_mut() {
                        if !Arc::ptr_eq(&finding.source, &file.source) || *finding.rule != **rule {
                            continue;
                        }
                        used = true;
                        if finding.suppressed.is_none() {
                            finding.suppressed = Some(Box::new(Suppression {
                                kind: SuppressionKind::Inline,
                                reason: ignore.reason.clone(),
                                approved_by: None,
                                expires: None,
                                ticket: None,
                            }));
                        }
                    }
                    if !used {
                        let help = if self.registry.get(rule).is_some() {
                            "remove it from the comment; the tool no longer has this finding".into()
                        } else {
                            did_you_mean(rule, &rule_ids)
                                .map(|d| format!("`{rule}` is not a rule id; {d}"))
                                .unwrap_or_else(|| {
                                    format!("`{rule}` is not a rule id; see `e2ee-lint rules`")
                                })
                        };
                        produced.push(self.new_finding(
                            ids::UNUSED_IGNORE,
                            &file.source,
                            *span,
                            format!("`ignore[{rule}]` suppresses nothing"),
                            Some(help),
                        ));
                    }
                }
            }
        }
    }

    pub(super) fn baseline(&self, findings: &mut Vec<Finding>, baseline: &Baseline) {
        let dir = parent_dir(&baseline.source.path);
        let keys: BTreeSet<&Key> = baseline.entries.iter().map(|(key, _)| key).collect();
        let mut used: BTreeSet<Key> = BTreeSet::new();
        let mut names = RelativeNames::new(&dir);
        let mut newly = Vec::new();
        for (at, finding) in findings.iter_mut().enumerate() {
            if ids::ALL.contains(&&*finding.rule) {
                continue;
            }
            let key = Key::of(finding, names.of(&finding.source).to_owned());
            if keys.contains(&key) {
                if finding.suppressed.is_none() {
                    finding.suppressed = Some(Box::new(baseline_suppression()));
                    newly.push(at);
                }
                used.insert(key);
            }
        }
        // An expired exception's finding may be covered by the baseline after all.
        if !newly.is_empty() {
            let expired: Vec<usize> = (0..findings.len())
                .filter(|&at| &*findings[at].rule == ids::EXPIRED_EXCEPTION)
                .collect();
            for at in expired {
                if newly
                    .iter()
                    .any(|&n| expired_for(&findings[at], &findings[n]))
                {
                    now_suppressed_by(&mut findings[at], NOW_BASELINE);
                }
            }
        }
        // In a partial run, an entry is only unused if its file was checked.
        let checked: BTreeSet<String> = if self.scope.whole_set {
            BTreeSet::new()
        } else {
            self.scope
                .checked
                .iter()
                .map(|path| relative_to(&dir, path, ""))
                .collect()
        };
        for (key, span) in &baseline.entries {
            if used.contains(key) || !(self.scope.whole_set || checked.contains(&key.file)) {
                continue;
            }
            let what = key
                .tool
                .as_deref()
                .map_or_else(String::new, |t| format!(" for `{t}`"));
            let span = baseline.source.first_line(*span);
            let finding = self.new_finding(
                ids::UNUSED_BASELINE_ENTRY,
                &baseline.source,
                span,
                format!(
                    "baseline entry `{}`{what} in {} matches no finding",
                    key.rule, key.file
                ),
                Some("the problem is fixed: remove the entry, or rewrite the baseline with --write-baseline".into()),
            );
            if let Some(finding) = self.override_severity(finding) {
                findings.push(finding);
            }
        }
    }
}
