//! Hostile input against the renderers (issue 12): nothing from an inventory may control an
//! output (escape sequences, bidi controls, workflow commands), nothing is echoed without bound,
//! and the cost of rendering grows with the input, not with its square.
//!
//! The cost cases are not timed: they check sizes and the work the renderers report (bytes
//! read per lookup, lines handed to miette). `bench/run.sh` has the timings.

mod common;

use std::path::Path;

use common::e2ee_lint;

/// Writes `text` to `dir/name` and returns the path as the CLI is given it.
fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("temporary file");
    path.to_str().expect("UTF-8 path").to_owned()
}

/// A YAML double-quoted scalar holding `text` exactly (controls as `\uXXXX`).
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_ascii_graphic() || c == ' ' => out.push(c),
            c if u32::from(c) <= 0xffff => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push_str(&format!("\\U{:08x}", u32::from(c))),
        }
    }
    out.push('"');
    out
}

/// Every control, bidi and invisible character an input could try, in a tool name.
const HOSTILE_NAME: &str = "Evil\u{1b}[2J\u{1b}]8;;http://x\u{7}\u{0}\u{9b}31m\u{202e}lanigiro\u{2066}\u{200f}\r\n::error::x\u{200b}Wh\u{ad}ats\u{feff}App\u{200d}";

/// The characters no text output may carry raw. Line feeds are allowed where the format puts
/// them itself, so they are checked by counting lines instead.
/// Written out here rather than taken from the library, so the test does not share its bugs.
fn raw_hazards(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            c != '\n'
                && (c.is_control()
                    || matches!(
                        c,
                        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}'
                            // Zero-width characters, soft hyphen, byte-order mark: a name
                            // holding one looks like another.
                            | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{00ad}' | '\u{feff}'
                    )
                    || ('\u{202a}'..='\u{202e}').contains(&c)
                    || ('\u{2066}'..='\u{2069}').contains(&c))
        })
        .collect()
}

/// What a person reads of an output. In GitLab and SARIF that is the message texts: the data
/// fields (`location.path`, `properties.tool`, URIs) keep names as written, as in JSON.
fn shown_text(format: &str, stdout: &str, stderr: &str) -> String {
    let texts = |value: serde_json::Value, pointers: &[&str]| -> String {
        let mut all = Vec::new();
        let items = value
            .pointer("/runs/0/results")
            .cloned()
            .unwrap_or(value.clone());
        for item in items.as_array().into_iter().flatten() {
            for pointer in pointers {
                if let Some(text) = item.pointer(pointer).and_then(|t| t.as_str()) {
                    all.push(text.to_owned());
                }
            }
            for related in item["relatedLocations"].as_array().into_iter().flatten() {
                all.push(related["message"]["text"].as_str().unwrap_or("").to_owned());
            }
        }
        all.join("\n")
    };
    match format {
        "gitlab" => texts(
            serde_json::from_str(stdout).expect("JSON"),
            &["/description", "/title", "/content/body"],
        ),
        "sarif" => texts(
            serde_json::from_str(stdout).expect("JSON"),
            &["/message/text"],
        ),
        _ => format!("{stdout}{stderr}"),
    }
}

#[test]
fn tool_names_cannot_control_any_text_output() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let inventory = format!(
        "version: 1\ntools:\n  - name: {}\n    category: messaging\n",
        quoted(HOSTILE_NAME)
    );
    let path = write(dir.path(), "inventory.yaml", &inventory);
    for format in ["human", "github", "junit", "gitlab", "sarif"] {
        let out = e2ee_lint(&["check", &path, "--isolated", "--format", format]);
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        let text = shown_text(format, &out.stdout, &out.stderr);
        assert!(
            raw_hazards(&text).is_empty(),
            "{format} writes {:?} raw:\n{text}",
            raw_hazards(&text)
        );
        assert!(text.contains("\\u{202e}"), "{format}: {text}");
    }
    // The JSON formats as files: no hazard raw in the bytes (JSON escapes it), and the parsed
    // data keeps the name as written.
    for format in ["json", "sarif", "gitlab", "report-json", "oscal"] {
        let out = e2ee_lint(&["check", &path, "--isolated", "--format", format]);
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        let hazards: Vec<char> = raw_hazards(&out.stdout)
            .into_iter()
            .filter(|c| *c != '\r' && *c != '\t')
            .collect();
        assert!(hazards.is_empty(), "{format} writes {hazards:?} raw");
        let parsed: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
        if format == "json" {
            assert_eq!(parsed["tools"][0]["name"], HOSTILE_NAME);
        }
    }
    // GitHub: one workflow command, whatever the name holds.
    let github = e2ee_lint(&["check", &path, "--isolated", "--format", "github"]).stdout;
    assert_eq!(github.lines().count(), 1, "{github}");
    assert!(github.starts_with("::warning file="), "{github}");
    // JSON is the data contract: the name as written.
    let json = e2ee_lint(&["check", &path, "--isolated", "--format", "json"]).stdout;
    let json: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(common::named(json)["findings"][0]["tool"], HOSTILE_NAME);
}

#[test]
fn file_names_cannot_control_human_or_github_output() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let name = "in\u{1b}[31mv\u{202e}lmay.\r\n::error::x.yaml";
    let path = write(
        dir.path(),
        name,
        "version: 1\ntools:\n  - name: Slack\n    category: messaging\n",
    );
    for format in ["human", "github", "junit", "gitlab", "sarif"] {
        let out = e2ee_lint(&["check", &path, "--isolated", "--format", format]);
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        let shown = shown_text(format, &out.stdout, &out.stderr);
        assert!(
            raw_hazards(&shown).is_empty(),
            "{format} writes {:?} raw:\n{shown}",
            raw_hazards(&shown)
        );
    }
    let human = e2ee_lint(&["check", &path, "--isolated"]).stderr;
    assert!(
        human.contains("in\\u{1b}[31mv\\u{202e}lmay.\\r\\n::error::x.yaml"),
        "{human}"
    );
    // A path that cannot be read is named the same way.
    let missing = dir.path().join("gone\u{1b}[2J\u{202e}.yaml");
    let out = e2ee_lint(&["check", missing.to_str().expect("UTF-8"), "--isolated"]);
    assert_eq!(out.code, 2);
    assert!(raw_hazards(&out.stderr).is_empty(), "{}", out.stderr);
}

/// A long scalar on the line after a finding (a context line) in debug builds is 5 MB; the
/// issue's 50 MB case is the same code path.
#[test]
fn long_context_lines_are_cut_in_human_output() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let big = "x".repeat(5 << 20);
    let inventory = format!(
        "version: 1\ntools:\n  - name: Slack\n    notes: {big}\n  - name: Teams\n    notes: \"{big}\"\n    category: messaging\n"
    );
    let path = write(dir.path(), "inventory.yaml", &inventory);
    let out = e2ee_lint(&["check", &path, "--isolated"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("no-e2ee"), "{}", out.stderr);
    assert!(
        out.stderr.len() < 20_000,
        "{} bytes of human output for a few findings",
        out.stderr.len()
    );
    assert!(out.stderr.contains("xxx…"), "{}", out.stderr);
}

/// The closing item of the issue: one huge name anchored once and reused. Human output shows
/// each finding's message cut, with the full length; JSON keeps the data whole.
#[test]
fn huge_names_are_cut_in_human_output_and_whole_in_json() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let name = "n".repeat(200_000);
    let mut inventory =
        format!("version: 1\ntools:\n  - name: &big {name}\n    category: messaging\n    id: t0\n");
    for i in 1..5 {
        inventory.push_str(&format!(
            "  - name: *big\n    category: messaging\n    id: t{i}\n"
        ));
    }
    let path = write(dir.path(), "inventory.yaml", &inventory);
    let human = e2ee_lint(&["check", &path, "--isolated"]);
    // Messages name the tool by its first 200 bytes and its length.
    assert!(
        human.stderr.contains("… (200000 bytes)"),
        "{}",
        human.stderr
    );
    assert!(
        human.stderr.len() < 30_000,
        "{} bytes of human output for 5 findings",
        human.stderr.len()
    );
    let text = e2ee_lint(&["check", &path, "--isolated", "--format", "json"]).stdout;
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    // The name is the tools' identity, kept whole once per tool (five entries, five ids), in
    // `tools`: findings refer to it by index, and no message copies it.
    let tools = json["tools"].as_array().expect("tools");
    assert_eq!(tools.len(), 5, "one entry per tool");
    assert!(tools.iter().all(|t| t["name"] == name.as_str()));
    assert_eq!(text.matches(&name).count(), 5, "the name once per tool");
    let json = common::named(json);
    let findings = json["findings"].as_array().expect("findings");
    assert!(findings.len() >= 5);
    assert!(findings.iter().all(|f| f["tool"] == name.as_str()));
    assert!(
        findings
            .iter()
            .all(|f| f["message"].as_str().is_some_and(|m| m.len() < 1_000)),
        "messages copy the huge name"
    );
    // SARIF repeats the tool per result: its `properties.tool` is cut like a message.
    let sarif = e2ee_lint(&["check", &path, "--isolated", "--format", "sarif"]).stdout;
    let sarif: serde_json::Value = serde_json::from_str(&sarif).expect("SARIF");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(results.len() >= 5);
    for result in results {
        let tool = result["properties"]["tool"]
            .as_str()
            .expect("properties.tool");
        assert!(
            tool.ends_with("… (200000 bytes)") && tool.len() < 1_000,
            "{tool}"
        );
    }
    // The same name on three entries with no id (one tool listed three times): one entry in
    // `tools`, the name once in the whole document, however many findings are about it.
    let name = "ab ".repeat(70_000);
    let name = name.trim_end();
    let mut inventory = format!("version: 1\ntools:\n  - name: &big {name}\n");
    inventory.push_str(&"  - name: *big\n".repeat(2));
    let path = write(dir.path(), "same.yaml", &inventory);
    let text = e2ee_lint(&["check", &path, "--isolated", "--format", "json"]).stdout;
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(
        json["tools"].as_array().map(Vec::len),
        Some(1),
        "{}",
        json["tools"]
    );
    let findings = json["findings"].as_array().expect("findings");
    assert!(findings.len() >= 2, "{} findings", findings.len());
    assert_eq!(text.matches(name).count(), 1, "the name once");
}

/// All tools on one flow-sequence line: every finding's location is given in words, with the
/// right column, and the output grows linearly with the number of tools.
#[test]
fn one_line_inventories_render_linearly_with_right_columns() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let sizes = [2_000, 4_000];
    let mut bytes = Vec::new();
    for n in sizes {
        let inventory = format!(
            "version: 1\ntools: [{}]\n",
            vec!["{name: Slack}"; n].join(", ")
        );
        let path = write(dir.path(), &format!("flow{n}.yaml"), &inventory);
        let human = e2ee_lint(&["check", &path, "--isolated"]).stderr;
        let json = e2ee_lint(&["check", &path, "--isolated", "--format", "json"]).stdout;
        let json: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        let findings: Vec<_> = json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule"] == "no-e2ee")
            .collect();
        // Every Slack is also a duplicate of the first, with a label on the same line.
        assert_eq!(findings.len(), n);
        for (i, finding) in findings.iter().enumerate() {
            // `tools: [` is 8 characters, each entry `{name: Slack}, ` 15; the name is at 7.
            assert_eq!(finding["span"]["line"], 2);
            assert_eq!(finding["span"]["column"], 9 + 7 + i * 15);
        }
        let last = format!("{path}:2:{} (line too long to show)", 9 + 7 + (n - 1) * 15);
        assert!(human.contains(&last), "{last}");
        bytes.push(human.len());
    }
    // Twice the tools, about twice the output: nothing per finding depends on the line.
    let ratio = bytes[1] as f64 / bytes[0] as f64;
    assert!((1.9..2.1).contains(&ratio), "{bytes:?}");
}

/// Findings located in a large baseline file (unused entries) each draw a few lines of it.
#[test]
fn stale_baseline_entries_draw_a_few_lines_each() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let inventory = write(
        dir.path(),
        "inventory.yaml",
        "version: 1\ntools:\n  - name: Signal\n",
    );
    let entries: Vec<String> = (0..2_000)
        .map(|i| {
            format!(
                "    {{ \"rule\": \"no-e2ee\", \"file\": \"inventory.yaml\", \"tool\": \"ghost-{i}\" }}"
            )
        })
        .collect();
    let baseline = write(
        dir.path(),
        "baseline.json",
        &format!(
            "{{\n  \"version\": 1,\n  \"entries\": [\n{}\n  ]\n}}\n",
            entries.join(",\n")
        ),
    );
    let out = e2ee_lint(&["check", &inventory, "--isolated", "--baseline", &baseline]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let findings = out.stderr.matches("[unused-baseline-entry]").count();
    assert_eq!(findings, 2_000);
    // Each snippet shows the entry's line and its neighbours, never the whole file.
    let drawn = out.stderr.matches("ghost-").count();
    assert!(drawn <= 2_000 * 4, "{drawn} baseline lines drawn");
    assert!(out.stderr.contains("ghost-1999"));
}
