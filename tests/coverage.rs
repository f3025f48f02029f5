//! Verdicts that never overstate (issue 16): a file that yields no tools is `empty-inventory`,
//! a run that judged no communication tool is never "compliant", no control passes with
//! nothing tested, a tool that was not read whole is never a pass, per-tool labels say what
//! they mean, JUnit fails exactly the tools at or above `--fail-on`, and every format states
//! the same coverage. Each case runs on a fixture under `fixtures/coverage/`.

mod common;

use std::collections::BTreeSet;

use common::e2ee_lint;
use e2ee_lint::engine::rule::Registry;
use serde_json::Value;

const DIR: &str = "fixtures/coverage";

fn report(args: &[&str]) -> (i32, Value) {
    let mut all = args.to_vec();
    all.extend(["--format", "report-json"]);
    let out = e2ee_lint(&all);
    let value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr));
    (out.code, value)
}

/// The top-level keys of a fixture, read with the crate's own parser.
fn top_keys(path: &str) -> Vec<String> {
    let text = std::fs::read_to_string(common::root().join(path)).unwrap();
    let documents = e2ee_lint::yaml::parse(&text).unwrap();
    match &documents[0].kind {
        e2ee_lint::yaml::NodeKind::Map(entries) => entries
            .iter()
            .filter_map(|(k, _)| match &k.kind {
                e2ee_lint::yaml::NodeKind::Str(key) => Some(key.to_string()),
                _ => None,
            })
            .collect(),
        other => panic!("{path} is not a mapping: {other:?}"),
    }
}

/// The fixtures' inventory files, for runs over every case.
fn fixture_files() -> Vec<String> {
    let mut files = Vec::new();
    for entry in walk(&common::root().join(DIR)) {
        files.push(common::relative(&entry));
    }
    files.sort();
    files
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path.file_name().is_some_and(|n| n != "e2ee-lint.yaml") {
            out.push(path);
        }
    }
    out
}

#[test]
fn shapes_without_a_tool_list_are_empty_inventory_naming_their_keys() {
    let cases = [
        (format!("{DIR}/one-record-per-file"), "tools: single"),
        (format!("{DIR}/websites.yaml"), "tools: websites"),
        (format!("{DIR}/unrecognized.yaml"), "inventory.tools"),
    ];
    for (path, mapping) in cases {
        let (code, json) = common::json(&["check", &path]);
        assert_eq!(code, 1, "{path}: {json}");
        let findings = json["findings"].as_array().unwrap();
        let files: BTreeSet<&str> = findings
            .iter()
            .map(|f| f["file"].as_str().unwrap())
            .collect();
        assert!(!files.is_empty(), "{path}");
        for file in files {
            let of_file: Vec<&Value> = findings.iter().filter(|f| f["file"] == file).collect();
            assert_eq!(of_file.len(), 1, "{file}: one finding, not one per key");
            let finding = of_file[0];
            assert_eq!(finding["rule"], "empty-inventory", "{file}");
            assert_eq!(finding["severity"], "error", "{file}");
            let message = finding["message"].as_str().unwrap();
            let help = finding["help"].as_str().unwrap();
            assert!(message.starts_with("no tool list found"), "{message}");
            for key in top_keys(file) {
                assert!(
                    message.contains(&format!("`{key}`")),
                    "{message} lacks {key}"
                );
                assert!(help.contains(&key), "{help} lacks {key}");
            }
            assert!(help.contains(mapping), "{file}: {help}");
        }
        assert_eq!(json["summary"]["coverage"]["tools"], 0, "{path}");
    }
}

#[test]
fn allow_empty_covers_an_empty_list_but_not_a_shape_with_no_tool_list() {
    let (code, json) = common::json(&["check", &format!("{DIR}/allow-empty")]);
    let findings = json["findings"].as_array().unwrap();
    let empty: Vec<&str> = findings
        .iter()
        .filter(|f| f["rule"] == "empty-inventory")
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        empty,
        [format!("{DIR}/allow-empty/websites.yaml")],
        "{json}"
    );
    assert_eq!(code, 1);
    // Without the config, the empty list is a finding too.
    let (code, json) = common::json(&[
        "check",
        "--isolated",
        &format!("{DIR}/allow-empty/empty.yaml"),
    ]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(common::json_rules(&json.to_string()), ["empty-inventory"]);
}

#[test]
fn a_run_that_judged_no_communication_tool_is_never_compliant() {
    for path in [
        format!("{DIR}/one-record-per-file"),
        format!("{DIR}/websites.yaml"),
        format!("{DIR}/unrecognized.yaml"),
        format!("{DIR}/no-communication.yaml"),
        format!("{DIR}/invalid-tool.yaml"),
    ] {
        for fail_on in ["error", "never"] {
            let (_, json) = report(&["check", "--fail-on", fail_on, &path]);
            let summary = &json["summary"];
            assert_eq!(summary["coverage"]["judged"], 0, "{path}");
            assert_ne!(summary["verdict"], "compliant", "{path}: {summary}");
            assert_eq!(summary["verdict"], "nothing-examined", "{path}: {summary}");
        }
    }
}

#[test]
fn no_control_passes_with_nothing_tested_and_checked_by_lists_only_enabled_rules() {
    let registry = Registry::embedded().unwrap();
    let off: BTreeSet<String> = registry
        .infos()
        .iter()
        .filter(|r| !r.enabled)
        .map(|r| r.id.to_string())
        .collect();
    assert!(!off.is_empty(), "the registry has a rule off by default");
    let mut listed_apart = BTreeSet::new();
    for path in fixture_files() {
        let (_, json) = report(&["check", &path]);
        let judged = json["summary"]["coverage"]["judged"].as_u64().unwrap();
        // A tool that was not examined is never evidence for a pass.
        let examined = json["tools"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["outcome"] != "not-examined")
            .count() as u64;
        for control in json["controls"].as_array().unwrap() {
            let status = control["status"].as_str().unwrap();
            let rules: Vec<&str> = control["rules"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap())
                .collect();
            for rule in &rules {
                assert!(!off.contains(*rule), "{path}: {rule} is off: {control}");
            }
            // Rules that are off are listed apart, and only those.
            for rule in control["not_enabled"].as_array().unwrap() {
                let rule = rule.as_str().unwrap();
                assert!(off.contains(rule), "{path}: {rule} is on: {control}");
                listed_apart.insert(rule.to_owned());
            }
            assert!(
                control["pass"].as_u64().unwrap() <= examined,
                "{path}: a not-examined tool counted as a pass: {control}"
            );
            if status.starts_with("pass") {
                let evidence =
                    control["pass"].as_u64().unwrap() + control["accepted_risk"].as_u64().unwrap();
                assert!(evidence > 0, "{path}: a pass on nothing: {control}");
                assert!(!rules.is_empty(), "{path}: {control}");
            }
            if status == "pass" && judged == 0 {
                // Only a control with an enabled rule about the inventory itself may pass
                // when no communication tool was judged.
                let about_inventory = rules.iter().any(|rule| {
                    registry
                        .get(rule)
                        .is_some_and(|r| !r.info.tags.iter().any(|t| t == "e2ee"))
                });
                assert!(about_inventory, "{path}: {control}");
            }
            let (pass, fail, accepted) = (
                control["pass"].as_u64().unwrap(),
                control["fail"].as_u64().unwrap(),
                control["accepted_risk"].as_u64().unwrap(),
            );
            assert!(
                !(status == "pass" && pass + fail + accepted == 0),
                "{path}: 0 / 0 / 0 pass: {control}"
            );
        }
        // Risk treatment needs a risk process: these fixtures have no exception or baseline.
        let treatment = json["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["control"].as_str().unwrap().contains("6.1.3"))
            .expect("ISO 27001 6.1.3 is mapped");
        assert_eq!(treatment["status"], "not-tested", "{path}: {treatment}");
    }
    assert!(
        !listed_apart.is_empty(),
        "a rule off by default and mapped to a control is listed as not enabled"
    );
}

#[test]
fn encryption_controls_are_not_tested_when_no_communication_tool_was_judged() {
    for path in [
        format!("{DIR}/websites.yaml"),
        format!("{DIR}/no-communication.yaml"),
        format!("{DIR}/invalid-tool.yaml"),
    ] {
        let (_, json) = report(&["check", &path]);
        let registry = Registry::embedded().unwrap();
        for control in json["controls"].as_array().unwrap() {
            let rules: Vec<&str> = control["rules"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap())
                .collect();
            let encryption = !rules.is_empty()
                && rules.iter().all(|r| {
                    registry
                        .get(r)
                        .is_some_and(|r| r.info.tags.iter().any(|t| t == "e2ee"))
                });
            if encryption {
                assert_eq!(control["pass"], 0, "{path}: {control}");
                assert_ne!(control["status"], "pass", "{path}: {control}");
            }
        }
    }
}

#[test]
fn an_ambiguous_tool_is_not_examined_and_the_run_is_incomplete() {
    let (_, json) = report(&["check", &format!("{DIR}/ambiguous.yaml")]);
    let teams = json["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Teams")
        .unwrap();
    assert_eq!(teams["outcome"], "not-examined", "{teams}");
    assert_eq!(json["summary"]["coverage"]["ambiguous"], 1);
    assert_eq!(
        json["summary"]["verdict"], "incomplete",
        "{}",
        json["summary"]
    );
}

#[test]
fn a_tool_with_an_invalid_inventory_error_is_not_examined() {
    let path = format!("{DIR}/invalid-tool.yaml");
    let (code, json) = report(&["check", &path]);
    assert_eq!(code, 1);
    let tools = json["tools"].as_array().unwrap();
    assert_eq!(tools.len(), 1);
    assert!(
        tools[0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "invalid-inventory" && f["severity"] == "error")
    );
    assert_eq!(tools[0]["outcome"], "not-examined", "{}", tools[0]);
    assert_eq!(json["summary"]["coverage"]["invalid"], 1);
    let csv = e2ee_lint(&["check", &path, "-f", "csv"]).stdout;
    assert!(csv.contains(",not-examined,"), "{csv}");
}

#[test]
fn zoom_on_its_defaults_is_at_risk_in_every_format() {
    let path = format!("{DIR}/zoom-defaults.yaml");
    let (code, json) = common::json(&["check", &path]);
    assert_eq!(code, 0, "warnings do not fail the default threshold");
    let severities: BTreeSet<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, BTreeSet::from(["warning"]), "{json}");
    let (_, report) = report(&["check", &path]);
    assert_eq!(report["tools"][0]["outcome"], "at-risk");
    assert_eq!(report["summary"]["outcomes"]["at_risk"], 1);
    assert_eq!(report["summary"]["outcomes"]["compliant"], 0);
    let csv = e2ee_lint(&["check", &path, "-f", "csv"]).stdout;
    assert!(csv.contains(",at-risk,"), "{csv}");
    assert!(!csv.contains(",compliant,"), "{csv}");
    let markdown = e2ee_lint(&["check", &path, "-f", "markdown"]).stdout;
    assert!(markdown.contains("**at-risk**"), "{markdown}");
    let html = e2ee_lint(&["check", &path, "-f", "html"]).stdout;
    assert!(html.contains("<span class=\"o o-at-risk\">at-risk</span>"));
    let oscal = e2ee_lint(&["check", &path, "-f", "oscal"]).stdout;
    assert!(oscal.contains("\"value\": \"at-risk\""), "{oscal}");
}

/// The JUnit test cases that hold a `<failure>`, as `(classname, name)`.
fn junit_failing_cases(xml: &str) -> Vec<(String, String)> {
    let attribute = |tag: &str, name: &str| -> String {
        let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let end = start + tag[start..].find('"').unwrap();
        tag[start..end].to_owned()
    };
    let mut failing = Vec::new();
    for case in xml.split("<testcase ").skip(1) {
        let body = case.split("</testcase>").next().unwrap();
        let tag = body.split('>').next().unwrap();
        if body.contains("<failure") {
            failing.push((attribute(tag, "classname"), attribute(tag, "name")));
        }
    }
    failing
}

#[test]
fn junit_fails_exactly_the_tools_with_findings_at_or_above_fail_on() {
    let path = format!("{DIR}/mixed.yaml");
    let rank = |s: &str| ["info", "warning", "error"].iter().position(|x| *x == s);
    for fail_on in ["error", "warning", "info", "never"] {
        let (_, json) = common::json(&["check", "--fail-on", fail_on, &path]);
        let mut expected: Vec<(String, String)> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f.get("suppressed").is_none())
            .filter(|f| {
                rank(f["severity"].as_str().unwrap()) >= rank(fail_on) && fail_on != "never"
            })
            .map(|f| {
                let file = f["file"].as_str().unwrap().to_owned();
                let case = f["tool"]
                    .as_str()
                    .map_or_else(|| file.clone(), str::to_owned);
                (file, case)
            })
            .collect();
        expected.sort();
        expected.dedup();
        let xml = e2ee_lint(&["check", "--fail-on", fail_on, &path, "-f", "junit"]).stdout;
        let mut failing = junit_failing_cases(&xml);
        failing.sort();
        assert_eq!(failing, expected, "--fail-on {fail_on}:\n{xml}");
        assert!(
            xml.contains(&format!(
                "<testsuites name=\"e2ee-lint\" tests=\"6\" failures=\"{}\"",
                expected.len()
            )),
            "{xml}"
        );
    }
    // The info finding on Signal is advice: in the case's output, not a failure.
    let xml = e2ee_lint(&["check", &path, "-f", "junit"]).stdout;
    let signal = xml.split("name=\"Signal\"").nth(1).unwrap();
    let signal = signal.split("</testcase>").next().unwrap();
    assert!(
        signal.contains("<system-out>") && signal.contains("backups-not-e2ee"),
        "{signal}"
    );
    assert!(!signal.contains("<failure"), "{signal}");
}

#[test]
fn every_format_states_the_coverage_of_the_json_output() {
    // One run with a tool of every kind: in the catalog, unclassified, ambiguous, not
    // applicable, with an invalid field, and a file with no tool and a path not read.
    let dir = tempfile::tempdir().unwrap();
    let unclassified = dir.path().join("unclassified.yaml");
    std::fs::write(
        &unclassified,
        "tools:\n  - name: Acme Intercom\n    category: messaging\n",
    )
    .unwrap();
    let missing = dir.path().join("missing.yaml");
    let every_kind: Vec<String> = ["mixed", "ambiguous", "invalid-tool", "websites"]
        .iter()
        .map(|name| format!("{DIR}/{name}.yaml"))
        .chain([unclassified, missing].map(|p| p.to_str().unwrap().to_owned()))
        .collect();
    let cases = [
        vec![format!("{DIR}/mixed.yaml")],
        vec![format!("{DIR}/websites.yaml")],
        every_kind,
    ];
    for paths in &cases {
        let run = |more: &[&str]| {
            let mut args = vec!["check"];
            args.extend(paths.iter().map(String::as_str));
            args.extend(more);
            e2ee_lint(&args)
        };
        let path = paths.join(" ");
        let json: Value = serde_json::from_str(&run(&["-f", "json"]).stdout).unwrap();
        let coverage = &json["summary"]["coverage"];
        let report: Value = serde_json::from_str(&run(&["-f", "report-json"]).stdout).unwrap();
        assert_eq!(&report["summary"]["coverage"], coverage, "report-json");
        let sarif: Value = serde_json::from_str(&run(&["-f", "sarif"]).stdout).unwrap();
        assert_eq!(
            &sarif["runs"][0]["properties"]["coverage"], coverage,
            "sarif"
        );
        let n = |key: &str| coverage[key].as_u64().unwrap();
        let junit = run(&["-f", "junit"]).stdout;
        for key in [
            "tools",
            "communication",
            "judged",
            "not_applicable",
            "files_without_tools",
        ] {
            assert!(
                junit.contains(&format!(
                    "<property name=\"coverage.{key}\" value=\"{}\"/>",
                    n(key)
                )),
                "junit {key}: {junit}"
            );
        }
        let human = run(&[]).stderr;
        assert!(
            human.contains(&format!(
                "coverage: {} tool(s), {} communication ({} in the catalog, {} unclassified, {} ambiguous), {} judged, {} not applicable",
                n("tools"), n("communication"), n("catalog"), n("unclassified"), n("ambiguous"), n("judged"), n("not_applicable")
            )),
            "{human}"
        );
        let markdown = run(&["-f", "markdown"]).stdout;
        assert!(markdown.contains(&format!("| communication tools judged | {} |", n("judged"))));
        assert!(markdown.contains(&format!(
            "| tools not applicable | {} |",
            n("not_applicable")
        )));
        assert!(markdown.contains(&format!(
            "| files with no tool | {} |",
            n("files_without_tools")
        )));
        let html = run(&["-f", "html"]).stdout;
        assert!(html.contains(&format!(
            "<th scope=\"row\">Communication tools judged</th><td>{}</td>",
            n("judged")
        )));
        let oscal: Value = serde_json::from_str(&run(&["-f", "oscal"]).stdout).unwrap();
        let props = oscal["assessment-results"]["results"][0]["props"]
            .as_array()
            .unwrap();
        for key in ["tools", "communication", "judged", "not_applicable"] {
            let name = format!("coverage-{}", key.replace('_', "-"));
            let prop = props.iter().find(|p| p["name"] == name.as_str()).unwrap();
            assert_eq!(prop["value"], n(key).to_string(), "oscal {name}");
        }
        let csv = run(&["-f", "csv"]).stdout;
        let from_rows = csv_coverage(&csv);
        for (key, value) in coverage.as_object().unwrap() {
            assert_eq!(
                &from_rows[key], value,
                "{path}: {key} from the CSV rows:\n{csv}"
            );
        }
    }
    let every_kind = &json_coverage(&cases[2]);
    for key in [
        "catalog",
        "unclassified",
        "ambiguous",
        "not_applicable",
        "invalid",
        "files_without_tools",
        "unreadable_paths",
    ] {
        assert_ne!(
            every_kind[key], 0,
            "the run has a case of {key}: {every_kind}"
        );
    }
}

fn json_coverage(paths: &[String]) -> Value {
    let mut args = vec!["check", "-f", "json"];
    args.extend(paths.iter().map(String::as_str));
    let json: Value = serde_json::from_str(&e2ee_lint(&args).stdout).unwrap();
    json["summary"]["coverage"].clone()
}

/// The run's coverage counted from its CSV rows, as docs/src/formats.md says to count it.
fn csv_coverage(text: &str) -> Value {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<std::collections::HashMap<String, String>> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .map(str::to_owned)
                .zip(r.iter().map(str::to_owned))
                .collect()
        })
        .collect();
    let names = |row: &std::collections::HashMap<String, String>, rule: &str| {
        let named = |column: &str| {
            row[column]
                .split("; ")
                .any(|f| f.starts_with(&format!("{rule}: ")))
        };
        named("open_findings") || named("accepted_findings")
    };
    let (tools, others): (Vec<_>, Vec<_>) = rows.iter().partition(|r| !r["tool_id"].is_empty());
    let (unread, without_tools): (Vec<_>, Vec<_>) = others
        .iter()
        .partition(|r| r["open_findings"].starts_with("path not read: "));
    let files: BTreeSet<&str> = tools
        .iter()
        .chain(&without_tools)
        .map(|r| r["file"].as_str())
        .collect();
    let catalog: Vec<_> = tools
        .iter()
        .filter(|r| !r["catalog_id"].is_empty())
        .collect();
    let mut reasons: std::collections::BTreeMap<&str, u64> = Default::default();
    for row in &tools {
        if !row["not_applicable_reason"].is_empty() {
            *reasons.entry(&row["not_applicable_reason"]).or_default() += 1;
        }
    }
    let not_applicable: u64 = reasons.values().sum();
    let communication = tools.len() as u64 - not_applicable;
    let ambiguous = tools
        .iter()
        .filter(|r| r["catalog_id"].is_empty() && r["not_applicable_reason"].is_empty())
        .filter(|r| names(r, "ambiguous-tool"))
        .count() as u64;
    let invalid = |r: &&&std::collections::HashMap<String, String>| {
        r["open_findings"]
            .split("; ")
            .any(|f| f.starts_with("invalid-inventory: "))
    };
    serde_json::json!({
        "files": files.len(),
        "files_without_tools": without_tools.len(),
        "unreadable_paths": unread.len(),
        "tools": tools.len(),
        "communication": communication,
        "catalog": catalog.len(),
        "unclassified": communication - catalog.len() as u64 - ambiguous,
        "ambiguous": ambiguous,
        "judged": catalog.iter().filter(|r| !invalid(r)).count(),
        "invalid": tools.iter().filter(invalid).count(),
        "not_applicable": not_applicable,
        "not_applicable_reasons": reasons
            .iter()
            .map(|(reason, tools)| serde_json::json!({"reason": reason, "tools": tools}))
            .collect::<Vec<_>>(),
    })
}

#[test]
fn reports_list_tools_that_need_action_first_and_fold_the_not_applicable_ones() {
    let path = format!("{DIR}/mixed.yaml");
    let markdown = e2ee_lint(&["check", &path, "-f", "markdown"]).stdout;
    let tools = markdown.split("## Tools").nth(1).unwrap();
    let first_row = tools
        .lines()
        .find(|l| l.starts_with("| ") && !l.starts_with("| tool |"))
        .unwrap();
    assert!(first_row.contains("**non-compliant**"), "{first_row}");
    let details = tools.split("<details>").nth(1).unwrap();
    assert!(details.contains("1 tool(s) not applicable"), "{details}");
    assert!(details.contains("Grafana"), "{details}");
    assert!(
        details.contains("category \\`other\\` is not a communication category"),
        "{details}"
    );
    // The policy section says how to set what it does not know.
    assert!(
        markdown.contains("| organization | not set: add `organization:`"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| commit | not set: pass `--evidence-commit SHA`"),
        "{markdown}"
    );
    // Or from flags.
    let args = [
        "check",
        &path,
        "-f",
        "markdown",
        "--organization",
        "Acme <Corp>",
        "--evidence-commit",
        "0a1b2c",
    ];
    let markdown = e2ee_lint(&args).stdout;
    assert!(
        markdown.contains("| organization | Acme \\<Corp\\> |"),
        "{markdown}"
    );
    assert!(markdown.contains("| commit | 0a1b2c |"), "{markdown}");
}

#[test]
fn a_verdict_rule_turned_off_leaves_tools_not_examined_never_compliant() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = dir.path().join("inventory.yaml");
    std::fs::write(
        &inventory,
        "tools:\n  - name: Slack\n    data_classification: confidential\n",
    )
    .unwrap();
    let path = inventory.to_str().unwrap();
    // With the rule on, Slack is non-compliant: the run judged it.
    let (_, on) = report(&["check", path, "--isolated"]);
    assert_eq!(on["tools"][0]["outcome"], "non-compliant", "{on}");
    for rule in ["no-e2ee", "e2ee-not-enforced", "e2ee-disabled"] {
        let severity = format!("{rule}=off");
        let (_, json) = report(&["check", path, "--isolated", "--severity", &severity]);
        // An open error from another rule still makes it non-compliant; never compliant.
        let outcome = &json["tools"][0]["outcome"];
        if rule == "no-e2ee" {
            assert_eq!(outcome, "not-examined", "{json}");
        } else {
            assert_ne!(outcome, "compliant", "{rule}: {json}");
        }
        assert_eq!(json["summary"]["coverage"]["judged"], 0, "{rule}");
        assert_ne!(json["summary"]["verdict"], "compliant", "{rule}");
        // Encryption controls (whose basis is the communication tools) rest on these rules.
        let encryption = json["controls"].as_array().unwrap().iter().filter(|c| {
            c["basis"]
                .as_str()
                .unwrap()
                .starts_with("communication tools")
        });
        for control in encryption {
            assert_ne!(control["status"], "pass", "{rule}: {control}");
        }
    }
}

/// `--fail-on never` keeps the exit code at 0 for a run that only collects evidence; it does not
/// turn the report's verdict into "compliant" over a tool the same report calls non-compliant,
/// in one run or in a merge of that run.
#[test]
fn fail_on_never_keeps_the_exit_code_but_never_makes_the_verdict_compliant() {
    let dir = common::repo();
    common::put(
        dir.path(),
        "inventory.yaml",
        "tools:\n  - name: Slack\n    data_classification: confidential\n",
    );
    let run = |args: &[&str]| common::run_with(dir.path(), args, &[], |_| {});
    for fail_on in ["error", "never"] {
        let out = run(&[
            "check",
            "inventory.yaml",
            "--fail-on",
            fail_on,
            "-f",
            "report-json",
            "--repository",
            "acme/chat",
        ]);
        assert_eq!(out.code, i32::from(fail_on == "error"), "{}", out.stderr);
        let report: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(report["tools"][0]["outcome"], "non-compliant", "{report}");
        assert_eq!(
            report["summary"]["verdict"], "non-compliant",
            "--fail-on {fail_on}: {}",
            report["summary"]
        );
        common::put(dir.path(), "run.json", &out.stdout);
        let merged = run(&["merge", "run.json", "-f", "report-json"]);
        let merged: Value = serde_json::from_str(&merged.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", merged.stderr));
        assert_eq!(
            merged["summary"]["verdict"], "non-compliant",
            "merge of a --fail-on {fail_on} run: {}",
            merged["summary"]
        );
        let markdown = run(&[
            "check",
            "inventory.yaml",
            "--fail-on",
            fail_on,
            "-f",
            "markdown",
        ]);
        assert!(
            markdown.stdout.contains("Verdict: **Not compliant"),
            "--fail-on {fail_on}: {}",
            markdown.stdout
        );
    }
}

/// A company's own rule, in a rule file, mapped to encryption controls: it judges tools that
/// are not communication tools, but those never count as a pass of an encryption control.
#[test]
fn a_company_rule_on_an_encryption_control_does_not_let_other_tools_pass_it() {
    let dir = common::repo();
    common::put(
        dir.path(),
        "inventory.yaml",
        "tools:\n  - {name: Grafana, category: other, owner: ops}\n  - {name: Jira, category: other, owner: ops}\n",
    );
    let run = |args: &[&str]| common::run_with(dir.path(), args, &[], |_| {});
    let report = |args: &[&str]| -> Value {
        let out = run(args);
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stderr))
    };
    // The encryption controls, as the built-in rules map them.
    let before = report(&["check", "inventory.yaml", "-f", "report-json"]);
    let encryption: Vec<String> = before["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["basis"]
                .as_str()
                .unwrap()
                .starts_with("communication tools")
        })
        .map(|c| c["control"].as_str().unwrap().to_owned())
        .collect();
    assert!(!encryption.is_empty(), "{before}");
    let rule = std::fs::read_to_string(
        common::root().join("fixtures/custom-rules/rules/acme-unowned-tool.yaml"),
    )
    .unwrap();
    let controls: Vec<String> = encryption.iter().map(|c| format!("{c:?}")).collect();
    let rule: String = rule
        .lines()
        .map(|line| {
            if line.starts_with("controls:") {
                format!("controls: [{}]", controls.join(", "))
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    common::put(dir.path(), "rules/acme-unowned-tool.yaml", &(rule + "\n"));
    common::put(
        dir.path(),
        "e2ee-lint.yaml",
        "rule_files: [\"rules/*.yaml\"]\n",
    );
    let after = report(&["check", "inventory.yaml", "-f", "report-json"]);
    // The same rule's finding on a tool outside the scope, accepted by an exception, is no
    // "pass with accepted risk" of an encryption control either.
    common::put(
        dir.path(),
        "inventory.yaml",
        "tools:\n  - {name: Grafana, category: other, owner: ops}\n  - {name: Jira, category: other, data_classification: restricted}\n",
    );
    common::put(
        dir.path(),
        "e2ee-lint.yaml",
        "rule_files: [\"rules/*.yaml\"]\nexceptions:\n  - {rule: acme-unowned-tool, tool: Jira, reason: owner being hired, approved_by: ciso@example.com, expires: 2099-01-01}\n",
    );
    let accepted = report(&["check", "inventory.yaml", "-f", "report-json"]);
    assert_eq!(accepted["summary"]["accepted_risks"], 1, "{accepted}");
    for after in [after, accepted] {
        assert_eq!(after["summary"]["coverage"]["communication"], 0, "{after}");
        for control in after["controls"].as_array().unwrap() {
            if !encryption.iter().any(|c| control["control"] == c.as_str()) {
                continue;
            }
            assert!(
                control["rules"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r == "acme-unowned-tool"),
                "{control}"
            );
            assert_eq!(control["pass"], 0, "{control}");
            assert_eq!(control["accepted_risk"], 0, "{control}");
            assert_eq!(control["status"], "not-tested", "{control}");
        }
    }
}

/// A field of the wrong type (a list where a level is expected, a mapping where a list of
/// channels is) is an `invalid-inventory` error inside the tool's entry: the tool was not read
/// whole, so it is not examined and no control passes on it, like an unknown level.
#[test]
fn a_tool_with_a_field_of_the_wrong_type_is_not_examined() {
    for field in [
        "data_classification: [confidential]",
        "channels: {text_1to1: yes}",
        "e2ee: [enforced]",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let inventory = dir.path().join("inventory.yaml");
        std::fs::write(
            &inventory,
            format!("tools:\n  - name: Signal\n    category: messaging\n    {field}\n  - name: Grafana\n    category: other\n"),
        )
        .unwrap();
        let (code, json) = report(&["check", inventory.to_str().unwrap(), "--isolated"]);
        assert_eq!(code, 1, "{field}: {json}");
        let signal = &json["tools"][0];
        assert!(
            signal["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule"] == "invalid-inventory"),
            "{field}: the error is the tool's: {signal}"
        );
        assert_eq!(signal["outcome"], "not-examined", "{field}: {signal}");
        let coverage = &json["summary"]["coverage"];
        assert_eq!(coverage["invalid"], 1, "{field}: {coverage}");
        assert_eq!(coverage["judged"], 0, "{field}: {coverage}");
        assert_ne!(json["summary"]["verdict"], "compliant", "{field}");
        for control in json["controls"].as_array().unwrap() {
            if control["basis"]
                .as_str()
                .unwrap()
                .starts_with("communication tools")
            {
                assert_eq!(control["pass"], 0, "{field}: {control}");
            }
        }
    }
}

/// A config that lowers a verdict rule below the failure threshold makes Slack at
/// `confidential` compliant: every evidence format says so in the verdict and on Slack's row.
/// Without the override, or lowering a rule the verdict does not rest on (`backups-not-e2ee`,
/// which WhatsApp triggers), none of them has such words.
#[test]
fn a_verdict_rule_lowered_below_the_threshold_is_named_in_every_evidence_format() {
    let inventory = "tools:\n  - name: Slack\n    data_classification: confidential\n  - name: \
                     WhatsApp\n    data_classification: confidential\n";
    for (rules, lowered) in [
        (Some("no-e2ee: info"), true),
        (None, false),
        (Some("backups-not-e2ee: info"), false),
    ] {
        let dir = common::repo();
        common::put(dir.path(), "inventory.yaml", inventory);
        if let Some(rules) = rules {
            common::put(
                dir.path(),
                "e2ee-lint.yaml",
                &format!("rules:\n  {rules}\n"),
            );
        }
        let run = |args: &[&str]| {
            let out = common::run_with(dir.path(), args, &[], |_| {});
            assert!(out.code == 0 || out.code == 1, "{args:?}: {}", out.stderr);
            out.stdout
        };
        let check = |format: &str| {
            run(&[
                "check",
                "inventory.yaml",
                "-f",
                format,
                "--repository",
                "acme/chat",
            ])
        };
        let report: Value = serde_json::from_str(&check("report-json")).unwrap();
        let slack = &report["tools"][0];
        assert_eq!(slack["name"], "Slack");
        common::put(dir.path(), "run.json", &check("report-json"));
        let merged = run(&["merge", "run.json", "-f", "markdown"]);
        let merged_json = run(&["merge", "run.json", "-f", "report-json"]);
        let verdict =
            "Compliant under a policy that lowers no-e2ee to info (config e2ee-lint.yaml)";
        let texts = [
            ("markdown", check("markdown"), verdict.to_owned()),
            ("html", check("html"), verdict.to_owned()),
            ("oscal", check("oscal"), verdict.to_owned()),
            (
                "merge",
                merged,
                verdict.replace("(config", "(acme/chat: config"),
            ),
        ];
        if lowered {
            assert_eq!(report["summary"]["verdict"], "compliant", "{report}");
            assert_eq!(
                report["lowered_verdict_rules"],
                serde_json::json!([{"rule": "no-e2ee", "level": "info", "by": "config e2ee-lint.yaml"}])
            );
            assert_eq!(
                slack["lowered_verdict_rules"],
                serde_json::json!(["no-e2ee"])
            );
            assert_eq!(
                slack["outcome"], "compliant",
                "the vocabulary stays one word"
            );
            let schema: Value = serde_json::from_str(
                &std::fs::read_to_string(common::root().join("schemas/report.schema.json"))
                    .unwrap(),
            )
            .unwrap();
            let validator = jsonschema::validator_for(&schema).unwrap();
            for document in [&report, &serde_json::from_str(&merged_json).unwrap()] {
                let errors: Vec<String> = validator
                    .iter_errors(document)
                    .map(|e| e.to_string())
                    .collect();
                assert!(errors.is_empty(), "{errors:?}");
            }
            for (format, text, verdict) in &texts {
                assert!(text.contains(verdict.as_str()), "{format}: {text}");
                assert!(
                    text.contains("compliant (policy lowers no-e2ee)"),
                    "{format}: Slack's outcome: {text}"
                );
            }
            let oscal: Value = serde_json::from_str(&check("oscal")).unwrap();
            let props = &oscal["assessment-results"]["results"][0]["props"];
            assert!(
                props
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p["name"] == "verdict-rule-lowered"
                        && p["value"] == "no-e2ee to info (config e2ee-lint.yaml)"),
                "{props}"
            );
            let csv = check("csv");
            let row = csv.lines().find(|l| l.contains(",Slack,")).unwrap();
            assert!(row.contains(",compliant (policy lowers no-e2ee),"), "{row}");
        } else {
            assert!(report.get("lowered_verdict_rules").is_none(), "{report}");
            assert!(slack.get("lowered_verdict_rules").is_none(), "{slack}");
            let csv = check("csv");
            for (format, text, _) in texts.iter().chain([&("csv", csv, String::new())]) {
                assert!(!text.contains("policy lowers"), "{format}: {text}");
                assert!(!text.contains("lowers no-e2ee"), "{format}");
                assert!(!text.contains("lowers backups-not-e2ee"), "{format}");
            }
        }
    }
}

/// The lowering names the config file it was set in: a file name's markup is escaped in the
/// verdict line like any other input text.
#[test]
fn a_lowering_names_its_config_escaped() {
    let dir = common::repo();
    common::put(
        dir.path(),
        "team*<i>x</i>*/inventory.yaml",
        "tools:\n  - name: Slack\n    data_classification: confidential\n",
    );
    common::put(
        dir.path(),
        "team*<i>x</i>*/e2ee-lint.yaml",
        "rules:\n  no-e2ee: info\n",
    );
    let run = |format: &str| {
        let args = ["check", "team*<i>x</i>*/inventory.yaml", "-f", format];
        common::run_with(dir.path(), &args, &[], |_| {}).stdout
    };
    let markdown = run("markdown");
    assert!(
        markdown
            .contains("lowers no-e2ee to info (config team\\*\\<i\\>x\\</i\\>\\*/e2ee-lint.yaml)"),
        "{markdown}"
    );
    let html = run("html");
    assert!(
        html.contains("lowers no-e2ee to info (config team*&lt;i&gt;x&lt;/i&gt;*/e2ee-lint.yaml)"),
        "{html}"
    );
}
