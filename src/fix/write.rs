//! Writing a fixed inventory in place (`check --fix`) without losing anything: the file is
//! written through the outputs' atomic writer; a symlink's target is fixed (inside the
//! repository only), never the link replaced; a file with several hard links is refused (a
//! rename would split them); and a file that changed since it was read is left alone.

use std::path::{Path, PathBuf};

use crate::write::{self, Stamp};

/// Writes `new` over the file at `path`, whose text was `read` when the run read it. The
/// error says why the file was not fixed, for the user (the caller names the file).
pub(crate) fn fixed_file(path: &Path, read: &str, new: &str) -> Result<(), String> {
    let refuse = |why: String| Err(format!("not fixed: {why}"));
    let target = match link_target(path) {
        Ok(target) => target,
        Err(why) => return refuse(why),
    };
    match write::link_count(&target) {
        Ok(1) => {}
        Ok(n) => {
            return refuse(format!(
                "it has {n} hard links, and replacing it would split them; fix it by hand or with the diff of --diff"
            ));
        }
        Err(e) => return refuse(crate::discover::io_message(&e)),
    }
    // The stamp is taken before the text is compared: a change after this point shows in the
    // stamp, one before it in the text.
    let io = |e: std::io::Error| format!("not fixed: {}", crate::discover::io_message(&e));
    let stamp = Stamp::of(&target).map_err(io)?;
    let now = std::fs::read(&target).map_err(io)?;
    if now != read.as_bytes() {
        return refuse("it changed while e2ee-lint ran; run again".into());
    }
    write::atomic_if(
        &target,
        |out| out.write_all(new.as_bytes()),
        || stamp.check(&target),
    )
    .or_else(|e| refuse(crate::discover::io_message(&e)))
}

/// The file to write for `path`: itself, or, for a symbolic link, its target when that lies
/// inside the link's repository (the link is kept). A target outside is refused.
fn link_target(path: &Path) -> Result<PathBuf, String> {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return Ok(path.to_path_buf());
    }
    let target = std::fs::canonicalize(path).map_err(|e| crate::discover::io_message(&e))?;
    let root = crate::confine::repository_root(path);
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    if target.starts_with(&root) {
        Ok(target)
    } else {
        Err(format!(
            "it is a symbolic link to {}, outside the repository; fix the target there",
            crate::discover::display_name(&target)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_before_the_rename_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("inventory.yaml");
        std::fs::write(&path, "old\n").unwrap();
        let stamp = Stamp::of(&path).unwrap();
        // Another writer edits the file while the fixed text is being written.
        let result = write::atomic_if(
            &path,
            |out| {
                std::fs::write(&path, "an editor's change, longer\n")?;
                out.write_all(b"fixed\n")
            },
            || stamp.check(&path),
        );
        assert!(result.is_err());
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "an editor's change, longer\n"
        );
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "the temporary file is removed");
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("inventory.yaml");
        std::fs::write(&path, "edited meanwhile\n").unwrap();
        let error = fixed_file(&path, "as read\n", "fixed\n").unwrap_err();
        assert!(error.contains("changed while e2ee-lint ran"), "{error}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "edited meanwhile\n"
        );
    }
}
