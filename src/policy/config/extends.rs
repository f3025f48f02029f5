//! A shared policy: `extends:` and `rule_files:`, the two keys that name other files (paths
//! relative to the config file that writes them), and the merge of an `extends` chain.
//!
//! Merge order: the extended files first, in the order listed, then the file itself, so the
//! nearer file wins key by key (`rules` entry by entry). `exceptions`, `rule_files` and the
//! `catalog:` systems and overrides accumulate instead. A file reached twice (a diamond) is
//! merged once; a cycle or a file that cannot be read is an error at the `extends` entry.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Config, ConfigError, Layer, LoadOptions, Loader, MAX_EXCEPTION_DAYS, Shown};
use crate::catalog::Catalog;
use crate::engine::Levels;
use crate::policy::confine::{self, Allowed};
use crate::policy::{normalize, relative_to};
use crate::read::NodeReader;
use crate::source::{SourceFile, Sp};
use crate::yaml::{self, Node, NodeKind};

/// The most files one `extends` chain may read: far above any real policy, low enough that a
/// hostile tree of configs cannot keep a run busy.
const MAX_FILES: usize = 64;

struct Resolver<'a> {
    rule_ids: &'a [&'a str],
    allowed: &'a Allowed,
    max_file_size: u64,
    /// The files being loaded, outermost first, as normalized paths: a cycle returns to one.
    stack: Vec<(PathBuf, String)>,
    seen: HashSet<PathBuf>,
    /// Layers in merge order: a file's bases before the file.
    layers: Vec<(Arc<SourceFile>, Layer)>,
    errors: Vec<ConfigError>,
}

/// Loads `source` and everything it extends, and merges them.
pub(super) fn resolve(
    source: Arc<SourceFile>,
    rule_ids: &[&str],
    max_file_size: u64,
    options: &LoadOptions,
) -> Result<Config, Vec<ConfigError>> {
    // Sorted once, so that each `rules:` or exception id is a binary search, not a scan: a
    // config naming every one of 5,000 rules stays linear-logarithmic.
    let mut sorted: Vec<&str> = rule_ids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut resolver = Resolver {
        rule_ids: &sorted,
        allowed: &options.allowed,
        max_file_size,
        stack: Vec::new(),
        seen: HashSet::new(),
        layers: Vec::new(),
        errors: Vec::new(),
    };
    resolver.visit(Arc::clone(&source));
    if !resolver.errors.is_empty() {
        return Err(resolver.errors);
    }
    merge(source, resolver.layers, options.no_catalog_overrides)
}

impl Resolver<'_> {
    fn visit(&mut self, source: Arc<SourceFile>) {
        let key = normalize(&source.path);
        self.seen.insert(key.clone());
        self.stack.push((key, source.name.clone()));
        let text = Arc::clone(&source.text);
        let mut loader = Loader {
            source: &source,
            rule_ids: self.rule_ids,
            allowed: self.allowed,
            errors: Vec::new(),
        };
        let document = match yaml::parse(&text) {
            Ok(documents) => {
                if let Some(extra) = documents.get(1) {
                    loader.error(
                        extra.span,
                        "a config file has one YAML document",
                        "second document",
                        Some("remove the `---` separator and merge the documents".into()),
                    );
                }
                documents.into_iter().next()
            }
            Err(error) => {
                loader.error(
                    error.span,
                    format!("invalid YAML: {}", error.message),
                    "here",
                    None,
                );
                None
            }
        };
        // The bases first: their levels are what this file's value translations must name.
        let extends = document
            .as_ref()
            .and_then(|d| d.get("extends"))
            .map(|node| loader.extends(node))
            .unwrap_or_default();
        let mut errors = std::mem::take(&mut loader.errors);
        for entry in &extends {
            if let Err(error) = self.base(&source, entry) {
                errors.push(*error);
            }
        }
        let inherited: Option<Levels> =
            self.layers.iter().rev().find_map(|(_, l)| l.levels.clone());
        let mut loader = Loader {
            source: &source,
            rule_ids: self.rule_ids,
            allowed: self.allowed,
            errors: Vec::new(),
        };
        let layer = document
            .as_ref()
            .map(|d| loader.document(d, inherited.as_ref()))
            .unwrap_or_default();
        errors.extend(loader.errors);
        self.errors.extend(errors);
        self.stack.pop();
        self.layers.push((source, layer));
    }

    /// Loads one `extends` entry of `from`.
    fn base(&mut self, from: &Arc<SourceFile>, entry: &Sp<String>) -> Result<(), Box<ConfigError>> {
        let error = |message: String, label: &str, help: Option<String>| {
            Box::new(crate::policy::config::config_error(
                from,
                from.first_line(entry.span),
                message,
                label,
                help,
            ))
        };
        let path = confine::resolve(&from.path, &entry.value, self.allowed).map_err(|refused| {
            error(
                refused.message,
                "outside the repository",
                Some(refused.help),
            )
        })?;
        let key = normalize(&path);
        if let Some(at) = self.stack.iter().position(|(p, _)| *p == key) {
            let mut cycle: Vec<&str> = self.stack[at..].iter().map(|(_, n)| n.as_str()).collect();
            let name = self.stack[at].1.clone();
            cycle.push(&name);
            return Err(error(
                format!("`extends` cycle: {}", cycle.join(" -> ")),
                "extends a file that extends this one",
                Some(
                    "a shared policy cannot extend the configs that extend it; remove one link"
                        .into(),
                ),
            ));
        }
        if self.seen.contains(&key) {
            return Ok(()); // already merged through another branch
        }
        if self.seen.len() >= MAX_FILES {
            return Err(error(
                format!("`extends` reads more than {MAX_FILES} files"),
                "one too many",
                None,
            ));
        }
        let source = crate::policy::read(&path, self.max_file_size).map_err(|message| {
            error(
                format!("cannot read {message}"),
                "extended here",
                Some(
                    "`extends` paths are relative to the directory of the config that names them"
                        .into(),
                ),
            )
        })?;
        // Named as the user would write it from the working directory.
        let cwd = std::env::current_dir()
            .map(|d| normalize(&d))
            .unwrap_or_default();
        let name = relative_to(&cwd, &key, &source.name);
        let source = Arc::new(SourceFile::new(name, path, source.text.to_string()));
        self.visit(source);
        Ok(())
    }
}

impl Loader<'_> {
    /// `extends:` a path or a list of paths.
    pub(super) fn extends(&mut self, node: &Node) -> Vec<Sp<String>> {
        let items: Vec<&Node> = match &node.kind {
            NodeKind::Seq(items) => items.iter().collect(),
            NodeKind::Str(_) => vec![node],
            NodeKind::Null => Vec::new(),
            _ => {
                self.wrong_type(node, "`extends`", "a list of config file paths");
                return Vec::new();
            }
        };
        let mut paths = Vec::new();
        for item in items {
            let Some(path) = self.nonempty(item, "an `extends` path") else {
                continue;
            };
            if path.value.contains("://") {
                self.error(
                    path.span,
                    "`extends` takes file paths, not URLs",
                    "a URL",
                    Some("vendor the shared policy into the repository (a submodule, a copy) and name its path".into()),
                );
                continue;
            }
            paths.push(path);
        }
        paths
    }

    /// `rule_files:` glob patterns relative to this file, expanded now: sorted, files only,
    /// and a pattern matching nothing is an error (a typo would silently drop rules).
    pub(super) fn rule_files(&mut self, node: &Node, layer: &mut Layer) {
        let items: Vec<&Node> = match &node.kind {
            NodeKind::Seq(items) => items.iter().collect(),
            NodeKind::Str(_) => vec![node],
            NodeKind::Null => Vec::new(),
            _ => {
                self.wrong_type(node, "`rule_files`", "a list of glob patterns");
                return;
            }
        };
        // Relative to the config's path as given, so that the paths stay short and readable.
        let dir = match self.source.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let shown_dir = crate::discover::display_name(&dir);
        let mut listed: HashSet<PathBuf> = layer.rule_files.iter().cloned().collect();
        for item in items {
            let Some(pattern) = self.nonempty(item, "a `rule_files` pattern") else {
                continue;
            };
            let full = match confine::glob_pattern(&self.source.path, &pattern.value, self.allowed)
            {
                Ok(full) => full,
                Err(refused) => {
                    self.error(
                        pattern.span,
                        refused.message,
                        "outside the repository",
                        Some(refused.help),
                    );
                    continue;
                }
            };
            let paths = match glob::glob(&full) {
                Ok(paths) => paths,
                Err(e) => {
                    self.error(
                        pattern.span,
                        format!("invalid glob pattern: {}", e.msg),
                        "invalid pattern",
                        None,
                    );
                    continue;
                }
            };
            let mut found: Vec<PathBuf> = paths
                .flatten()
                .filter(|p| p.is_file() && confine::glob_match(&self.source.path, p, self.allowed))
                .map(|p| p.strip_prefix("./").map(Path::to_path_buf).unwrap_or(p))
                .collect();
            found.sort();
            if found.is_empty() {
                self.error(
                    pattern.span,
                    format!("`{}` matches no file", pattern.value),
                    "no rule file here",
                    Some(format!(
                        "patterns are relative to the config's directory ({shown_dir}); fix the pattern or remove it"
                    )),
                );
            }
            for path in found {
                if listed.insert(path.clone()) {
                    layer.rule_files.push(path.clone());
                    self.show_path(layer, item, path);
                }
            }
        }
    }
}

/// Merges layers (bases first) into the effective config of `source`.
fn merge(
    source: Arc<SourceFile>,
    layers: Vec<(Arc<SourceFile>, Layer)>,
    no_catalog_overrides: bool,
) -> Result<Config, Vec<ConfigError>> {
    let mut config = Config {
        source: Arc::clone(&source),
        fail_on: None,
        levels: None,
        rules: Default::default(),
        exceptions: Vec::new(),
        max_exception_days: MAX_EXCEPTION_DAYS,
        mapping: None,
        allow_empty: false,
        rule_files: Vec::new(),
        catalog: None,
        files: vec![Arc::clone(&source)],
        shown: Vec::new(),
    };
    let (mut added, mut overrides) = (Vec::new(), Vec::new());
    // A `forbid` anywhere in the chain holds for all of it: a shared policy that forbids
    // overrides cannot be undone by the repository's own file.
    let mut forbidden = no_catalog_overrides.then(|| "--no-catalog-overrides".to_owned());
    for (_, layer) in &layers {
        if forbidden.is_none() {
            forbidden.clone_from(&layer.forbid_catalog);
        }
    }
    let mut rule_files_seen = HashSet::new();
    for (file, layer) in layers {
        if !Arc::ptr_eq(&file, &source) {
            config.files.push(file);
        }
        config.fail_on = layer.fail_on.or(config.fail_on);
        config.levels = layer.levels.or(config.levels);
        config.rules.extend(layer.rules);
        config.exceptions.extend(layer.exceptions);
        if let Some(days) = layer.max_exception_days {
            config.max_exception_days = days;
        }
        config.mapping = layer.mapping.or(config.mapping);
        config.allow_empty = layer.allow_empty.unwrap_or(config.allow_empty);
        for path in layer.rule_files {
            // Normalized once per path (it asks the OS for the working directory).
            if rule_files_seen.insert(normalize(&path)) {
                config.rule_files.push(path);
            }
        }
        added.extend(layer.added);
        overrides.extend(layer.overrides);
        config.shown.extend(layer.shown);
    }
    config.shown = latest_shown(std::mem::take(&mut config.shown));
    if let Some(by) = forbidden {
        let refused = added
            .iter()
            .map(|a| (&a.file, a.entry, "an added system"))
            .chain(
                overrides
                    .iter()
                    .map(|o| (&o.file, o.entry, "a catalog override")),
            );
        let errors: Vec<ConfigError> = refused
            .map(|(file, span, what)| {
                crate::policy::config::config_error(
                    file,
                    span,
                    format!("{what} is refused: {by} forbids changing the catalog"),
                    "changes the catalog",
                    Some("remove the entry, or ask the owner of the policy to record the change in the catalog itself".into()),
                )
            })
            .collect();
        if !errors.is_empty() {
            return Err(errors);
        }
    }
    if !added.is_empty() || !overrides.is_empty() {
        let catalog = Catalog::embedded()
            .with_changes(&added, &overrides)
            .map_err(|errors| {
                errors
                    .into_iter()
                    .map(|e| {
                        crate::policy::config::config_error(
                            &e.file, e.span, e.message, e.label, e.help,
                        )
                    })
                    .collect::<Vec<_>>()
            })?;
        config.catalog = Some(Arc::new(catalog));
    }
    Ok(config)
}

/// Each setting as the last file to set it leaves it, in the order it was set; accumulating
/// keys keep every entry. One pass with a map: a config of thousands of `rules:` entries must
/// not compare each with all before it.
fn latest_shown(shown: Vec<Shown>) -> Vec<Shown> {
    let mut last: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (at, entry) in shown.iter().enumerate() {
        if !entry.accumulates() {
            last.insert(entry.key.as_str(), at);
        }
    }
    let keep: Vec<bool> = shown
        .iter()
        .enumerate()
        .map(|(at, entry)| entry.accumulates() || last.get(entry.key.as_str()) == Some(&at))
        .collect();
    shown
        .into_iter()
        .zip(keep)
        .filter_map(|(entry, keep)| keep.then_some(entry))
        .collect()
}
