//! The registry: every loaded rule by id, built-in (embedded at build time) and the company's
//! own rule files, with ids checked unique and matching their file names.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::condition::Located;
use super::rule::{Rule, RuleError, RuleInfo, rule_error};
use crate::finding::Severity;
use crate::source::{SourceFile, Span};

/// The rule files embedded at build time: `(file name, contents as JSON)`, sorted by file name.
/// `build.rs` converts them; `rules/*.yaml` is what people edit.
pub(crate) const EMBEDDED_RULES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/rules.rs"));

/// All loaded rules, by id.
#[derive(Debug, Clone)]
pub struct Registry {
    rules: BTreeMap<String, Rule>,
}

impl Registry {
    /// The rules embedded in the binary.
    ///
    /// Parsed once per process: a run asks for it in several places (the engine, the policy,
    /// the renderers), and the pre-commit case is measured in milliseconds.
    pub fn embedded() -> Result<Registry, RuleError> {
        static EMBEDDED: std::sync::OnceLock<Result<Registry, RuleError>> =
            std::sync::OnceLock::new();
        EMBEDDED
            .get_or_init(|| {
                let kept = internal_rule_set()?;
                let rules = EMBEDDED_RULES
                    .iter()
                    .filter(|(file, _)| {
                        kept.as_ref()
                            .is_none_or(|ids| ids.contains(rule_stem(file)))
                    })
                    .map(|(file, json)| {
                        // The file's name only: nothing reads a built-in rule's text at run time.
                        let name = format!("rules/{file}");
                        let source = Arc::new(SourceFile::new(&name, &name, String::new()));
                        (Rule::parse_json(json, &source), source)
                    });
                Registry::from_rules(rules, None).map_err(|mut errors| errors.remove(0))
            })
            .clone()
    }

    /// Loads rule files (tests, and the embedded set); ids must be unique and match their file
    /// names.
    pub fn from_files<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Registry, Vec<RuleError>> {
        let sources = files
            .into_iter()
            .map(|(file, text)| Arc::new(SourceFile::new(file, file, text.to_owned())));
        Registry::from_sources(sources, None)
    }

    /// The embedded rules and a company's own rule files (`--rules`, the config's
    /// `rule_files`). A custom rule may not reuse a built-in id.
    pub(crate) fn with_custom(
        &self,
        paths: &[std::path::PathBuf],
        max_size: u64,
    ) -> Result<Registry, Vec<RuleError>> {
        if paths.is_empty() {
            return Ok(self.clone());
        }
        let mut errors = Vec::new();
        let mut sources = Vec::new();
        for path in paths {
            match crate::discover::read(path, max_size) {
                Ok(file) if file.invalid_utf8.is_none() => {
                    if let Some(at) = crate::discover::not_text(&file.source.text) {
                        // Named, never quoted: the file is not text.
                        let name = file.source.name.clone();
                        let source = Arc::new(SourceFile::new(name, path.clone(), String::new()));
                        errors.push(rule_error(
                            &source,
                            Located::new(
                                Span::default(),
                                format!("not a text file (a NUL byte at byte {at}); its content is not shown"),
                                None,
                            ),
                        ));
                        continue;
                    }
                    sources.push(Arc::new(file.source));
                }
                Ok(file) => {
                    // Named, never quoted: the bytes are not text.
                    let at = file.invalid_utf8.unwrap_or_default().offset;
                    let name = file.source.name.clone();
                    let source = Arc::new(SourceFile::new(name, path.clone(), String::new()));
                    errors.push(rule_error(
                        &source,
                        Located::new(
                            Span::default(),
                            format!("invalid UTF-8 at byte {at}; its content is not shown"),
                            Some("save the rule file as UTF-8".into()),
                        ),
                    ));
                }
                Err(error) => {
                    let name = crate::discover::display_name(path);
                    let source = Arc::new(SourceFile::new(name, path.clone(), String::new()));
                    errors.push(rule_error(
                        &source,
                        Located::new(Span::default(), error.message, None),
                    ));
                }
            }
        }
        match Registry::from_sources(sources, Some(self)) {
            Ok(registry) if errors.is_empty() => Ok(registry),
            Ok(_) => Err(errors),
            Err(more) => {
                errors.extend(more);
                Err(errors)
            }
        }
    }

    /// Parses every source, collecting every error; with `base`, the new rules join its rules
    /// and may not reuse their ids.
    fn from_sources(
        sources: impl IntoIterator<Item = Arc<SourceFile>>,
        base: Option<&Registry>,
    ) -> Result<Registry, Vec<RuleError>> {
        let rules = sources.into_iter().map(|s| (Rule::parse(&s), s));
        Registry::from_rules(rules, base)
    }

    /// Collects parsed rules, checking that ids match file names and are unique.
    fn from_rules(
        parsed: impl IntoIterator<Item = (Result<Rule, RuleError>, Arc<SourceFile>)>,
        base: Option<&Registry>,
    ) -> Result<Registry, Vec<RuleError>> {
        let mut rules = base.map(|b| b.rules.clone()).unwrap_or_default();
        let mut errors = Vec::new();
        for (rule, source) in parsed {
            let rule = match rule {
                Ok(rule) => rule,
                Err(error) => {
                    errors.push(error);
                    continue;
                }
            };
            let file = source.name.as_str();
            let stem = file.trim_end_matches(".yaml").trim_end_matches(".yml");
            let stem = stem.rsplit(['/', '\\']).next().unwrap_or(stem);
            let located = |message: String, help: &str| {
                rule_error(
                    &source,
                    Located::new(rule.id_span, message, Some(help.to_owned())),
                )
            };
            if stem != &*rule.info.id {
                errors.push(located(
                    format!(
                        "rule id `{}` does not match the file name `{file}`",
                        rule.info.id
                    ),
                    "name the file after the id: one rule per file, `<id>.yaml`",
                ));
            } else if let Some(earlier) = rules.get(&*rule.info.id) {
                let what = if base.is_some_and(|b| b.rules.contains_key(&*rule.info.id)) {
                    "a built-in rule already has the id"
                } else {
                    "another rule file already has the id"
                };
                errors.push(located(
                    format!("{what} `{}` ({})", rule.info.id, earlier.source.name),
                    "give the rule an id of its own (a company prefix such as `acme-` helps)",
                ));
            } else {
                rules.insert(rule.info.id.to_string(), rule);
            }
        }
        if errors.is_empty() {
            Ok(Registry { rules })
        } else {
            Err(errors)
        }
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.get(id)
    }

    /// Rules sorted by id.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.values()
    }

    /// The default severity of a rule; a builtin id with no file is a defect caught by tests.
    pub(crate) fn severity(&self, id: &str) -> Severity {
        self.get(id).map_or(Severity::Error, |r| r.info.severity)
    }

    /// The documentation of every rule, sorted by id, for the outcome.
    pub fn infos(&self) -> Vec<RuleInfo> {
        self.rules().map(|r| r.info.clone()).collect()
    }
}

/// A built-in rule's id from its embedded file name (`no-e2ee.yaml`): ids match file names.
fn rule_stem(file: &str) -> &str {
    file.strip_suffix(".yaml").unwrap_or(file)
}

/// The built-in rules to keep, when `E2EE_LINT_INTERNAL_RULE_SET` names a file listing rule ids
/// (one a line, `#` comments): `None` keeps them all.
///
/// The integration tests run the binary over the fixed set in `tests/data/builtin-rules.txt`,
/// so that adding a built-in rule changes none of their snapshots and counts; the new rule is
/// tested by its annotated examples. Only debug builds (what `cargo test` runs) read it: no
/// environment can switch a rule off in a release binary, where silence would read as
/// compliance.
#[cfg(debug_assertions)]
fn internal_rule_set() -> Result<Option<std::collections::BTreeSet<String>>, RuleError> {
    const INTERNAL_RULE_SET: &str = "E2EE_LINT_INTERNAL_RULE_SET";
    let Some(path) = std::env::var_os(INTERNAL_RULE_SET).filter(|path| !path.is_empty()) else {
        return Ok(None);
    };
    let name = format!("{INTERNAL_RULE_SET}={}", path.to_string_lossy());
    let fail = |text: String, span: Span, message: String| {
        let source = SourceFile::new(&name, &name, text);
        rule_error(
            &source,
            Located::new(
                span,
                message,
                Some("list built-in rule ids, one a line".into()),
            ),
        )
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        fail(
            String::new(),
            Span::default(),
            format!("cannot read the rule set: {e}"),
        )
    })?;
    let mut ids = std::collections::BTreeSet::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let id = line.split('#').next().unwrap_or_default().trim();
        if !id.is_empty() {
            if !EMBEDDED_RULES.iter().any(|(file, _)| rule_stem(file) == id) {
                let at = Span::new(offset + line.find(id).unwrap_or_default(), id.len());
                return Err(fail(
                    text.clone(),
                    at,
                    format!("`{id}` is not a built-in rule"),
                ));
            }
            ids.insert(id.to_owned());
        }
        offset += line.len();
    }
    Ok(Some(ids))
}

/// Release builds run every built-in rule, whatever the environment.
#[cfg(not(debug_assertions))]
fn internal_rule_set() -> Result<Option<std::collections::BTreeSet<String>>, RuleError> {
    Ok(None)
}

// Here rather than in tests/rules.rs: they read the rules' internal parts, which are not public.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rule::is_kebab_case;
    use std::collections::BTreeSet;

    #[test]
    fn every_rule_file_loads_with_a_unique_kebab_case_id() {
        let registry = Registry::embedded().expect("embedded rules load");
        let ids: Vec<&str> = registry.rules().map(|r| &*r.info.id).collect();
        assert_eq!(ids.len(), EMBEDDED_RULES.len(), "one rule per file");
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len());
        for id in &ids {
            assert!(is_kebab_case(id), "{id}");
        }
        for builtin in crate::engine::ids::BUILTIN
            .iter()
            .chain(crate::policy::ids::ALL)
        {
            assert!(
                registry.get(builtin).is_some(),
                "builtin rule {builtin} has no file"
            );
        }
    }

    /// The binary embeds the rules as JSON made by `build.rs`; they must be the YAML files, read the
    /// way a custom rule file is.
    #[test]
    fn embedded_rules_are_the_yaml_files() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .filter(|p| p.file_name().is_some_and(|n| n != "catalog.yaml"))
            .map(|p| {
                let name = p.file_name().unwrap().to_str().unwrap().to_owned();
                (name, std::fs::read_to_string(&p).unwrap())
            })
            .collect();
        files.sort();
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        let embedded_names: Vec<&str> = EMBEDDED_RULES.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names, embedded_names,
            "run `cargo build` after adding a rule"
        );
        let from_yaml =
            Registry::from_files(files.iter().map(|(n, t)| (n.as_str(), t.as_str()))).unwrap();
        let embedded = Registry::embedded().unwrap();
        let shape = |r: &crate::engine::rule::Rule| {
            format!(
                "{:?}",
                (
                    &r.info,
                    &r.detection,
                    &r.escalate,
                    &r.message,
                    &r.help,
                    &r.at,
                    &r.labels
                )
            )
        };
        let yaml: Vec<String> = from_yaml.rules().map(shape).collect();
        let json: Vec<String> = embedded.rules().map(shape).collect();
        assert_eq!(yaml.len(), json.len());
        for (yaml, json) in yaml.iter().zip(&json) {
            assert_eq!(yaml, json);
        }
    }
}
