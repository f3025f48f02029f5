//! Arbitrary bytes as a config file (`e2ee-lint.yaml`): the YAML parse, every key's checks,
//! catalog overrides, exceptions, ignores, mappings and the `extends` chain, through `check`
//! with `--config` on an empty inventory, so the config is loaded and validated before any
//! inventory is linted (entries name files under a directory that does not exist, so they fail
//! as located errors rather than read the machine). Any panic, hang or runaway allocation is a
//! bug; a refused config is not.
//!
//! Run: `fuzz/run.sh config 600` (stable Rust; see README "Hostile input and limits").

#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use e2ee_lint::date::Date;
use e2ee_lint::policy::{ConfigChoice, Settings};
use e2ee_lint::{Request, check};
use libfuzzer_sys::fuzz_target;

/// One scratch repository per process, under a directory of its own: the config is rewritten
/// for each input.
static REPO: LazyLock<PathBuf> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("e2ee-lint-fuzz-config-{}", std::process::id()));
    std::fs::create_dir_all(dir.join(".git")).expect("a scratch directory");
    std::fs::write(dir.join("inventory.yaml"), "tools: []\n").expect("an inventory");
    dir
});

fuzz_target!(|data: &[u8]| {
    let config = REPO.join("e2ee-lint.yaml");
    if std::fs::write(&config, data).is_err() {
        return;
    }
    let request = Request {
        paths: vec![REPO.join("inventory.yaml")],
        settings: Settings {
            config: ConfigChoice::Path(config),
            max_file_size: 1 << 20,
            // A fixed date, so that a crash reproduces on any day.
            ..Settings::new(Date::parse("2027-01-01").expect("a date"))
        },
    };
    let _ = check(&request);
});
