//! Finding the config file that applies to an inventory: the nearest one above it.
//!
//! From the inventory's directory upwards, the first directory holding `e2ee-lint.yaml` or
//! `.e2ee-lint.yaml` wins. The walk stops at the repository root: the first directory holding
//! `.git` (a directory, or a file in worktrees and submodules), so a parent repository's policy
//! never applies. Outside any repository the walk goes up to the filesystem root.
//!
//! A config name that exists but is not a regular file (a dangling symlink, a directory, a FIFO,
//! a device) is an error, not skipped: skipping it would silently apply a parent's policy.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub(crate) use crate::discover::{CONFIG_NAMES as NAMES, is_config_name};

/// Caches the answer per directory, since many inventories share one.
#[derive(Default)]
pub(crate) struct Finder {
    cache: HashMap<PathBuf, Option<PathBuf>>,
}

impl Finder {
    /// The config for an inventory path, as a path the user can read (relative when possible).
    pub(crate) fn find(&mut self, inventory: &Path) -> Result<Option<PathBuf>, String> {
        let absolute = std::path::absolute(inventory).map_err(|e| e.to_string())?;
        let start = absolute.parent().unwrap_or(&absolute).to_path_buf();
        if let Some(found) = self.cache.get(&start) {
            return Ok(found.clone());
        }
        let found = self.walk(&start)?;
        self.cache.insert(start, found.clone());
        Ok(found)
    }

    fn walk(&self, start: &Path) -> Result<Option<PathBuf>, String> {
        for dir in start.ancestors() {
            let mut present = Vec::new();
            for path in NAMES.iter().map(|n| dir.join(n)) {
                if present_config(&path)? {
                    present.push(path);
                }
            }
            match present.as_slice() {
                [] => {}
                [one] => return Ok(Some(shorten(one))),
                [first, second, ..] => {
                    return Err(format!(
                        "both {} and {} exist; keep one of them",
                        crate::discover::display_name(&shorten(first)),
                        crate::discover::display_name(&shorten(second))
                    ));
                }
            }
            if dir.join(".git").exists() {
                break;
            }
        }
        Ok(None)
    }
}

/// Whether a config file exists at `path`; something there that cannot be a config is an error.
/// Only metadata is read, so a FIFO is never opened.
fn present_config(path: &Path) -> Result<bool, String> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(false);
    }
    let problem = match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => return Ok(true),
        Ok(meta) if meta.is_dir() => "is a directory".to_owned(),
        Ok(_) => "is not a regular file".to_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "is a symlink to nothing".to_owned(),
        Err(e) => format!("cannot be read: {}", crate::discover::io_message(&e)),
    };
    Err(format!(
        "{}: config file {problem}; it must be a regular file",
        crate::discover::display_name(&shorten(path))
    ))
}

/// Relative to the working directory when below it, so diagnostics show short paths.
fn shorten(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}
