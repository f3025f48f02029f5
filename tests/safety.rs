//! Writing outputs never harms an input, never leaves a half-written file, and never panics
//! when a standard stream cannot be written.

mod common;

use std::fs;
use std::path::Path;
use std::process::Stdio;

use common::{e2ee_lint_in, put, repo, run_with};

const SLACK: &str = "tools:\n  - name: Slack\n";

fn refused(out: &common::Output) {
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.starts_with("e2ee-lint: error: "),
        "one error line: {}",
        out.stderr
    );
}

#[test]
fn write_baseline_onto_an_input_is_refused() {
    let dir = repo();
    let victim = put(dir.path(), "victim.yaml", SLACK);
    let out = e2ee_lint_in(
        dir.path(),
        &["check", "victim.yaml", "--write-baseline", "victim.yaml"],
        &[],
    );
    refused(&out);
    assert!(out.stderr.contains("an input inventory"), "{}", out.stderr);
    assert_eq!(fs::read_to_string(victim).unwrap(), SLACK);
}

#[test]
fn write_baseline_and_output_to_one_file_is_refused() {
    let dir = repo();
    put(dir.path(), "inventory.yaml", SLACK);
    let out = e2ee_lint_in(
        dir.path(),
        &["check", "--write-baseline", "x.json", "-o", "sarif=x.json"],
        &[],
    );
    refused(&out);
    assert!(
        out.stderr
            .contains("--write-baseline and --output write to one file"),
        "{}",
        out.stderr
    );
    assert!(!dir.path().join("x.json").exists());
}

#[cfg(unix)]
#[test]
fn output_onto_a_hard_link_of_an_input_is_refused() {
    let dir = repo();
    let inventory = put(dir.path(), "inventory.yaml", SLACK);
    fs::hard_link(&inventory, dir.path().join("link.sarif")).unwrap();
    let out = e2ee_lint_in(
        dir.path(),
        &["check", "inventory.yaml", "-o", "sarif=link.sarif"],
        &[],
    );
    refused(&out);
    assert_eq!(fs::read_to_string(&inventory).unwrap(), SLACK);
}

#[cfg(unix)]
#[test]
fn output_onto_standard_input_is_refused() {
    let dir = repo();
    let inventory = put(dir.path(), "inv.yaml", SLACK);
    let stdin = fs::File::open(&inventory).unwrap();
    let out = run_with(
        dir.path(),
        &["check", "-", "-o", "sarif=inv.yaml"],
        &[],
        |c| {
            c.stdin(stdin);
        },
    );
    refused(&out);
    assert!(out.stderr.contains("standard input"), "{}", out.stderr);
    assert_eq!(fs::read_to_string(&inventory).unwrap(), SLACK);
}

#[cfg(unix)]
#[test]
fn output_onto_the_config_or_the_baseline_is_refused_by_inode() {
    let dir = repo();
    put(dir.path(), "inventory.yaml", SLACK);
    let config = put(dir.path(), "e2ee-lint.yaml", "fail_on: never\n");
    let baseline_text = "{\"version\": 1, \"entries\": []}\n";
    let baseline = put(dir.path(), "b.json", baseline_text);
    fs::hard_link(&config, dir.path().join("config-link")).unwrap();
    fs::hard_link(&baseline, dir.path().join("baseline-link")).unwrap();
    for target in [
        "json=e2ee-lint.yaml",
        "json=./sub/../e2ee-lint.yaml",
        "json=config-link",
        "sarif=b.json",
        "sarif=baseline-link",
    ] {
        fs::create_dir_all(dir.path().join("sub")).unwrap();
        let out = e2ee_lint_in(
            dir.path(),
            &["check", "--baseline", "b.json", "-o", target],
            &[],
        );
        refused(&out);
        assert_eq!(fs::read_to_string(&config).unwrap(), "fail_on: never\n");
        assert_eq!(fs::read_to_string(&baseline).unwrap(), baseline_text);
    }
    // --write-baseline onto the config is refused the same way.
    let out = e2ee_lint_in(
        dir.path(),
        &["check", "--write-baseline", "config-link"],
        &[],
    );
    refused(&out);
    assert_eq!(fs::read_to_string(&config).unwrap(), "fail_on: never\n");
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_replaces_the_link_not_its_target() {
    let dir = repo();
    let outside = tempfile::tempdir().unwrap();
    let secret = put(outside.path(), "secret.txt", "do not touch\n");
    put(dir.path(), "inventory.yaml", SLACK);
    std::os::unix::fs::symlink(&secret, dir.path().join("e2ee-lint.sarif")).unwrap();
    let out = e2ee_lint_in(dir.path(), &["check", "-o", "sarif=e2ee-lint.sarif"], &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(fs::read_to_string(&secret).unwrap(), "do not touch\n");
    let link = dir.path().join("e2ee-lint.sarif");
    assert!(
        !fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(fs::read_to_string(&link).unwrap().contains("\"runs\""));
}

/// Names in `dir` that are not in `expected`.
fn extra_files(dir: &Path, expected: &[&str]) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !expected.contains(&n.as_str()))
        .collect()
}

#[test]
fn outputs_are_replaced_atomically_and_leave_no_temporary_file() {
    let dir = repo();
    put(dir.path(), "inventory.yaml", SLACK);
    put(dir.path(), "out.json", "previous\n");
    fs::create_dir(dir.path().join("a-directory")).unwrap();
    // The second output cannot be written: the first is complete, the directory untouched.
    let out = e2ee_lint_in(
        dir.path(),
        &["check", "-o", "json=out.json", "-o", "sarif=a-directory"],
        &[],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("e2ee-lint: error: cannot write a-directory")
    );
    assert!(dir.path().join("a-directory").is_dir());
    assert!(
        fs::read_to_string(dir.path().join("out.json"))
            .unwrap()
            .contains("\"version\"")
    );
    let expected = [".git", "inventory.yaml", "out.json", "a-directory"];
    assert_eq!(extra_files(dir.path(), &expected), Vec::<String>::new());

    let out = e2ee_lint_in(
        dir.path(),
        &["check", "-o", "json=out.json", "--write-baseline", "b.json"],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let expected = [
        ".git",
        "inventory.yaml",
        "out.json",
        "a-directory",
        "b.json",
    ];
    assert_eq!(extra_files(dir.path(), &expected), Vec::<String>::new());
}

#[test]
fn output_dash_writes_standard_output() {
    let dir = repo();
    put(dir.path(), "inventory.yaml", SLACK);
    let out = e2ee_lint_in(dir.path(), &["check", "-o", "json=-"], &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!dir.path().join("-").exists(), "no file named `-`");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["version"], 2);
    // --format json already writes standard output: two writers of one stream are refused.
    let out = e2ee_lint_in(dir.path(), &["check", "-f", "sarif", "-o", "json=-"], &[]);
    refused(&out);
    assert!(out.stderr.contains("standard output"), "{}", out.stderr);
    assert!(!dir.path().join("-").exists());
}

#[cfg(unix)]
fn full() -> fs::File {
    fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap()
}

#[cfg(unix)]
#[test]
fn a_full_standard_error_or_output_is_exit_2_not_a_crash() {
    let root = common::root();
    let cases: &[(&[&str], bool)] = &[
        (&["check", "fixtures/acme.yaml"], false),
        (&["check", "fixtures/does-not-exist.yaml"], false),
        (&["check", "fixtures/acme.yaml", "-f", "json"], true),
        (&["rules"], true),
        (&["explain", "no-such-rule"], false),
    ];
    for (args, stdout_full) in cases {
        let out = run_with(&root, args, &[], |c| {
            if *stdout_full {
                c.stdout(full());
            } else {
                c.stdout(Stdio::null());
            }
            c.stderr(full());
        });
        assert_eq!(out.code, 2, "{args:?}");
    }
    // Standard output full while standard error works: the error is reported on stderr.
    let out = run_with(
        &root,
        &["check", "fixtures/acme.yaml", "-f", "json"],
        &[],
        |c| {
            c.stdout(full());
        },
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with("e2ee-lint: error: "),
        "{}",
        out.stderr
    );
}

#[test]
fn check_help_documents_source_date_epoch() {
    let out = common::e2ee_lint(&["check", "--help"]);
    assert!(out.stdout.contains("SOURCE_DATE_EPOCH"), "{}", out.stdout);
}

#[test]
fn the_manual_documents_short_format_and_color() {
    let readme = fs::read_to_string(common::root().join("docs/src/commands.md")).unwrap();
    let row = |option: &str| {
        readme
            .lines()
            .find(|l| l.starts_with(&format!("| `{option}")))
            .unwrap_or_else(|| panic!("no docs/src/commands.md row for {option}"))
            .to_owned()
    };
    assert!(row("--format ").contains("`-f`"));
    assert!(row("--color ").contains("`auto`"));
}
