//! Runs one condition rule over one tool (or one component of a suite) and builds its finding:
//! severity, message and help from the rule's templates, labels at the fields the rule names.

use std::fmt::Write as _;
use std::sync::Arc;

use super::Engine;
use super::condition::Context;
use super::intern::Interner;
use super::rule::{Detection, Rule, Target};
use super::template::{Template, echo, join_words};
use crate::catalog::{Channel, Confidence, Match, System};
use crate::fields;
use crate::finding::{Finding, Label, ToolRef};
use crate::inventory::Tool;
use crate::source::{SourceFile, Span};

/// What a tool is judged as: itself, or one component of the suite it names.
pub(super) struct Subject<'a> {
    pub(crate) tool: &'a Tool,
    /// The tool's name and id, shared by its findings and its summary.
    pub names: &'a ToolRef,
    pub(crate) system: Option<&'a System>,
    pub(crate) resolution: &'a Match<'a>,
    /// The suite, when `system` is one of its components.
    pub(crate) suite: Option<&'a System>,
    pub channels: &'a [Channel],
    /// Channels in use that the catalog lists as offered but unsourced.
    pub(crate) unknown: &'a [Channel],
}

impl Engine {
    /// At most one finding per rule and subject; its texts come from (and go into) `strings`.
    pub(super) fn apply(
        &self,
        rule: &Rule,
        source: &Arc<SourceFile>,
        subject: &Subject,
        strings: &mut Interner,
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
        let render = |strings: &mut Interner, template: &Template| {
            strings.render(|out| template.render_into(out, |v, out| vars.write(v, out)))
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
                    let message = strings.render(|out| {
                        label.message.render_into(out, |v, out| match v {
                            "channel" => out.push_str(item.value.as_str()),
                            "status_of_channel" => {
                                if let Some(status) =
                                    subject.system.and_then(|s| s.status(item.value))
                                {
                                    let _ = write!(out, "{status}");
                                }
                            }
                            _ => vars.write(v, out),
                        });
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
                    message: render(strings, &label.message),
                });
            }
        }
        labels.shrink_to_fit();
        Some(Finding {
            rule: Arc::clone(&rule.info.id),
            severity,
            message: render(strings, &rule.message),
            help: rule.help.as_ref().map(|h| render(strings, h)),
            source: Arc::clone(source),
            span,
            labels,
            tool: Some(subject.names.clone()),
            catalog_id: subject.system.map(|s| strings.get(&s.id)),
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

/// A tool name as messages show it: bounded (see [`echo`]); the finding's `tool` field keeps
/// the name whole.
pub(super) fn shown_name(name: &str) -> String {
    let mut out = String::new();
    echo(&mut out, name);
    out
}

/// What end-to-end encryption covers on one channel, in words that are true for its status: a
/// `partial` cell says what is covered and what is not, never "not on by default". The flag says
/// the words lead with the channels ("voice: E2EE by default for ...") rather than end with them
/// ("... for text_1to1").
fn coverage(cell: &crate::catalog::Cell) -> (String, bool) {
    use crate::catalog::{Enabler, Support};
    let text = match cell.status {
        Support::Partial => {
            let text = match (&cell.covered, &cell.not_covered) {
                (Some(yes), Some(no)) => format!("E2EE by default for {yes}, not for {no}"),
                _ => format!(
                    "E2EE on some surfaces only: {}",
                    cell.scope.as_deref().unwrap_or("")
                ),
            };
            return (text, true);
        }
        Support::Default => "E2EE by default",
        Support::OptIn => match cell.enabler() {
            Enabler::Admin => {
                "E2EE is off until a user or host turns it on, or an administrator makes it the rule,"
            }
            Enabler::Host => "E2EE is off until the host turns it on",
            _ => "E2EE is off until each user turns it on",
        },
        Support::AdminOptIn => "E2EE is off until an administrator allows it",
        Support::OrgKeys => "keys are held by the organisation's key service (not E2EE)",
        Support::None => "no E2EE",
    };
    (text.to_owned(), false)
}

/// Template variables for one subject and the channels a rule concerns.
struct Vars<'a> {
    engine: &'a Engine,
    subject: &'a Subject<'a>,
    concerned: &'a [Channel],
}

impl Vars<'_> {
    /// Appends the value of variable `name`; nothing when it has none.
    fn write(&self, name: &str, out: &mut String) {
        let tool = self.subject.tool;
        let system = self.subject.system;
        let cells = || {
            self.concerned
                .iter()
                .filter_map(move |&c| Some((c, system?.cell(c)?)))
        };
        match name {
            "tool" => {
                echo(out, &tool.name.value);
                if let (Some(_), Some(component)) = (self.subject.suite, system) {
                    let _ = write!(out, " includes {}", component.name);
                }
            }
            "id" => echo(out, &tool.id.value),
            "catalog" => {
                if let Some(s) = system {
                    out.push_str(&s.name);
                }
            }
            "catalog_id" => {
                if let Some(s) = system {
                    out.push_str(&s.id);
                }
            }
            "channels" => {
                let names: Vec<&str> = self.concerned.iter().map(|c| c.as_str()).collect();
                out.push_str(&join_words(&names));
            }
            "threshold" => out.push_str(self.engine.levels.threshold_name()),
            "did_you_mean" => {
                if system.is_some() {
                    return;
                }
                let names = match self.subject.resolution {
                    Match::Near(near) => near.iter().map(|s| s.name.as_str()).collect(),
                    _ => self.engine.catalog.suggest(&tool.name.value),
                };
                if !names.is_empty() {
                    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                    let _ = write!(out, "Did you mean {}? ", quoted.join(" or "));
                }
            }
            "candidates" => {
                if let Match::Ambiguous(candidates) = self.subject.resolution {
                    for (i, s) in candidates.iter().enumerate() {
                        let sep = if i == 0 { "" } else { ", " };
                        let _ = write!(out, "{sep}{} (`system: {}`)", s.name, s.id);
                    }
                }
            }
            "action" => {
                // Channels that need the same action share one clause.
                let mut actions: Vec<(String, Vec<&str>)> = Vec::new();
                for (channel, cell) in cells() {
                    let mut action = cell.status.who_acts().to_owned();
                    if let Some(requires) = &cell.requires {
                        let _ = write!(action, " (requires {requires})");
                    }
                    match actions.iter_mut().find(|(a, _)| *a == action) {
                        Some((_, channels)) => channels.push(channel.as_str()),
                        None => actions.push((action, vec![channel.as_str()])),
                    }
                }
                for (i, (action, channels)) in actions.iter().enumerate() {
                    let sep = if i == 0 { "" } else { "; " };
                    let _ = write!(out, "{sep}{}: {action}", join_words(channels));
                }
            }
            // The catalog's scope of each concerned channel, as a sentence to append; empty when
            // no cell has one.
            "scope" => {
                let scoped = cells().filter_map(|(c, cell)| Some((c, cell.scope.as_ref()?)));
                for (i, (channel, scope)) in scoped.enumerate() {
                    let head = if i == 0 {
                        " Scope per the catalog: "
                    } else {
                        "; "
                    };
                    let _ = write!(out, "{head}{channel}: {scope}");
                }
                if cells().any(|(_, cell)| cell.scope.is_some()) {
                    out.push('.');
                }
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
                if !reported.is_empty() {
                    let _ = write!(
                        out,
                        " (the catalog's status for {} is reported by news or third parties, not confirmed by the vendor)",
                        join_words(&reported)
                    );
                }
            }
            "retired" => {
                if let Some(retired) = system.and_then(|s| s.retired.as_deref()) {
                    out.push_str(retired);
                }
            }
            "reviewed" => {
                if let Some(s) = system {
                    out.push_str(&s.reviewed);
                }
            }
            // What E2EE covers on each concerned channel, channels with the same words together:
            // "E2EE is off until each user turns it on for text_1to1 and files; voice: E2EE by
            // default for 1:1 calls, not for group video chats".
            "coverage" => {
                let mut groups: Vec<((String, bool), Vec<&str>)> = Vec::new();
                for (channel, cell) in cells() {
                    let text = coverage(cell);
                    match groups.iter_mut().find(|(t, _)| *t == text) {
                        Some((_, channels)) => channels.push(channel.as_str()),
                        None => groups.push((text, vec![channel.as_str()])),
                    }
                }
                for (i, ((text, leads), channels)) in groups.iter().enumerate() {
                    let sep = if i == 0 { "" } else { "; " };
                    let channels = join_words(channels);
                    if *leads {
                        let _ = write!(out, "{sep}{channels}: {text}");
                    } else {
                        let _ = write!(out, "{sep}{text} for {channels}");
                    }
                }
            }
            "weaker_mode_settings" => {
                let modes = super::active_weaker_modes(system, tool, self.subject.channels);
                let settings: Vec<String> =
                    modes.map(|m| format!("`{}: off`", m.setting)).collect();
                out.push_str(&join_words(&settings));
            }
            "weaker_modes" => {
                let modes = super::active_weaker_modes(system, tool, self.subject.channels);
                for (i, mode) in modes.enumerate() {
                    let sep = if i == 0 { "" } else { "; " };
                    let _ = write!(out, "{sep}{}", mode.says);
                }
            }
            "unknown_channels" => {
                let names: Vec<&str> = self.subject.unknown.iter().map(|c| c.as_str()).collect();
                out.push_str(&join_words(&names));
            }
            // Any field of the tool, a label or a mapped inventory's own key.
            other => match Target::parse(other) {
                Ok(Target::Field(field)) => match tool.value(field) {
                    Some(value) => echo(out, value),
                    // Settings read better as "not set" than as an empty hole.
                    None if matches!(field.spec().kind, fields::Kind::Keyword(_)) => {
                        out.push_str("not set");
                    }
                    None => {}
                },
                Ok(Target::Label(key)) => {
                    if let Some(v) = tool.labels.get(&key) {
                        echo(out, &v.value);
                    }
                }
                Ok(Target::Extra(key)) => {
                    if let Some(v) = tool.extra.get(&key) {
                        echo(out, &v.value);
                    }
                }
                Ok(Target::Entry) | Err(_) => {}
            },
        }
    }
}
