//! From the paths, directories and glob patterns a user names to the inventory files to read.
//!
//! One rule for every form (a directory argument, a glob pattern, and the default patterns):
//! below the directory or the pattern's literal start, hidden names (`.x`) are skipped and
//! symlinks to directories are not entered, so no walk can loop; symlinks to files are read.
//! Files found this way must be regular `*.yaml`/`*.yml` files and not config files; anything
//! else is skipped without opening it. A path the user names is always used: a hidden or
//! symlinked directory is walked, a file is read whatever its name, and a named FIFO, device or
//! config file is an error. Each real file is checked once, however many paths lead to it.

use std::collections::{BTreeSet, HashSet};
use std::ffi::OsStr;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::source::{SourceFile, Span};

pub(crate) use crate::source::display_name;

/// Patterns read when `check` is given no path, relative to the working directory.
pub(crate) const DEFAULT_PATTERNS: &[&str] = &[
    "inventory.yaml",
    "inventory.yml",
    "inventories/**/*.yaml",
    "inventories/**/*.yml",
];

/// Default for `--max-file-size`.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// A path that could not be used. Reported as one line; the run exits 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PathError {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for PathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for PathError {}

impl PathError {
    fn new(path: &Path, message: impl Into<String>) -> Self {
        PathError {
            path: display_name(path),
            message: message.into(),
        }
    }
}

fn is_yaml(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// Config files sit beside inventories but are not inventories.
fn is_config(path: &Path) -> bool {
    path.file_name().is_some_and(is_config_name)
}

fn is_hidden(name: &OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

fn has_glob_chars(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Candidate files, in path order, and the errors met on the way.
#[derive(Default)]
struct Found {
    files: BTreeSet<PathBuf>,
    errors: Vec<PathError>,
}

impl Found {
    /// Files sorted by path, each real file once (the first path leading to it wins).
    fn finish(self) -> (Vec<PathBuf>, Vec<PathError>) {
        let mut seen = HashSet::new();
        let files = self
            .files
            .into_iter()
            .filter(|path| {
                path == Path::new(STDIN) || identity(path).is_none_or(|id| seen.insert(id))
            })
            .collect();
        (files, self.errors)
    }

    /// Adds a file met by a walk or a pattern: only regular YAML files that are not configs.
    fn add_found(&mut self, path: &Path, file_type: fs::FileType) -> bool {
        let regular = file_type.is_file()
            || (file_type.is_symlink() && fs::metadata(path).is_ok_and(|m| m.is_file()));
        let wanted = regular && is_yaml(path) && !is_config(path);
        if wanted {
            self.files
                .insert(path.strip_prefix("./").unwrap_or(path).to_path_buf());
        }
        wanted
    }
}

/// What makes two paths one file: device and inode (the target's, for a symlink).
#[cfg(unix)]
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let meta = fs::metadata(path).ok()?;
    Some((meta.dev(), meta.ino()))
}

/// What makes two paths one file: the canonical path.
#[cfg(not(unix))]
fn identity(path: &Path) -> Option<PathBuf> {
    path.canonicalize().ok()
}

/// Expands paths into a sorted, de-duplicated list of files, and the errors met on the way.
///
/// A file named directly is read whatever its extension; directories are walked for
/// `*.yaml`/`*.yml`; an argument that does not exist but contains `*`, `?` or `[` is a glob
/// pattern. See the module documentation for what a walk skips.
pub(crate) fn discover<S: AsRef<OsStr>>(args: &[S]) -> (Vec<PathBuf>, Vec<PathError>) {
    let mut found = Found::default();
    for arg in args {
        let path = Path::new(arg.as_ref());
        if path == Path::new(STDIN) {
            found.files.insert(path.to_path_buf());
            continue;
        }
        match fs::symlink_metadata(path) {
            Ok(_) if path.is_dir() => {
                walk(path, &mut found, true);
            }
            Ok(_) if is_config(path) => found.errors.push(PathError::new(
                path,
                "a config file, not an inventory (configs are found beside inventories, or \
                 named with --config)",
            )),
            Ok(_) => {
                found.files.insert(path.to_path_buf());
            }
            Err(e) => match path.to_str() {
                Some(pattern) if has_glob_chars(pattern) => expand_glob(pattern, &mut found, true),
                _ => found.errors.push(PathError::new(path, io_message(&e))),
            },
        }
    }
    found.finish()
}

/// Files matched by the default patterns (no error when nothing matches; the caller decides).
pub(crate) fn discover_default() -> (Vec<PathBuf>, Vec<PathError>) {
    let mut found = Found::default();
    for pattern in DEFAULT_PATTERNS {
        if has_glob_chars(pattern) {
            expand_glob(pattern, &mut found, false);
        } else if let Ok(meta) = fs::symlink_metadata(pattern) {
            found.add_found(Path::new(pattern), meta.file_type());
        }
    }
    found.finish()
}

type Walker = walkdir::FilterEntry<walkdir::IntoIter, fn(&walkdir::DirEntry) -> bool>;

/// Walks from a directory (followed even when it is a symlink), skipping hidden names below it
/// and not entering symlinks met on the way.
fn walker(root: &Path, max_depth: usize) -> Walker {
    let keep: fn(&walkdir::DirEntry) -> bool = |e| e.depth() == 0 || !is_hidden(e.file_name());
    walkdir::WalkDir::new(root)
        .follow_links(false)
        .max_depth(max_depth)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(keep)
}

fn walk_error(root: &Path, error: &walkdir::Error) -> PathError {
    PathError::new(
        error.path().unwrap_or(root),
        error
            .io_error()
            .map_or_else(|| error.to_string(), io_message),
    )
}

/// Walks a directory for inventories; `named`: the user named it, so finding none is an error.
fn walk(dir: &Path, found: &mut Found, named: bool) -> usize {
    let mut count = 0;
    for entry in walker(dir, usize::MAX) {
        match entry {
            Ok(entry) if entry.depth() == 0 => {}
            Ok(entry) => count += usize::from(found.add_found(entry.path(), entry.file_type())),
            Err(e) => found.errors.push(walk_error(dir, &e)),
        }
    }
    if named && count == 0 {
        found.errors.push(PathError::new(
            dir,
            "no *.yaml or *.yml file in this directory",
        ));
    }
    count
}

/// Splits a pattern into the directory before its first wildcard and the rest, which is
/// matched against paths below that directory.
fn split_pattern(pattern: &str) -> (&str, &str) {
    let wildcard = pattern.find(['*', '?', '[']).unwrap_or(pattern.len());
    match pattern[..wildcard].rfind(std::path::is_separator) {
        Some(0) => ("/", &pattern[1..]),
        Some(at) => (&pattern[..at], &pattern[at + 1..]),
        None => (".", pattern),
    }
}

/// Expands a glob pattern by walking from its literal start with the walk's rules; a matched
/// directory is walked for inventories. `required`: no match is an error.
fn expand_glob(pattern: &str, found: &mut Found, required: bool) {
    let (base, rest) = split_pattern(pattern);
    let rest = rest.trim_end_matches(std::path::is_separator);
    let matcher = match glob::Pattern::new(rest) {
        Ok(matcher) => matcher,
        Err(e) => {
            found.errors.push(PathError {
                path: pattern.to_owned(),
                message: format!("invalid glob pattern: {}", e.msg),
            });
            return;
        }
    };
    let options = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: false,
    };
    let max_depth = if rest.contains("**") {
        usize::MAX
    } else {
        rest.split(std::path::is_separator).count()
    };
    let base = Path::new(base);
    let mut count = 0;
    if base.is_dir() {
        let mut entries = walker(base, max_depth);
        while let Some(entry) = entries.next() {
            let entry = match entry {
                Ok(entry) if entry.depth() == 0 => continue,
                Ok(entry) => entry,
                Err(e) => {
                    found.errors.push(walk_error(base, &e));
                    continue;
                }
            };
            let relative = entry.path().strip_prefix(base).unwrap_or(entry.path());
            if !matcher.matches_with(&relative.to_string_lossy(), options) {
                continue;
            }
            if entry.file_type().is_dir() {
                count += walk(entry.path(), found, false);
                entries.skip_current_dir();
            } else {
                count += usize::from(found.add_found(entry.path(), entry.file_type()));
            }
        }
    }
    if required && count == 0 {
        found.errors.push(PathError {
            path: pattern.to_owned(),
            message: "no file matches this pattern".into(),
        });
    }
}

/// "permission denied" rather than "Permission denied (os error 13)".
pub(crate) fn io_message(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::NotFound => "no such file or directory".into(),
        ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let text = error.to_string();
            text.split(" (os error").next().unwrap_or(&text).to_owned()
        }
    }
}

/// A file read for linting, plus the located problem if its bytes are not UTF-8.
pub(crate) struct ReadFile {
    pub source: SourceFile,
    pub(crate) invalid_utf8: Option<Span>,
}

/// Spans are 32-bit byte offsets (as serde-saphyr's are), whatever `--max-file-size` says.
const MAX_ADDRESSABLE: u64 = u32::MAX as u64;

/// The path argument that means standard input (`cat inventory.yaml | e2ee-lint check -`).
pub(crate) const STDIN: &str = "-";

/// How standard input is named in findings.
pub(crate) const STDIN_NAME: &str = "<stdin>";

/// Reads one file, refusing what is not a regular file or is larger than `max_size` bytes;
/// [`STDIN`] reads standard input, with the same size limit.
///
/// FIFOs and devices are refused before they are opened, so `/dev/zero` or a pipe with no
/// writer cannot hang the run; the size is checked again while reading, for files that grow.
pub(crate) fn read(path: &Path, max_size: u64) -> Result<ReadFile, PathError> {
    if path == Path::new(STDIN) {
        let bytes =
            read_limited(std::io::stdin().lock(), 0, max_size).map_err(|message| PathError {
                path: STDIN_NAME.into(),
                message,
            })?;
        return Ok(decode(STDIN_NAME.into(), path, bytes));
    }
    let name = display_name(path);
    let error = |message: String| PathError {
        path: name.clone(),
        message,
    };
    let meta = fs::metadata(path).map_err(|e| error(io_message(&e)))?;
    if meta.is_dir() {
        return Err(error("is a directory".into()));
    }
    if !meta.is_file() {
        return Err(error("not a regular file".into()));
    }
    if meta.len() > max_size {
        return Err(error(too_large(max_size)));
    }
    if meta.len() > MAX_ADDRESSABLE {
        return Err(error(
            "larger than 4 GiB, more than locations in a file can address; refusing to read it"
                .into(),
        ));
    }
    let file = fs::File::open(path).map_err(|e| error(io_message(&e)))?;
    let bytes = read_limited(file, meta.len(), max_size.min(MAX_ADDRESSABLE)).map_err(error)?;
    Ok(decode(name, path, bytes))
}

fn too_large(max_size: u64) -> String {
    format!("larger than --max-file-size ({max_size} bytes); refusing to read it")
}

/// Reads at most `max_size` bytes; more is an error (the size is checked while reading, for
/// files that grow and for standard input, whose size is unknown).
fn read_limited(reader: impl Read, expected: u64, max_size: u64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::with_capacity(expected.min(max_size) as usize);
    reader
        .take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io_message(&e))?;
    if bytes.len() as u64 > max_size {
        return Err(too_large(max_size));
    }
    Ok(bytes)
}

/// The text of a file, with the location of the first byte that is not UTF-8, if any.
fn decode(name: String, path: &Path, bytes: Vec<u8>) -> ReadFile {
    let (text, invalid_utf8) = match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(e) => {
            // The offset is exact; the text shown replaces bad bytes with U+FFFD, so the span
            // is kept empty rather than cover bytes that are not in the displayed text.
            let at = e.utf8_error().valid_up_to();
            (
                String::from_utf8_lossy(e.as_bytes()).into_owned(),
                Some(Span::new(at, 0)),
            )
        }
    };
    ReadFile {
        source: SourceFile::new(name, path, text),
        invalid_utf8,
    }
}

/// Config file names, in the order they are looked for.
pub(crate) const CONFIG_NAMES: &[&str] = &["e2ee-lint.yaml", ".e2ee-lint.yaml"];

/// Whether a file name is a config file name (discovery of inventories skips these).
pub(crate) fn is_config_name(name: &std::ffi::OsStr) -> bool {
    CONFIG_NAMES.iter().any(|n| name == *n)
}

/// The offset of the first NUL byte: a file holding one is binary (or `/proc/self/environ`),
/// never a config or rule file, and is named, never quoted.
pub(crate) fn not_text(text: &str) -> Option<usize> {
    text.find('\0')
}

/// `path` made absolute against the working directory, with `.` and `..` resolved as text,
/// so that one file has one spelling whichever directory the run starts from.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in absolute.components() {
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

/// The directory of a file, absolute and [`normalize`]d.
pub(crate) fn parent_dir(path: &Path) -> PathBuf {
    let absolute = normalize(path);
    absolute
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::split_pattern;

    #[test]
    fn patterns_split_at_their_literal_directory() {
        assert_eq!(split_pattern("*.yaml"), (".", "*.yaml"));
        assert_eq!(
            split_pattern("inventories/**/*.yaml"),
            ("inventories", "**/*.yaml")
        );
        assert_eq!(split_pattern("a/.b/c*/d.yaml"), ("a/.b", "c*/d.yaml"));
        assert_eq!(split_pattern("/*.yaml"), ("/", "*.yaml"));
        assert_eq!(split_pattern("/srv/x/?.yml"), ("/srv/x", "?.yml"));
    }
}
