//! `check --fix`, `--diff` and `--stdin-filename`: fixes change only their findings' bytes, so
//! comments, quoting, blank lines and line ends survive; the fixed file re-lints clean of them.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The fixed built-in rule set the integration tests run over (`tests/common/mod.rs`).
const RULE_SET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/builtin-rules.txt");

const INVENTORY: &str = concat!(
    "# Tools we use  (keep this comment)\n",
    "tools:\n",
    "\n",
    "  - name: \"Signal\"   # the good one\n",
    "    chanels: [text, voice]   # misspelt\n",
    "    data_classification: internal\n",
    "  # e2ee-lint: ignore[no-e2ee] nothing to ignore here\n",
    "  - name: Wire\n",
    "    owner: 'it'\n",
    "  - name: Slack # e2ee-lint: ignore[no-e2ee, unclassified-tool] public announcements\n",
    "    data_classification: confidential\n"
);

const FIXED: &str = concat!(
    "# Tools we use  (keep this comment)\n",
    "tools:\n",
    "\n",
    "  - name: \"Signal\"   # the good one\n",
    "    channels: [text, voice]   # misspelt\n",
    "    data_classification: internal\n",
    "  - name: Wire\n",
    "    owner: 'it'\n",
    "  - name: Slack # e2ee-lint: ignore[no-e2ee] public announcements\n",
    "    data_classification: confidential\n"
);

fn project(inventory: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir(dir.path().join(".git")).expect("mkdir");
    std::fs::write(dir.path().join("inventory.yaml"), inventory).expect("write");
    dir
}

fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_e2ee-lint"))
        .args(args)
        .env("E2EE_LINT_INTERNAL_RULE_SET", RULE_SET)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1790000000")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("e2ee-lint runs");
    let mut input = child.stdin.take().expect("stdin");
    input
        .write_all(stdin.unwrap_or("").as_bytes())
        .expect("write stdin");
    drop(input);
    child.wait_with_output().expect("e2ee-lint ends")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn fix_keeps_comments_and_formatting() {
    let dir = project(INVENTORY);
    let out = run(dir.path(), &["check", "--fix", "inventory.yaml"], None);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("fixed 3 findings in 1 file"), "{stderr}");
    let after = std::fs::read_to_string(dir.path().join("inventory.yaml")).expect("read");
    assert_eq!(after, FIXED);
    // The report is the run after the fixes: none of the fixed findings is left.
    assert!(
        !stderr.contains("unknown-field") && !stderr.contains("unused-ignore"),
        "{stderr}"
    );
    // Nothing left to fix: a second run changes nothing.
    let again = run(dir.path(), &["check", "--fix", "inventory.yaml"], None);
    assert!(text(&again.stderr).contains("fixed 0 findings in 0 files"));
    let same = std::fs::read_to_string(dir.path().join("inventory.yaml")).expect("read");
    assert_eq!(same, FIXED);
}

#[test]
fn crlf_files_keep_their_line_ends() {
    let crlf = INVENTORY.replace('\n', "\r\n");
    let dir = project(&crlf);
    let out = run(dir.path(), &["check", "--fix", "inventory.yaml"], None);
    assert!(out.status.code().is_some());
    let after = std::fs::read_to_string(dir.path().join("inventory.yaml")).expect("read");
    assert_eq!(after, FIXED.replace('\n', "\r\n"));
}

#[test]
fn diff_prints_without_writing() {
    let dir = project(INVENTORY);
    let out = run(dir.path(), &["check", "--diff", "inventory.yaml"], None);
    let diff = text(&out.stdout);
    assert!(
        diff.starts_with("--- a/inventory.yaml\n+++ b/inventory.yaml\n@@ "),
        "{diff}"
    );
    assert!(diff.contains("\n-    chanels: [text, voice]   # misspelt\n+    channels: [text, voice]   # misspelt\n"), "{diff}");
    assert!(
        diff.contains("\n-  # e2ee-lint: ignore[no-e2ee] nothing to ignore here\n"),
        "{diff}"
    );
    assert!(text(&out.stderr).contains("3 fixes in 1 file (apply with --fix)"));
    let unchanged = std::fs::read_to_string(dir.path().join("inventory.yaml")).expect("read");
    assert_eq!(unchanged, INVENTORY);
    // The diff applies with `patch` and gives what --fix writes.
    let patched = Command::new("patch")
        .args(["-p1", "--quiet"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .spawn();
    if let Ok(mut patch) = patched {
        if let Some(mut input) = patch.stdin.take() {
            input.write_all(diff.as_bytes()).expect("write");
        }
        assert!(patch.wait().is_ok_and(|s| s.success()));
        let after = std::fs::read_to_string(dir.path().join("inventory.yaml")).expect("read");
        assert_eq!(after, FIXED);
    }
}

#[test]
fn a_rename_that_would_change_meaning_is_not_applied() {
    // `chanels: [video]` renamed would judge Slack's video channel: a new finding.
    let inventory =
        "tools:\n  - name: Zoom\n    data_classification: confidential\n    chanels: [video]\n";
    let dir = project(inventory);
    let out = run(dir.path(), &["check", "--diff", "inventory.yaml"], None);
    let stderr = text(&out.stderr);
    assert_eq!(text(&out.stdout), "", "{stderr}");
    assert!(stderr.contains("0 fixes in 0 files"), "{stderr}");
}

#[test]
fn stdin_filename_names_the_buffer() {
    let dir = project("tools: []\n");
    std::fs::write(
        dir.path().join("e2ee-lint.yaml"),
        "rules:\n  unknown-field: error\n",
    )
    .expect("write");
    let buffer = "tools:\n  - name: Signal\n    chanels: [text]\n";
    let out = run(
        dir.path(),
        &["check", "--stdin-filename", "inventory.yaml", "-"],
        Some(buffer),
    );
    let stderr = text(&out.stderr);
    // The config beside the named path applies, and findings carry its name.
    assert!(stderr.contains("error[unknown-field]"), "{stderr}");
    assert!(stderr.contains("inventory.yaml:3:5"), "{stderr}");
    assert_eq!(out.status.code(), Some(1));
    // With --fix, the fixed buffer goes to standard output; the file is not touched.
    let out = run(
        dir.path(),
        &["check", "--fix", "--stdin-filename", "inventory.yaml", "-"],
        Some(buffer),
    );
    assert_eq!(
        text(&out.stdout),
        "tools:\n  - name: Signal\n    channels: [text]\n"
    );
    let file = std::fs::read_to_string(dir.path().join("inventory.yaml")).expect("read");
    assert_eq!(file, "tools: []\n");
}
