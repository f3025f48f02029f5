//! The CI formats (SARIF, JUnit, GitHub annotations, GitLab Code Quality) and `--output`:
//! snapshots over the fixtures, validation against the real schemas in `../shared/data`,
//! agreement between formats, escaping, exit codes and fingerprints.

mod common;

use common::e2ee_lint;
use e2ee_lint::Outcome;
use e2ee_lint::engine::Engine;
use e2ee_lint::engine::rule::Registry;
use e2ee_lint::finding::{Suppression, SuppressionKind};
use e2ee_lint::output::{self, Format, Style};
use e2ee_lint::source::SourceFile;
use serde_json::Value;

const FORMATS: [&str; 6] = ["human", "json", "sarif", "junit", "github", "gitlab"];

fn read_json(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn engine() -> Engine {
    Engine::embedded().unwrap()
}

/// An outcome with suppressed findings of every kind, built in process: the policy layer that
/// sets `suppressed` is another module, and the renderers must carry what it decides.
fn outcome_with_suppressions() -> Outcome {
    let engine = engine();
    let text = std::fs::read_to_string(common::root().join("fixtures/acme.yaml")).unwrap();
    let source = SourceFile::new("fixtures/acme.yaml", "fixtures/acme.yaml", text);
    let (report, mut findings) = e2ee_lint::lint_source(&engine, source);
    let kinds = [
        SuppressionKind::Exception,
        SuppressionKind::Inline,
        SuppressionKind::Baseline,
    ];
    assert!(findings.len() > kinds.len());
    for (finding, kind) in findings.iter_mut().zip(kinds) {
        finding.suppressed = Some(Box::new(Suppression {
            kind,
            reason: format!("accepted for the {kind:?} test"),
            approved_by: Some("ciso@acme.example".into()),
            expires: Some("2099-12-31".into()),
            ticket: Some("SEC-1".into()),
        }));
    }
    let mut outcome = Outcome::for_engine(&engine);
    outcome.files = vec![report];
    outcome.findings = findings;
    outcome
}

fn render(format: Format, outcome: &Outcome) -> String {
    let mut out = Vec::new();
    output::render(format, outcome, Style::PLAIN, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// Unsuppressed findings as each format reports them.
fn active_counts(outputs: &[(&str, String)]) -> Vec<(String, usize)> {
    outputs
        .iter()
        .map(|(format, text)| {
            let n = match *format {
                "json" => json(text)["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|f| f.get("suppressed").is_none())
                    .count(),
                "sarif" => json(text)["runs"][0]["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|r| r.get("suppressions").is_none())
                    .count(),
                // Findings below the failure threshold are advice in `<system-out>`.
                "junit" => junit_failures(text).len() + junit_advice(text),
                "github" => text.lines().filter(|l| l.starts_with("::")).count(),
                "gitlab" => json(text).as_array().unwrap().len(),
                "human" => text
                    .lines()
                    .filter(|l| {
                        ["error[", "warning[", "info["]
                            .iter()
                            .any(|p| l.starts_with(p))
                    })
                    .count(),
                other => panic!("{other}"),
            };
            (format.to_string(), n)
        })
        .collect()
}

/// The findings a JUnit report carries as advice: one line each in `<system-out>` (each
/// followed by its `help:` line).
fn junit_advice(xml: &str) -> usize {
    xml.split("<system-out>")
        .skip(1)
        .map(|s| s.split("</system-out>").next().unwrap())
        .flat_map(str::lines)
        .filter(|l| !l.starts_with("help: "))
        .count()
}

/// The `<failure>` elements of a JUnit report: (test case name, type, text). Parsing also
/// proves the report is well-formed XML.
fn junit_failures(xml: &str) -> Vec<(String, String, String)> {
    use quick_xml::Reader;
    use quick_xml::events::Event;
    let mut reader = Reader::from_str(xml);
    let mut failures = Vec::new();
    let mut case = String::new();
    let mut current: Option<(String, String, String)> = None;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "testcase" => {
                case = attribute(&e, "name");
            }
            Event::Start(e) if e.name().as_ref() == "failure" => {
                current = Some((case.clone(), attribute(&e, "type"), String::new()));
            }
            Event::Text(t) => {
                if let Some(c) = current.as_mut() {
                    c.2.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(c) = current.as_mut() {
                    let resolved = match r.resolve_char_ref().unwrap() {
                        Some(c) => c.to_string(),
                        None => match r.xml10_content().as_ref() {
                            "lt" => "<".to_owned(),
                            "gt" => ">".to_owned(),
                            "amp" => "&".to_owned(),
                            "quot" => "\"".to_owned(),
                            "apos" => "'".to_owned(),
                            other => panic!("unknown entity {other}"),
                        },
                    };
                    c.2.push_str(&resolved);
                }
            }
            Event::End(e) if e.name().as_ref() == "failure" => {
                failures.push(current.take().unwrap());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    failures
}

fn attribute(e: &quick_xml::events::BytesStart, name: &str) -> String {
    e.try_get_attribute(name)
        .unwrap()
        .map(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .unwrap()
                .into_owned()
        })
        .unwrap_or_default()
}

#[test]
fn every_format_reports_the_same_findings() {
    // Over every fixture (with the malformed ones), then with suppressed findings.
    let mut outputs = Vec::new();
    for format in FORMATS {
        let out = e2ee_lint(&["check", "fixtures", "--format", format, "--color", "never"]);
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        let text = if format == "human" {
            out.stderr
        } else {
            out.stdout
        };
        outputs.push((format, text));
    }
    let counts = active_counts(&outputs);
    assert!(counts[0].1 > 20, "{counts:?}");
    assert!(counts.iter().all(|(_, n)| *n == counts[0].1), "{counts:?}");

    let outcome = outcome_with_suppressions();
    let formats = [
        ("json", Format::Json),
        ("sarif", Format::Sarif),
        ("junit", Format::Junit),
        ("github", Format::Github),
        ("gitlab", Format::Gitlab),
    ];
    let outputs: Vec<(&str, String)> = formats
        .iter()
        .map(|(name, format)| (*name, render(*format, &outcome)))
        .collect();
    let counts = active_counts(&outputs);
    let expected = outcome.summary();
    let active = expected.error + expected.warning + expected.info;
    assert!(counts.iter().all(|(_, n)| *n == active), "{counts:?}");
    // SARIF and JSON also carry the suppressed ones.
    let sarif = json(&outputs[1].1);
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        outcome.findings.len()
    );
}

#[test]
fn suppressions_map_to_sarif_kinds_with_justification() {
    let sarif = json(&render(Format::Sarif, &outcome_with_suppressions()));
    let suppressions: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r.get("suppressions"))
        .collect();
    let kinds: Vec<&str> = suppressions
        .iter()
        .map(|s| s[0]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["external", "inSource", "external"]);
    for s in &suppressions {
        assert_eq!(s[0]["status"], "accepted");
        assert!(
            s[0]["justification"]
                .as_str()
                .unwrap()
                .starts_with("accepted for the")
        );
        assert_eq!(s[0]["properties"]["approvedBy"], "ciso@acme.example");
    }
    assert_eq!(suppressions[2][0]["properties"]["origin"], "baseline");
}

#[test]
fn exit_codes_do_not_depend_on_the_format() {
    for (path, fail_on, code) in [
        ("fixtures/seed/signal.yaml", "error", 0),
        ("fixtures/seed/slack.yaml", "error", 1),
        ("fixtures/seed/zoom.yaml", "error", 0),
        ("fixtures/seed/zoom.yaml", "warning", 1),
        ("fixtures/malformed/truncated.yaml", "error", 1),
        ("fixtures/missing.yaml", "error", 2),
    ] {
        for format in FORMATS {
            let out = e2ee_lint(&["check", path, "--format", format, "--fail-on", fail_on]);
            assert_eq!(out.code, code, "{path} {format}: {}", out.stderr);
        }
    }
}

#[test]
fn sarif_validates_against_the_oasis_schema() {
    let Some(data) = common::shared_data("") else {
        return;
    };
    let schema = read_json(&data.join("schemas/sarif/sarif-schema-2.1.0.errata01-os.draft04.json"));
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let mut documents = vec![
        (
            "all fixtures",
            e2ee_lint(&["check", "fixtures", "-f", "sarif"]).stdout,
        ),
        (
            "with a path error",
            e2ee_lint(&[
                "check",
                "fixtures/seed",
                "missing dir/x.yaml",
                "-f",
                "sarif",
            ])
            .stdout,
        ),
        (
            "suppressions",
            render(Format::Sarif, &outcome_with_suppressions()),
        ),
    ];
    documents.push((
        "clean",
        e2ee_lint(&["check", "fixtures/seed/signal.yaml", "-f", "sarif"]).stdout,
    ));
    for (name, text) in &documents {
        let instance = json(text);
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn sarif_has_what_github_code_scanning_reads() {
    // Over the live rules: the point is that the driver lists every rule of the registry.
    let sarif = json(&common::e2ee_lint_live(&["check", "fixtures", "-f", "sarif"]).stdout);
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"].as_str().unwrap().starts_with("https://"));
    let run = &sarif["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "e2ee-lint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    // Every rule that can fire, from the registry, in id order; `fixtures/custom-rules` adds
    // the company's own.
    let registry = Registry::embedded().unwrap();
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut expected: Vec<&str> = registry
        .rules()
        .map(|r| &*r.info.id)
        .filter(|id| *id != "invalid-config") // documented, but stops the run: never a result
        .collect();
    let custom = [
        "acme-board-video-e2ee",
        "acme-pilot-confidential",
        "acme-unowned-tool",
    ];
    expected.extend(custom);
    expected.sort_unstable();
    assert_eq!(ids, expected);
    for rule in rules {
        for field in ["shortDescription", "fullDescription", "help"] {
            let text = rule[field]["text"].as_str().unwrap();
            assert!(!text.is_empty() && text.chars().count() <= 1024 || field == "help");
        }
        assert!(!rule["help"]["markdown"].as_str().unwrap().is_empty());
        assert!(rule["name"].as_str().unwrap().len() <= 255);
        let id = rule["id"].as_str().unwrap();
        assert!(
            rule["helpUri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/rules/{id}.html"))
        );
        let score: f64 = rule["properties"]["security-severity"]
            .as_str()
            .expect("security-severity is a string")
            .parse()
            .unwrap();
        assert!(score > 0.0 && score <= 10.0);
        assert!(rule["properties"]["tags"].is_array());
        assert!(rule["defaultConfiguration"]["level"].is_string());
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("fixtures/"), "{uri}");
        for key in [
            "startLine",
            "startColumn",
            "endLine",
            "endColumn",
            "charOffset",
            "charLength",
        ] {
            assert!(location["region"][key].is_u64(), "{key}");
        }
        assert!(result["partialFingerprints"]["primaryLocationLineHash"].is_string());
    }
}

#[test]
fn sarif_regions_point_at_the_same_text_as_json_spans() {
    // The escaping fixture has multi-byte characters before nothing; acme has plain ASCII;
    // a file with non-ASCII before the finding checks that char offsets count code points.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("unicode.yaml");
    std::fs::write(
        &path,
        "organization: Ünïcödé GmbH 🚀\ntools:\n  - name: Slack\n    notes: ßßß\n  - name: Discord\n",
    )
    .unwrap();
    let path = path.to_str().unwrap();
    let sarif = json(&e2ee_lint(&["check", path, "-f", "sarif"]).stdout);
    let text = std::fs::read_to_string(path).unwrap();
    let chars: Vec<char> = text.chars().collect();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    // Slack: no-e2ee; Discord: no-e2ee (text) and e2ee-not-enforced (voice, video).
    assert_eq!(results.len(), 3);
    for result in results {
        let region = &result["locations"][0]["physicalLocation"]["region"];
        let start = region["charOffset"].as_u64().unwrap() as usize;
        let len = region["charLength"].as_u64().unwrap() as usize;
        let under: String = chars[start..start + len].iter().collect();
        assert_eq!(under, result["properties"]["tool"].as_str().unwrap());
        let line = text
            .lines()
            .nth(region["startLine"].as_u64().unwrap() as usize - 1)
            .unwrap();
        let column = region["startColumn"].as_u64().unwrap() as usize;
        assert!(
            line.chars()
                .skip(column - 1)
                .collect::<String>()
                .starts_with(&under)
        );
    }
    let uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        uri.starts_with("file:///"),
        "absolute paths are file URIs: {uri}"
    );
}

#[test]
fn fingerprints_survive_line_moves_and_are_unique() {
    // The rules this test is about (the live registry may hold others that fire on Wire):
    // Slack: no-e2ee; Zoom: e2ee-not-enforced and unknown-e2ee-status (files).
    const RULES: [&str; 3] = ["e2ee-not-enforced", "no-e2ee", "unknown-e2ee-status"];
    let engine = engine();
    let lint = |text: &str| {
        let source = SourceFile::new("inventory.yaml", "inventory.yaml", text.to_owned());
        let (report, findings) = e2ee_lint::lint_source(&engine, source);
        let mut outcome = Outcome::for_engine(&engine);
        outcome.files = vec![report];
        outcome.findings = findings;
        let sarif = json(&render(Format::Sarif, &outcome));
        let mut fingerprints: Vec<(String, String)> = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| RULES.contains(&r["ruleId"].as_str().unwrap()))
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_owned(),
                    r["partialFingerprints"]["primaryLocationLineHash"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                )
            })
            .collect();
        fingerprints.sort();
        fingerprints
    };
    let before = lint("tools:\n  - name: Slack\n  - name: Zoom\n");
    // Wire has no finding of these rules, so it only moves the other tools' lines.
    let after = lint("# a comment\ntools:\n  - name: Wire\n  - name: Zoom\n\n  - name: Slack\n");
    let rules: Vec<&str> = before.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(rules, RULES);
    assert_eq!(before, after);

    // Unique per finding over all fixtures, in GitLab and SARIF alike; same bytes every run.
    let gitlab = e2ee_lint(&["check", "fixtures", "-f", "gitlab"]).stdout;
    assert_eq!(
        gitlab,
        e2ee_lint(&["check", "fixtures", "-f", "gitlab"]).stdout
    );
    let issues = json(&gitlab);
    let mut seen = std::collections::HashSet::new();
    for issue in issues.as_array().unwrap() {
        assert!(seen.insert(issue["fingerprint"].as_str().unwrap().to_owned()));
    }
    let sarif = json(&e2ee_lint(&["check", "fixtures", "-f", "sarif"]).stdout);
    let mut seen = std::collections::HashSet::new();
    for result in sarif["runs"][0]["results"].as_array().unwrap() {
        let fp = result["partialFingerprints"]["primaryLocationLineHash"]
            .as_str()
            .unwrap();
        assert!(seen.insert(fp.to_owned()), "{fp}");
    }
}

#[test]
fn gitlab_validates_against_the_code_climate_schema() {
    let Some(data) = common::shared_data("") else {
        return;
    };
    let schema = read_json(&data.join("schemas/codequality/codeclimate-CodeIssue.schema.json"));
    /// The schema refers to Code Climate's remote `actor` schema for a field we do not write.
    struct Offline;
    impl jsonschema::Retrieve for Offline {
        fn retrieve(
            &self,
            uri: &jsonschema::Uri<String>,
        ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
            match uri.as_str() {
                "https://platform.codeclimate.com/schemas/actor" => Ok(serde_json::json!({})),
                other => Err(format!("no network: {other}").into()),
            }
        }
    }
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .with_retriever(Offline)
        .build(&schema)
        .expect("the Code Climate schema compiles");
    let issues = json(&e2ee_lint(&["check", "fixtures", "-f", "gitlab"]).stdout);
    let issues = issues.as_array().unwrap();
    assert!(!issues.is_empty());
    let severities = ["info", "minor", "major", "critical", "blocker"];
    for issue in issues {
        let errors: Vec<String> = validator
            .iter_errors(issue)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{issue}: {errors:#?}");
        // What GitLab itself reads (its documentation, ../shared/data/notes).
        for key in ["description", "check_name", "fingerprint"] {
            assert!(!issue[key].as_str().unwrap().is_empty(), "{key}");
        }
        assert!(severities.contains(&issue["severity"].as_str().unwrap()));
        assert!(
            issue["location"]["path"]
                .as_str()
                .unwrap()
                .starts_with("fixtures/")
        );
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    }
    // No byte order mark (GitLab's parser rejects one), and an empty run is an empty array.
    let clean = e2ee_lint(&["check", "fixtures/seed/wire.yaml", "-f", "gitlab"]);
    assert_eq!(clean.stdout, "[]\n");
}

#[test]
fn junit_has_a_suite_per_file_and_a_case_per_tool() {
    let out = e2ee_lint(&[
        "check",
        "fixtures/acme.yaml",
        "fixtures/malformed/truncated.yaml",
        "-f",
        "junit",
    ]);
    assert_eq!(out.code, 1);
    let xml = &out.stdout;
    assert_eq!(xml.matches("<testsuite ").count(), 2);
    // acme: 9 tools plus the file's own case. A case fails only for a finding at or above the
    // default `--fail-on` (error): count those tools from the JSON output of the same run.
    let json: Value = common::named(
        serde_json::from_str(&e2ee_lint(&["check", "fixtures/acme.yaml", "-f", "json"]).stdout)
            .unwrap(),
    );
    let mut failing: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .filter_map(|f| f["tool"].as_str())
        .collect();
    failing.sort_unstable();
    failing.dedup();
    assert!(!failing.is_empty());
    assert!(
        xml.contains(&format!(
            r#"<testsuite name="fixtures/acme.yaml" tests="10" failures="{}""#,
            failing.len()
        )),
        "{xml}"
    );
    // WhatsApp has an info finding only (its backups): advice, not a failure.
    let case = xml.split("<testcase name=\"WhatsApp\"").nth(1).unwrap();
    let case = case.split("</testcase>").next().unwrap();
    assert!(
        !case.contains("<failure") && case.contains("<system-out>"),
        "{case}"
    );
    assert!(xml.contains(r#"<testcase name="Wire" classname="fixtures/acme.yaml"/>"#));
    assert!(xml.contains(r#"<testcase name="Signal" classname="fixtures/acme.yaml"/>"#));
    let failures = junit_failures(xml);
    let syntax = failures
        .iter()
        .find(|(case, _, _)| case == "fixtures/malformed/truncated.yaml")
        .expect("a finding without a tool fails the file's case");
    assert_eq!(syntax.1, "invalid-inventory");
    assert!(
        syntax
            .2
            .starts_with("fixtures/malformed/truncated.yaml:3:15: error[invalid-inventory]")
    );
    let slack = failures
        .iter()
        .find(|(case, _, _)| case == "Slack")
        .unwrap();
    assert_eq!(slack.1, "no-e2ee");
    assert!(
        slack
            .2
            .starts_with("fixtures/acme.yaml:26:11: error[no-e2ee]: Slack:"),
        "{}",
        slack.2
    );
}

#[test]
fn escaping_keeps_hostile_tool_names_inside_their_fields() {
    let name = "Evil, Inc: 100% \"secure\" 'chat'\nline two\r<&>";
    let path = "fixtures/escaping.yaml";

    let github = e2ee_lint(&["check", path, "-f", "github"]).stdout;
    // One finding (the hostile name; Signal beside it is clean): one line, none injected.
    assert_eq!(
        github.lines().count(),
        1,
        "one command per finding, no injected line: {github}"
    );
    assert!(github.lines().all(|l| l.starts_with("::")), "{github}");
    let line = github
        .lines()
        .find(|l| l.contains("unclassified-tool"))
        .unwrap();
    let (properties, message) = line
        .strip_prefix("::warning ")
        .unwrap()
        .split_once("::")
        .unwrap();
    assert!(
        // The name's line breaks are shown as escapes: the annotation's only line breaks
        // (`%0A`) are the ones before the help.
        message.starts_with("Evil, Inc: 100%25 \"secure\" 'chat'\\nline two\\r<&>:"),
        "{message}"
    );
    // Properties split cleanly on `,` and `=`.
    let keys: Vec<&str> = properties
        .split(',')
        .map(|p| p.split('=').next().unwrap())
        .collect();
    assert_eq!(
        keys,
        ["file", "line", "col", "endLine", "endColumn", "title"]
    );

    // Every finding a failure, so each text is checked where CI pages show it.
    let junit = e2ee_lint(&["check", path, "-f", "junit", "--fail-on", "info"]).stdout;
    let failures = junit_failures(&junit);
    assert_eq!(failures.len(), 1);
    // Texts that CI pages show carry the name's line breaks as visible escapes, on one line.
    let shown = "Evil, Inc: 100% \"secure\" 'chat'\\nline two\\r<&>";
    let evil = failures
        .iter()
        .find(|(_, rule, _)| rule == "unclassified-tool")
        .unwrap();
    assert_eq!(evil.0, shown);
    assert!(evil.2.contains(shown), "{:?}", evil.2);

    let gitlab = json(&e2ee_lint(&["check", path, "-f", "gitlab"]).stdout);
    assert!(
        gitlab[0]["description"]
            .as_str()
            .unwrap()
            .starts_with(shown)
    );
    let sarif = json(&e2ee_lint(&["check", path, "-f", "sarif"]).stdout);
    assert_eq!(sarif["runs"][0]["results"][0]["properties"]["tool"], name);
}

#[test]
fn output_writes_several_formats_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let out = e2ee_lint(&[
        "check",
        "fixtures/acme.yaml",
        "--format",
        "json",
        "--output",
        &format!("sarif={}", file("out.sarif")),
        "-o",
        &format!("junit={}", file("junit.xml")),
        "-o",
        &format!("github={}", file("annotations.txt")),
        "-o",
        &format!("gitlab={}", file("gl-code-quality-report.json")),
        "-o",
        &format!("human={}", file("report.txt")),
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    // --format still writes to standard output, unchanged by --output.
    let alone = e2ee_lint(&["check", "fixtures/acme.yaml", "--format", "json"]);
    assert_eq!(out.stdout, alone.stdout);
    for (format, name) in [
        ("sarif", "out.sarif"),
        ("junit", "junit.xml"),
        ("github", "annotations.txt"),
        ("gitlab", "gl-code-quality-report.json"),
    ] {
        let written = std::fs::read_to_string(file(name)).unwrap();
        let direct = e2ee_lint(&["check", "fixtures/acme.yaml", "--format", format]).stdout;
        assert_eq!(written, direct, "{format}");
    }
    let human = std::fs::read_to_string(file("report.txt")).unwrap();
    assert!(human.contains("error[no-e2ee]") && !human.contains("\u{1b}["));

    // Default format: human on standard error, nothing on standard output.
    let out = e2ee_lint(&[
        "check",
        "fixtures/seed/slack.yaml",
        "-o",
        &format!("sarif={}", file("s.sarif")),
    ]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.is_empty());
    assert!(out.stderr.contains("no-e2ee"));
}

#[test]
fn output_never_overwrites_an_input_and_rejects_bad_targets() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = dir.path().join("inventory.yaml");
    let original = "tools:\n  - name: Slack\n";
    std::fs::write(&inventory, original).unwrap();
    let inventory = inventory.to_str().unwrap();
    for target in [
        format!("sarif={inventory}"),
        // The same file by another spelling.
        format!("json={}/./inventory.yaml", dir.path().display()),
    ] {
        let out = e2ee_lint(&["check", inventory, "-o", &target]);
        assert_eq!(out.code, 2, "{target}");
        assert!(
            out.stderr.contains("it is an input inventory"),
            "{}",
            out.stderr
        );
        assert_eq!(std::fs::read_to_string(inventory).unwrap(), original);
    }
    // A directory's inventories are inputs too.
    let out = e2ee_lint(&[
        "check",
        dir.path().to_str().unwrap(),
        "-o",
        &format!("junit={inventory}"),
    ]);
    assert_eq!(out.code, 2);
    assert_eq!(std::fs::read_to_string(inventory).unwrap(), original);

    let report = dir.path().join("r.json");
    let report = report.to_str().unwrap();
    let twice = e2ee_lint(&[
        "check",
        inventory,
        "-o",
        &format!("json={report}"),
        "-o",
        &format!("sarif={report}"),
    ]);
    assert_eq!(twice.code, 2);
    assert!(
        twice.stderr.contains("two --output options"),
        "{}",
        twice.stderr
    );

    for bad in ["sarif", "xml=out.xml", "sarif="] {
        let out = e2ee_lint(&["check", inventory, "-o", bad]);
        assert_eq!(out.code, 2, "{bad}");
        assert!(
            out.stderr.contains("FORMAT=PATH") || out.stderr.contains("unknown format"),
            "{}",
            out.stderr
        );
    }
    let missing_dir = e2ee_lint(&["check", inventory, "-o", "sarif=/nonexistent-dir/x.sarif"]);
    assert_eq!(missing_dir.code, 2);
    assert!(
        missing_dir
            .stderr
            .contains("cannot write /nonexistent-dir/x.sarif"),
        "{}",
        missing_dir.stderr
    );
}

#[test]
fn sarif_snapshot_acme() {
    let out = e2ee_lint(&["check", "fixtures/acme.yaml", "-f", "sarif"]);
    insta::assert_snapshot!(out.stdout);
}
