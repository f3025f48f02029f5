//! Arbitrary bytes as a config file (`e2ee-lint.yaml`): the YAML parse, every key's checks,
//! catalog overrides, exceptions, ignores, mappings and the `extends` chain (entries name files
//! under a directory that does not exist, so they fail as located errors rather than read the
//! machine). The embedded rules' ids are the known ones. Any panic, hang or runaway allocation
//! is a bug; a refused config is not.
//!
//! Run: `fuzz/run.sh config 600` (stable Rust; see README "Hostile input and limits").

#![no_main]

use std::sync::{Arc, LazyLock};

use e2ee_lint::policy::config;
use e2ee_lint::source::SourceFile;
use libfuzzer_sys::fuzz_target;

static RULE_IDS: LazyLock<Vec<String>> = LazyLock::new(|| {
    e2ee_lint::engine::rule::Registry::embedded()
        .expect("embedded rules load")
        .rules()
        .map(|r| r.info.id.to_string())
        .collect()
});

const PATH: &str = "/nonexistent-e2ee-lint-fuzz/repo/e2ee-lint.yaml";

fuzz_target!(|data: &[u8]| {
    // Invalid UTF-8 is refused before the config loader (policy::read); the loader sees text.
    let text = String::from_utf8_lossy(data).into_owned();
    let source = SourceFile::new("e2ee-lint.yaml", PATH, text);
    let ids: Vec<&str> = RULE_IDS.iter().map(String::as_str).collect();
    let _ = config::load(Arc::new(source), &ids);
});
