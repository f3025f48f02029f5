//! `oscal`: the report as an OSCAL 1.1.2 assessment-results document, for GRC platforms.
//!
//! One result for the run; one observation per tool, with its catalog classification as
//! evidence; one finding per open finding and control of its rule (a rule with no control in
//! the selected framework gives one finding targeting the rule); one risk per accepted risk,
//! with its expiry as the deadline. Every UUID is a version 5 UUID derived from a stable
//! identity (the run's inputs, then the file, tool, rule and control), so reruns give the same
//! bytes.

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;

use uuid::Uuid;

mod model;
mod pretty;

use model::*;
use pretty::{Items, Json};

use super::evidence::{ControlRow, Report, kind_text};

pub(crate) const OSCAL_VERSION: &str = "1.1.2";

/// The namespace of this project's properties.
const NS: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/ns/oscal");

/// Stable UUIDs under one document's UUID; a repeated identity gets a counter.
struct Ids {
    root: Uuid,
    /// How often each identity was seen, keyed by its first UUID (a SHA-1 of the identity), so
    /// memory stays 20 bytes per item rather than a copy of every identity's text.
    seen: HashMap<Uuid, u32>,
}

impl Ids {
    fn new(report: &Report) -> Ids {
        let project = Uuid::new_v5(&Uuid::NAMESPACE_URL, NS.as_bytes());
        let h = &report.header;
        let mut identity = format!(
            "assessment-results\n{}\n{}\n{}\n",
            h.evaluated_on,
            h.commit.as_deref().unwrap_or(""),
            h.framework.as_deref().unwrap_or("")
        );
        for input in &h.inputs {
            identity.push_str(&format!("{} {} {}\n", input.kind, input.path, input.sha256));
        }
        Ids {
            root: Uuid::new_v5(&project, identity.as_bytes()),
            seen: HashMap::new(),
        }
    }

    fn of(&mut self, identity: &str) -> Uuid {
        let first = Uuid::new_v5(&self.root, identity.as_bytes());
        let n = self.seen.entry(first).or_insert(0);
        *n += 1;
        if *n == 1 {
            first
        } else {
            Uuid::new_v5(&self.root, format!("{identity}\n#{n}").as_bytes())
        }
    }
}

/// Inventory text for OSCAL's markup fields (Markdown): escaped like the Markdown report, so
/// a GRC tool that renders it shows text, never markup; never blank.
fn text(value: &str, fallback: &str) -> String {
    md(if value.trim().is_empty() {
        fallback
    } else {
        value
    })
}

fn md(value: &str) -> String {
    super::report::cell(value)
}

fn related(uuid: &Uuid) -> Related {
    Related {
        observation_uuid: uuid.to_string(),
    }
}

/// The objectives findings target: each selected control, and each rule mapped to none, with
/// the observations holding an open finding of their rules (each observation once).
struct Objectives {
    /// Per control (in the report's order), then per unmapped rule (in first-seen order).
    list: Vec<Objective>,
    /// The objectives each rule's findings count against, by rule.
    of_rule: HashMap<String, Vec<usize>>,
}

struct Objective {
    target: String,
    control: String,
    rules: Vec<String>,
    observations: Vec<u32>,
}

impl Objectives {
    fn new(controls: &[ControlRow]) -> Objectives {
        let mut of_rule: HashMap<String, Vec<usize>> = HashMap::new();
        let list = controls
            .iter()
            .enumerate()
            .map(|(i, c)| {
                for rule in &c.rules {
                    of_rule.entry(rule.clone()).or_default().push(i);
                }
                Objective {
                    target: c.control_id.clone(),
                    control: c.control.clone(),
                    rules: Vec::new(),
                    observations: Vec::new(),
                }
            })
            .collect();
        Objectives { list, of_rule }
    }

    /// Records that observation `index` holds an open finding of `rule`.
    fn touch(&mut self, rule: &str, index: u32) {
        if !self.of_rule.contains_key(rule) {
            // A rule with no control in the selection is an objective of its own.
            self.of_rule.insert(rule.to_owned(), vec![self.list.len()]);
            self.list.push(Objective {
                target: format!("rule-{rule}"),
                control: format!("rule {rule}"),
                rules: Vec::new(),
                observations: Vec::new(),
            });
        }
        for &i in self.of_rule.get(rule).into_iter().flatten() {
            if let Some(objective) = self.list.get_mut(i) {
                if !objective.rules.iter().any(|r| r == rule) {
                    objective.rules.push(rule.to_owned());
                }
                // Observations are numbered in writing order, so a repeat is the last one.
                if objective.observations.last() != Some(&index) {
                    objective.observations.push(index);
                }
            }
        }
    }

    /// The objectives with an open finding: controls in the report's order, then rules.
    fn touched(self) -> impl Iterator<Item = Objective> {
        self.list
            .into_iter()
            .filter(|o| !o.observations.is_empty())
            .map(|mut o| {
                o.rules.sort();
                o
            })
    }
}

/// Writes the document. Observations, risks and findings are written one at a time from typed
/// structs, so memory stays bounded by one item however many tools there are.
pub(crate) fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut json = Json::default();
    let mut ids = Ids::new(report);
    let h = &report.header;
    let when = format!("{}T00:00:00Z", h.evaluated_on);
    let orgs = h.organizations.join(", ");
    let selection = if report.controls.is_empty() {
        Selection {
            include_all: Some(Empty {}),
            include_controls: None,
        }
    } else {
        Selection {
            include_all: None,
            include_controls: Some(
                report
                    .controls
                    .iter()
                    .map(|c| ControlId {
                        control_id: &c.control_id,
                    })
                    .collect(),
            ),
        }
    };
    let result_uuid = ids.of("result").to_string();
    let c = &report.summary.coverage;
    let counts = [
        ("coverage-files", c.files),
        ("coverage-files-without-tools", c.files_without_tools),
        ("coverage-tools", c.tools),
        ("coverage-communication", c.communication),
        ("coverage-catalog", c.catalog),
        ("coverage-unclassified", c.unclassified),
        ("coverage-ambiguous", c.ambiguous),
        ("coverage-judged", c.judged),
        ("coverage-invalid", c.invalid),
        ("coverage-not-applicable", c.not_applicable),
    ]
    .map(|(name, n)| prop(name, &n.to_string()));
    let result = ResultHead {
        description: format!(
            "{} {} checked {} tool(s) in {} inventory file(s) against its catalog and rules. {}",
            h.generator.name,
            h.generator.version,
            report.summary.tools_listed,
            report.summary.files,
            md(&report.verdict_line())
        ),
        props: [
            prop("verdict", report.summary.verdict),
            h.commit.as_deref().and_then(|c| prop("commit", c)),
            h.framework.as_deref().and_then(|f| prop("framework", f)),
        ]
        .into_iter()
        .chain(counts)
        .chain(
            // Each company change to the catalog the verdict rests on.
            report
                .catalog_overrides
                .iter()
                .map(|c| prop("catalog-override", &c.line())),
        )
        .chain(
            // Each severity override that lowers a verdict rule below the threshold.
            report
                .lowered_verdict_rules
                .iter()
                .map(|l| prop("verdict-rule-lowered", &l.words())),
        )
        .flatten()
        .collect(),
        reviewed_controls: ReviewedControls {
            control_selections: [selection],
        },
        start: &when,
        title: "E2EE policy check",
        uuid: result_uuid,
    };

    let parties: Vec<Party> = h
        .organizations
        .iter()
        .filter(|o| !o.trim().is_empty())
        .map(|o| Party {
            name: o,
            kind: "organization",
            uuid: ids.of(&format!("party\n{o}")).to_string(),
        })
        .collect();
    let metadata = Metadata {
        last_modified: &when,
        oscal_version: OSCAL_VERSION,
        parties,
        props: h
            .inputs
            .iter()
            .filter_map(|i| {
                prop(
                    "input-sha256",
                    &format!("{} {} {}", i.kind, i.sha256, i.path),
                )
            })
            .collect(),
        title: if orgs.is_empty() {
            "End-to-end encryption compliance assessment".to_owned()
        } else {
            format!("End-to-end encryption compliance assessment: {}", md(&orgs))
        },
        version: &h.evaluated_on,
    };
    let document = DocumentHead {
        uuid: ids.of("document").to_string(),
        metadata,
        import_ap: Href {
            href: format!("urn:uuid:{}", ids.of("assessment-plan")),
        },
    };
    out.write_all(b"{\n  \"assessment-results\": {")?;
    json.fields(out, &document, 2)?;
    out.write_all(b",\n    \"results\": [\n      {")?;
    json.fields(out, &result, 4)?;

    // What the findings section needs from the observations: each one's UUID and the open
    // findings' rules it carries, by index (4 bytes a reference, not a copy of any text).
    let mut observation_uuids: Vec<Uuid> = Vec::with_capacity(report.tools.len());
    // By file, then tool id: a tool's first observation, for accepted risks to refer to (only
    // the tools some risk names are kept).
    let mut observation_of: HashMap<Arc<str>, HashMap<Arc<str>, u32>> = HashMap::new();
    let risky: std::collections::HashSet<(&str, &str)> = report
        .accepted_risks
        .iter()
        .filter_map(|r| Some((r.file.as_str(), r.tool_id.as_deref()?)))
        .collect();
    let mut objectives = Objectives::new(&report.controls);
    let mut items = Items::new("observations");
    for tool in report.tools.iter() {
        let uuid = ids.of(&format!(
            "observation\n{}\n{}\n{}",
            tool.file, tool.line, tool.id
        ));
        let index = observation_uuids.len() as u32;
        observation_uuids.push(uuid);
        if risky.contains(&(&*tool.file, &*tool.id)) {
            observation_of
                .entry(Arc::clone(&tool.file))
                .or_default()
                .entry(Arc::clone(&tool.id))
                .or_insert(index);
        }
        let classification = match (&tool.catalog_name, &tool.reviewed) {
            (Some(name), Some(reviewed)) => format!(
                "Catalog classification of {name} (reviewed {reviewed}): {}.",
                if tool.channels.is_empty() {
                    "no channel in use".to_owned()
                } else {
                    tool.channels
                        .iter()
                        .map(|c| format!("{}: {}", c.channel, c.status))
                        .collect::<Vec<_>>()
                        .join("; ")
                }
            ),
            _ => "The catalog has no entry for this tool.".to_owned(),
        };
        // The tool's open findings are evidence of this observation, each written once; the
        // findings section refers to the observation from every control their rules map to.
        let open: Vec<_> = tool.findings.iter().filter(|f| f.state == "open").collect();
        for f in &open {
            objectives.touch(&f.rule, index);
        }
        let title = text(&tool.name, &tool.id);
        let observation = Observation {
            collected: &when,
            description: format!(
                "{title} ({}:{}): outcome {}.",
                md(&tool.file),
                tool.line,
                tool.outcome_text()
            ),
            methods: ["EXAMINE"],
            props: [
                prop("outcome", tool.outcome.as_str()),
                prop("tool-id", &tool.id),
                tool.catalog_id
                    .as_deref()
                    .and_then(|c| prop("catalog-id", c)),
                tool.data_classification
                    .as_deref()
                    .and_then(|c| prop("data-classification", c)),
                tool.configured.and_then(|c| prop("configured", c)),
            ]
            .into_iter()
            .flatten()
            .collect(),
            relevant_evidence: std::iter::once(Evidence {
                description: classification,
                href: tool.sources.first().map(|url| &**url),
            })
            .chain(open.iter().map(|f| Evidence {
                description: format!(
                    "Open finding {} ({}): {}",
                    f.rule,
                    f.severity,
                    text(&f.message, &f.rule)
                ),
                href: None,
            }))
            .collect(),
            title,
            uuid: uuid.to_string(),
        };
        items.push(out, &mut json, &observation)?;
    }
    // A finding about no tool (a file without a tool list, say) is its own observation.
    for f in report.findings.iter().filter(|f| f.tool_id.is_none()) {
        let uuid = ids.of(&format!(
            "observation\n{}\n{}\n{}\n{}",
            f.file, f.line, f.column, f.rule
        ));
        let index = observation_uuids.len() as u32;
        observation_uuids.push(uuid);
        objectives.touch(&f.rule, index);
        let observation = Observation {
            collected: &when,
            description: format!(
                "{} ({} at {}:{}:{}).",
                text(&f.message, &f.rule),
                f.severity,
                md(&f.file),
                f.line,
                f.column
            ),
            methods: ["EXAMINE"],
            props: prop("rule", &f.rule).into_iter().collect(),
            relevant_evidence: vec![Evidence {
                description: format!("Open finding {} ({}).", f.rule, f.severity),
                href: None,
            }],
            title: format!("{}: {}", f.rule, md(&f.file)),
            uuid: uuid.to_string(),
        };
        items.push(out, &mut json, &observation)?;
    }
    items.end(out)?;

    let mut items = Items::new("risks");
    for r in &report.accepted_risks {
        let tool = r.tool.as_deref().unwrap_or("");
        let mut statement = format!("Accepted by {}", kind_text(r.kind));
        if let Some(approver) = &r.approved_by {
            statement.push_str(&format!(", approved by {}", md(approver)));
        }
        if let Some(ticket) = &r.ticket {
            statement.push_str(&format!(", ticket {}", md(ticket)));
        }
        if let Some(expires) = &r.expires {
            statement.push_str(&format!(", expires {expires}"));
        }
        statement.push('.');
        let risk = RiskItem {
            deadline: r.expires.as_ref().map(|e| format!("{e}T23:59:59Z")),
            description: text(&r.reason, "no reason recorded"),
            props: [
                prop("rule", &r.rule),
                prop("state", r.state),
                r.approved_by
                    .as_deref()
                    .and_then(|a| prop("approved-by", a)),
                r.ticket.as_deref().and_then(|t| prop("ticket", t)),
            ]
            .into_iter()
            .flatten()
            .collect(),
            related_observations: r
                .tool_id
                .as_deref()
                .and_then(|id| observation_of.get(r.file.as_str())?.get(id))
                .and_then(|&i| observation_uuids.get(i as usize))
                .map(|u| vec![related(u)]),
            statement,
            status: "deviation-approved",
            title: format!("Accepted risk: {} for {}", r.rule, text(tool, &r.file)),
            uuid: ids
                .of(&format!(
                    "risk\n{}\n{}\n{}\n{}\n{}",
                    r.file,
                    r.line,
                    r.tool_id.as_deref().unwrap_or(""),
                    r.rule,
                    kind_text(r.kind)
                ))
                .to_string(),
        };
        items.push(out, &mut json, &risk)?;
    }
    items.end(out)?;

    // One finding per control objective (or per rule mapped to no control) with an open
    // finding, referring to the observations that hold those findings: a finding's text is
    // written once, in its observation, however many controls its rule maps to.
    let mut items = Items::new("findings");
    for objective in objectives.touched() {
        let finding = FindingItem {
            description: format!(
                "{} observation(s) with an open finding of {}, against {}.",
                objective.observations.len(),
                objective.rules.join(", "),
                objective.control
            ),
            props: objective
                .rules
                .iter()
                .filter_map(|rule| prop("rule", rule))
                .collect(),
            related_observations: RelatedList {
                uuids: &observation_uuids,
                indices: &objective.observations,
            },
            target: Target {
                status: State {
                    state: "not-satisfied",
                },
                target_id: &objective.target,
                kind: "objective-id",
            },
            title: format!("Not satisfied: {}", objective.control),
            uuid: ids
                .of(&format!("finding\n{}", objective.target))
                .to_string(),
        };
        items.push(out, &mut json, &finding)?;
    }
    items.end(out)?;

    out.write_all(b"\n      }\n    ]\n  }\n}\n")
}
