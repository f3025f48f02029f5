//! The policy's own files: reading a config or baseline the user named, and naming a path
//! relative to a config's directory.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{normalize, not_text};
use crate::source::SourceFile;

/// Reads a config or baseline file the user named or discovery found.
pub(crate) fn read(path: &Path, max_size: u64) -> Result<Arc<SourceFile>, String> {
    let file = crate::discover::read(path, max_size).map_err(|e| e.to_string())?;
    if let Some(span) = file.invalid_utf8 {
        return Err(format!(
            "{}: invalid UTF-8 at byte {}",
            file.source.name, span.offset
        ));
    }
    if let Some(at) = not_text(&file.source.text) {
        return Err(format!(
            "{}: not a text file (a NUL byte at byte {at}); its content is not shown",
            file.source.name
        ));
    }
    Ok(Arc::new(file.source))
}

/// `path` relative to the (normalized) directory `dir`, with `/` separators and `..` where it
/// is not below `dir`; `fallback` for standard input, or on another drive.
pub(crate) fn relative_to(dir: &Path, path: &Path, fallback: &str) -> String {
    if path == Path::new(crate::discover::STDIN) {
        return fallback.to_owned();
    }
    let path = normalize(path);
    let (mut from, mut to) = (dir.components().peekable(), path.components().peekable());
    if from.peek() != to.peek() {
        return fallback.to_owned(); // no common root (another drive)
    }
    while from.peek().is_some() && from.peek() == to.peek() {
        from.next();
        to.next();
    }
    let mut relative = PathBuf::new();
    for _ in from {
        relative.push("..");
    }
    relative.extend(to);
    crate::discover::display_name(&relative)
}
