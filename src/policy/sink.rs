//! The sink: the one place where the policy changes findings (overrides, exceptions, inline
//! ignores, the baseline), and where the entries that cover nothing are reported.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::baseline::{Baseline, Key};
use super::candidates::Candidates;
use super::config::{Config, Exception, RuleLevel};
use super::relative_to;
use super::{EXPIRING_WITHIN_DAYS, RelativeNames, Scope, Settings, ids, normalize, parent_dir};
use crate::catalog::Catalog;
use crate::engine::rule::Registry;
use crate::finding::{Finding, Label, Suppression, SuppressionKind};
use crate::outcome::FileReport;
use crate::source::{SourceFile, Span};
use crate::suggest::did_you_mean;

/// The one place where the policy changes findings.
pub struct Sink<'a> {
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
    pub fn apply(&self, findings: Vec<Finding>, files: &[FileReport]) -> Vec<Finding> {
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

    fn exception_matches(&self, exception: &Exception, finding: &Finding) -> bool {
        if *finding.rule != *exception.rule.value {
            return false;
        }
        let Some(tool) = &finding.tool else {
            return false;
        };
        let wanted = exception.tool.value.as_str();
        let same_tool = tool.name.eq_ignore_ascii_case(wanted)
            || &*tool.id == wanted
            || self
                .catalog
                .lookup(wanted)
                .is_some_and(|system| finding.catalog_id.as_deref() == Some(system.id.as_str()));
        if !same_tool {
            return false;
        }
        if exception.files.is_empty() {
            return true;
        }
        let dir = parent_dir(&exception.source.path);
        let file = relative_to(&dir, &finding.source.path, &finding.source.name);
        let options = glob::MatchOptions {
            require_literal_separator: true,
            ..glob::MatchOptions::new()
        };
        exception
            .files
            .iter()
            .any(|p| p.matches_with(&file, options))
    }

    /// Whether every inventory an exception's `files` can match was checked in this run.
    fn files_all_checked(&self, exception: &Exception) -> bool {
        if exception.files.is_empty() {
            return false;
        }
        let dir = parent_dir(&exception.source.path);
        let dir = glob::Pattern::escape(&dir.to_string_lossy());
        exception.files.iter().all(|pattern| {
            let Ok(paths) = glob::glob(&format!("{dir}/{}", pattern.as_str())) else {
                return false;
            };
            paths.flatten().all(|path| {
                let inventory =
                    path.extension().is_some_and(|e| e == "yaml" || e == "yml") && path.is_file();
                !inventory || self.scope.checked.contains(&normalize(&path))
            })
        })
    }

    /// Applies the config's exceptions; returns, for each `expired-exception` about a finding,
    /// its index in `produced` and the finding's index in `findings`.
    fn exceptions(
        &self,
        config: &Config,
        findings: &mut [Finding],
        produced: &mut Vec<Finding>,
    ) -> Vec<(usize, usize)> {
        let today = self.settings.today;
        let mut links = Vec::new();
        let candidates = Candidates::new(findings);
        for exception in &config.exceptions {
            // With `extends`, an exception may come from a shared policy file.
            let cfg = &exception.source;
            let expired = exception.expires.value < today;
            let expires = exception.expires.value.to_string();
            let mut used = false;
            let wanted = exception.tool.value.as_str();
            for at in candidates.of(self.catalog, &exception.rule.value, wanted) {
                let finding = &mut findings[at];
                if !self.exception_matches(exception, finding) {
                    continue;
                }
                used = true;
                if expired {
                    let mut f = self.new_finding(
                        ids::EXPIRED_EXCEPTION,
                        &finding.source,
                        finding.span,
                        format!(
                            "the exception for `{}` on {} expired on {expires}; {ACTIVE_AGAIN}",
                            exception.rule.value, exception.tool.value
                        ),
                        Some(format!(
                            "fix the finding, or renew the exception with a new `expires` date and approval (approved by {})",
                            exception.approved_by
                        )),
                    );
                    f.labels.push(Label {
                        source: Some(Arc::clone(cfg)),
                        span: exception.expires.span,
                        message: format!("this exception expired on {expires}").into(),
                    });
                    f.tool = finding.tool.clone();
                    f.catalog_id = finding.catalog_id.clone();
                    links.push((produced.len(), at));
                    produced.push(f);
                } else if finding.suppressed.is_none() {
                    finding.suppressed = Some(Box::new(Suppression {
                        kind: SuppressionKind::Exception,
                        reason: exception.reason.clone(),
                        approved_by: Some(exception.approved_by.clone()),
                        expires: Some(expires.clone()),
                        ticket: exception.ticket.clone(),
                    }));
                }
            }
            // In a partial run, an exception is only unused if all it could cover was checked.
            let judged = self.scope.whole_set || self.files_all_checked(exception);
            if expired && !used && !judged {
                produced.push(self.new_finding(
                    ids::EXPIRED_EXCEPTION,
                    cfg,
                    exception.expires.span,
                    format!(
                        "the exception for `{}` on {} expired on {expires}",
                        exception.rule.value, exception.tool.value
                    ),
                    Some("remove the exception, or renew it with a new `expires` date and approval".into()),
                ));
            } else if expired && !used {
                produced.push(self.new_finding(
                    ids::EXPIRED_EXCEPTION,
                    cfg,
                    exception.expires.span,
                    format!(
                        "the exception for `{}` on {} expired on {expires} and matches no finding",
                        exception.rule.value, exception.tool.value
                    ),
                    Some("remove the exception".into()),
                ));
            } else if !expired && !used && judged {
                produced.push(self.new_finding(
                    ids::UNUSED_EXCEPTION,
                    cfg,
                    exception.entry,
                    format!(
                        "the exception for `{}` on {} matches no finding",
                        exception.rule.value, exception.tool.value
                    ),
                    Some("remove the exception, or fix its `tool`, `rule` or `files`".into()),
                ));
            }
            let days_left = exception.expires.value.days() - today.days();
            if !expired && days_left <= EXPIRING_WITHIN_DAYS {
                let when = match days_left {
                    0 => "today".to_owned(),
                    1 => "in 1 day".to_owned(),
                    n => format!("in {n} days"),
                };
                produced.push(self.new_finding(
                    ids::EXCEPTION_EXPIRING,
                    cfg,
                    exception.expires.span,
                    format!(
                        "the exception for `{}` on {} expires {when} ({expires})",
                        exception.rule.value, exception.tool.value
                    ),
                    Some(
                        "renew it (new date, new approval) or fix the finding before CI starts failing"
                            .into(),
                    ),
                ));
            }
            let max = config.max_exception_days;
            if days_left > max {
                produced.push(self.new_finding(
                    ids::EXCEPTION_TOO_LONG,
                    cfg,
                    exception.expires.span,
                    format!(
                        "the exception for `{}` on {} expires on {expires}, {days_left} days from today; \
                         exceptions may last at most {max} days",
                        exception.rule.value, exception.tool.value
                    ),
                    Some(format!(
                        "set `expires` at most {max} days ahead and renew it when it comes; \
                         the limit is `max_exception_days` in the config"
                    )),
                ));
            }
        }
        links
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
