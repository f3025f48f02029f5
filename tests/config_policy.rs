//! The config's policy limits (`max_exception_days`, `files: []`), `init`'s starter and
//! `explain` for every id that can appear in output.

mod common;

use std::fs;

use common::{e2ee_lint, e2ee_lint_in, put, repo};
use e2ee_lint::engine::rule::Registry;
use e2ee_lint::policy::config;
use e2ee_lint::source::SourceFile;

fn load(text: &str) -> Result<config::Config, Vec<config::ConfigError>> {
    let registry = Registry::embedded().unwrap();
    let ids: Vec<&str> = registry.rules().map(|r| &*r.info.id).collect();
    let source = SourceFile::new("e2ee-lint.yaml", "e2ee-lint.yaml", text.to_owned());
    config::load(std::sync::Arc::new(source), &ids)
}

/// The starter with the commented example block after `key` uncommented the way editors do
/// it: `# ` (or a bare `#`) removed from the start of each line of the block.
fn uncomment(text: &str, key: &str) -> String {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if inside && line.starts_with('#') {
            let line = line.strip_prefix("# ").unwrap_or(&line[1..]);
            out.push(line.to_owned());
            continue;
        }
        inside = false;
        if line == key || line == format!("# {key}") {
            inside = true;
            out.push(key.to_owned());
            continue;
        }
        out.push(line.to_owned());
    }
    out.join("\n") + "\n"
}

#[test]
fn init_examples_are_valid_once_uncommented() {
    let starter = common::starter_config();
    assert!(load(&starter).is_ok());
    let keys = ["rules:", "exceptions:", "inventory:"];
    let mut all = starter.clone();
    for key in keys {
        let one = uncomment(&starter, key);
        assert_ne!(one, starter, "{key} has an example");
        let config = load(&one).unwrap_or_else(|e| panic!("{key}: {e:?}\n{one}"));
        match key {
            "rules:" => assert!(!config.rules.is_empty()),
            "exceptions:" => assert_eq!(config.exceptions.len(), 1),
            _ => assert!(config.mapping.is_some()),
        }
        all = uncomment(&all, key);
    }
    load(&all).unwrap_or_else(|e| panic!("{e:?}\n{all}"));
}

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

#[test]
fn max_exception_days_is_validated() {
    for bad in ["max_exception_days: 0\n", "max_exception_days: soon\n"] {
        let errors = load(bad).expect_err(bad);
        assert!(
            errors[0].message.contains("max_exception_days"),
            "{}",
            errors[0].message
        );
    }
    assert!(load("max_exception_days: 90\n").is_ok());
}

#[test]
fn an_empty_files_list_is_a_config_error() {
    let errors = load(&format!(
        "{EXCEPTION}    expires: 2027-01-31\n    files: []\n"
    ))
    .expect_err("files: [] is refused");
    assert!(
        errors[0].message.contains("`files`"),
        "{}",
        errors[0].message
    );
    let span = errors[0].span;
    assert_eq!(
        span.offset,
        EXCEPTION.len() + "    expires: 2027-01-31\n    files: ".len()
    );
}
