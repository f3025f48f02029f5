//! A hostile pull request changes the config or a rule file: it can neither leak the CI
//! environment nor walk the filesystem (confinement), nor print raw control characters or huge
//! lines from a file it names (one snippet path).

mod common;

use clap::ValueEnum;
use common::{Output, put, repo, run_with};
use e2ee_lint::output::Format;

const SECRET: &str = "hunter2-e2ee-test-secret-value";
const INVENTORY: &str = "tools:\n  - name: Slack\n    channels: [text_group]\n";

fn run(dir: &std::path::Path, args: &[&str]) -> Output {
    run_with(dir, args, &[("E2EE_TEST_SECRET", SECRET)], |_| {})
}

fn format_names() -> Vec<String> {
    Format::value_variants()
        .iter()
        .filter_map(|f| f.to_possible_value())
        .map(|v| v.get_name().to_owned())
        .collect()
}

/// No output of any format, on either stream or in an `-o` file, holds the secret.
fn assert_no_secret_anywhere(dir: &std::path::Path, extra: &[&str]) {
    for format in format_names() {
        let out_file = dir.join(format!("out.{format}"));
        let target = format!("{format}={}", out_file.display());
        let mut args = vec![
            "check",
            "inventory.yaml",
            "--format",
            &format,
            "-o",
            &target,
        ];
        args.extend(extra);
        let out = run(dir, &args);
        let written = std::fs::read_to_string(&out_file).unwrap_or_default();
        for (stream, text) in [
            ("stdout", &out.stdout),
            ("stderr", &out.stderr),
            ("-o", &written),
        ] {
            assert!(
                !text.contains(SECRET) && !text.contains("E2EE_TEST_SECRET"),
                "--format {format}: the environment leaked on {stream}:\n{text}"
            );
        }
        assert_eq!(out.code, 2, "--format {format}: {}", out.stderr);
    }
}

#[test]
fn extends_proc_self_environ_leaks_nothing_in_any_format() {
    let dir = repo();
    put(dir.path(), "inventory.yaml", INVENTORY);
    put(
        dir.path(),
        "e2ee-lint.yaml",
        "extends: [\"/proc/self/environ\"]\n",
    );
    assert_no_secret_anywhere(dir.path(), &[]);
    let out = run(dir.path(), &["check", "inventory.yaml"]);
    assert!(out.stderr.contains("absolute path"), "{}", out.stderr);
    assert!(out.stderr.contains("--allow-outside"), "{}", out.stderr);
}

#[test]
fn an_allowed_environ_is_named_never_quoted() {
    let dir = repo();
    put(dir.path(), "inventory.yaml", INVENTORY);
    put(
        dir.path(),
        "e2ee-lint.yaml",
        "extends: [\"/proc/self/environ\"]\n",
    );
    // Even when the operator allows the directory, a file with NUL bytes is never echoed.
    assert_no_secret_anywhere(dir.path(), &["--allow-outside", "/proc/self"]);
    let out = run(
        dir.path(),
        &["check", "inventory.yaml", "--allow-outside", "/proc/self"],
    );
    assert!(out.stderr.contains("not a text file"), "{}", out.stderr);
}

#[test]
fn rule_files_proc_self_environ_leaks_nothing() {
    let dir = repo();
    put(dir.path(), "inventory.yaml", INVENTORY);
    put(
        dir.path(),
        "e2ee-lint.yaml",
        "rule_files: [\"/proc/self/environ\"]\n",
    );
    assert_no_secret_anywhere(dir.path(), &[]);
    put(
        dir.path(),
        "e2ee-lint.yaml",
        "rule_files: [\"/proc/self/environ\"]\n",
    );
    assert_no_secret_anywhere(dir.path(), &["--allow-outside", "/proc/self"]);
}

#[test]
fn dotdot_escapes_and_symlinks_out_are_refused() {
    let dir = repo();
    put(dir.path(), "inventory.yaml", INVENTORY);
    put(
        dir.path(),
        "e2ee-lint.yaml",
        "extends: [\"../../../../../../../../etc/passwd\"]\n",
    );
    let out = run(dir.path(), &["check", "inventory.yaml"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("leaves the repository root"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("root:x:0"), "{}", out.stderr);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("base.yaml")).unwrap();
        put(dir.path(), "e2ee-lint.yaml", "extends: [base.yaml]\n");
        let out = run(dir.path(), &["check", "inventory.yaml"]);
        assert_eq!(out.code, 2);
        assert!(out.stderr.contains("symlink"), "{}", out.stderr);
        assert!(!out.stderr.contains("root:x:0"), "{}", out.stderr);
    }
}

#[test]
fn allow_outside_lets_a_central_policy_live_elsewhere() {
    let central = tempfile::tempdir().unwrap();
    put(central.path(), "policy.yaml", "fail_on: warning\n");
    let dir = repo();
    put(dir.path(), "inventory.yaml", INVENTORY);
    let base = central.path().join("policy.yaml");
    put(
        dir.path(),
        "e2ee-lint.yaml",
        &format!("extends: [\"{}\"]\n", base.display()),
    );
    let refused = run(dir.path(), &["check", "inventory.yaml"]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    let central_dir = central.path().display().to_string();
    let allowed = run(
        dir.path(),
        &["check", "inventory.yaml", "--allow-outside", &central_dir],
    );
    assert_eq!(allowed.code, 1, "{}", allowed.stderr);
}

#[test]
fn rule_globs_rooted_outside_are_refused_before_any_walk() {
    let dir = repo();
    put(dir.path(), "inventory.yaml", INVENTORY);
    for pattern in ["/**/*.yaml", "../../../**/*.yaml", "*/../../../../**"] {
        put(
            dir.path(),
            "e2ee-lint.yaml",
            &format!("rule_files: [\"{pattern}\"]\n"),
        );
        let out = run(dir.path(), &["check", "inventory.yaml"]);
        assert_eq!(out.code, 2, "{pattern}: {}", out.stderr);
        assert!(
            out.stderr.contains("outside the repository")
                || out.stderr.contains("leave the repository"),
            "{pattern}: {}",
            out.stderr
        );
    }
}

/// Raw control characters and long lines in a config or rule file are escaped and cut like
/// inventory snippets.
#[test]
fn config_and_rule_file_snippets_are_escaped_and_cut() {
    let dir = repo();
    put(dir.path(), "inventory.yaml", INVENTORY);
    let hostile = "fail_on: \"\u{1b}[31m\u{7}\u{202e}x\"\n";
    put(dir.path(), "e2ee-lint.yaml", hostile);
    let out = run(dir.path(), &["check", "inventory.yaml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    for raw in ['\u{1b}', '\u{7}', '\u{202e}'] {
        assert!(!out.stderr.contains(raw), "raw {raw:?}: {}", out.stderr);
    }
    assert!(out.stderr.contains("\\u{1b}"), "{}", out.stderr);
    // A NUL in a config is not text: named, not quoted.
    put(dir.path(), "e2ee-lint.yaml", "fail_on: \"a\0b\"\n");
    let out = run(dir.path(), &["check", "inventory.yaml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(!out.stderr.contains('\0'), "{}", out.stderr);

    // A 5,000-byte line in a config is cut, never printed whole.
    let long = format!("fail_on: [{}]\n", "x".repeat(5_000));
    put(dir.path(), "e2ee-lint.yaml", &long);
    let out = run(dir.path(), &["check", "inventory.yaml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(!out.stderr.contains(&"x".repeat(500)), "{}", out.stderr);
    assert!(out.stderr.contains("e2ee-lint.yaml:1:"), "{}", out.stderr);

    // The same in a rule file.
    put(
        dir.path(),
        "e2ee-lint.yaml",
        "rule_files: [\"rules/*.yaml\"]\n",
    );
    put(
        dir.path(),
        "rules/bad.yaml",
        &format!(
            "id: bad\nseverity: \"\u{1b}]0;pwned\u{7}{}\"\n",
            "y".repeat(5_000)
        ),
    );
    let out = run(dir.path(), &["check", "inventory.yaml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(!out.stderr.contains('\u{1b}'), "{}", out.stderr);
    assert!(!out.stderr.contains('\u{7}'), "{}", out.stderr);
    assert!(!out.stderr.contains(&"y".repeat(500)), "{}", out.stderr);
    put(
        dir.path(),
        "rules/bad.yaml",
        "id: bad\nseverity: \"\u{202e}\u{1b}[2J\"\nsummary: s\n",
    );
    let out = run(dir.path(), &["check", "inventory.yaml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(!out.stderr.contains('\u{1b}'), "{}", out.stderr);
    assert!(!out.stderr.contains('\u{202e}'), "{}", out.stderr);
}

#[test]
fn a_binary_rule_file_is_named_not_echoed() {
    let dir = repo();
    put(dir.path(), "inventory.yaml", INVENTORY);
    put(
        dir.path(),
        "e2ee-lint.yaml",
        "rule_files: [\"rules/*.yaml\"]\n",
    );
    std::fs::create_dir_all(dir.path().join("rules")).unwrap();
    std::fs::write(
        dir.path().join("rules/bin.yaml"),
        b"id: bin\n\xff\xfe SECRETBYTES\n",
    )
    .unwrap();
    let out = run(dir.path(), &["check", "inventory.yaml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("rules/bin.yaml"), "{}", out.stderr);
    assert!(!out.stderr.contains("SECRETBYTES"), "{}", out.stderr);
}

/// The `policy_run` fuzz target's seeds, replayed the way the target splits them (config, then
/// inventory after `\n#%%\n`), through the binary with every format at once: no panic, and an
/// exit code of 0, 1 or 2.
#[test]
fn the_policy_run_fuzz_seeds_replay_without_a_panic() {
    const INVENTORY: &str = "tools:\n  - name: Slack\n    channels: [text_1to1, voice]\n  - name: Zoom\n    channels: [video]\n  - name: Signal\n  - name: Acme Chat\n    category: messaging\n";
    let seeds = common::root().join("fuzz/seed-corpus/policy_run");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&seeds).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        let separator = b"\n#%%\n";
        let (config, inventory) = match data.windows(separator.len()).position(|w| w == separator) {
            Some(at) => (&data[..at], &data[at + separator.len()..]),
            None => (&data[..], INVENTORY.as_bytes()),
        };
        let dir = repo();
        std::fs::write(dir.path().join("e2ee-lint.yaml"), config).unwrap();
        std::fs::write(dir.path().join("inventory.yaml"), inventory).unwrap();
        let mut args = vec!["check".to_owned(), "inventory.yaml".to_owned()];
        args.extend(["--today".into(), "2027-01-01".into()]);
        for format in format_names().into_iter().filter(|f| f != "human") {
            args.extend(["-o".into(), format!("{format}=out.{format}")]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(dir.path(), &args);
        assert!(
            (0..=2).contains(&out.code) && !out.stderr.contains("internal error"),
            "{}: exit {}\n{}",
            String::from_utf8_lossy(config),
            out.code,
            out.stderr
        );
        replayed += 1;
    }
    assert!(replayed >= 6, "{replayed} seeds");
}
