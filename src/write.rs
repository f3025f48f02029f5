//! Writing output files (`--output`, `--write-baseline`): never over an input, never through a
//! symbolic link, and atomically, so an interrupted or failed run leaves the previous file.
//!
//! Files are compared by identity (device and inode on unix, the canonical path elsewhere), not
//! by the path as written: a hard link, a `../` detour or standard input redirected from the
//! file are all the same file.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// The `PATH` of `--output FORMAT=-`: standard output.
pub(crate) const STDOUT: &str = "-";

/// What a file is, independent of how its path is spelt.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum FileId {
    /// Device and inode of an existing file (unix).
    Inode(u64, u64),
    /// An absolute, canonical path: a file that does not exist yet, or any file elsewhere.
    Path(PathBuf),
}

/// The identity of the file at `path` (symbolic links followed); for a file that does not
/// exist yet, its canonical directory joined with its name.
pub(crate) fn file_id(path: &Path) -> Option<FileId> {
    #[cfg(unix)]
    if let Ok(metadata) = fs::metadata(path) {
        use std::os::unix::fs::MetadataExt;
        return Some(FileId::Inode(metadata.dev(), metadata.ino()));
    }
    if let Ok(canonical) = path.canonicalize() {
        return Some(FileId::Path(canonical));
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(FileId::Path(
        parent.canonicalize().ok()?.join(path.file_name()?),
    ))
}

/// The identity of the file standard input was redirected from, if it is one.
pub(crate) fn stdin_id() -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::MetadataExt;
        let fd = io::stdin().as_fd().try_clone_to_owned().ok()?;
        let metadata = fs::File::from(fd).metadata().ok()?;
        metadata
            .is_file()
            .then(|| FileId::Inode(metadata.dev(), metadata.ino()))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// A file a run is about to write: the option that asked for it (`--output`), what it holds
/// (`sarif output`, `the baseline`) and where.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    pub(crate) flag: &'a str,
    pub(crate) what: &'a str,
    pub path: &'a Path,
}

/// Refuses, before anything is written, a target that is one of `inputs` (each with what it
/// is, e.g. `an input inventory`) or that another target also writes. Standard output targets
/// are not files and are left to the caller.
pub(crate) fn check_targets(targets: &[Target], inputs: &[(FileId, &str)]) -> Result<(), String> {
    let inputs: HashMap<&FileId, &str> = inputs.iter().map(|(id, what)| (id, *what)).collect();
    let mut seen: HashMap<FileId, &Target> = HashMap::new();
    for target in targets {
        let name = crate::discover::display_name(target.path);
        let Some(id) = file_id(target.path) else {
            continue; // its directory does not exist: writing it fails with a clear message
        };
        if let Some(what) = inputs.get(&id) {
            return Err(format!(
                "refusing to write {} to {name}: it is {what}",
                target.what
            ));
        }
        if let Some(first) = seen.insert(id, target) {
            return Err(if first.flag == target.flag {
                format!("two {} options write to {name}", target.flag)
            } else {
                format!(
                    "{} and {} write to one file: {name}",
                    first.flag, target.flag
                )
            });
        }
    }
    Ok(())
}

/// Writes `path` through a temporary file in the same directory, renamed into place once
/// `render` has succeeded. On any failure the temporary file is removed and `path` is left as
/// it was. A symbolic link at `path` is replaced by the new file: its target is never written.
/// An existing file's permissions are kept.
pub(crate) fn atomic(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    atomic_if(path, render, || Ok(()))
}

/// [`atomic`], with `still` run just before the rename: an error from it (the file changed
/// since it was read) leaves `path` as it is and removes the temporary file.
pub(crate) fn atomic_if(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    still: impl FnOnce() -> io::Result<()>,
) -> io::Result<()> {
    linked_out(path)?;
    let previous = fs::symlink_metadata(path).ok();
    if previous.as_ref().is_some_and(fs::Metadata::is_dir) {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a directory",
        ));
    }
    let (temporary, file) = create_temporary(path)?;
    let result = (|| {
        let mut out = io::BufWriter::with_capacity(1 << 16, &file);
        render(&mut out)?;
        out.flush()?;
        drop(out);
        if let Some(previous) = previous.filter(fs::Metadata::is_file) {
            file.set_permissions(previous.permissions())?;
        }
        drop(file);
        still()?;
        fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
}

/// Refuses a path whose directory is reached through a symbolic link that leads out of the
/// working directory's repository: a pull request can add `reports -> /home/runner`, and
/// `-o sarif=reports/x.sarif` must not write there. A directory named without links (an
/// absolute `/tmp/x.sarif` from the workflow) is the caller's choice and stays allowed.
fn linked_out(path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => return Ok(()),
    };
    let Ok(canonical) = dir.canonicalize() else {
        return Ok(()); // a missing directory: the write fails with its own message
    };
    let lexical = crate::discover::normalize(dir);
    if canonical == lexical {
        return Ok(());
    }
    let cwd = std::env::current_dir()?;
    let root = crate::confine::repository_root(&cwd.join("output"));
    if !lexical.starts_with(&root) {
        return Ok(()); // named outside the repository: the workflow's own choice
    }
    let canonical_root = root.canonicalize().unwrap_or(root);
    if canonical.starts_with(&canonical_root) {
        return Ok(());
    }
    Err(io::Error::other(format!(
        "its directory is a symbolic link to {}, outside the repository; refusing to write through it",
        crate::discover::display_name(&canonical)
    )))
}

/// What a file was when it was read: the rename of its fixed text checks it still is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    id: Option<FileId>,
}

impl Stamp {
    /// The stamp of the file at `path` now (links followed).
    pub(crate) fn of(path: &Path) -> io::Result<Stamp> {
        let metadata = fs::metadata(path)?;
        Ok(Stamp {
            len: metadata.len(),
            modified: metadata.modified().ok(),
            id: file_id(path),
        })
    }

    /// An error when the file at `path` is no longer the one stamped (length, modification
    /// time or inode changed).
    pub(crate) fn check(&self, path: &Path) -> io::Result<()> {
        if Stamp::of(path)? == *self {
            Ok(())
        } else {
            Err(io::Error::other(
                "it changed while e2ee-lint ran (length, modification time or inode differ)",
            ))
        }
    }
}

/// How many names (hard links) the file at `path` has; 1 where the platform does not say.
pub(crate) fn link_count(path: &Path) -> io::Result<u64> {
    let metadata = fs::metadata(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Ok(metadata.nlink())
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        Ok(1)
    }
}

/// A new, empty file beside `path`, named so that it is recognisably ours:
/// `.NAME.e2ee-lint-PID-N.tmp`.
fn create_temporary(path: &Path) -> io::Result<(PathBuf, fs::File)> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut temporary = std::ffi::OsString::from(".");
        temporary.push(name);
        temporary.push(format!(".e2ee-lint-{}-{n}.tmp", std::process::id()));
        let temporary = dir.join(temporary);
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)
        {
            Ok(file) => return Ok((temporary, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => continue,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_render_leaves_the_previous_file_intact() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.sarif");
        fs::write(&target, "previous\n").unwrap();
        let result = atomic(&target, |out| {
            out.write_all(b"half of a report")?;
            Err(io::Error::other("rendering failed"))
        });
        assert!(result.is_err());
        assert_eq!(fs::read_to_string(&target).unwrap(), "previous\n");
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["report.sarif"]);
    }
}
