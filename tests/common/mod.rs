//! Helpers shared by the integration tests: run the built binary from the crate root.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture path as the CLI is given it, relative to the crate root, with `/`.
pub fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

pub fn e2ee_lint(args: &[&str]) -> Output {
    e2ee_lint_env(args, &[])
}

/// The binary, set to run over the fixed built-in rule set of `tests/data/builtin-rules.txt`,
/// so that adding a rule changes no test's output. A test whose point is the live rules (a
/// README sample) passes `(RULE_SET, "")` in its environment.
pub fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_e2ee-lint"));
    command.env(RULE_SET, rule_set());
    command
}

/// The fixed built-in rule set the tests run over.
pub fn rule_set() -> PathBuf {
    root().join("tests/data/builtin-rules.txt")
}

/// `E2EE_LINT_INTERNAL_RULE_SET`: empty runs every built-in rule.
pub const RULE_SET: &str = "E2EE_LINT_INTERNAL_RULE_SET";

/// Runs over every built-in rule, not the fixed set: for tests whose point is the live rules
/// (the rule examples, the schemas, the generated manual and README samples).
pub fn e2ee_lint_live(args: &[&str]) -> Output {
    e2ee_lint_env(args, &[(RULE_SET, "")])
}

pub fn e2ee_lint_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = binary();
    command
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env_remove("E2EE_LINT_INTERNAL_TEST_PANIC")
        .env_remove("E2EE_LINT_DOCS_URL")
        // Evidence reports record the CI's commit: tests see none unless they set one.
        .env_remove("GITHUB_SHA")
        .env_remove("CI_COMMIT_SHA")
        .env_remove("GITHUB_REPOSITORY")
        .env_remove("CI_PROJECT_PATH");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("the binary runs");
    Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The rule ids of a JSON output's findings, in order.
pub fn json_rules(stdout: &str) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(stdout).expect("valid JSON");
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().expect("rule").to_owned())
        .collect()
}

/// Runs with `--format json` added: the exit code and the parsed report, its findings'
/// tools resolved ([`named`]).
pub fn json(args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let out = e2ee_lint(&all);
    let value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr));
    (out.code, named(value))
}

/// A JSON output (version 2) with each finding's `tool` index replaced by the tool's name from
/// `tools`, and its id added as `tool_id`, as tests read them. Panics when an index points
/// nowhere or at a tool of another file.
pub fn named(mut json: serde_json::Value) -> serde_json::Value {
    assert_eq!(json["version"], 2, "JSON format version");
    let tools = json["tools"].as_array().expect("tools").clone();
    for finding in json["findings"].as_array_mut().expect("findings") {
        let tool = match finding["tool"].as_u64() {
            Some(i) => tools
                .get(i as usize)
                .expect("a tool index in range")
                .clone(),
            None => {
                assert!(finding["tool"].is_null(), "{finding}");
                finding["tool_id"] = serde_json::Value::Null;
                continue;
            }
        };
        assert_eq!(
            tool["file"], finding["file"],
            "a finding's tool is in its file"
        );
        finding["tool"] = tool["name"].clone();
        finding["tool_id"] = tool["id"].clone();
    }
    json
}

/// Runs the binary from `dir` (not the crate root), with `env` set and `stdin` as its input.
pub fn e2ee_lint_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    run_with(dir, args, env, |_| {})
}

/// Runs the binary from `dir` after `setup` has changed the command (standard streams, ...).
pub fn run_with(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    setup: impl FnOnce(&mut Command),
) -> Output {
    let mut command = binary();
    command
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("E2EE_LINT_INTERNAL_TEST_PANIC");
    for (key, value) in env {
        command.env(key, value);
    }
    setup(&mut command);
    let output = command.output().expect("the binary runs");
    Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A scratch repository: a temporary directory with `.git`, so config discovery stops there.
pub fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir(dir.path().join(".git")).expect("mkdir .git");
    dir
}

/// Writes `text` to `dir/relative`, creating parent directories.
pub fn put(dir: &Path, relative: &str, text: &str) -> PathBuf {
    let path = dir.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir -p");
    }
    std::fs::write(&path, text).expect("write a test file");
    path
}

/// The variable `.ci/run` sets so that tests needing `../shared/data` fail when it is missing
/// instead of passing without running.
pub const REQUIRE_DATA: &str = "E2EE_LINT_REQUIRE_DATA";

/// Whether a missing `../shared/data` must fail the test: `E2EE_LINT_REQUIRE_DATA=1` (set by
/// `.ci/run`) or `CI=true`.
pub fn data_required() -> bool {
    std::env::var(REQUIRE_DATA).is_ok_and(|v| v == "1")
        || std::env::var("CI").is_ok_and(|v| v == "true")
}

/// `../shared/data/<relative>` beside the repository, or `None` after saying on standard error
/// that the test is skipped. Under CI ([`data_required`]) a missing path fails the test.
pub fn shared_data(relative: &str) -> Option<PathBuf> {
    shared_data_with(relative, data_required())
}

/// [`shared_data`], with whether a missing path fails given.
pub fn shared_data_with(relative: &str, required: bool) -> Option<PathBuf> {
    let path = root().join("../shared/data").join(relative);
    if path.exists() {
        return Some(path);
    }
    assert!(
        !required,
        "{} is missing, and {REQUIRE_DATA}=1 or CI=true says this run must have it: put the shared \
         data set beside the repository (../shared/data), or unset the variable to skip",
        path.display()
    );
    // Straight to the process's stderr: the test harness captures `println!`.
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "skipped: {} not found", path.display());
    None
}

/// The starter config exactly as `e2ee-lint init` writes it.
pub fn starter_config() -> String {
    let dir = repo();
    let out = e2ee_lint_in(dir.path(), &["init"], &[]);
    assert_eq!(out.code, 0, "init: {}", out.stderr);
    std::fs::read_to_string(dir.path().join("e2ee-lint.yaml")).expect("init wrote the file")
}

/// YAML read the way an editor validating a file against the published schemas reads it:
/// YAML 1.2 booleans only (`off` and `no` stay strings), as e2ee-lint reads it too.
pub fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! { strict_booleans: true }
}

/// A YAML text as a value, read with [`yaml_options`].
pub fn yaml_value<T: serde::de::DeserializeOwned>(text: &str) -> T {
    serde_saphyr::from_str_with_options(text, yaml_options())
        .unwrap_or_else(|e| panic!("not YAML: {e}\n{text}"))
}

/// The JSON Schema `e2ee-lint schema WHICH` prints (`inventory` or `config`).
pub fn schema(which: &str) -> String {
    // The live rules: the committed schemas list every built-in rule id, whatever the fixed set.
    let out = e2ee_lint_live(&["schema", which]);
    assert_eq!(out.code, 0, "schema {which}: {}", out.stderr);
    out.stdout
}
