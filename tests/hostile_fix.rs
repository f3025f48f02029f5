//! `--fix`, `--diff` and the output streams against a hostile tree: a crafted file name cannot
//! forge a patch header, a fix never replaces a link or splits hard links, an output never goes
//! through a symlinked directory out of the repository, and a closed standard output or an
//! unnamed standard input is an error (exit 2), not a silent success.

#![cfg(unix)]

mod common;

use std::path::Path;
use std::process::Command;

use common::{Output, put, repo, run_with};

const FIXABLE: &str = "tools:\n  - name: Signal\n    chanels: [text_1to1]\n";
const FIXED: &str = "tools:\n  - name: Signal\n    channels: [text_1to1]\n";
const CRAFTED: &str = "x.yaml\n+++ victim.yaml\n@@ -0,0 +1 @@\n+pwned";

fn run(dir: &Path, args: &[&str]) -> Output {
    run_with(dir, args, &[], |_| {})
}

/// Every regular file under `dir` (not `.git`), with its text.
fn tree(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let name = e.path().strip_prefix(dir).unwrap().display().to_string();
            (name, std::fs::read_to_string(e.path()).unwrap_or_default())
        })
        .collect();
    files.sort();
    files
}

/// A directory holding the crafted file and a victim, as a patch would be applied to.
fn checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    put(dir.path(), CRAFTED, FIXABLE);
    put(dir.path(), "victim.yaml", "victim: untouched\n");
    dir
}

fn crafted_diff() -> String {
    let dir = repo();
    put(dir.path(), CRAFTED, FIXABLE);
    let out = run(dir.path(), &["check", "--diff", CRAFTED]);
    assert!(
        out.stdout.starts_with("--- \"a/x.yaml\\n+++ victim.yaml"),
        "{}",
        out.stdout
    );
    out.stdout
}

fn assert_only_the_crafted_file_changed(dir: &Path) {
    let mut expected = vec![
        (CRAFTED.to_owned(), FIXED.to_owned()),
        ("victim.yaml".to_owned(), "victim: untouched\n".to_owned()),
    ];
    expected.sort();
    assert_eq!(tree(dir), expected);
}

#[test]
fn a_crafted_name_cannot_forge_a_header_for_patch() {
    let diff = crafted_diff();
    let dir = checkout();
    let mut child = Command::new("patch")
        .args(["-p1", "--batch", "--silent"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("`patch` is installed (.ci/run installs it)");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(diff.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert_only_the_crafted_file_changed(dir.path());
}

#[test]
fn a_crafted_name_cannot_forge_a_header_for_git_apply() {
    let diff = crafted_diff();
    let dir = checkout();
    let patch = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(patch.path(), &diff).unwrap();
    let status = Command::new("git")
        .arg("apply")
        .arg(patch.path())
        .current_dir(dir.path())
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .status()
        .expect("git runs");
    assert!(status.success());
    assert_only_the_crafted_file_changed(dir.path());
}

#[test]
fn a_diff_of_a_path_outside_is_refused() {
    let dir = repo();
    let inner = dir.path().join("sub");
    put(dir.path(), "x.yaml", FIXABLE);
    std::fs::create_dir(&inner).unwrap();
    let out = run(&inner, &["check", "--diff", "../x.yaml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("refusing the diff"), "{}", out.stderr);
    assert!(!out.stdout.contains("+++"), "{}", out.stdout);
}

#[test]
fn fix_writes_a_symlinks_target_inside_the_repository_and_keeps_the_link() {
    let dir = repo();
    put(dir.path(), "real/inventory.yaml", FIXABLE);
    std::os::unix::fs::symlink("real/inventory.yaml", dir.path().join("inventory.yaml")).unwrap();
    let out = run(dir.path(), &["check", "--fix", "inventory.yaml"]);
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    let link = std::fs::symlink_metadata(dir.path().join("inventory.yaml")).unwrap();
    assert!(link.file_type().is_symlink(), "the link is kept");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("real/inventory.yaml")).unwrap(),
        FIXED
    );
}

#[test]
fn fix_refuses_a_symlink_out_of_the_repository() {
    let outside = tempfile::tempdir().unwrap();
    let target = put(outside.path(), "inventory.yaml", FIXABLE);
    let dir = repo();
    std::os::unix::fs::symlink(&target, dir.path().join("inventory.yaml")).unwrap();
    let out = run(dir.path(), &["check", "--fix", "inventory.yaml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("outside the repository"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), FIXABLE);
    assert!(
        std::fs::symlink_metadata(dir.path().join("inventory.yaml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn fix_refuses_a_file_with_several_hard_links() {
    use std::os::unix::fs::MetadataExt;
    let dir = repo();
    let first = put(dir.path(), "inventory.yaml", FIXABLE);
    let second = dir.path().join("copy.yaml");
    std::fs::hard_link(&first, &second).unwrap();
    let out = run(dir.path(), &["check", "--fix", "inventory.yaml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("hard links"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&first).unwrap(), FIXABLE);
    let (a, b) = (
        std::fs::metadata(&first).unwrap(),
        std::fs::metadata(&second).unwrap(),
    );
    assert_eq!(a.ino(), b.ino(), "still one file");
}

#[test]
fn fix_on_standard_input_needs_a_name() {
    let dir = repo();
    let out = run_with(dir.path(), &["check", "--fix", "-"], &[], |c| {
        c.stdin(std::fs::File::open(put(dir.path(), "in.yaml", FIXABLE)).unwrap());
    });
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--stdin-filename"), "{}", out.stderr);
    assert!(!out.stderr.contains("fixed 0"), "{}", out.stderr);
}

#[test]
fn a_closed_standard_output_exits_2() {
    let dir = repo();
    put(dir.path(), "inventory.yaml", "tools:\n  - name: Slack\n");
    for format in ["json", "sarif", "junit"] {
        let status = Command::new("sh")
            .args(["-c", "exec \"$0\" \"$@\" >&-"])
            .arg(env!("CARGO_BIN_EXE_e2ee-lint"))
            .args(["check", "inventory.yaml", "--format", format])
            .env(common::RULE_SET, common::rule_set())
            .current_dir(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(2), "--format {format}");
    }
    // Standard output sent to /dev/null on purpose is not closed: the verdict's exit code.
    let status = Command::new(env!("CARGO_BIN_EXE_e2ee-lint"))
        .args(["check", "inventory.yaml", "--format", "json"])
        .env(common::RULE_SET, common::rule_set())
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
}

#[test]
fn an_output_through_a_symlinked_directory_out_of_the_repository_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    let dir = repo();
    put(dir.path(), "inventory.yaml", "tools:\n  - name: Signal\n");
    std::os::unix::fs::symlink(outside.path(), dir.path().join("reports")).unwrap();
    let out = run(
        dir.path(),
        &["check", "inventory.yaml", "-o", "sarif=reports/x.sarif"],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("symbolic link"), "{}", out.stderr);
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    // A link to a directory inside the repository is fine.
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::os::unix::fs::symlink("out", dir.path().join("inside")).unwrap();
    let out = run(
        dir.path(),
        &["check", "inventory.yaml", "-o", "sarif=inside/x.sarif"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(dir.path().join("out/x.sarif").is_file());
}
