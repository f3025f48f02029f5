//! Hostile and broken input (issue 5): every case the README's "Hostile input and limits"
//! section lists, run through the real binary. Each must end with a located `invalid-inventory`
//! finding (exit 1) or a one-line error (exit 2), within a deadline, never with a panic.
//!
//! Big inputs are generated in a temporary directory at test time; nothing big is committed.
//! The one slow case (a 50 MB scalar: ~15 s in a debug build) runs at full size only in release
//! builds or with `E2EE_LINT_SLOW_TESTS=1`; debug builds check a 5 MB scalar instead.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Output;

/// Generous: the slowest case takes ~8 s in a debug build. A hang fails instead of blocking CI.
const DEADLINE: Duration = Duration::from_secs(120);

/// Runs the binary with a deadline and, on Linux, a 3 GiB address-space limit: exhausting
/// memory makes the allocation fail and the run abort, which fails the test.
fn run(args: &[&str]) -> Output {
    let bin = env!("CARGO_BIN_EXE_e2ee-lint");
    let mut command = if cfg!(target_os = "linux") {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(r#"ulimit -v 3145728 && exec "$0" "$@""#)
            .arg(bin);
        c
    } else {
        Command::new(bin)
    };
    command
        .args(args)
        .current_dir(common::root())
        .env("RAYON_NUM_THREADS", "2")
        .env(common::RULE_SET, common::rule_set())
        .env_remove("E2EE_LINT_INTERNAL_TEST_PANIC")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the binary runs");
    // Read the pipes on threads so a large output cannot block the child.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
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
        if let Some(status) = child.try_wait().unwrap() {
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
        stdout: String::from_utf8_lossy(&out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
    };
    assert!(
        !output.stderr.contains("panicked") && !output.stderr.contains("internal error"),
        "{args:?}: {}",
        output.stderr
    );
    output
}

fn json_check(path: &Path, extra: &[&str]) -> (Output, serde_json::Value) {
    let mut args = vec!["check", path.to_str().unwrap(), "--format", "json"];
    args.extend_from_slice(extra);
    let out = run(&args);
    let json = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{path:?}: {e}: {} / {}", out.stdout, out.stderr));
    (out, common::named(json))
}

/// Asserts one located `invalid-inventory` finding and exit 1; returns its message.
fn assert_invalid(path: &Path) -> String {
    let (out, json) = json_check(path, &[]);
    assert_eq!(out.code, 1, "{path:?}: {}", out.stderr);
    let findings = json["findings"].as_array().unwrap();
    let finding = findings
        .iter()
        .find(|f| f["rule"] == "invalid-inventory")
        .unwrap_or_else(|| panic!("{path:?}: {findings:?}"));
    assert!(finding["span"]["line"].as_u64().unwrap() >= 1, "{finding}");
    assert!(
        finding["span"]["column"].as_u64().unwrap() >= 1,
        "{finding}"
    );
    finding["message"].as_str().unwrap().to_owned()
}

/// Asserts exit 2 and exactly one error line naming the path; returns that line.
fn assert_one_line_error(args: &[&str], needle: &str) -> String {
    let out = run(args);
    assert_eq!(out.code, 2, "{args:?}: {} / {}", out.stdout, out.stderr);
    let errors: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{args:?}: {}", out.stderr);
    assert!(errors[0].contains(needle), "{args:?}: {}", errors[0]);
    errors[0].to_owned()
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn billion_laughs_is_refused_by_the_alias_limits() {
    let dir = tempfile::tempdir().unwrap();
    // The classic: nine levels of nine references, ~387 million "lol"s if expanded.
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 9].join(",");
        text.push_str(&format!("{}: &{} [{refs}]\n", pair[1], pair[1]));
    }
    let classic = write(dir.path(), "laughs.yaml", &text);
    assert!(assert_invalid(&classic).contains("alias"));

    // Fan-out without anchoring the big level, and one large scalar repeated by aliases
    // (caught by the scalar-bytes budget, before ~1 GB of copies).
    let fan = format!(
        "{}x: [{}]\n",
        text.lines().take(5).collect::<Vec<_>>().join("\n") + "\n",
        vec!["*e"; 50].join(",")
    );
    let fan = write(dir.path(), "fan.yaml", fan);
    assert!(assert_invalid(&fan).contains("alias"));
    let big = format!(
        "a: &a {}\nb: [{}]\n",
        "x".repeat(3_000_000),
        vec!["*a"; 99].join(",")
    );
    let big = write(dir.path(), "scalar-bomb.yaml", big);
    assert!(assert_invalid(&big).contains("too much text"));
}

#[test]
fn hundred_thousand_deep_nesting_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("flow-seq.yaml", "[".repeat(100_000)),
        ("flow-map.yaml", "{a: ".repeat(100_000)),
        // Block collections 100,000 deep on one line: compact sequences and explicit keys.
        ("block-seq.yaml", "- ".repeat(100_000) + "x\n"),
        ("block-map.yaml", "? ".repeat(100_000) + "x\n"),
    ];
    for (name, text) in cases {
        let path = write(dir.path(), name, text);
        let message = assert_invalid(&path);
        assert!(
            message.contains("deeper than 64") || message.contains("recursion limit"),
            "{name}: {message}"
        );
    }
    // Indented block mappings need n²/2 bytes of indentation: 100,000 levels would be a 5 GB
    // file, refused by --max-file-size (tested below); 2,000 levels (2 MB) hit the depth limit.
    let mut text = String::new();
    for depth in 0..2_000 {
        text.push_str(&" ".repeat(depth));
        text.push_str("a:\n");
    }
    let path = write(dir.path(), "indented.yaml", text);
    assert!(assert_invalid(&path).contains("deeper than 64"));
}

#[test]
fn a_50_mb_scalar_loads() {
    let full = !cfg!(debug_assertions) || std::env::var_os("E2EE_LINT_SLOW_TESTS").is_some();
    let size = if full { 50_000_000 } else { 5_000_000 };
    if !full {
        println!("a_50_mb_scalar_loads: debug build, using 5 MB (set E2EE_LINT_SLOW_TESTS=1)");
    }
    let dir = tempfile::tempdir().unwrap();
    let mut file = std::fs::File::create(dir.path().join("big.yaml")).unwrap();
    file.write_all(b"tools:\n  - name: Slack\n    notes: ")
        .unwrap();
    file.write_all(&vec![b'x'; size]).unwrap();
    file.write_all(b"\n").unwrap();
    drop(file);
    let (out, json) = json_check(&dir.path().join("big.yaml"), &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(json["findings"][0]["rule"], "no-e2ee");
    assert_eq!(json["findings"][0]["span"]["offset"], 17);
}

#[test]
fn files_over_max_file_size_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "a.yaml", "tools:\n  - name: Slack\n");
    let p = path.to_str().unwrap();
    let line = assert_one_line_error(&["check", p, "--max-file-size", "10"], "a.yaml");
    assert!(
        line.contains("larger than --max-file-size (10 bytes)"),
        "{line}"
    );
    assert_eq!(
        run(&["check", p, "--max-file-size", "23", "--format", "json"]).code,
        1,
        "exactly the limit is read"
    );
    // A sparse 1 GB file costs nothing to create and is refused before it is read.
    let huge = dir.path().join("huge.yaml");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let line = assert_one_line_error(&["check", huge.to_str().unwrap()], "huge.yaml");
    assert!(line.contains("67108864 bytes"), "{line}");
}

#[test]
fn encodings_and_bytes() {
    let dir = tempfile::tempdir().unwrap();
    // Invalid UTF-8: located at the first bad byte.
    let bad = write(dir.path(), "latin1.yaml", b"tools:\n  - name: Caf\xe9\n");
    assert!(assert_invalid(&bad).contains("invalid UTF-8 at byte 20"));
    // NUL bytes: YAML forbids them; located, not a crash.
    let nul = write(dir.path(), "nul.yaml", b"tools:\n  - name: Sl\0ack\n");
    assert_invalid(&nul);
    let only_nul = write(dir.path(), "nuls.yaml", [0u8; 4096]);
    assert_invalid(&only_nul);

    // A BOM counts in byte offsets but not in the line and column of later lines.
    let bom = write(dir.path(), "bom.yaml", "\u{feff}tools:\n  - name: Slack\n");
    let (_, json) = json_check(&bom, &[]);
    let span = &json["findings"][0]["span"];
    assert_eq!(json["findings"][0]["tool"], "Slack");
    assert_eq!(
        (span["offset"].as_u64(), span["length"].as_u64()),
        (Some(20), Some(5))
    );
    assert_eq!(
        (span["line"].as_u64(), span["column"].as_u64()),
        (Some(2), Some(11))
    );
    // On the first line too: the offset counts the BOM's three bytes.
    let bom1 = write(dir.path(), "bom1.yaml", "\u{feff}- name: Slack\n");
    let (_, json) = json_check(&bom1, &[]);
    let span = &json["findings"][0]["span"];
    assert_eq!(span["offset"], 11);
    assert_eq!(span["line"], 1);

    // CRLF line endings: spans exclude the `\r`, lines and columns as with `\n`.
    let crlf = write(
        dir.path(),
        "crlf.yaml",
        "tools:\r\n  - name: Telegram\r\n    e2ee: optional\r\n  - name: Slack\r\n",
    );
    let (out, json) = json_check(&crlf, &[]);
    assert_eq!(out.code, 1);
    let text = std::fs::read_to_string(&crlf).unwrap();
    for finding in json["findings"].as_array().unwrap() {
        let span = &finding["span"];
        let start = span["offset"].as_u64().unwrap() as usize;
        let end = start + span["length"].as_u64().unwrap() as usize;
        assert_eq!(&text[start..end], finding["tool"].as_str().unwrap());
        assert_eq!(span["column"], 11);
    }
    let lines: Vec<u64> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["span"]["line"].as_u64().unwrap())
        .collect();
    // Telegram (line 2): backups info, opt-in Secret Chats, no E2EE for groups; Slack (line 4).
    assert_eq!(lines, [2, 2, 2, 4]);
    // A lone `\r` inside a value does not break anything either.
    let cr = write(dir.path(), "cr.yaml", "tools:\r  - name: Slack\r");
    let out = run(&["check", cr.to_str().unwrap(), "--format", "json"]);
    assert!(matches!(out.code, 0 | 1), "{}", out.stderr);
}

#[test]
fn empty_comments_and_multi_document_files() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("empty.yaml", ""),
        ("comments.yaml", "# only\n# comments\n"),
        ("blank.yaml", "\n\n   \n"),
        ("markers.yaml", "---\n...\n---\n"),
    ] {
        // A file that yields no tools is a finding (`empty-inventory`), not a silent pass.
        let (out, json) = json_check(&write(dir.path(), name, text), &[]);
        assert_eq!(out.code, 1, "{name}: {}", out.stdout);
        assert_eq!(json["summary"]["tools"], 0, "{name}");
        assert_eq!(json["findings"][0]["rule"], "empty-inventory", "{name}");
        assert_eq!(json["findings"].as_array().unwrap().len(), 1, "{name}");
    }
    // Every document of a stream is linted; spans are into the whole file.
    let multi = write(
        dir.path(),
        "multi.yaml",
        "tools:\n  - name: Slack\n---\ntools:\n  - name: Discord\n...\n",
    );
    let (out, json) = json_check(&multi, &[]);
    assert_eq!(out.code, 1);
    assert_eq!(json["summary"]["tools"], 2);
    assert_eq!(json["findings"][1]["tool"], "Discord");
    assert_eq!(json["findings"][1]["span"]["offset"], 44);
    // Thousands of empty documents are a limit, not a hang.
    let many = write(dir.path(), "many.yaml", "---\n".repeat(5_000));
    assert!(assert_invalid(&many).contains("too many YAML documents"));
}

#[test]
fn tags_anchors_and_merge_keys() {
    let dir = tempfile::tempdir().unwrap();
    let text = "defaults: &d\n  e2ee: optoinal\n  category: messaging\ntools:\n  - <<: *d\n    name: Slack\n  - !!map\n    name: !!str Discord\n  - &t {name: Zoom}\n  - *t\n  - name: !custom Signal\n";
    let path = write(dir.path(), "merge.yaml", text);
    let (out, json) = json_check(&path, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let findings = json["findings"].as_array().unwrap();
    let at = |f: &serde_json::Value| {
        let start = f["span"]["offset"].as_u64().unwrap() as usize;
        &text[start..start + f["span"]["length"].as_u64().unwrap() as usize]
    };
    // A merged value is located at the `*d` that brought it in (serde-saphyr reports
    // merged entries at the alias), so the user sees where the bad value entered the tool.
    let bad = findings
        .iter()
        .find(|f| f["message"].as_str().unwrap().contains("optoinal"))
        .expect("the merged wrong value is reported");
    assert_eq!(at(bad), "*d");
    // Tags are accepted and ignored; the tagged name still gets its finding at the name.
    let discord = findings.iter().find(|f| f["tool"] == "Discord").unwrap();
    assert_eq!(at(discord), "Discord");
    // An aliased tool is a duplicate, located at the alias.
    let dup = findings
        .iter()
        .find(|f| f["rule"] == "duplicate-tool")
        .unwrap();
    assert_eq!(at(dup), "*t");
    assert!(
        findings
            .iter()
            .all(|f| f["span"]["line"].as_u64() >= Some(1))
    );

    // The same through the library: merged keys come after the explicit ones.
    use e2ee_lint::yaml::NodeKind;
    let word = |node: &e2ee_lint::yaml::Node| match &node.kind {
        NodeKind::Str(word) => word.to_string(),
        other => panic!("{other:?}"),
    };
    let docs = e2ee_lint::yaml::parse(text).unwrap();
    let NodeKind::Map(top) = &docs[0].kind else {
        panic!()
    };
    let (_, tool) = top.iter().find(|(k, _)| word(k) == "tools").unwrap();
    let NodeKind::Seq(items) = &tool.kind else {
        panic!()
    };
    let NodeKind::Map(entries) = &items[0].kind else {
        panic!()
    };
    let keys: Vec<_> = entries.iter().map(|(k, _)| word(k)).collect();
    assert_eq!(keys, ["name", "e2ee", "category"]);
    let e2ee = &entries[1].1;
    assert_eq!(
        &text[e2ee.span.offset..e2ee.span.offset + e2ee.span.len],
        "*d"
    );
}

#[cfg(unix)]
#[test]
fn special_files_never_block() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.yaml");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    // Nothing ever writes to the FIFO: opening it would block forever.
    assert_one_line_error(&["check", fifo.to_str().unwrap()], "not a regular file");
    assert_one_line_error(&["check", "/dev/zero"], "/dev/zero: not a regular file");
    // In a directory, a FIFO named *.yaml is skipped by the walk, not opened.
    write(dir.path(), "ok.yaml", "tools:\n  - name: Signal\n");
    let out = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_directories() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("inv/sub")).unwrap();
    write(root, "inv/sub/a.yaml", "tools:\n  - name: Slack\n");
    symlink("..", root.join("inv/sub/up")).unwrap();
    symlink(root.join("inv"), root.join("inv/self")).unwrap();
    let (out, json) = json_check(&root.join("inv"), &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(json["summary"]["files"], 1, "each file once");
    // A loop of file symlinks named directly: one line, exit 2.
    symlink("b.yaml", root.join("a.yaml")).unwrap();
    symlink("a.yaml", root.join("b.yaml")).unwrap();
    assert_one_line_error(&["check", root.join("a.yaml").to_str().unwrap()], "a.yaml");
    // A directory whose name looks like a file is walked; empty, it is an error.
    std::fs::create_dir(root.join("dir.yaml")).unwrap();
    assert_one_line_error(
        &["check", root.join("dir.yaml").to_str().unwrap()],
        "no *.yaml or *.yml file",
    );
}

#[cfg(unix)]
#[test]
fn unreadable_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "secret.yaml", "tools:\n  - name: Slack\n");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    // root (CI containers) reads mode 000 files anyway; assert what is true there.
    let readable = std::fs::File::open(&path).is_ok();
    if readable {
        println!("unreadable_files: running as root, mode 000 does not stop reading");
        assert_eq!(run(&["check", path.to_str().unwrap()]).code, 1);
    } else {
        assert_one_line_error(
            &["check", path.to_str().unwrap()],
            "secret.yaml: permission denied",
        );
    }
}
