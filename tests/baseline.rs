//! The baseline and the policy's "unused" verdicts: paths from any working directory,
//! `--write-baseline` as an ordinary run, partial runs, and messages that say what applies.

mod common;

use std::fs;
use std::path::Path;

use common::{e2ee_lint_in, put, repo};
use serde_json::Value;

const TODAY: &str = "2026-11-27";
const SLACK: &str = "tools:\n  - name: Slack\n";
const DISCORD: &str = "tools:\n  - name: Discord\n    channels: [text]\n";

fn json(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let mut all = args.to_vec();
    all.extend(["--format", "json", "--today", TODAY]);
    let out = e2ee_lint_in(dir, &all, &[]);
    let value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr));
    (out.code, value, out.stderr)
}

/// `rule` of each active finding, with its message.
fn active(out: &Value) -> Vec<(String, String)> {
    out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f.get("suppressed").is_none())
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn rules(out: &Value) -> Vec<String> {
    active(out).into_iter().map(|(rule, _)| rule).collect()
}

fn entry_files(baseline: &Path) -> Vec<String> {
    let value: Value = serde_json::from_str(&fs::read_to_string(baseline).unwrap()).unwrap();
    value["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["file"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn baseline_paths_are_relative_to_the_baseline_from_any_working_directory() {
    let dir = repo();
    let root = dir.path();
    put(root, "inventories/team/inventory.yaml", SLACK);
    put(root, "inventory.yaml", SLACK);
    fs::create_dir_all(root.join("policy")).unwrap();
    // (working directory, inventory paths, baseline path), all naming the same files.
    let runs: &[(&str, &[&str], &str)] = &[
        (
            "",
            &["inventories/team/inventory.yaml", "inventory.yaml"],
            "policy/b.json",
        ),
        (
            "inventories",
            &["team/inventory.yaml", "../inventory.yaml"],
            "../policy/b.json",
        ),
        (
            "inventories/team",
            &["inventory.yaml", "../../inventory.yaml"],
            "../../policy/b.json",
        ),
        (
            "policy",
            &["../inventories/team/inventory.yaml", "../inventory.yaml"],
            "b.json",
        ),
    ];
    let expected = ["../inventories/team/inventory.yaml", "../inventory.yaml"];
    for (cwd, paths, baseline) in runs {
        let cwd = root.join(cwd);
        let mut write = vec!["check"];
        write.extend(*paths);
        write.extend(["--write-baseline", baseline]);
        let out = e2ee_lint_in(&cwd, &write, &[]);
        assert_eq!(out.code, 0, "{cwd:?}: {}", out.stderr);
        let mut files = entry_files(&root.join("policy/b.json"));
        files.sort();
        assert_eq!(files, expected, "written from {cwd:?}");
        // Used from every working directory, the baseline matches everything it holds.
        for (cwd, paths, baseline) in runs {
            let cwd = root.join(cwd);
            let mut check = vec!["check"];
            check.extend(*paths);
            check.extend(["--baseline", baseline]);
            let (code, out, stderr) = json(&cwd, &check);
            assert_eq!(rules(&out), Vec::<String>::new(), "{cwd:?}: {stderr}");
            assert_eq!(code, 0);
        }
    }
}

#[test]
fn write_baseline_reports_unreadable_paths_and_writes_every_output() {
    let dir = repo();
    put(dir.path(), "inventory.yaml", SLACK);
    let out = e2ee_lint_in(
        dir.path(),
        &[
            "check",
            "inventory.yaml",
            "missing.yaml",
            "--write-baseline",
            "b.json",
            "-o",
            "sarif=out.sarif",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("e2ee-lint: error: missing.yaml"),
        "{}",
        out.stderr
    );
    let json: Value = serde_json::from_str(&out.stdout).expect("--format json was written");
    assert_eq!(json["version"], 2);
    assert!(dir.path().join("out.sarif").is_file(), "-o was written");
    assert_eq!(entry_files(&dir.path().join("b.json")), ["inventory.yaml"]);
    // Without an unreadable path too: every requested output is written.
    fs::remove_file(dir.path().join("out.sarif")).unwrap();
    let out = e2ee_lint_in(
        dir.path(),
        &[
            "check",
            "--write-baseline",
            "b.json",
            "-o",
            "sarif=out.sarif",
            "-f",
            "json",
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: Value = serde_json::from_str(&out.stdout).expect("--format json was written");
    assert_eq!(json["findings"][0]["suppressed"]["kind"], "baseline");
    assert!(dir.path().join("out.sarif").is_file(), "-o was written");
}

#[test]
fn write_baseline_says_which_findings_it_cannot_hold() {
    let dir = repo();
    put(dir.path(), "inventory.yaml", SLACK);
    put(
        dir.path(),
        "e2ee-lint.yaml",
        "exceptions:\n  - tool: Slack\n    rule: no-e2ee\n    reason: r\n    approved_by: ciso\n    expires: 2020-01-31\n",
    );
    let write = e2ee_lint_in(
        dir.path(),
        &["check", "--today", TODAY, "--write-baseline", "b.json"],
        &[],
    );
    assert!(
        write.stderr.contains("cannot be recorded in a baseline")
            && write.stderr.contains("expired-exception"),
        "{}",
        write.stderr
    );
    let (code, out, _) = json(dir.path(), &["check", "--baseline", "b.json"]);
    assert_eq!(rules(&out), ["expired-exception"]);
    // The write run's verdict is the verdict of the next run with the baseline.
    assert_eq!(write.code, code);
    assert_eq!(code, 1);
}

/// A repository with two inventories, exceptions with and without `files:`, and a baseline
/// entry for each file.
fn partial_repo() -> tempfile::TempDir {
    let dir = repo();
    let root = dir.path();
    put(root, "inventories/a.yaml", SLACK);
    put(root, "inventories/b.yaml", DISCORD);
    put(
        root,
        "e2ee-lint.yaml",
        "exceptions:
  - tool: Discord
    rule: no-e2ee
    reason: r
    approved_by: ciso
    expires: 2027-01-31
    files: [inventories/b.yaml]
  - tool: Zoom
    rule: e2ee-not-enforced
    reason: r
    approved_by: ciso
    expires: 2027-01-31
",
    );
    put(
        root,
        "b.json",
        r#"{"version": 1, "entries": [
  {"rule": "no-e2ee", "file": "inventories/a.yaml", "tool": "slack"},
  {"rule": "no-e2ee", "file": "inventories/a.yaml", "tool": "gone"},
  {"rule": "unclassified-tool", "file": "inventories/b.yaml", "tool": "gone"}
]}"#,
    );
    dir
}

#[test]
fn a_partial_run_does_not_call_unchecked_entries_unused() {
    let dir = partial_repo();
    let root = dir.path();
    // Only a.yaml: the Discord exception's files, the file-less Zoom exception and b.yaml's
    // baseline entry are out of this run's sight; a.yaml's stale entry is not.
    let (_, out, stderr) = json(
        root,
        &["check", "inventories/a.yaml", "--baseline", "b.json"],
    );
    let got: Vec<String> = active(&out)
        .into_iter()
        .map(|(rule, message)| format!("{rule}: {message}"))
        .collect();
    assert_eq!(
        got,
        [
            "unused-baseline-entry: baseline entry `no-e2ee` for `gone` in inventories/a.yaml matches no finding"
        ],
        "{stderr}"
    );
    // The whole set, by default paths or by explicit paths covering it: everything is judged.
    for paths in [
        &[][..],
        &["inventories"][..],
        &["inventories/b.yaml", "inventories/a.yaml"][..],
    ] {
        let mut args = vec!["check"];
        args.extend(paths);
        args.extend(["--baseline", "b.json"]);
        let (_, out, _) = json(root, &args);
        let mut got = rules(&out);
        got.sort();
        assert_eq!(
            got,
            [
                "unused-baseline-entry",
                "unused-baseline-entry",
                "unused-exception"
            ],
            "{paths:?}"
        );
    }
}

/// Rewriting the baseline from a run over some files replaces those files' entries and keeps
/// the others; a run over every inventory drops entries whose findings are gone.
#[test]
fn a_partial_run_rewrites_only_its_files_baseline_entries() {
    let dir = partial_repo();
    let root = dir.path();
    let entries = |root: &Path| {
        let value: Value =
            serde_json::from_str(&fs::read_to_string(root.join("b.json")).unwrap()).unwrap();
        let mut got: Vec<String> = value["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| format!("{} {} {}", e["file"], e["rule"], e["tool"]))
            .collect();
        got.sort();
        got
    };
    let (_, _, stderr) = json(
        root,
        &["check", "inventories/a.yaml", "--write-baseline", "b.json"],
    );
    assert!(
        stderr.contains("1 of them kept from files this run did not check"),
        "{stderr}"
    );
    assert_eq!(
        entries(root),
        [
            r#""inventories/a.yaml" "no-e2ee" "slack""#,
            r#""inventories/b.yaml" "unclassified-tool" "gone""#,
        ]
    );
    json(root, &["check", "--write-baseline", "b.json"]);
    // b.yaml's Discord finding is covered by its exception, so nothing of b.yaml is recorded.
    assert_eq!(entries(root), [r#""inventories/a.yaml" "no-e2ee" "slack""#]);
    // A file there that is no baseline: nothing can be kept, and the run says so.
    put(root, "b.json", "not a baseline\n");
    let (_, _, stderr) = json(
        root,
        &["check", "inventories/a.yaml", "--write-baseline", "b.json"],
    );
    assert!(
        stderr.contains("b.json was not a readable baseline"),
        "{stderr}"
    );
    assert_eq!(entries(root), [r#""inventories/a.yaml" "no-e2ee" "slack""#]);
}

/// The baseline is an output like the others: a committed symbolic link at its path is
/// replaced, and the file it points to (outside the repository) is not written.
#[test]
fn write_baseline_replaces_a_symlink_instead_of_writing_through_it() {
    let dir = repo();
    let outside = tempfile::tempdir().unwrap();
    let secret = put(outside.path(), "secret.json", "do not touch\n");
    put(dir.path(), "inventory.yaml", SLACK);
    let link = dir.path().join("baseline.json");
    std::os::unix::fs::symlink(&secret, &link).unwrap();
    let (code, _, stderr) = json(dir.path(), &["check", "--write-baseline", "baseline.json"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(fs::read_to_string(&secret).unwrap(), "do not touch\n");
    assert!(
        !fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(entry_files(&link), ["inventory.yaml"]);
}

#[test]
fn the_published_pre_commit_hook_runs_on_the_whole_set() {
    let hooks = fs::read_to_string(common::root().join(".pre-commit-hooks.yaml")).unwrap();
    let hook = &hooks[hooks.find("- id: e2ee-lint\n").unwrap()..];
    let hook = hook[1..].split("\n- id:").next().unwrap();
    assert!(hook.contains("pass_filenames: false"), "{hook}");
}

#[test]
fn an_expired_exception_says_what_applies_instead() {
    let dir = repo();
    let root = dir.path();
    put(
        root,
        "inventory.yaml",
        "tools:\n  # e2ee-lint: ignore[no-e2ee] announcements only\n  - name: Slack\n  - name: Discord\n    channels: [text]\n",
    );
    put(
        root,
        "e2ee-lint.yaml",
        "exceptions:
  - tool: Slack
    rule: no-e2ee
    reason: r
    approved_by: ciso
    expires: 2020-01-31
  - tool: Discord
    rule: no-e2ee
    reason: r
    approved_by: ciso
    expires: 2020-01-31
",
    );
    put(
        root,
        "b.json",
        r#"{"version": 1, "entries": [{"rule": "no-e2ee", "file": "inventory.yaml", "tool": "discord"}]}"#,
    );
    let (_, out, _) = json(root, &["check", "--baseline", "b.json"]);
    let messages: Vec<String> = active(&out).into_iter().map(|(_, m)| m).collect();
    assert_eq!(
        messages,
        [
            "the exception for `no-e2ee` on Slack expired on 2020-01-31; the finding is now suppressed only by an inline ignore comment",
            "the exception for `no-e2ee` on Discord expired on 2020-01-31; the finding is now suppressed only by the baseline",
        ]
    );
    // Without the baseline, Discord's finding is active again.
    let (_, out, _) = json(root, &["check"]);
    let messages: Vec<String> = active(&out)
        .into_iter()
        .filter(|(rule, _)| rule == "expired-exception")
        .map(|(_, m)| m)
        .collect();
    assert_eq!(
        messages[1],
        "the exception for `no-e2ee` on Discord expired on 2020-01-31; the finding is active again"
    );
}
