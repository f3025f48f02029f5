//! Confinement: the one place that turns a path a config names (`extends`, `rule_files`) into a
//! file to read, and refuses every path that would leave the repository.
//!
//! Configs arrive in pull requests while CI holds secrets: `extends: [/proc/self/environ]` or
//! `../../../etc/passwd` must not make the linter read (and quote) a file outside the tree. The
//! root is the nearest directory above the naming config that holds `.git`, else the config's
//! own directory. Absolute paths, `..` that climbs above the root and symlinks whose target is
//! outside it are refused, unless the path lies under a directory the command line allows
//! (`--allow-outside PATH`): a central policy kept elsewhere is the operator's choice, never the
//! pull request's.

use std::path::{Component, Path, PathBuf};

use crate::discover::normalize;

/// The directories outside the repository that the command line allows (`--allow-outside`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Allowed(Vec<PathBuf>);

impl Allowed {
    pub(crate) fn new(paths: &[PathBuf]) -> Allowed {
        Allowed(paths.to_vec())
    }

    /// Whether `path` (absolute) is under an allowed directory, lexically or once every link
    /// is resolved.
    fn covers(&self, lexical: &Path, canonical: Option<&Path>) -> bool {
        self.0.iter().any(|allowed| {
            let lexical_allowed = normalize(allowed);
            let canonical_allowed = std::fs::canonicalize(allowed).ok();
            let lexically = lexical.starts_with(&lexical_allowed);
            match (canonical, canonical_allowed) {
                (Some(target), Some(allowed)) => target.starts_with(&allowed),
                _ => lexically,
            }
        })
    }
}

/// The repository root of a config file: the nearest directory at or above the file's own that
/// holds `.git`, else that directory; absolute and normalized.
pub(crate) fn repository_root(config: &Path) -> PathBuf {
    let dir = crate::discover::parent_dir(config);
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map_or_else(|| dir.clone(), Path::to_path_buf)
}

/// Why a named path was refused: one sentence, and a help line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refused {
    pub message: String,
    pub(crate) help: String,
}

fn refused(message: String) -> Refused {
    Refused {
        message,
        help: "paths a config names stay inside its repository; to read a shared policy kept \
               elsewhere, the command line may allow its directory with `--allow-outside PATH`"
            .into(),
    }
}

/// Resolves `written`, as the config at `from` writes it, to the path to read (relative to the
/// config's directory, as the user spelled it). Refuses absolute paths, `..` above the
/// repository root, and symlinks leading out of it, unless `allowed` covers the target.
pub(crate) fn resolve(from: &Path, written: &str, allowed: &Allowed) -> Result<PathBuf, Refused> {
    let root = repository_root(from);
    let relative = Path::new(written);
    let path = if relative.is_absolute() || relative.has_root() {
        relative.to_path_buf()
    } else {
        match from.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.join(relative),
            _ => relative.to_path_buf(),
        }
    };
    let lexical = normalize(&path);
    let canonical = std::fs::canonicalize(&path).ok();
    if allowed.covers(&lexical, canonical.as_deref()) {
        return Ok(path);
    }
    let shown = crate::text::sanitize::cut(written).into_owned();
    if relative.is_absolute() || relative.has_root() {
        return Err(refused(format!(
            "`{shown}` is an absolute path; a config may only name files inside its repository"
        )));
    }
    if !lexical.starts_with(&root) {
        return Err(refused(format!(
            "`{shown}` leaves the repository root ({})",
            crate::discover::display_name(&root)
        )));
    }
    if let Some(target) = canonical {
        let canonical_root = std::fs::canonicalize(&root).unwrap_or(root);
        if !target.starts_with(&canonical_root) {
            return Err(refused(format!(
                "`{shown}` is a symlink whose target is outside the repository root"
            )));
        }
    }
    Ok(path)
}

/// Checks a glob pattern before it is expanded: its literal part (the components before the
/// first wildcard) must resolve inside the root, and no `..` may follow a wildcard, so that the
/// walk never starts above the repository. Returns the pattern joined to the config's directory.
pub(crate) fn glob_pattern(
    from: &Path,
    pattern: &str,
    allowed: &Allowed,
) -> Result<String, Refused> {
    let is_wild = |s: &str| s.contains(['*', '?', '[', '{']);
    let mut literal = PathBuf::new();
    let mut wild = false;
    for component in Path::new(pattern).components() {
        let text = component.as_os_str().to_string_lossy();
        if wild || is_wild(&text) {
            wild = true;
            if component == Component::ParentDir {
                return Err(refused(format!(
                    "`{}`: `..` after a wildcard can leave the repository",
                    crate::text::sanitize::cut(pattern)
                )));
            }
            continue;
        }
        literal.push(component);
    }
    let literal_text = if literal.as_os_str().is_empty() {
        ".".to_owned()
    } else {
        literal.to_string_lossy().into_owned()
    };
    resolve(from, &literal_text, allowed).map_err(|mut e| {
        e.message = format!(
            "the pattern `{}` starts outside the repository: {}",
            crate::text::sanitize::cut(pattern),
            e.message
        );
        e
    })?;
    let dir = match from.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok(if Path::new(pattern).is_absolute() {
        pattern.to_owned()
    } else {
        format!(
            "{}/{}",
            glob::Pattern::escape(&dir.to_string_lossy()),
            pattern
        )
    })
}

/// Whether one file a glob matched is still inside the root (a symlink may lead out).
pub(crate) fn glob_match(from: &Path, found: &Path, allowed: &Allowed) -> bool {
    let root = repository_root(from);
    let Ok(target) = std::fs::canonicalize(found) else {
        return false;
    };
    let canonical_root = std::fs::canonicalize(&root).unwrap_or(root);
    target.starts_with(&canonical_root) || allowed.covers(&normalize(found), Some(&target))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        std::fs::create_dir_all(dir.path().join("team")).unwrap();
        std::fs::write(dir.path().join("base.yaml"), "").unwrap();
        dir
    }

    #[test]
    fn inside_the_root_is_read_and_everything_else_refused() {
        let dir = repo();
        let config = dir.path().join("team/e2ee-lint.yaml");
        let none = Allowed::default();
        assert!(resolve(&config, "../base.yaml", &none).is_ok());
        assert!(resolve(&config, "x.yaml", &none).is_ok());
        let absolute = resolve(&config, "/proc/self/environ", &none).unwrap_err();
        assert!(absolute.message.contains("absolute path"), "{absolute:?}");
        let climb = resolve(&config, "../../../../etc/passwd", &none).unwrap_err();
        assert!(
            climb.message.contains("leaves the repository root"),
            "{climb:?}"
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/hostname", dir.path().join("team/link.yaml")).unwrap();
            let link = resolve(&config, "link.yaml", &none).unwrap_err();
            assert!(link.message.contains("symlink"), "{link:?}");
        }
        let allowed = Allowed::new(&[PathBuf::from("/proc/self")]);
        assert!(resolve(&config, "/proc/self/environ", &allowed).is_ok());
    }

    #[test]
    fn globs_start_inside_the_root() {
        let dir = repo();
        let config = dir.path().join("team/e2ee-lint.yaml");
        let none = Allowed::default();
        assert!(glob_pattern(&config, "rules/*.yaml", &none).is_ok());
        assert!(glob_pattern(&config, "../*.yaml", &none).is_ok());
        assert!(glob_pattern(&config, "/**/*.yaml", &none).is_err());
        assert!(glob_pattern(&config, "../../../**/*.yaml", &none).is_err());
        assert!(glob_pattern(&config, "*/../../../x", &none).is_err());
    }
}
