//! Arbitrary bytes as a config and an inventory together, through the whole pipeline and every
//! output format: config loading with its confinement (`extends`, `rule_files`), the catalog
//! changes (overrides, added systems and their confusable-folded names), the engine against the
//! effective catalog, the policy sink (exceptions, `catalog-override` findings) and every
//! renderer, which lists the catalog changes. Any panic, hang or runaway allocation is a bug; a
//! refused config is not.
//!
//! Input: `CONFIG` + `\n#%%\n` + `INVENTORY`. Without the separator the bytes are the config and
//! the inventory is a fixed one listing Slack, Zoom, Signal and an unknown tool, so seeds of the
//! `config` target reach the overrides at once.
//!
//! Run: `fuzz/run.sh policy_run 600` (stable Rust; see README "Hostile input and limits").

#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use e2ee_lint::output::{self, Format, Style};
use e2ee_lint::date::Date;
use e2ee_lint::policy::{ConfigChoice, Settings};
use e2ee_lint::{Request, check};
use libfuzzer_sys::fuzz_target;

const SEPARATOR: &[u8] = b"\n#%%\n";
const INVENTORY: &str = "tools:\n  - name: Slack\n    channels: [text_1to1, voice]\n  - name: Zoom\n    channels: [video]\n  - name: Signal\n  - name: Acme Chat\n    category: messaging\n";

/// One scratch repository per process: the files are rewritten for each input.
static REPO: LazyLock<PathBuf> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("e2ee-lint-fuzz-policy-{}", std::process::id()));
    std::fs::create_dir_all(dir.join(".git")).expect("a scratch directory");
    dir
});

fuzz_target!(|data: &[u8]| {
    let (config, inventory) = match data.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
        Some(at) => (&data[..at], &data[at + SEPARATOR.len()..]),
        None => (data, INVENTORY.as_bytes()),
    };
    let config_path = REPO.join("e2ee-lint.yaml");
    let inventory_path = REPO.join("inventory.yaml");
    if std::fs::write(&config_path, config).is_err()
        || std::fs::write(&inventory_path, inventory).is_err()
    {
        return;
    }
    let request = Request {
        paths: vec![inventory_path],
        settings: Settings {
            config: ConfigChoice::Path(config_path),
            max_file_size: 1 << 20,
            ..Settings::new(Date::parse("2027-01-01").expect("a date"))
        },
    };
    let Ok(outcome) = check(&request) else {
        return;
    };
    for &format in <Format as clap::ValueEnum>::value_variants() {
        let mut sink = Vec::new();
        let _ = output::render(format, &outcome, Style::PLAIN, &mut sink);
    }
});
