//! Runs one condition rule over one tool (or one component of a suite) and builds its finding:
//! severity, message and help from the rule's templates, labels at the fields the rule names.

use std::sync::Arc;

use super::condition::Context;
use super::rule::{Detection, Rule, Target};
use super::template::join_words;
use super::{Engine, tool_ref};
use crate::catalog::{Channel, Confidence, Match, System};
use crate::fields;
use crate::finding::{Finding, Label};
use crate::inventory::Tool;
use crate::source::{SourceFile, Span};

/// What a tool is judged as: itself, or one component of the suite it names.
pub(super) struct Subject<'a> {
    pub tool: &'a Tool,
    pub system: Option<&'a System>,
    pub resolution: &'a Match<'a>,
    /// The suite, when `system` is one of its components.
    pub suite: Option<&'a System>,
    pub channels: &'a [Channel],
    /// Channels in use that the catalog lists as offered but unsourced.
    pub unknown: &'a [Channel],
}

impl Engine {
    /// At most one finding per rule and subject.
    pub(super) fn apply(
        &self,
        rule: &Rule,
        source: &Arc<SourceFile>,
        subject: &Subject,
    ) -> Option<Finding> {
        let Detection::Condition { when, per_channel } = &rule.detection else {
            return None;
        };
        let tool = subject.tool;
        let mut cx = Context {
            tool,
            system: subject.system,
            resolution: subject.resolution,
            channels_in_use: subject.channels,
            unknown_in_use: subject.unknown,
            channel: None,
            levels: &self.levels,
            today: self.today,
        };
        let concerned: Vec<Channel> = if *per_channel {
            let system = subject.system?;
            subject
                .channels
                .iter()
                .filter_map(|&c| system.status(c).map(|s| (c, s)))
                .filter(|&pair| {
                    cx.channel = Some(pair);
                    when.eval(&cx)
                })
                .map(|(c, _)| c)
                .collect()
        } else if when.eval(&cx) {
            Vec::new()
        } else {
            return None;
        };
        if *per_channel && concerned.is_empty() {
            return None;
        }
        cx.channel = None;
        let severity = rule
            .escalate
            .iter()
            .find(|e| e.when.eval(&cx))
            .map_or(rule.info.severity, |e| e.severity);
        let vars = Vars {
            engine: self,
            subject,
            concerned: &concerned,
        };
        let span = target_span(tool, &rule.at).unwrap_or(tool.name.span);
        let mut labels: Vec<Label> = Vec::new();
        for label in &rule.labels {
            if label.at.is_channels() {
                let listed = tool.channels.iter().flat_map(|c| &c.value);
                for item in listed.filter(|c| concerned.contains(&c.value)) {
                    // `text` stands for two channels at one span: one label says both.
                    if labels.iter().any(|l| l.span == item.span) {
                        continue;
                    }
                    let message = label.message.render(|v| match v {
                        "channel" => Some(item.value.to_string()),
                        "status_of_channel" => subject
                            .system
                            .and_then(|s| s.status(item.value))
                            .map(|s| s.to_string()),
                        _ => vars.get(v),
                    });
                    labels.push(Label {
                        source: None,
                        span: item.span,
                        message,
                    });
                }
            } else if let Some(at) = target_span(tool, &label.at).filter(|s| *s != span) {
                labels.push(Label {
                    source: None,
                    span: at,
                    message: label.message.render(|v| vars.get(v)),
                });
            }
        }
        Some(Finding {
            rule: rule.info.id.clone(),
            severity,
            message: rule.message.render(|v| vars.get(v)),
            help: rule.help.as_ref().map(|h| h.render(|v| vars.get(v)).into()),
            source: Arc::clone(source),
            span,
            labels,
            tool: Some(tool_ref(tool)),
            catalog_id: subject.system.map(|s| s.id.clone()),
            suppressed: None,
        })
    }
}

/// The span of a tool field, or `None` when the field is absent.
fn target_span(tool: &Tool, target: &Target) -> Option<Span> {
    match target {
        Target::Field(field) => tool.span_of(*field),
        Target::Label(key) => tool.labels.get(key).map(|v| v.span),
        Target::Extra(key) => tool.extra.get(key).map(|v| v.span),
        Target::Entry => Some(tool.entry),
    }
}

/// Names longer than this are shortened in messages: a megabyte-long name (anchored once,
/// aliased by a hundred tools) must not be copied into every message. The finding's `tool`
/// field keeps the name whole.
const MESSAGE_NAME: usize = 200;

/// A tool name as messages show it.
pub(super) fn shown_name(name: &str) -> String {
    if name.len() <= MESSAGE_NAME {
        return name.to_owned();
    }
    let mut cut = MESSAGE_NAME;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}… ({} bytes)", &name[..cut], name.len())
}

/// Template variables for one subject and the channels a rule concerns.
struct Vars<'a> {
    engine: &'a Engine,
    subject: &'a Subject<'a>,
    concerned: &'a [Channel],
}

impl Vars<'_> {
    fn get(&self, name: &str) -> Option<String> {
        let tool = self.subject.tool;
        let system = self.subject.system;
        let cells = || {
            self.concerned
                .iter()
                .filter_map(move |&c| Some((c, system?.cell(c)?)))
        };
        match name {
            "tool" => Some(match (self.subject.suite, system) {
                (Some(_), Some(component)) => {
                    format!(
                        "{} includes {}",
                        shown_name(&tool.name.value),
                        component.name
                    )
                }
                _ => shown_name(&tool.name.value),
            }),
            "id" => Some(tool.id.value.clone()),
            "catalog" => system.map(|s| s.name.clone()),
            "catalog_id" => system.map(|s| s.id.clone()),
            "channels" => {
                let names: Vec<&str> = self.concerned.iter().map(|c| c.as_str()).collect();
                Some(join_words(&names))
            }
            "threshold" => Some(self.engine.levels.threshold_name().to_owned()),
            "did_you_mean" => {
                if system.is_some() {
                    return None;
                }
                match self.engine.catalog.suggest(&tool.name.value).as_slice() {
                    [] => None,
                    names => {
                        let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                        Some(format!("Did you mean {}? ", quoted.join(" or ")))
                    }
                }
            }
            "candidates" => match self.subject.resolution {
                Match::Ambiguous(candidates) => {
                    let names: Vec<String> = candidates
                        .iter()
                        .map(|s| format!("{} (`system: {}`)", s.name, s.id))
                        .collect();
                    Some(names.join(", "))
                }
                _ => None,
            },
            "action" => {
                // Channels that need the same action share one clause.
                let mut actions: Vec<(String, Vec<&str>)> = Vec::new();
                for (channel, cell) in cells() {
                    let mut action = cell.status.who_acts().to_owned();
                    if let Some(requires) = &cell.requires {
                        action.push_str(&format!(" (requires {requires})"));
                    }
                    match actions.iter_mut().find(|(a, _)| *a == action) {
                        Some((_, channels)) => channels.push(channel.as_str()),
                        None => actions.push((action, vec![channel.as_str()])),
                    }
                }
                let clauses: Vec<String> = actions
                    .iter()
                    .map(|(action, channels)| format!("{}: {action}", join_words(channels)))
                    .collect();
                Some(clauses.join("; "))
            }
            // The catalog's scope of each concerned channel, as a sentence to append; empty when
            // no cell has one.
            "scope" => {
                let scopes: Vec<String> = cells()
                    .filter_map(|(c, cell)| Some(format!("{c}: {}", cell.scope.as_ref()?)))
                    .collect();
                Some(if scopes.is_empty() {
                    String::new()
                } else {
                    format!(" Scope per the catalog: {}.", scopes.join("; "))
                })
            }
            "reported" => {
                let reported: Vec<&str> = self
                    .concerned
                    .iter()
                    .filter(|&&c| {
                        system.is_some_and(|s| s.confidence_of(c) == Confidence::Reported)
                    })
                    .map(|c| c.as_str())
                    .collect();
                Some(if reported.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (the catalog's status for {} is reported by news or third parties, not confirmed by the vendor)",
                        join_words(&reported)
                    )
                })
            }
            "retired" => system.and_then(|s| s.retired.clone()),
            "reviewed" => system.map(|s| s.reviewed.clone()),
            "unknown_channels" => {
                let names: Vec<&str> = self.subject.unknown.iter().map(|c| c.as_str()).collect();
                Some(join_words(&names))
            }
            // Any field of the tool, a label or a mapped inventory's own key.
            other => match Target::parse(other).ok()? {
                Target::Field(field) => match tool.value(field) {
                    Some(value) => Some(value.to_owned()),
                    // Settings read better as "not set" than as an empty hole.
                    None => matches!(field.spec().kind, fields::Kind::Keyword(_))
                        .then(|| "not set".to_owned()),
                },
                Target::Label(key) => tool.labels.get(&key).map(|v| v.value.clone()),
                Target::Extra(key) => tool.extra.get(&key).map(|v| v.value.clone()),
                Target::Entry => None,
            },
        }
    }
}
