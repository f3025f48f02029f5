//! The evidence formats (`markdown`, `html`, `csv`, `report-json`, `oscal`): snapshots,
//! reproducibility, escaping of hostile names, the report-json schema, `--since`,
//! `--framework`, the evidence header and atomic writes.

mod common;

use std::fs;
use std::path::Path;

use common::{Output, e2ee_lint_env};
use serde_json::Value;

/// 2026-11-27T12:00:00Z.
const EPOCH: &str = "1795780800";
const FORMATS: [&str; 5] = ["markdown", "html", "csv", "report-json", "oscal"];
const FIXTURES: [&str; 3] = [
    "fixtures/evidence/acme",
    "fixtures/acme.yaml",
    "fixtures/evidence/hostile.yaml",
];

fn run(args: &[&str]) -> Output {
    e2ee_lint_env(args, &[("SOURCE_DATE_EPOCH", EPOCH)])
}

fn render(fixture: &str, format: &str) -> Output {
    run(&["check", fixture, "--format", format])
}

fn report_json(args: &[&str]) -> Value {
    let out = run(&[args, &["--format", "report-json"]].concat());
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stderr))
}

#[test]
fn snapshots_of_every_format() {
    // Every snapshot is compared before the test fails, so one run writes every `.snap.new`.
    let mut differ = Vec::new();
    for fixture in FIXTURES {
        for format in FORMATS {
            if (fixture, format) == ("fixtures/acme.yaml", "oscal") {
                continue; // 160 kB of findings × controls; the other two show the shape
            }
            let out = render(fixture, format);
            assert!(
                out.code == 0 || out.code == 1,
                "{fixture} {format}: {}",
                out.stderr
            );
            let name = format!("{}-{format}", fixture.replace(['/', '.'], "_"));
            let compared = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                insta::assert_snapshot!(name.clone(), out.stdout);
            }));
            if compared.is_err() {
                differ.push(name);
            }
        }
    }
    assert!(differ.is_empty(), "snapshots differ: {differ:?}");
}

#[test]
fn reruns_are_byte_identical_and_files_equal_the_stream() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = "fixtures/evidence/acme";
    let mut args = vec!["check".to_owned(), fixture.to_owned()];
    for format in FORMATS {
        args.push("-o".into());
        args.push(format!("{format}={}", dir.path().join(format).display()));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let first = run(&args);
    assert_eq!(first.code, 1, "{}", first.stderr);
    for format in FORMATS {
        let written = fs::read_to_string(dir.path().join(format)).unwrap();
        assert_eq!(written, render(fixture, format).stdout, "{format}");
        assert_eq!(written, render(fixture, format).stdout, "{format} rerun");
    }
    // The exit code does not depend on the format.
    for format in FORMATS {
        assert_eq!(render(fixture, format).code, 1, "{format}");
    }
    assert_eq!(render("fixtures/seed/signal.yaml", "html").code, 0);
}

#[test]
fn report_is_an_alias_of_markdown() {
    let fixture = "fixtures/evidence/acme";
    assert_eq!(
        render(fixture, "report").stdout,
        render(fixture, "markdown").stdout
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.md");
    let out = run(&[
        "check",
        fixture,
        "-o",
        &format!("report={}", path.display()),
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        fs::read_to_string(path).unwrap(),
        render(fixture, "markdown").stdout
    );
}

#[test]
fn html_escapes_hostile_names_and_loads_nothing() {
    let html = render("fixtures/evidence/hostile.yaml", "html").stdout;
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "{html}");
    assert!(!lower.contains("<img"), "{html}");
    assert!(lower.contains("&lt;script&gt;document.title="));
    assert!(lower.contains("&lt;img src=x onerror="));
    for forbidden in ["<link", "@import", "url(", "<iframe", "<object", "<embed"] {
        assert!(!lower.contains(forbidden), "{forbidden}");
    }
    // Only inert elements: nothing loads or runs.
    let allowed = [
        "!doctype",
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "h1",
        "h2",
        "h3",
        "p",
        "section",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "span",
        "br",
        "code",
        "strong",
        "small",
        "a",
        "ul",
        "li",
        "figure",
        "figcaption",
        "svg",
        "rect",
        "text",
        "footer",
        "div",
        "wbr",
        "details",
        "summary",
        "tspan",
    ];
    for tag in lower.split('<').skip(1) {
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
            .collect();
        assert!(allowed.contains(&name.as_str()), "<{name}>");
    }
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'"
    ));
    assert!(html.contains("Slack \\u{202e} kcalS"));
    assert!(!html.contains('\u{202e}'));
    assert!(html.contains(
        "<title>End-to-end encryption compliance report — Hostile &amp; Co &lt;b&gt; — 2026-11-27</title>"
    ));
}

#[test]
fn markdown_escapes_without_entities_autolinks_or_hidden_characters() {
    let md = render("fixtures/evidence/hostile.yaml", "markdown").stdout;
    // Every `&` is backslash-escaped: no entity survives to be decoded.
    for (i, _) in md.match_indices('&') {
        assert_eq!(&md[i - 1..i], "\\", "unescaped & at {i}");
    }
    assert!(md.contains("a\\&amp;b \\&\\#x202E;"));
    assert!(!md.contains('\u{202e}'));
    assert!(md.contains("Slack \\\\u{202e} kcalS"));
    for autolink in ["https://evil", "www.evil", "boss@evil"] {
        assert!(!md.contains(autolink), "{autolink}");
    }
    for tag in ["<script", "<img", "<b>"] {
        for (i, _) in md.match_indices(tag) {
            assert_eq!(&md[i - 1..i], "\\", "unescaped {tag} at {i}");
        }
    }
    assert!(md.contains("https\\://evil.example/phish and www\\.evil.example and boss\\@evil"));
    assert!(md.contains("\\[link\\](https\\://x.example) \\<b\\>bold\\</b\\>"));
}

#[test]
fn csv_parses_and_neutralises_formulas() {
    let text = render("fixtures/evidence/hostile.yaml", "csv").stdout;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    // The columns themselves are held against the field table in `output/csv.rs`'s tests.
    assert_eq!(header[..3], ["file", "line", "tool"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let json = report_json(&["check", "fixtures/evidence/hostile.yaml"]);
    assert_eq!(rows.len(), json["tools"].as_array().unwrap().len());
    for row in &rows {
        assert_eq!(row.len(), header.len());
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "formula cell {cell:?}"
            );
        }
    }
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(
        &rows[0][column("owner")],
        "'=HYPERLINK(\"https://evil.example\",\"x\")"
    );
    assert_eq!(&rows[2][column("owner")], "'-2+3");
    assert_eq!(&rows[2][column("tool")], "Slack \\u{202e} kcalS");
    assert_eq!(&rows[0][column("outcome")], "not-examined");
    // The same tools as the other formats, in order.
    for (row, tool) in rows.iter().zip(json["tools"].as_array().unwrap()) {
        assert_eq!(&row[column("tool_id")], tool["id"].as_str().unwrap());
        assert_eq!(&row[column("outcome")], tool["outcome"].as_str().unwrap());
    }
}

fn schema_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &fs::read_to_string(common::root().join("schemas/report.schema.json")).unwrap(),
    )
    .unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the report schema compiles")
}

#[test]
fn report_json_validates_against_its_schema() {
    let validator = schema_validator();
    let mut documents: Vec<Value> = FIXTURES
        .iter()
        .map(|f| report_json(&["check", f]))
        .collect();
    documents.push(report_json(&[
        "check",
        "fixtures/policy/baseline/inventory.yaml",
        "--baseline",
        "fixtures/policy/baseline/baseline.json",
    ]));
    documents.push(report_json(&["check", "fixtures/seed", "missing.yaml"]));
    for document in &documents {
        assert_eq!(document["version"], 2);
        let errors: Vec<String> = validator
            .iter_errors(document)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
    let mut broken = documents[0].clone();
    broken["tools"][0]["outcome"] = "fine".into();
    assert!(!validator.is_valid(&broken));
}

/// The version `--help` and the formats page promise is the one the schema fixes and the
/// report carries (merge refuses any other).
#[test]
fn the_documented_report_json_version_is_the_schemas() {
    let schema: Value = serde_json::from_str(
        &fs::read_to_string(common::root().join("schemas/report.schema.json")).unwrap(),
    )
    .unwrap();
    let version = schema["properties"]["version"]["const"]
        .as_u64()
        .expect("the schema fixes the version");
    assert_eq!(report_json(&["check", FIXTURES[0]])["version"], version);
    let promise = format!("versioned JSON (`\"version\": {version}`");
    let help = common::e2ee_lint(&["check", "--help"]).stdout;
    let line = help
        .lines()
        .find(|l| l.contains("- report-json:"))
        .expect("--help describes report-json");
    assert!(line.contains(&promise), "{line}");
    let page = fs::read_to_string(common::root().join("docs/src/formats.md")).unwrap();
    let row = page
        .lines()
        .find(|l| l.starts_with("| `report-json` |"))
        .expect("the formats page has a report-json row");
    assert!(row.contains(&promise), "{row}");
}

#[test]
fn header_records_inputs_with_their_digests_and_the_commit() {
    use sha2::Digest;
    let fixture = "fixtures/evidence/acme";
    let json = report_json(&["check", fixture]);
    let header = &json["header"];
    assert_eq!(header["organizations"], serde_json::json!(["Acme Corp"]));
    assert_eq!(header["evaluated_on"], "2026-11-27");
    assert_eq!(header["commit"], Value::Null);
    let inputs = header["inputs"].as_array().unwrap();
    let kinds: Vec<&str> = inputs.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["inventory", "config"]);
    for input in inputs {
        let bytes = fs::read(common::root().join(input["path"].as_str().unwrap())).unwrap();
        let hex: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(input["sha256"], hex.as_str());
    }
    let ranges = &header["catalog"];
    assert!(ranges["reviewed_from"].as_str().unwrap() <= ranges["reviewed_to"].as_str().unwrap());
    let env = [("SOURCE_DATE_EPOCH", EPOCH), ("GITHUB_SHA", "abc123")];
    let out = e2ee_lint_env(&["check", fixture, "-f", "report-json"], &env);
    assert!(out.stdout.contains("\"commit\": \"abc123\""));
    let args = [
        "check",
        fixture,
        "-f",
        "markdown",
        "--evidence-commit",
        "f00",
    ];
    let out = e2ee_lint_env(&args, &env);
    assert!(out.stdout.contains("| commit | f00 |"), "{}", out.stdout);
}

#[test]
fn tool_outcomes_follow_the_documented_precedence() {
    let json = report_json(&["check", "fixtures/evidence/acme"]);
    let outcome = |name: &str| {
        json["tools"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .map(|t| t["outcome"].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert_eq!(outcome("Signal"), "compliant"); // open info finding only
    assert_eq!(outcome("Slack"), "accepted-risk");
    assert_eq!(outcome("Telegram"), "non-compliant"); // one accepted, one open error
    assert_eq!(outcome("Discord"), "banned");
    assert_eq!(outcome("Acme Chat"), "non-compliant"); // unclassified, confidential: an error
    assert_eq!(outcome("Jira"), "not-applicable");
    let summary = &json["summary"];
    assert_eq!(summary["tools_listed"], 8);
    assert_eq!(summary["tools_in_scope"], 7);
    assert_eq!(summary["verdict"], "non-compliant");
    let risks = json["accepted_risks"].as_array().unwrap();
    let slack = risks.iter().find(|r| r["tool"] == "Slack").unwrap();
    assert_eq!(
        (slack["days_left"].as_i64(), slack["state"].as_str()),
        (Some(18), Some("expiring"))
    );
    let hostile = report_json(&["check", "fixtures/evidence/hostile.yaml"]);
    assert_eq!(hostile["summary"]["outcomes"]["not_examined"], 3);
}

#[test]
fn controls_cover_the_frameworks_and_filter_by_one() {
    let json = report_json(&["check", "fixtures/evidence/acme"]);
    let controls: Vec<&str> = json["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["control"].as_str().unwrap())
        .collect();
    for id in [
        "ISO/IEC 27001:2022 A.5.14",
        "ISO/IEC 27001:2022 A.8.24",
        "NIST SP 800-53 Rev. 5 SC-8 ",
        "NIST SP 800-53 Rev. 5 SC-8(1)",
        "NIST SP 800-53 Rev. 5 SC-12",
        "NIST SP 800-53 Rev. 5 SC-13",
        "SOC 2 CC6.7",
        "HIPAA 45 CFR 164.312(e)(1)",
        "HIPAA 45 CFR 164.312(e)(2)(ii)",
        "PCI DSS v4.0.1 4.2.2",
        "GDPR Art. 32(1)(a)",
        "NIS2 Art. 21(2)(h)",
        "NIS2 Art. 21(2)(j)",
        "CIS Controls v8 3.10",
    ] {
        assert!(controls.iter().any(|c| c.starts_with(id)), "{id}");
    }
    let a824 = json["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["control"].as_str().unwrap().contains("A.8.24"))
        .unwrap();
    // Telegram fails (an open error); Slack is an accepted risk; Signal's info is advice.
    assert_eq!(
        (a824["fail"].as_u64(), a824["accepted_risk"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(a824["status"], "fail");

    let hipaa = report_json(&["check", "fixtures/evidence/acme", "--framework", "hipaa"]);
    let frameworks: Vec<&str> = hipaa["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["framework"].as_str().unwrap())
        .collect();
    assert_eq!(frameworks, ["HIPAA", "HIPAA"]);
    let out = run(&[
        "check",
        "fixtures/evidence/acme",
        "--framework",
        "fedramp",
        "-f",
        "html",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("frameworks: CIS Controls v8, GDPR, HIPAA"),
        "{}",
        out.stderr
    );
}

#[test]
fn since_reports_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = dir.path().join("inventory.yaml");
    let previous = dir.path().join("previous.json");
    fs::write(
        &inventory,
        "tools:\n  - name: Slack\n  - name: Signal\n  - name: Discord\n    status: banned\n",
    )
    .unwrap();
    let path = inventory.display().to_string();
    let out = run(&[
        "check",
        &path,
        "-o",
        &format!("report-json={}", previous.display()),
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    fs::write(&inventory, "tools:\n  - name: Signal\n  - name: Telegram\n").unwrap();
    let since = previous.display().to_string();
    let json = report_json(&["check", &path, "--since", &since]);
    let changes = &json["changes"];
    let names = |key: &str, field: &str| -> Vec<String> {
        changes[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v[field].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(changes["since"], "2026-11-27");
    assert_eq!(names("tools_added", "name"), ["Telegram"]);
    assert_eq!(names("tools_removed", "name"), ["Slack", "Discord"]);
    assert!(names("findings_resolved", "tool").contains(&"Slack".to_owned()));
    assert!(names("findings_new", "tool").contains(&"Telegram".to_owned()));
    let kinds: Vec<&str> = json["header"]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["inventory", "previous-report"]);
    let md = run(&["check", &path, "--since", &since, "-f", "markdown"]).stdout;
    assert!(
        md.contains("## Changes since 2026-11-27\n\n- Tools added: 1\n  - Telegram"),
        "{md}"
    );
}

#[test]
fn a_failed_run_leaves_the_target_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.html");
    fs::write(&target, "previous report").unwrap();
    let bad = dir.path().join("bad.json");
    fs::write(&bad, "{\"version\": 7}").unwrap();
    let o = format!("html={}", target.display());
    for args in [
        vec![
            "check",
            "fixtures/evidence/acme",
            "--since",
            bad.to_str().unwrap(),
            "-o",
            &o,
        ],
        vec![
            "check",
            "fixtures/evidence/acme",
            "--framework",
            "nope",
            "-o",
            &o,
        ],
        vec![
            "check",
            "fixtures/evidence/acme",
            "--config",
            "fixtures/policy/config-errors/bad-date/e2ee-lint.yaml",
            "-o",
            &o,
        ],
    ] {
        let out = run(&args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert_eq!(fs::read_to_string(&target).unwrap(), "previous report");
    }
    let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 2, "no temporary file is left behind");
    // A run that finishes replaces it.
    assert_eq!(run(&["check", "fixtures/evidence/acme", "-o", &o]).code, 1);
    assert!(
        fs::read_to_string(&target)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
    assert!(Path::new(&target).exists());
}

#[test]
fn oscal_counts_match_the_report_and_uuids_are_stable_v5() {
    let fixture = "fixtures/evidence/acme";
    let report = report_json(&["check", fixture]);
    let oscal: Value = serde_json::from_str(&render(fixture, "oscal").stdout).unwrap();
    let document = &oscal["assessment-results"];
    assert_eq!(document["metadata"]["oscal-version"], "1.1.2");
    let results = document["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let result = &results[0];
    let len = |v: &Value| v.as_array().map_or(0, Vec::len);
    // One observation per tool, and per open finding about no tool.
    let toolless = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["tool_id"].is_null())
        .count();
    assert_eq!(
        len(&result["observations"]),
        len(&report["tools"]) + toolless
    );
    assert_eq!(len(&result["risks"]), len(&report["accepted_risks"]));
    // One finding per control objective an open finding's rule maps to (a rule mapped to no
    // control is an objective of its own), each finding's text written once, in an observation.
    let mut objectives: Vec<String> = Vec::new();
    for f in report["findings"].as_array().unwrap() {
        let rule = f["rule"].as_str().unwrap();
        let controls: Vec<String> = report["controls"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["rules"].as_array().unwrap().iter().any(|r| r == rule))
            .map(|c| c["control_id"].as_str().unwrap().to_owned())
            .collect();
        if controls.is_empty() {
            objectives.push(format!("rule-{rule}"));
        }
        objectives.extend(controls);
    }
    objectives.sort();
    objectives.dedup();
    let mut targets: Vec<String> = result["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["target"]["target-id"].as_str().unwrap().to_owned())
        .collect();
    targets.sort();
    assert_eq!(targets, objectives);
    let evidence = |o: &Value| len(&o["relevant-evidence"]);
    let open_evidence: usize = result["observations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| evidence(o) - 1)
        .sum();
    assert_eq!(
        open_evidence + toolless,
        len(&report["findings"]),
        "each open finding once"
    );
    let text = render(fixture, "oscal").stdout;
    let mut uuids: Vec<&str> = text
        .match_indices("uuid\": \"")
        .map(|(i, m)| &text[i + m.len()..i + m.len() + 36])
        .collect();
    assert!(uuids.iter().all(|u| u.as_bytes()[14] == b'5'), "version 5");
    let all = uuids.len();
    uuids.sort();
    uuids.dedup();
    // Each object's own uuid is unique; references repeat observation uuids.
    assert!(uuids.len() >= len(&result["observations"]) + len(&result["findings"]));
    assert!(all >= uuids.len());
    let risk = &result["risks"][0];
    assert_eq!(risk["deadline"], "2026-12-15T23:59:59Z");
    assert_eq!(risk["status"], "deviation-approved");
}

/// Every one-value field of the field table reaches the evidence formats, with no list of
/// columns to keep in step: `notes`, `system` and `backups` were once missing from both.
#[test]
fn every_field_of_the_table_reaches_csv_and_report_json() {
    let dir = common::repo();
    let inventory = common::put(
        dir.path(),
        "inventory.yaml",
        "tools:\n  - name: Signal\n    id: 2024\n    system: signal\n    backups: disabled\n    notes: board chats\n    owner: 42\n",
    );
    let path = inventory.to_str().unwrap();
    let csv_text = run(&["check", path, "--format", "csv"]).stdout;
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let row = reader.records().next().unwrap().unwrap();
    let column = |name: &str| {
        let at = header.iter().position(|h| h == name);
        at.map(|i| row[i].to_owned())
            .unwrap_or_else(|| panic!("no `{name}` column in {header:?}"))
    };
    let json = report_json(&["check", path]);
    let fields = &json["tools"][0]["fields"];
    for (field, value) in [
        ("system", "signal"),
        ("backups", "disabled"),
        ("notes", "board chats"),
        ("owner", "42"),
    ] {
        assert_eq!(column(field), value);
        assert_eq!(fields[field], value, "{fields}");
    }
    assert_eq!(column("tool_id"), "2024");
    // Every one-value field of the table is a column, whether or not this tool gave it: held
    // against the field table in `output/csv.rs`'s unit tests.
}
