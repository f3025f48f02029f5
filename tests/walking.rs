//! Walking and reading (issue 12): one rule for default discovery, glob patterns and directory
//! arguments (hidden names, symlinks, loops, config files, FIFOs), file names that are not
//! UTF-8, one line model for CR-only files, `!!binary` values, and `SOURCE_DATE_EPOCH`.
//!
//! Every case builds real files in a temporary directory and runs the built binary there, with
//! a deadline, so a walk that never ends fails instead of hanging the suite.

#![cfg(unix)]

mod common;

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Output;

const DEADLINE: Duration = Duration::from_secs(60);

const SLACK: &str = "tools:\n  - name: Slack\n";

/// Runs the binary in `dir` with a deadline and a memory limit (a runaway walk fails the test).
fn run_env(dir: &Path, args: &[&OsStr], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(r#"ulimit -v 2097152 && exec "$0" "$@""#)
        .arg(env!("CARGO_BIN_EXE_e2ee-lint"))
        .args(args)
        .current_dir(dir)
        .env("RAYON_NUM_THREADS", "2")
        .env(common::RULE_SET, common::rule_set())
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env_remove("E2EE_LINT_INTERNAL_TEST_PANIC")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("the binary runs");
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut s).ok();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut s).ok();
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > DEADLINE {
            child.kill().ok();
            panic!("e2ee-lint {args:?} did not finish within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let output = Output {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.join().expect("stdout")).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().expect("stderr")).into_owned(),
    };
    assert!(
        !output.stderr.contains("panicked") && !output.stderr.contains("internal error"),
        "{args:?}: {}",
        output.stderr
    );
    output
}

fn run(dir: &Path, args: &[&str]) -> Output {
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    run_env(dir, &args, &[])
}

/// The sorted set of files with findings, and the number of files checked.
fn checked(dir: &Path, args: &[&str]) -> (BTreeSet<String>, u64) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend(["--format", "json"]);
    let out = run(dir, &all);
    assert!(out.code == 0 || out.code == 1, "{args:?}: {}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {} / {}", out.stdout, out.stderr));
    let files = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["file"].as_str().expect("file").to_owned())
        .collect();
    (files, json["summary"]["files"].as_u64().expect("files"))
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

/// A temporary repository: `.git` stops config discovery from reaching above it.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    dir
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

/// Asserts exit 2 and exactly one error line, containing `needle`.
fn assert_one_line_error(out: &Output, needle: &str) {
    assert_eq!(out.code, 2, "{} / {}", out.stdout, out.stderr);
    let errors: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", out.stderr);
    assert!(errors[0].contains(needle), "{needle:?} in {}", out.stderr);
}

#[test]
fn one_rule_for_default_discovery_globs_and_directories() {
    let dir = repo();
    let root = dir.path();
    write(root, "inventories/a.yaml", SLACK);
    write(root, "inventories/team/b.yml", SLACK);
    write(root, "inventories/.hidden/c.yaml", SLACK);
    write(root, "inventories/.d.yaml", SLACK);
    write(root, "elsewhere/e.yaml", SLACK);
    symlink("../elsewhere", root.join("inventories/linked")).expect("symlink");
    let expected: BTreeSet<String> = ["inventories/a.yaml", "inventories/team/b.yml"]
        .map(String::from)
        .into();
    assert_eq!(checked(root, &[]), (expected.clone(), 2), "default");
    assert_eq!(
        checked(root, &["inventories/**/*.y*ml"]),
        (expected.clone(), 2),
        "glob"
    );
    assert_eq!(
        checked(root, &["inventories"]),
        (expected.clone(), 2),
        "directory"
    );
    assert_eq!(
        checked(root, &["inventories/"]),
        (expected, 2),
        "directory/"
    );
    // Named explicitly, hidden directories and symlinked directories are entered.
    let (files, _) = checked(root, &["inventories/.hidden"]);
    assert_eq!(files, ["inventories/.hidden/c.yaml".to_owned()].into());
    let (files, _) = checked(root, &["inventories/.hidden/*.yaml"]);
    assert_eq!(files, ["inventories/.hidden/c.yaml".to_owned()].into());
    let (files, _) = checked(root, &["inventories/linked"]);
    assert_eq!(files, ["inventories/linked/e.yaml".to_owned()].into());
    let (files, _) = checked(root, &["inventories/.d.yaml"]);
    assert_eq!(files, ["inventories/.d.yaml".to_owned()].into());
}

#[test]
fn config_files_are_never_inventories() {
    let dir = repo();
    let root = dir.path();
    write(root, "inv/a.yaml", SLACK);
    write(root, "inv/e2ee-lint.yaml", "fail_on: error\n");
    for args in [&["inv"][..], &["inv/*.yaml"], &["inv/**/*.yaml"]] {
        let (files, count) = checked(root, args);
        assert_eq!((files, count), (["inv/a.yaml".to_owned()].into(), 1));
    }
    // Named explicitly: an error, whichever of the two names.
    for name in ["x/e2ee-lint.yaml", "y/.e2ee-lint.yaml"] {
        write(root, name, "fail_on: error\n");
        let out = run(root, &["check", name, "inv/a.yaml"]);
        assert_one_line_error(&out, &format!("{name}: a config file, not an inventory"));
    }
}

#[test]
fn symlink_loops_end_and_each_file_is_checked_once() {
    let dir = repo();
    let root = dir.path();
    write(root, "inv/sub/a.yaml", SLACK);
    symlink("..", root.join("inv/sub/up")).expect("symlink");
    symlink(".", root.join("inv/sub/self")).expect("symlink");
    symlink("a.yaml", root.join("inv/sub/alias.yaml")).expect("symlink");
    for args in [
        &["inv/**/*.yaml"][..],
        &["inv"],
        &["inv", "inv/sub/a.yaml", "./inv/sub/a.yaml"],
        &["inv/*/*.yaml", "inv/sub/*.yaml"],
    ] {
        let (files, count) = checked(root, args);
        assert_eq!(count, 1, "{args:?}: {files:?}");
    }
    // Symlinked directories met by a pattern are not entered.
    let out = run(root, &["check", "inv/sub/*/*.yaml"]);
    assert_one_line_error(&out, "inv/sub/*/*.yaml: no file matches this pattern");
    // The same file given twice, or through a link, is checked once.
    let (_, count) = checked(root, &["inv/sub/alias.yaml", "inv/sub/a.yaml"]);
    assert_eq!(count, 1);
}

#[test]
fn file_names_that_are_not_utf8_keep_their_bytes() {
    let dir = repo();
    let root = dir.path();
    std::fs::create_dir(root.join("inv")).expect("mkdir");
    let names: [&[u8]; 3] = [b"inv/a\xff.yaml", b"inv/a\xfe.yaml", b"inv/a\\xFF.yaml"];
    for name in names {
        std::fs::write(root.join(OsStr::from_bytes(name)), SLACK).expect("write");
    }
    let (files, count) = checked(root, &["inv"]);
    assert_eq!(count, 3);
    assert_eq!(
        files,
        ["inv/a\\xFE.yaml", "inv/a\\xFF.yaml", "inv/a\\\\xFF.yaml"]
            .map(String::from)
            .into()
    );
    // SARIF names each file by its real bytes, percent-encoded.
    let out = run(root, &["check", "inv", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&out.stdout).expect("sarif");
    let uris: BTreeSet<&str> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .expect("uri")
        })
        .collect();
    assert_eq!(
        uris,
        ["inv/a%FE.yaml", "inv/a%FF.yaml", "inv/a%5CxFF.yaml"].into()
    );
    // The baseline keeps three distinct entries, and suppresses all three.
    let out = run(root, &["check", "inv", "--write-baseline", "b.json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("3 baseline entries"), "{}", out.stderr);
    let out = run(root, &["check", "inv", "--baseline", "b.json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Human output and path errors show the escaped name.
    let out = run_env(
        root,
        &[
            OsStr::new("check"),
            OsStr::from_bytes(b"inv/missing\xff.yaml"),
        ],
        &[],
    );
    assert_one_line_error(&out, "inv/missing\\xFF.yaml: no such file");
}

#[test]
fn a_discovered_config_that_is_not_a_regular_file_is_an_error() {
    type Make = fn(&Path);
    let cases: [(&str, Make); 4] = [
        ("dangling", |p| symlink("nowhere.yaml", p).expect("symlink")),
        ("dev-zero", |p| symlink("/dev/zero", p).expect("symlink")),
        ("fifo", mkfifo),
        ("directory", |p| std::fs::create_dir(p).expect("mkdir")),
    ];
    for (what, make) in cases {
        for name in ["e2ee-lint.yaml", ".e2ee-lint.yaml"] {
            let dir = repo();
            let root = dir.path();
            write(root, "team/inventory.yaml", SLACK);
            make(&root.join("team").join(name));
            let out = run(root, &["check", "team/inventory.yaml"]);
            assert_one_line_error(&out, &format!("team/{name}"));
            assert!(out.stderr.contains("config"), "{what}: {}", out.stderr);
        }
    }
}

#[test]
fn fifos_follow_one_rule() {
    let dir = repo();
    let root = dir.path();
    write(root, "inventories/a.yaml", SLACK);
    mkfifo(&root.join("inventories/pipe.yaml"));
    mkfifo(&root.join("inventory.yaml"));
    symlink("pipe.yaml", root.join("inventories/to-pipe.yaml")).expect("symlink");
    let one: BTreeSet<String> = ["inventories/a.yaml".to_owned()].into();
    // Found by a walk, a glob or default discovery: skipped, never opened.
    assert_eq!(checked(root, &["inventories"]), (one.clone(), 1));
    assert_eq!(checked(root, &["inventories/*.yaml"]), (one.clone(), 1));
    assert_eq!(checked(root, &[]), (one, 1));
    // Named explicitly: an error, still without opening it.
    let out = run(root, &["check", "inventories/pipe.yaml"]);
    assert_one_line_error(&out, "inventories/pipe.yaml: not a regular file");
    let out = run(root, &["check", "inventories/to-pipe.yaml"]);
    assert_one_line_error(&out, "inventories/to-pipe.yaml: not a regular file");
    // A glob that matches only a FIFO matches no file.
    let out = run(root, &["check", "inventories/p*.yaml"]);
    assert_one_line_error(&out, "no file matches this pattern");
}

#[test]
fn cr_only_line_ends_give_one_location_everywhere() {
    let dir = repo();
    let root = dir.path();
    write(
        root,
        "inv.yaml",
        // Wire has no finding, so the first finding is Slack's.
        "tools:\r  - name: Wire\r  - name: Slack\r    category: messaging\r",
    );
    let out = run(root, &["check", "inv.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("[inv.yaml:3:11]"), "{}", out.stderr);
    assert!(
        out.stderr.contains(" 3 |   - name: Slack\n"),
        "{}",
        out.stderr
    );
    let out = run(root, &["check", "inv.yaml", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let span = &json["findings"][0]["span"];
    assert_eq!(
        (span["line"].as_u64(), span["column"].as_u64()),
        (Some(3), Some(11))
    );
    let out = run(root, &["check", "inv.yaml", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&out.stdout).expect("sarif");
    let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(3), Some(11))
    );
    // Mixed line ends: CRLF counts once, a lone CR counts too.
    write(
        root,
        "mixed.yaml",
        "tools:\r\n  - name: Signal\r  - name: Slack\n",
    );
    let out = run(root, &["check", "mixed.yaml"]);
    assert!(out.stderr.contains("[mixed.yaml:3:11]"), "{}", out.stderr);
    assert!(
        out.stderr.contains(" 3 |   - name: Slack\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn binary_values_that_are_not_text_get_a_located_error() {
    let dir = repo();
    let root = dir.path();
    write(
        root,
        "bin.yaml",
        "tools:\n  - name: Slack\n    notes: !!binary /w==\n",
    );
    let out = run(root, &["check", "bin.yaml", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let finding = &json["findings"][0];
    assert_eq!(finding["rule"], "invalid-inventory");
    let message = finding["message"].as_str().expect("message");
    assert!(message.contains("!!binary"), "{message}");
    assert!(!message.contains("Options"), "{message}");
    assert!(!message.contains("ignore_binary_tag"), "{message}");
    assert_eq!(finding["span"]["line"], 3);
    assert_eq!(finding["span"]["column"], 21);
}

#[test]
fn source_date_epoch_is_validated() {
    let dir = repo();
    let root = dir.path();
    write(root, "inv.yaml", "tools:\n  - name: Signal\n");
    let args = [OsStr::new("check"), OsStr::new("inv.yaml")];
    for bad in [
        "garbage",
        "1.5",
        "99999999999999",
        "-99999999999",
        "9223372036854775807",
    ] {
        let out = run_env(root, &args, &[("SOURCE_DATE_EPOCH", bad)]);
        assert_one_line_error(&out, "SOURCE_DATE_EPOCH");
    }
    for good in ["0", "1767225600", "253402300799"] {
        let out = run_env(root, &args, &[("SOURCE_DATE_EPOCH", good)]);
        assert_eq!(out.code, 0, "{good}: {}", out.stderr);
    }
    // The last representable day is the last day --today accepts.
    let out = run_env(root, &args, &[("SOURCE_DATE_EPOCH", "253402300800")]);
    assert_one_line_error(&out, "SOURCE_DATE_EPOCH");
    let out = run(root, &["check", "inv.yaml", "--today", "9999-12-31"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // --today wins and the variable is then not read.
    let with_today = [
        OsStr::new("check"),
        OsStr::new("inv.yaml"),
        OsStr::new("--today"),
        OsStr::new("2027-01-01"),
    ];
    let out = run_env(root, &with_today, &[("SOURCE_DATE_EPOCH", "garbage")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}
