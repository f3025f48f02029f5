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

use serde_json::{Value, json};
use uuid::Uuid;

use super::evidence::{ControlRow, Report, kind_text};

pub(crate) const OSCAL_VERSION: &str = "1.1.2";

/// The namespace of this project's properties.
const NS: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/ns/oscal");

/// Stable UUIDs under one document's UUID; a repeated identity gets a counter.
struct Ids {
    root: Uuid,
    seen: HashMap<String, usize>,
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

    fn of(&mut self, identity: String) -> String {
        let n = self.seen.entry(identity.clone()).or_insert(0);
        *n += 1;
        let name = if *n == 1 {
            identity
        } else {
            format!("{identity}\n#{n}")
        };
        Uuid::new_v5(&self.root, name.as_bytes()).to_string()
    }
}

/// A property; OSCAL strings are one line without surrounding space.
fn prop(name: &str, value: &str) -> Option<Value> {
    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
    (!value.is_empty()).then(|| json!({"name": name, "ns": NS, "value": value}))
}

/// Puts `key: items` into `object` unless `items` is empty (OSCAL arrays have one item at
/// least).
fn put(object: &mut Value, key: &str, items: Vec<Value>) {
    if !items.is_empty()
        && let Some(map) = object.as_object_mut()
    {
        map.insert(key.to_owned(), Value::Array(items));
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

/// Writes the document. Observations, risks and findings are written one at a time, so memory
/// stays bounded by one item however many tools there are.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut ids = Ids::new(report);
    let h = &report.header;
    let when = format!("{}T00:00:00Z", h.evaluated_on);
    let orgs = h.organizations.join(", ");
    let selection = if report.controls.is_empty() {
        json!({"include-all": {}})
    } else {
        json!({"include-controls": report.controls.iter()
            .map(|c| json!({"control-id": c.control_id}))
            .collect::<Vec<_>>()})
    };
    let mut result = json!({
        "uuid": ids.of("result".into()),
        "title": "E2EE policy check",
        "description": format!(
            "{} {} checked {} tool(s) in {} inventory file(s) against its catalog and rules. {}",
            h.generator.name, h.generator.version, report.summary.tools_listed,
            report.summary.files, report.verdict_line()
        ),
        "start": when,
        "reviewed-controls": {"control-selections": [selection]},
    });
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
    let props: Vec<Value> = [
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
    .flatten()
    .collect();
    put(&mut result, "props", props);

    let mut metadata = json!({
        "title": if orgs.is_empty() {
            "End-to-end encryption compliance assessment".to_owned()
        } else {
            format!("End-to-end encryption compliance assessment: {}", md(&orgs))
        },
        "last-modified": when,
        "version": h.evaluated_on,
        "oscal-version": OSCAL_VERSION,
    });
    let parties: Vec<Value> = h
        .organizations
        .iter()
        .filter(|o| !o.trim().is_empty())
        .map(|o| json!({"uuid": ids.of(format!("party\n{o}")), "type": "organization", "name": o}))
        .collect();
    put(&mut metadata, "parties", parties);
    let inputs: Vec<Value> = h
        .inputs
        .iter()
        .filter_map(|i| {
            prop(
                "input-sha256",
                &format!("{} {} {}", i.kind, i.sha256, i.path),
            )
        })
        .collect();
    put(&mut metadata, "props", inputs);
    let document = json!({
        "uuid": ids.of("document".into()),
        "metadata": metadata,
        "import-ap": {"href": format!("urn:uuid:{}", ids.of("assessment-plan".into()))},
    });
    out.write_all(b"{\n  \"assessment-results\": {")?;
    fields(out, &document, 2)?;
    out.write_all(b",\n    \"results\": [\n      {")?;
    fields(out, &result, 4)?;
    let mut observation_of: HashMap<(&str, &str), String> = HashMap::new();
    let mut items = Items::new(out, "observations");
    for tool in &report.tools {
        let uuid = ids.of(format!(
            "observation\n{}\n{}\n{}",
            tool.file, tool.line, tool.id
        ));
        observation_of
            .entry((&tool.file, &tool.id))
            .or_insert_with(|| uuid.clone());
        let channels: Vec<String> = tool
            .channels
            .iter()
            .map(|c| format!("{}: {}", c.channel, c.status))
            .collect();
        let classification = match (&tool.catalog_name, &tool.reviewed) {
            (Some(name), Some(reviewed)) => format!(
                "Catalog classification of {name} (reviewed {reviewed}): {}.",
                if channels.is_empty() {
                    "no channel in use".to_owned()
                } else {
                    channels.join("; ")
                }
            ),
            _ => "The catalog has no entry for this tool.".to_owned(),
        };
        let mut evidence = json!({"description": classification});
        if let Some(url) = tool.sources.first()
            && let Some(map) = evidence.as_object_mut()
        {
            map.insert("href".into(), Value::String(url.clone()));
        }
        let mut observation = json!({
            "uuid": uuid,
            "title": text(&tool.name, &tool.id),
            "description": format!(
                "{} ({}:{}): outcome {}.",
                text(&tool.name, &tool.id), md(&tool.file), tool.line, tool.outcome.as_str()
            ),
            "methods": ["EXAMINE"],
            "relevant-evidence": [evidence],
            "collected": when,
        });
        let props: Vec<Value> = [
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
        .collect();
        put(&mut observation, "props", props);
        items.push(&observation)?;
    }
    items.end()?;

    let mut controls_of: HashMap<&str, Vec<&ControlRow>> = HashMap::new();
    for control in &report.controls {
        for rule in &control.rules {
            controls_of.entry(rule).or_default().push(control);
        }
    }
    let mut items = Items::new(out, "risks");
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
        let mut risk = json!({
            "uuid": ids.of(format!(
                "risk\n{}\n{}\n{}\n{}\n{}",
                r.file, r.line, r.tool_id.as_deref().unwrap_or(""), r.rule, kind_text(r.kind)
            )),
            "title": format!("Accepted risk: {} for {}", r.rule, text(tool, &r.file)),
            "description": text(&r.reason, "no reason recorded"),
            "statement": statement,
            "status": "deviation-approved",
        });
        if let (Some(expires), Some(map)) = (&r.expires, risk.as_object_mut()) {
            map.insert(
                "deadline".into(),
                Value::String(format!("{expires}T23:59:59Z")),
            );
        }
        let props: Vec<Value> = [
            prop("rule", &r.rule),
            prop("state", r.state),
            r.approved_by
                .as_deref()
                .and_then(|a| prop("approved-by", a)),
            r.ticket.as_deref().and_then(|t| prop("ticket", t)),
        ]
        .into_iter()
        .flatten()
        .collect();
        put(&mut risk, "props", props);
        if let Some(uuid) = r
            .tool_id
            .as_deref()
            .and_then(|id| observation_of.get(&(r.file.as_str(), id)))
        {
            put(
                &mut risk,
                "related-observations",
                vec![json!({"observation-uuid": uuid})],
            );
        }
        items.push(&risk)?;
    }
    items.end()?;

    let mut items = Items::new(out, "findings");
    for f in &report.findings {
        let related = f
            .tool_id
            .as_deref()
            .and_then(|id| observation_of.get(&(&*f.file, id)));
        let targets: Vec<(String, String)> = match controls_of.get(&*f.rule) {
            Some(controls) => controls
                .iter()
                .map(|c| (c.control_id.clone(), c.control.clone()))
                .collect(),
            None => vec![(format!("rule-{}", f.rule), format!("rule {}", f.rule))],
        };
        for (target, control) in targets {
            let mut finding = json!({
                "uuid": ids.of(format!(
                    "finding\n{}\n{}\n{}\n{}\n{}\n{target}",
                    f.file, f.line, f.column, f.rule, f.message
                )),
                "title": format!("{}: {}", f.rule, text(f.tool.as_deref().unwrap_or(""), &f.file)),
                "description": format!(
                    "{} ({} at {}:{}:{}), against {control}.",
                    text(&f.message, &f.rule), f.severity, md(&f.file), f.line, f.column
                ),
                "target": {
                    "type": "objective-id",
                    "target-id": target,
                    "status": {"state": "not-satisfied"},
                },
            });
            put(
                &mut finding,
                "props",
                prop("rule", &f.rule).into_iter().collect(),
            );
            if let Some(uuid) = related {
                put(
                    &mut finding,
                    "related-observations",
                    vec![json!({"observation-uuid": uuid})],
                );
            }
            items.push(&finding)?;
        }
    }
    items.end()?;

    out.write_all(b"\n      }\n    ]\n  }\n}\n")
}

/// Writes an object's fields (without braces) at `depth` levels of indentation.
fn fields(out: &mut dyn Write, object: &Value, depth: usize) -> io::Result<()> {
    let Some(map) = object.as_object() else {
        return Ok(());
    };
    let indent = "  ".repeat(depth);
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        let key = serde_json::to_string(key).map_err(io::Error::other)?;
        write!(out, "\n{indent}{key}: ")?;
        nested(out, value, depth)?;
    }
    Ok(())
}

/// Pretty-prints `value` as it appears nested `depth` levels deep.
fn nested(out: &mut dyn Write, value: &Value, depth: usize) -> io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    let indent = "  ".repeat(depth);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            write!(out, "\n{indent}")?;
        }
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// A JSON array field of the result, written item by item; left out when empty (OSCAL arrays
/// have one item at least).
struct Items<'a> {
    out: &'a mut dyn Write,
    key: &'static str,
    count: usize,
}

impl<'a> Items<'a> {
    fn new(out: &'a mut dyn Write, key: &'static str) -> Items<'a> {
        Items { out, key, count: 0 }
    }

    fn push(&mut self, item: &Value) -> io::Result<()> {
        if self.count == 0 {
            write!(self.out, ",\n        \"{}\": [\n          ", self.key)?;
        } else {
            self.out.write_all(b",\n          ")?;
        }
        self.count += 1;
        nested(self.out, item, 5)
    }

    fn end(self) -> io::Result<()> {
        if self.count > 0 {
            self.out.write_all(b"\n        ]")?;
        }
        Ok(())
    }
}
