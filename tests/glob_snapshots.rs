//! Snapshots over fixture files (insta's `glob!`), in a test binary of their own: insta's glob
//! state is process-global, so a failing plain snapshot in another binary is never reported
//! against a glob test running beside it.
//!
//! The human format is snapshotted on every inventory fixture (it is what people read); the
//! machine formats on a few fixtures, so that a new rule changes few snapshots.

mod common;

use common::e2ee_lint;

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn human_output_snapshots() {
    // Inventories only: policy scenarios need their config and `--today` (tests/policy.rs).
    insta::glob!(
        "../fixtures",
        "{*.yaml,seed/*.yaml,malformed/*.yaml}",
        |path| {
            let relative = common::relative(path);
            let out = e2ee_lint(&["check", &relative]);
            insta::assert_snapshot!(format!("exit: {}\n{}{}", out.code, out.stdout, out.stderr));
        }
    );
}

#[test]
fn json_output_snapshots() {
    insta::glob!("../fixtures", "*.yaml", |path| {
        let relative = common::relative(path);
        let out = e2ee_lint(&["check", &relative, "--format", "json"]);
        insta::assert_snapshot!(out.stdout);
    });
}

#[test]
fn sarif_results_snapshots() {
    // The rule metadata is in the acme snapshot; here only the results, per fixture.
    // Inventories only: policy scenarios need their config and `--today` (tests/policy.rs).
    insta::glob!("../fixtures", "{acme,escaping,messy}.yaml", |path| {
        let relative = common::relative(path);
        let out = e2ee_lint(&["check", &relative, "-f", "sarif"]);
        let sarif = json(&out.stdout);
        insta::assert_snapshot!(
            serde_json::to_string_pretty(&sarif["runs"][0]["results"]).unwrap()
        );
    });
}

#[test]
fn junit_snapshots() {
    // Inventories only: policy scenarios need their config and `--today` (tests/policy.rs).
    insta::glob!("../fixtures", "{acme,escaping,messy}.yaml", |path| {
        let out = e2ee_lint(&["check", &common::relative(path), "-f", "junit"]);
        insta::assert_snapshot!(out.stdout);
    });
}

#[test]
fn github_snapshots() {
    // Inventories only: policy scenarios need their config and `--today` (tests/policy.rs).
    insta::glob!("../fixtures", "{acme,escaping,messy}.yaml", |path| {
        let out = e2ee_lint(&["check", &common::relative(path), "-f", "github"]);
        insta::assert_snapshot!(format!("exit: {}\n{}", out.code, out.stdout));
    });
}

#[test]
fn gitlab_snapshots() {
    // Inventories only: policy scenarios need their config and `--today` (tests/policy.rs).
    insta::glob!("../fixtures", "{acme,escaping,messy}.yaml", |path| {
        let out = e2ee_lint(&["check", &common::relative(path), "-f", "gitlab"]);
        insta::assert_snapshot!(out.stdout);
    });
}
