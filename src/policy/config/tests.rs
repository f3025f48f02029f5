//! The config loader on its own: what `extends` merges key by key, the starter's examples, and
//! located errors with their spans. Moved here from `tests/` because `load` and `Config` are
//! crate-internal; the binary-level behaviour stays in `tests/extends.rs` and
//! `tests/config_policy.rs`.

use std::path::Path;
use std::sync::Arc;

use super::{Config, ConfigError, RuleLevel, load};
use crate::engine::rule::Registry;
use crate::source::SourceFile;

/// A scratch repository (a `.git` marks its root, as configs' confinement expects).
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

/// Writes `text` at `name` under `root`, creating directories.
fn put(root: &Path, name: &str, text: &str) {
    let path = root.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const SHARED: &str = "fail_on: warning
max_exception_days: 400
rules:
  unclassified-tool: info
  stale-classification: off
data_classification:
  levels: [green, amber, red]
  e2ee_required_from: amber
exceptions:
  - tool: Slack
    rule: no-e2ee
    reason: Public announcements only
    approved_by: ciso@acme.example
    expires: 2027-06-30
rule_files: [\"rules/*.yaml\"]
";

const TEAM: &str = "extends: [../security/e2ee-policy.yaml]
fail_on: error
rules:
  unclassified-tool: warning
rule_files: [\"policy/*.yaml\"]
inventory:
  values:
    data_classification: {Red: red}
";

/// A repository with the shared policy in `security/` and a team's config in `team/`.
/// A rule file for `id` that never fires: these tests are about which files are loaded.
fn quiet_rule(id: &str) -> String {
    format!(
        "id: {id}\nseverity: info\nsummary: s\ndocs: d\nwhen: {{field: tool.name, equals: nothing-is-called-this}}\nmessage: m\n"
    )
}

fn shared_repo() -> tempfile::TempDir {
    let dir = repo();
    put(dir.path(), "security/e2ee-policy.yaml", SHARED);
    put(dir.path(), "security/rules/b.yaml", &quiet_rule("b"));
    put(dir.path(), "security/rules/a.yaml", &quiet_rule("a"));
    put(dir.path(), "team/e2ee-lint.yaml", TEAM);
    put(dir.path(), "team/policy/z.yaml", &quiet_rule("z"));
    dir
}

fn rule_ids() -> Vec<String> {
    Registry::embedded()
        .unwrap()
        .rules()
        .map(|r| r.info.id.to_string())
        .collect()
}

fn load_path(path: &Path) -> Result<Config, Vec<ConfigError>> {
    let text = std::fs::read_to_string(path).unwrap();
    let source = SourceFile::new(path.display().to_string(), path, text);
    let ids = rule_ids();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    load(Arc::new(source), &ids)
}

fn load_text(text: &str) -> Result<Config, Vec<ConfigError>> {
    let registry = Registry::embedded().unwrap();
    let ids: Vec<&str> = registry.rules().map(|r| &*r.info.id).collect();
    let source = SourceFile::new("e2ee-lint.yaml", "e2ee-lint.yaml", text.to_owned());
    load(Arc::new(source), &ids)
}

/// `path` absolute, with `.` and `..` resolved as text (the loader keeps what configs wrote).
fn lexical(path: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for component in std::path::absolute(path).unwrap().components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
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

const EXCEPTION: &str = "exceptions:
  - tool: Slack
    rule: no-e2ee
    reason: r
    approved_by: ciso
";

#[test]
fn the_nearer_file_wins_key_by_key_and_lists_accumulate() {
    let dir = shared_repo();
    let config =
        load_path(&dir.path().join("team/e2ee-lint.yaml")).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(config.fail_on, Some(crate::policy::FailOn::Error));
    assert_eq!(config.max_exception_days, 400, "inherited");
    assert_eq!(
        config.rules.get("unclassified-tool"),
        Some(&RuleLevel::On(crate::finding::Severity::Warning))
    );
    assert_eq!(
        config.rules.get("stale-classification"),
        Some(&RuleLevel::Off),
        "rules merge entry by entry"
    );
    assert_eq!(
        config.levels.as_ref().unwrap().names,
        ["green", "amber", "red"]
    );
    assert_eq!(config.exceptions.len(), 1);
    assert!(
        config.exceptions[0]
            .source
            .path
            .ends_with("security/e2ee-policy.yaml")
    );
    // Rule files: the extended file's first, each glob sorted.
    let names: Vec<String> = config
        .rule_files
        .iter()
        .map(|p| {
            lexical(p)
                .strip_prefix(lexical(dir.path()))
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        [
            "security/rules/a.yaml",
            "security/rules/b.yaml",
            "team/policy/z.yaml"
        ]
    );
    assert_eq!(config.files.len(), 2);
}

#[test]
fn value_translations_are_checked_against_inherited_levels() {
    let dir = shared_repo();
    put(
        dir.path(),
        "team/e2ee-lint.yaml",
        &TEAM.replace("{Red: red}", "{Red: restricted}"),
    );
    let errors = load_path(&dir.path().join("team/e2ee-lint.yaml")).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].message.contains("`restricted` is not a valid"),
        "{}",
        errors[0].message
    );
}

#[test]
fn a_diamond_is_merged_once() {
    let dir = shared_repo();
    put(
        dir.path(),
        "security/b.yaml",
        "extends: e2ee-lint-base.yaml\n",
    );
    put(
        dir.path(),
        "security/c.yaml",
        "extends: [e2ee-lint-base.yaml]\n",
    );
    put(
        dir.path(),
        "security/e2ee-lint-base.yaml",
        &SHARED.replace("rules/*.yaml", "rules/a.yaml"),
    );
    put(
        dir.path(),
        "team/e2ee-lint.yaml",
        "extends: [../security/b.yaml, ../security/c.yaml]\n",
    );
    let config =
        load_path(&dir.path().join("team/e2ee-lint.yaml")).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(config.exceptions.len(), 1);
    assert_eq!(config.rule_files.len(), 1);
    assert_eq!(config.files.len(), 4);
}

#[test]
fn init_examples_are_valid_once_uncommented() {
    let starter = crate::policy::init::STARTER.to_owned();
    assert!(load_text(&starter).is_ok());
    let keys = ["rules:", "exceptions:", "inventory:"];
    let mut all = starter.clone();
    for key in keys {
        let one = uncomment(&starter, key);
        assert_ne!(one, starter, "{key} has an example");
        let config = load_text(&one).unwrap_or_else(|e| panic!("{key}: {e:?}\n{one}"));
        match key {
            "rules:" => assert!(!config.rules.is_empty()),
            "exceptions:" => assert_eq!(config.exceptions.len(), 1),
            _ => assert!(config.mapping.is_some()),
        }
        all = uncomment(&all, key);
    }
    load_text(&all).unwrap_or_else(|e| panic!("{e:?}\n{all}"));
}

#[test]
fn max_exception_days_is_validated() {
    for bad in ["max_exception_days: 0\n", "max_exception_days: soon\n"] {
        let errors = load_text(bad).expect_err(bad);
        assert!(
            errors[0].message.contains("max_exception_days"),
            "{}",
            errors[0].message
        );
    }
    assert!(load_text("max_exception_days: 90\n").is_ok());
}

#[test]
fn an_empty_files_list_is_a_config_error() {
    let errors = load_text(&format!(
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
