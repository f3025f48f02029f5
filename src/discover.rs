//! From the paths, directories and glob patterns a user names to the inventory files to read.

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::source::{SourceFile, Span};

/// Patterns read when `check` is given no path, relative to the working directory.
pub const DEFAULT_PATTERNS: &[&str] = &[
    "inventory.yaml",
    "inventory.yml",
    "inventories/**/*.yaml",
    "inventories/**/*.yml",
];

/// Default for `--max-file-size`.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// A path that could not be used. Reported as one line; the run exits 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct PathError {
    pub path: String,
    pub message: String,
}

fn is_yaml(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// Config files sit beside inventories but are not inventories.
fn is_config(path: &Path) -> bool {
    path.file_name()
        .is_some_and(crate::policy::discover::is_config_name)
}

fn has_glob_chars(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Expands paths into a sorted, de-duplicated list of files, and the errors met on the way.
///
/// A file named directly is read whatever its extension; directories are walked for
/// `*.yaml`/`*.yml` (hidden directories and symlinked directories are not entered, so a symlink
/// loop cannot trap the walk); an argument that does not exist but contains `*`, `?` or `[` is a
/// glob pattern.
pub fn discover(args: &[String]) -> (Vec<PathBuf>, Vec<PathError>) {
    let mut files = BTreeSet::new();
    let mut errors = Vec::new();
    for arg in args {
        let path = Path::new(arg);
        if arg == STDIN {
            files.insert(path.to_path_buf());
            continue;
        }
        match fs::symlink_metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &mut files, &mut errors),
            Ok(meta) if meta.file_type().is_symlink() && path.is_dir() => {
                walk(path, &mut files, &mut errors)
            }
            Ok(_) => {
                files.insert(path.to_path_buf());
            }
            Err(_) if has_glob_chars(arg) => expand_glob(arg, &mut files, &mut errors),
            Err(e) => errors.push(PathError {
                path: arg.clone(),
                message: io_message(&e),
            }),
        }
    }
    (files.into_iter().collect(), errors)
}

/// Files matched by the default patterns (no error when nothing matches; the caller decides).
pub fn discover_default() -> (Vec<PathBuf>, Vec<PathError>) {
    let mut files = BTreeSet::new();
    let mut errors = Vec::new();
    for pattern in DEFAULT_PATTERNS {
        if let Ok(paths) = glob::glob(pattern) {
            for path in paths {
                match path {
                    Ok(path) if path.is_file() && !is_config(&path) => {
                        files.insert(path);
                    }
                    Ok(_) => {}
                    Err(e) => errors.push(PathError {
                        path: e.path().display().to_string(),
                        message: io_message(e.error()),
                    }),
                }
            }
        }
    }
    (files.into_iter().collect(), errors)
}

fn expand_glob(pattern: &str, files: &mut BTreeSet<PathBuf>, errors: &mut Vec<PathError>) {
    let paths = match glob::glob(pattern) {
        Ok(paths) => paths,
        Err(e) => {
            errors.push(PathError {
                path: pattern.to_owned(),
                message: format!("invalid glob pattern: {}", e.msg),
            });
            return;
        }
    };
    let before = files.len();
    for entry in paths {
        match entry {
            Ok(path) if path.is_dir() => walk(&path, files, errors),
            Ok(path) if is_config(&path) => {}
            Ok(path) => {
                files.insert(path);
            }
            Err(e) => errors.push(PathError {
                path: e.path().display().to_string(),
                message: io_message(e.error()),
            }),
        }
    }
    if files.len() == before {
        errors.push(PathError {
            path: pattern.to_owned(),
            message: "no file matches this pattern".into(),
        });
    }
}

fn walk(dir: &Path, files: &mut BTreeSet<PathBuf>, errors: &mut Vec<PathError>) {
    let before = files.len();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_file()
                    || (entry.file_type().is_symlink() && entry.path().is_file());
                if is_file && is_yaml(entry.path()) && !is_config(entry.path()) {
                    files.insert(entry.into_path());
                }
            }
            Err(e) => errors.push(PathError {
                path: e
                    .path()
                    .map_or_else(|| dir.display().to_string(), |p| p.display().to_string()),
                message: e.io_error().map_or_else(|| e.to_string(), io_message),
            }),
        }
    }
    if files.len() == before {
        errors.push(PathError {
            path: display_name(dir),
            message: "no *.yaml or *.yml file in this directory".into(),
        });
    }
}

/// "permission denied" rather than "Permission denied (os error 13)".
pub fn io_message(error: &std::io::Error) -> String {
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

/// The name shown for a path: relative, with `/` separators, without a leading `./`.
pub fn display_name(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").unwrap_or(&text).to_owned()
}

/// A file read for linting, plus the located problem if its bytes are not UTF-8.
pub struct ReadFile {
    pub source: SourceFile,
    pub invalid_utf8: Option<Span>,
}

/// Spans are 32-bit byte offsets (as serde-saphyr's are), whatever `--max-file-size` says.
const MAX_ADDRESSABLE: u64 = u32::MAX as u64;

/// The path argument that means standard input (`cat inventory.yaml | e2ee-lint check -`).
pub const STDIN: &str = "-";

/// How standard input is named in findings.
pub const STDIN_NAME: &str = "<stdin>";

/// Reads one file, refusing what is not a regular file or is larger than `max_size` bytes;
/// [`STDIN`] reads standard input, with the same size limit.
///
/// FIFOs and devices are refused before they are opened, so `/dev/zero` or a pipe with no
/// writer cannot hang the run; the size is checked again while reading, for files that grow.
pub fn read(path: &Path, max_size: u64) -> Result<ReadFile, PathError> {
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
