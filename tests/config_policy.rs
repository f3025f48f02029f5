//! The config's policy limits (`max_exception_days`, `files: []`), `init`'s starter and
//! `explain` for every id that can appear in output.

mod common;

use std::fs;

use common::{e2ee_lint, e2ee_lint_in, put, repo};

#[test]
fn init_refuses_when_either_config_name_exists() {
    for existing in ["e2ee-lint.yaml", ".e2ee-lint.yaml"] {
        let dir = tempfile::tempdir().unwrap();
        put(dir.path(), existing, "fail_on: never\n");
        let out = e2ee_lint_in(dir.path(), &["init"], &[]);
        assert_eq!(out.code, 2, "{existing}");
        assert!(
            out.stderr.starts_with("e2ee-lint: error: "),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains(existing), "{}", out.stderr);
        assert!(out.stderr.contains("already exists"), "{}", out.stderr);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        let out = e2ee_lint_in(dir.path(), &["init", ".e2ee-lint.yaml"], &[]);
        assert_eq!(out.code, 2, "{existing}");
    }
}

#[test]
fn every_id_in_output_is_explainable() {
    for id in ["invalid-config", "exception-too-long", "no-e2ee"] {
        let out = e2ee_lint(&["explain", id]);
        assert_eq!(out.code, 0, "{id}: {}", out.stderr);
        assert!(out.stdout.starts_with(id));
    }
}

const EXCEPTION: &str = "exceptions:
  - tool: Slack
    rule: no-e2ee
    reason: r
    approved_by: ciso
";

#[test]
fn an_exception_longer_than_the_maximum_is_a_finding() {
    let dir = repo();
    put(dir.path(), "inventory.yaml", "tools:\n  - name: Slack\n");
    let cases = [
        ("", "9999-12-31", true),
        ("", "2027-11-27", false), // 365 days after 2026-11-27
        ("", "2027-11-28", true),
        ("max_exception_days: 30\n", "2026-12-28", true),
        ("max_exception_days: 30\n", "2026-12-27", false),
    ];
    for (limit, expires, fires) in cases {
        put(
            dir.path(),
            "e2ee-lint.yaml",
            &format!("{limit}{EXCEPTION}    expires: {expires}\n"),
        );
        let out = e2ee_lint_in(
            dir.path(),
            &["check", "--today", "2026-11-27", "-f", "json"],
            &[],
        );
        let rules = common::json_rules(&out.stdout);
        assert_eq!(
            rules.contains(&"exception-too-long".to_owned()),
            fires,
            "{limit}{expires}: {rules:?} {}",
            out.stderr
        );
        // A warning: the exception still applies.
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
}
