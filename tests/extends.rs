//! A shared policy: `extends` (the nearer file wins key by key, lists accumulate), located
//! errors for cycles and missing files, `rule_files` globs, and `config --show`.

mod common;

use common::{e2ee_lint_in, put, repo};

const SHARED: &str = "fail_on: warning
max_exception_days: 400
rules:
  unclassified-tool: info
  stale-classification: off
data_classification:
  levels: [green, amber, red]
  e2ee_required_from: amber
exceptions:
  - tool: Slack
    rule: no-e2ee
    reason: Public announcements only
    approved_by: ciso@acme.example
    expires: 2027-06-30
rule_files: [\"rules/*.yaml\"]
";

const TEAM: &str = "extends: [../security/e2ee-policy.yaml]
fail_on: error
rules:
  unclassified-tool: warning
rule_files: [\"policy/*.yaml\"]
inventory:
  values:
    data_classification: {Red: red}
";

/// A repository with the shared policy in `security/` and a team's config in `team/`.
/// A rule file for `id` that never fires: these tests are about which files are loaded.
fn quiet_rule(id: &str) -> String {
    format!(
        "id: {id}\nseverity: info\nsummary: s\ndocs: d\nwhen: {{field: tool.name, equals: nothing-is-called-this}}\nmessage: m\n"
    )
}

fn shared_repo() -> tempfile::TempDir {
    let dir = repo();
    put(dir.path(), "security/e2ee-policy.yaml", SHARED);
    put(dir.path(), "security/rules/b.yaml", &quiet_rule("b"));
    put(dir.path(), "security/rules/a.yaml", &quiet_rule("a"));
    put(dir.path(), "team/e2ee-lint.yaml", TEAM);
    put(dir.path(), "team/policy/z.yaml", &quiet_rule("z"));
    dir
}

#[test]
fn an_inherited_exception_suppresses_and_points_into_the_shared_file() {
    let dir = shared_repo();
    put(
        dir.path(),
        "team/inventory.yaml",
        "version: 1\ntools:\n  - name: Slack\n    category: messaging\n",
    );
    let out = e2ee_lint_in(
        dir.path(),
        &[
            "check",
            "team/inventory.yaml",
            "--today",
            "2026-11-28",
            "--format",
            "json",
        ],
        &[],
    );
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let no_e2ee = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "no-e2ee")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(no_e2ee["suppressed"]["kind"], "exception");
    // Unused there: the shared file's entry is reported, in the shared file.
    put(
        dir.path(),
        "team/inventory.yaml",
        "version: 1\ntools:\n  - name: Signal\n    category: messaging\n",
    );
    let out = e2ee_lint_in(
        dir.path(),
        &[
            "check",
            "team/inventory.yaml",
            "--today",
            "2026-11-28",
            "--format",
            "json",
        ],
        &[],
    );
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let unused = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "unused-exception")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(unused["file"], "security/e2ee-policy.yaml");
    assert_eq!(unused["span"]["line"], 10);
}

/// Runs `check` in `dir` and returns the exit code and standard error.
fn check_stderr(dir: &std::path::Path) -> (i32, String) {
    put(dir, "team/inventory.yaml", "version: 1\ntools: []\n");
    let out = e2ee_lint_in(
        dir,
        &["check", "team/inventory.yaml", "--color", "never"],
        &[],
    );
    (out.code, out.stderr)
}

#[test]
fn a_cycle_is_a_located_error() {
    let dir = shared_repo();
    put(
        dir.path(),
        "security/e2ee-policy.yaml",
        &format!("extends: ../team/e2ee-lint.yaml\n{SHARED}"),
    );
    let (code, stderr) = check_stderr(dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("`extends` cycle: team/e2ee-lint.yaml -> security/e2ee-policy.yaml -> team/e2ee-lint.yaml"),
        "{stderr}"
    );
    assert!(
        stderr.contains("[security/e2ee-policy.yaml:1:10]"),
        "{stderr}"
    );
}

#[test]
fn a_missing_file_is_a_located_error() {
    let dir = shared_repo();
    put(
        dir.path(),
        "team/e2ee-lint.yaml",
        &TEAM.replace("../security/", "../securty/"),
    );
    let (code, stderr) = check_stderr(dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot read"), "{stderr}");
    assert!(stderr.contains("[team/e2ee-lint.yaml:1:11]"), "{stderr}");
    // A URL is refused, not fetched.
    put(
        dir.path(),
        "team/e2ee-lint.yaml",
        "extends: https://example.com/policy.yaml\n",
    );
    let (code, stderr) = check_stderr(dir.path());
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`extends` takes file paths, not URLs"),
        "{stderr}"
    );
}

#[test]
fn a_rule_files_glob_matching_nothing_is_a_located_error() {
    let dir = shared_repo();
    put(
        dir.path(),
        "team/e2ee-lint.yaml",
        &TEAM.replace("policy/*.yaml", "policy/*.yml"),
    );
    let (code, stderr) = check_stderr(dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("`policy/*.yml` matches no file"),
        "{stderr}"
    );
    assert!(stderr.contains("[team/e2ee-lint.yaml:5:"), "{stderr}");
    put(dir.path(), "team/e2ee-lint.yaml", "rule_files: [\"[\"]\n");
    let (code, stderr) = check_stderr(dir.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("invalid glob pattern"), "{stderr}");
}

#[test]
fn config_show_prints_each_value_with_its_origin() {
    let dir = shared_repo();
    let team = dir.path().join("team");
    let out = e2ee_lint_in(&team, &["config", "--show"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let expected = [
        "fail_on: error",
        "# e2ee-lint.yaml:2",
        "  stale-classification: \"off\"",
        "# ../security/e2ee-policy.yaml:5",
        "  unclassified-tool: warning",
        "# e2ee-lint.yaml:4",
        "max_exception_days: 400",
        "# ../security/e2ee-policy.yaml:2",
        "  - {tool: Slack, rule: no-e2ee, reason: Public announcements only, approved_by: ciso@acme.example, expires: 2027-06-30}",
        "  - ../security/rules/a.yaml",
        "  - policy/z.yaml",
        "data_classification: {levels: [green, amber, red], e2ee_required_from: amber}",
        "inventory: {values: {data_classification: {Red: red}}}",
    ];
    for line in expected {
        assert!(out.stdout.contains(line), "want {line:?}:\n{}", out.stdout);
    }
    assert!(out.stdout.contains("fail_on: error") && !out.stdout.contains("fail_on: warning"));
    // Deterministic, and the same whichever way the config is named.
    let again = e2ee_lint_in(
        dir.path(),
        &["config", "--show", "--config", "team/e2ee-lint.yaml"],
        &[],
    );
    assert_eq!(again.code, 0);
    assert_eq!(
        again.stdout.lines().skip(2).count(),
        out.stdout.lines().skip(2).count()
    );
    // Without --show: the files it merged.
    let plain = e2ee_lint_in(&team, &["config"], &[]);
    assert_eq!(
        plain.stdout,
        "e2ee-lint.yaml: valid\n  extends ../security/e2ee-policy.yaml\n  rule file ../security/rules/a.yaml\n  rule file ../security/rules/b.yaml\n  rule file policy/z.yaml\n"
    );
    // An invalid config: located diagnostics, exit 2.
    put(dir.path(), "team/e2ee-lint.yaml", "fail_on: sometimes\n");
    let bad = e2ee_lint_in(&team, &["config", "--show", "--color", "never"], &[]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("[e2ee-lint.yaml:1:10]"),
        "{}",
        bad.stderr
    );
}

#[test]
fn config_with_no_config_file_says_the_defaults_apply() {
    let dir = repo();
    let out = e2ee_lint_in(dir.path(), &["config", "--show"], &[]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("the defaults apply"), "{}", out.stdout);
}
