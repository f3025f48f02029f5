//! The config's exceptions in the sink: which finding an exception covers (rule, tool, files),
//! and the findings about exceptions themselves (expired, expiring, unused, too long).

use std::sync::Arc;

use super::{ACTIVE_AGAIN, Sink};
use crate::finding::{Finding, Label, Suppression, SuppressionKind};
use crate::policy::candidates::Candidates;
use crate::policy::config::{Config, Exception};
use crate::policy::{EXPIRING_WITHIN_DAYS, ids, normalize, parent_dir, relative_to};

impl Sink<'_> {
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
    pub(super) fn exceptions(
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
            if expired && !used {
                // Judged unused, it has nothing left to renew.
                let (unused, help) = if judged {
                    (" and matches no finding", "remove the exception")
                } else {
                    (
                        "",
                        "remove the exception, or renew it with a new `expires` date and approval",
                    )
                };
                produced.push(self.new_finding(
                    ids::EXPIRED_EXCEPTION,
                    cfg,
                    exception.expires.span,
                    format!(
                        "the exception for `{}` on {} expired on {expires}{unused}",
                        exception.rule.value, exception.tool.value
                    ),
                    Some(help.into()),
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
}
