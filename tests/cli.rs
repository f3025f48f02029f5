//! CLI tests: the binary as a user runs it, over the fixtures, with snapshots of what it prints.

mod common;

use common::{e2ee_lint, json_rules};

#[test]
fn seed_systems_get_the_expected_rules() {
    // One fixture per seed system of the product's classification, plus enforced variants.
    let cases: &[(&str, &[&str])] = &[
        // Signal: E2EE on every channel, and its backups are E2EE whenever they exist.
        ("signal", &[]),
        // Matrix public rooms are public by design (out of E2EE scope); the homeserver switch
        // that turns the encryption default off is the one weaker mode, an info.
        ("element", &["e2ee-scope"]),
        // WhatsApp: E2EE on every channel; only the (informational) cloud backups.
        ("whatsapp", &["backups-not-e2ee"]),
        ("wire", &[]),
        // Telegram: Secret Chats are opt-in 1:1 only; group chats have no E2EE at all.
        (
            "telegram",
            &["backups-not-e2ee", "e2ee-not-enforced", "no-e2ee"],
        ),
        (
            "telegram-enforced",
            &[
                "backups-not-e2ee",
                "no-e2ee",
                "e2ee-claim-unenforceable",
                "e2ee-claim-unsupported",
            ],
        ),
        ("discord", &["e2ee-not-enforced", "no-e2ee"]),
        ("zoom", &["e2ee-not-enforced", "unknown-e2ee-status"]),
        ("zoom-enforced", &[]),
        ("slack", &["no-e2ee"]),
        ("slack-banned", &[]),
        (
            "slack-claims-enforced",
            &["no-e2ee", "e2ee-claim-unsupported"],
        ),
        ("microsoft-teams", &["e2ee-not-enforced", "no-e2ee"]),
        ("teams-calls-enforced", &[]),
        ("whatsapp-disabled", &["backups-not-e2ee", "e2ee-disabled"]),
    ];
    for (name, expected) in cases {
        let path = format!("fixtures/seed/{name}.yaml");
        let out = e2ee_lint(&["check", &path, "--format", "json"]);
        assert_eq!(json_rules(&out.stdout), *expected, "{path}");
        // The exit code is 1 exactly when a finding is an error.
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let has_error = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["severity"] == "error");
        let code = if has_error { 1 } else { 0 };
        assert_eq!(out.code, code, "{path}: {}", out.stderr);
    }
}

#[test]
fn escalates_opt_in_to_an_error_for_sensitive_data() {
    let out = e2ee_lint(&[
        "check",
        "fixtures/seed/zoom-restricted.yaml",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["findings"][0]["rule"], "e2ee-not-enforced");
    assert_eq!(json["findings"][0]["severity"], "error");
    assert_eq!(out.code, 1);
    let plain = e2ee_lint(&["check", "fixtures/seed/zoom.yaml", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&plain.stdout).unwrap();
    assert_eq!(json["findings"][0]["severity"], "warning");
}

/// Every finding's span is where its rule's `at:` says: the tool's name for `at: name` (the
/// default), else the named field's value, read from the rule registry rather than assumed.
#[test]
fn json_spans_point_where_the_rule_says() {
    use e2ee_lint::engine::rule::{Registry, Target};
    let registry = Registry::embedded().unwrap();
    let out = e2ee_lint(&["check", "fixtures/acme.yaml", "--format", "json"]);
    let json = common::named(serde_json::from_str(&out.stdout).unwrap());
    let text = std::fs::read_to_string(common::root().join("fixtures/acme.yaml")).unwrap();
    let mut at_names = 0;
    for finding in json["findings"].as_array().unwrap() {
        let rule = registry.get(finding["rule"].as_str().unwrap()).unwrap();
        let span = &finding["span"];
        let start = span["offset"].as_u64().unwrap() as usize;
        let end = start + span["length"].as_u64().unwrap() as usize;
        let shown = &text[start..end];
        let line = text
            .lines()
            .nth(span["line"].as_u64().unwrap() as usize - 1)
            .unwrap();
        let column = span["column"].as_u64().unwrap() as usize;
        assert!(line[column - 1..].starts_with(shown), "{finding}");
        assert_eq!(
            span["end_column"].as_u64().unwrap() as usize - column,
            shown.chars().count()
        );
        match &rule.at {
            Target::Field(field) if field.name() == "name" => {
                at_names += 1;
                assert_eq!(shown, finding["tool"].as_str().unwrap(), "{finding}");
            }
            Target::Field(field) => {
                let key = format!("{}:", field.name());
                assert!(
                    line.trim_start().trim_start_matches("- ").starts_with(&key),
                    "{} should point at `{key}`: {line}",
                    rule.info.id
                );
            }
            _ => assert!(!shown.is_empty(), "{finding}"),
        }
    }
    assert!(at_names > 0, "no finding points at a name");
    assert_eq!(json["summary"]["files"], 1);
    assert_eq!(json["summary"]["tools"], 9);
}

#[test]
fn fail_on_sets_the_exit_code() {
    let zoom = "fixtures/seed/zoom.yaml"; // one warning
    assert_eq!(e2ee_lint(&["check", zoom]).code, 0);
    assert_eq!(e2ee_lint(&["check", zoom, "--fail-on", "warning"]).code, 1);
    assert_eq!(e2ee_lint(&["check", zoom, "--fail-on", "info"]).code, 1);
    let slack = "fixtures/seed/slack.yaml"; // one error
    assert_eq!(e2ee_lint(&["check", slack, "--fail-on", "never"]).code, 0);
    assert_eq!(e2ee_lint(&["check", slack, "--fail-on", "error"]).code, 1);
    assert_eq!(e2ee_lint(&["check", slack, "--fail-on", "bogus"]).code, 2);
}

#[test]
fn unreadable_paths_exit_2_with_one_line() {
    let out = e2ee_lint(&["check", "fixtures/does-not-exist.yaml"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("fixtures/does-not-exist.yaml: no such file or directory"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"));

    let out = e2ee_lint(&["check", "no-such-dir/*.yaml"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("no file matches this pattern"),
        "{}",
        out.stderr
    );

    // A directory is walked; one without inventories is an error, not a silent pass.
    let empty = tempfile::tempdir().unwrap();
    let out = e2ee_lint(&["check", empty.path().to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("no *.yaml or *.yml file"),
        "{}",
        out.stderr
    );

    // The other files are still checked and reported.
    let out = e2ee_lint(&[
        "check",
        "fixtures/seed/slack.yaml",
        "missing.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 2);
    assert_eq!(json_rules(&out.stdout), ["no-e2ee"]);
}

#[test]
fn directories_and_globs_expand_in_a_stable_order() {
    let out = e2ee_lint(&["check", "fixtures/seed", "--format", "json"]);
    let glob = e2ee_lint(&["check", "fixtures/seed/*.yaml", "--format", "json"]);
    assert_eq!(out.stdout, glob.stdout);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let files: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted);
    assert!(json["summary"]["files"].as_u64().unwrap() >= 15);
}

#[test]
fn malformed_inputs_are_located_findings_never_panics() {
    let out = e2ee_lint(&["check", "fixtures/malformed", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let invalid: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "invalid-inventory")
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    for file in [
        "duplicate-key",
        "tabs",
        "truncated",
        "wrong-types",
        "missing-name",
        "scalar",
        "tools-not-a-list",
    ] {
        assert!(
            invalid.contains(&format!("fixtures/malformed/{file}.yaml").as_str()),
            "{file}: {invalid:?}"
        );
    }
    // Empty files and files of comments list no tools and are not errors.
    assert!(
        !invalid
            .iter()
            .any(|f| f.contains("empty") || f.contains("comments-only"))
    );
}

#[test]
fn binary_and_non_utf8_bytes_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let nul = dir.path().join("nul.yaml");
    std::fs::write(&nul, b"tools:\n  - name: Sl\0ack\n").unwrap();
    let latin1 = dir.path().join("latin1.yaml");
    std::fs::write(&latin1, b"tools:\n  - name: Caf\xe9\n").unwrap();
    for (path, offset) in [(&nul, None), (&latin1, Some(20))] {
        let out = e2ee_lint(&["check", path.to_str().unwrap(), "--format", "json"]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(json["findings"][0]["rule"], "invalid-inventory");
        if let Some(offset) = offset {
            assert_eq!(json["findings"][0]["span"]["offset"], offset);
        }
    }
}

#[test]
fn same_input_same_bytes() {
    let first = e2ee_lint(&["check", "fixtures", "--format", "json"]);
    let second = e2ee_lint(&["check", "fixtures", "--format", "json"]);
    assert_eq!(first.stdout, second.stdout);
    assert!(!first.stdout.is_empty());
}

#[test]
#[cfg_attr(
    not(feature = "internal-test-panic"),
    ignore = "the panic switch is only built with --features internal-test-panic (.ci/run)"
)]
fn a_panic_is_one_line_and_exit_3() {
    let out = common::e2ee_lint_env(&["rules"], &[("E2EE_LINT_INTERNAL_TEST_PANIC", "1")]);
    assert_eq!(out.code, 3);
    assert!(
        out.stderr.starts_with("e2ee-lint: internal error"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.trim_end().lines().count(), 1, "{}", out.stderr);
}

#[test]
fn rules_explain_and_catalog_commands() {
    let rules = e2ee_lint(&["rules"]);
    assert_eq!(rules.code, 0);
    insta::assert_snapshot!("rules", rules.stdout);

    let explain = e2ee_lint(&["explain", "no-e2ee"]);
    assert_eq!(explain.code, 0);
    assert!(explain.stdout.starts_with("no-e2ee (error)"));
    assert!(explain.stdout.contains("## How to fix"));

    let unknown = e2ee_lint(&["explain", "no-e2e"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("did you mean `no-e2ee`?"),
        "{}",
        unknown.stderr
    );

    let catalog = e2ee_lint(&["catalog"]);
    assert_eq!(catalog.code, 0);
    insta::assert_snapshot!("catalog", catalog.stdout);

    let teams = e2ee_lint(&["catalog", "ms-teams"]);
    assert_eq!(teams.code, 0);
    assert!(
        teams
            .stdout
            .starts_with("Microsoft Teams (microsoft-teams)")
    );
    // Every cell cites its sources, listed with their addresses.
    assert!(teams.stdout.contains("sources: "), "{}", teams.stdout);
    assert!(teams.stdout.contains("<https://"), "{}", teams.stdout);
    assert!(teams.stdout.contains("reviewed: "), "{}", teams.stdout);

    let missing = e2ee_lint(&["catalog", "Signall"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("did you mean `Signal`"),
        "{}",
        missing.stderr
    );
}

#[test]
fn color_flag_and_no_color() {
    let always = e2ee_lint(&["check", "fixtures/seed/slack.yaml", "--color", "always"]);
    assert!(
        always.stderr.contains("\u{1b}["),
        "--color always draws ANSI colours"
    );
    let never = e2ee_lint(&["check", "fixtures/seed/slack.yaml", "--color", "never"]);
    assert!(!never.stderr.contains("\u{1b}["));
    let auto = common::e2ee_lint_env(&["check", "fixtures/seed/slack.yaml"], &[("NO_COLOR", "1")]);
    assert!(!auto.stderr.contains("\u{1b}["));
}

#[test]
fn human_output_stays_bounded_and_printable() {
    let dir = tempfile::tempdir().unwrap();
    // A one-line inventory of many tools: the line is not drawn once per finding.
    let tools: Vec<String> = (0..200)
        .map(|i| format!("{{name: Slack, id: s{i}}}"))
        .collect();
    let one_line = dir.path().join("one-line.yaml");
    std::fs::write(&one_line, format!("[{}]\n", tools.join(", "))).unwrap();
    let out = e2ee_lint(&["check", one_line.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("(line too long to show)"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.len() < 200 * 1000, "{} bytes", out.stderr.len());
    // A carriage return in a tool name is shown escaped, never sent to the terminal.
    let cr = dir.path().join("cr.yaml");
    std::fs::write(
        &cr,
        "tools:\n  - name: \"Slack\\rpwned\"\n    category: messaging\n",
    )
    .unwrap();
    let out = e2ee_lint(&["check", cr.to_str().unwrap()]);
    assert!(!out.stderr.contains('\r'), "{:?}", out.stderr);
    assert!(out.stderr.contains("Slack\\rpwned"), "{}", out.stderr);
}

#[test]
fn json_to_a_closed_pipe_keeps_the_verdict() {
    use std::process::Stdio;
    let mut child = common::binary()
        .args(["check", "fixtures", "--format", "json"])
        .current_dir(common::root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away, like `| head -c0`
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn standard_input_is_an_inventory() {
    use std::io::Write;
    use std::process::Stdio;
    let run = |args: &[&str], input: &[u8]| {
        let mut child = common::binary()
            .args(args)
            .current_dir(common::root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        child.wait_with_output().unwrap()
    };
    let slack = std::fs::read(common::root().join("fixtures/seed/slack.yaml")).unwrap();
    let out = run(&["check", "-", "--format", "json"], &slack);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["findings"][0]["file"], "<stdin>");
    assert_eq!(json["findings"][0]["rule"], "no-e2ee");
    assert_eq!(json["findings"][0]["span"]["line"], 2);
    // The size limit holds for a stream whose size is not known in advance.
    let out = run(&["check", "-", "--max-file-size", "10"], &slack);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("<stdin>: larger than --max-file-size (10 bytes)"),
        "{stderr}"
    );
}
