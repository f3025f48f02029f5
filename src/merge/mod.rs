//! `e2ee-lint merge`: many runs' `report-json` files (one per repository) folded into the one
//! evidence model every evidence format renders ([`crate::output::evidence::Report`]), so a
//! merged report has the same formats, words and verdict rules as one run's.
//!
//! Tools, findings and accepted risks keep their rows, each named by its repository (`file`
//! reads `REPOSITORY: PATH`). Coverage, control counts and outcome counts are summed over the
//! runs and the statuses and verdict recomputed from the sums with the single-run rules
//! (coverage first). Each input is parsed, converted and dropped before the next is read.

mod error;
mod input;
mod rows;

use crate::catalog::{CatalogChange, ChangeKind};
use crate::source::{SourceFile, Span};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub(crate) use error::InputError;

use crate::coverage::{Coverage, ReasonCount};
use crate::finding::Severity;
use crate::output::evidence::header::{CatalogFacts, Generator, InputFile, PolicyText};
use crate::output::evidence::lowered::Lowering;
use crate::output::evidence::{
    self, ControlRow, FindingRow, Findings, Header, OutcomeCounts, PathErrorRow, Report,
    ReportSummary, Repository, Risk, SeverityCounts, SourceRef, SourceRow, ToolRow, Tools,
    VerdictFacts, control_status, sha256_hex, verdict_from_facts,
};
use input::word;

/// A control's counts summed over the runs.
#[derive(Default)]
struct ControlSum {
    framework: String,
    control_id: String,
    rules: BTreeSet<String>,
    not_enabled: BTreeSet<String>,
    pass: usize,
    fail: usize,
    accepted: usize,
    tested: bool,
    bases: BTreeSet<String>,
}

/// The runs merged so far.
#[derive(Default)]
pub(crate) struct Merger {
    repositories: Vec<Repository>,
    inputs: Vec<InputFile>,
    tools: Vec<ToolRow>,
    risks: Vec<Risk>,
    findings: Vec<FindingRow>,
    sources: BTreeMap<String, SourceRow>,
    controls: BTreeMap<String, ControlSum>,
    coverage: Coverage,
    reasons: BTreeMap<String, usize>,
    path_errors: Vec<PathErrorRow>,
    organizations: BTreeSet<String>,
    fail_ons: BTreeSet<String>,
    fails: bool,
    /// Open findings at or above each run's threshold, `error` for a run with `never`.
    verdict_fails: bool,
    catalog_systems: usize,
    reviewed: BTreeSet<String>,
    catalog_versions: BTreeSet<String>,
    evaluated_on: String,
    names: BTreeSet<String>,
    files: usize,
    /// Every run's catalog changes, with the repository in their `config` place.
    catalog_overrides: Vec<CatalogChange>,
    /// Every run's verdict-rule lowerings, with the repository before where they were set.
    lowered_verdict_rules: Vec<Lowering>,
}

impl Merger {
    pub(crate) fn new() -> Merger {
        Merger::default()
    }

    /// Merges one run's `report-json`, read from `file`; on error nothing of it is merged.
    pub(crate) fn add(&mut self, file: &str, text: Arc<String>) -> Result<(), InputError> {
        let run: input::Run = serde_json::from_str(&text).map_err(|e| {
            let truncated = e.classify() == serde_json::error::Category::Eof;
            let message = if truncated {
                "truncated: the JSON ends before the report does".to_owned()
            } else {
                format!("not a report-json document: {e}")
            };
            let place = (e.line(), e.column());
            InputError::at(file, Arc::clone(&text), place, truncated, message)
        })?;
        if run.version != evidence::VERSION {
            return Err(InputError::semantic(
                file,
                format!(
                    "report-json version {} (this build merges version {})",
                    run.version,
                    evidence::VERSION
                ),
            ));
        }
        let sha256 = sha256_hex(text.as_bytes());
        let bytes = text.len();
        drop(text);
        self.fold(file, run, sha256, bytes)
            .map_err(|message| InputError::semantic(file, message))
    }

    /// Converts every row first, then commits: a run with one bad word merges nothing.
    fn fold(
        &mut self,
        file: &str,
        run: input::Run,
        sha256: String,
        bytes: usize,
    ) -> Result<(), String> {
        let header = run.header;
        let mut name = header
            .repository
            .clone()
            .unwrap_or_else(|| file.trim_end_matches(".json").to_owned());
        if self.names.contains(&name) {
            name = format!("{name} ({file})");
        }
        let repo: Arc<str> = Arc::from(name.as_str());
        let at = |path: &str| -> Arc<str> { Arc::from(format!("{repo}: {path}")) };
        let tools = run
            .tools
            .into_iter()
            .enumerate()
            .map(|(i, tool)| {
                let file = at(&tool.file);
                rows::tool(tool, &repo, file).map_err(|e| format!("tools[{i}]: {e}"))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let risks = run
            .accepted_risks
            .into_iter()
            .map(|r| {
                let file = at(&r.file).to_string();
                rows::risk(r, file)
            })
            .collect::<Result<Vec<_>, String>>()
            .map_err(|e| format!("accepted_risks: {e}"))?;
        let threshold = match header.policy.fail_on.as_str() {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            "never" => None,
            other => return Err(format!("unknown fail_on `{other}`")),
        };
        let overrides = run
            .catalog_overrides
            .into_iter()
            .map(|o| catalog_change(&repo, o))
            .collect::<Result<Vec<_>, String>>()
            .map_err(|e| format!("catalog_overrides: {e}"))?;
        let lowered = run
            .lowered_verdict_rules
            .into_iter()
            .map(|l| lowering(&repo, l))
            .collect::<Result<Vec<_>, String>>()
            .map_err(|e| format!("lowered_verdict_rules: {e}"))?;
        // Commit: nothing below fails.
        self.catalog_overrides.extend(overrides);
        self.lowered_verdict_rules.extend(lowered);
        self.names.insert(name.clone());
        self.fails |= threshold.is_some_and(|t| run.findings.iter().any(|f| f.severity >= t));
        // As in one run's report: `never` keeps the exit code, the verdict is judged at `error`.
        let judged_at = threshold.unwrap_or(Severity::Error);
        self.verdict_fails |= run.findings.iter().any(|f| f.severity >= judged_at);
        self.findings
            .extend(run.findings.into_iter().map(|f| FindingRow {
                file: at(&f.file),
                line: f.line,
                column: f.column,
                tool: f.tool,
                tool_id: f.tool_id,
                rule: f.rule,
                severity: f.severity,
                message: f.message,
            }));
        let tools_count = tools.len();
        self.tools.extend(tools);
        self.risks.extend(risks);
        for source in run.sources {
            self.sources.entry(source.id.clone()).or_insert(SourceRow {
                id: source.id,
                name: source.name,
                note: source.note,
                reviewed: source.reviewed,
                sources: source
                    .sources
                    .into_iter()
                    .map(|s| SourceRef {
                        title: s.title,
                        url: s.url,
                        date: s.date,
                    })
                    .collect(),
            });
        }
        for control in run.controls {
            let sum = self.controls.entry(control.control).or_default();
            sum.framework = control.framework;
            sum.control_id = control.control_id;
            sum.rules.extend(control.rules);
            sum.not_enabled.extend(control.not_enabled);
            sum.pass += control.pass;
            sum.fail += control.fail;
            sum.accepted += control.accepted_risk;
            sum.tested |= control.status != "not-tested";
            sum.bases.insert(control.basis);
        }
        let c = run.summary.coverage;
        let total = &mut self.coverage;
        total.files += c.files;
        total.files_without_tools += c.files_without_tools;
        total.unreadable_paths += c.unreadable_paths;
        total.tools += c.tools;
        total.communication += c.communication;
        total.catalog += c.catalog;
        total.unclassified += c.unclassified;
        total.ambiguous += c.ambiguous;
        total.judged += c.judged;
        total.invalid += c.invalid;
        total.not_applicable += c.not_applicable;
        for reason in c.not_applicable_reasons {
            *self.reasons.entry(reason.reason).or_default() += reason.tools;
        }
        self.files += c.files;
        self.path_errors
            .extend(run.path_errors.into_iter().map(|e| PathErrorRow {
                path: format!("{repo}: {}", e.path),
                message: e.message,
            }));
        self.organizations.extend(header.organizations);
        self.fail_ons.insert(header.policy.fail_on.clone());
        self.catalog_systems = self.catalog_systems.max(header.catalog.systems);
        self.reviewed.extend(
            header
                .catalog
                .reviewed_from
                .into_iter()
                .chain(header.catalog.reviewed_to),
        );
        let catalog_version = header
            .catalog
            .version
            .unwrap_or_else(|| "not recorded".to_owned());
        self.catalog_versions.insert(catalog_version.clone());
        if header.evaluated_on > self.evaluated_on {
            self.evaluated_on.clone_from(&header.evaluated_on);
        }
        let mut inputs_text = String::new();
        for input in &header.inputs {
            inputs_text.push_str(&format!("{} {} {}\n", input.kind, input.path, input.sha256));
        }
        self.repositories.push(Repository {
            name,
            report: file.to_owned(),
            commit: header.commit,
            evaluated_on: header.evaluated_on,
            inputs_sha256: sha256_hex(inputs_text.as_bytes()),
            catalog_version,
            policy_sha256: header
                .policy_sha256
                .unwrap_or_else(|| "not recorded".to_owned()),
            tools: tools_count,
            verdict: run.summary.verdict,
        });
        self.inputs.push(InputFile {
            kind: "report-json",
            path: file.to_owned(),
            bytes,
            sha256,
        });
        Ok(())
    }

    /// An input that could not be merged: the merged report is incomplete and says so.
    pub(crate) fn missing(&mut self, error: &InputError) {
        self.path_errors.push(PathErrorRow {
            path: error.file.clone(),
            message: error.message.clone(),
        });
        self.coverage.unreadable_paths += 1;
    }

    /// Whether any merged run fails its own threshold (`--fail-on`).
    pub(crate) fn fails(&self) -> bool {
        self.fails
    }

    /// How many runs were merged.
    pub(crate) fn runs(&self) -> usize {
        self.repositories.len()
    }

    /// The merged evidence model; `organization` wins over the runs' organizations.
    pub(crate) fn finish(mut self, organization: Option<String>) -> Report<'static> {
        // One order whatever the order of the inputs: repositories by name, each tool's rows
        // together across repositories (by id, then repository), findings by place.
        self.repositories.sort_by(|a, b| a.name.cmp(&b.name));
        self.inputs.sort_by(|a, b| a.path.cmp(&b.path));
        // A tool's key: its catalog entry, else its id ("MS Teams" and "Microsoft Teams" are
        // one tool).
        let key =
            |t: &ToolRow| -> Arc<str> { t.catalog_id.clone().unwrap_or_else(|| Arc::clone(&t.id)) };
        self.tools.sort_by(|a, b| {
            (key(a), &a.repository, &a.file, a.line).cmp(&(key(b), &b.repository, &b.file, b.line))
        });
        self.findings.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.rule).cmp(&(&b.file, b.line, b.column, &b.rule))
        });
        self.risks
            .sort_by(|a, b| (&a.file, a.line, &a.rule).cmp(&(&b.file, b.line, &b.rule)));
        self.path_errors.sort_by(|a, b| a.path.cmp(&b.path));
        let mut coverage = self.coverage;
        coverage.not_applicable_reasons = self
            .reasons
            .into_iter()
            .map(|(reason, tools)| ReasonCount { reason, tools })
            .collect();
        let mut outcomes = OutcomeCounts::default();
        for tool in &self.tools {
            outcomes.add(tool.outcome);
        }
        let mut open = SeverityCounts::default();
        for finding in &self.findings {
            match finding.severity {
                Severity::Error => open.error += 1,
                Severity::Warning => open.warning += 1,
                Severity::Info => open.info += 1,
            }
        }
        let facts = VerdictFacts {
            unreadable_paths: self.path_errors.len(),
            files_without_tools: coverage.files_without_tools,
            fails: self.verdict_fails,
            open_findings: !self.findings.is_empty(),
        };
        let (verdict, verdict_text) = verdict_from_facts(&facts, &coverage);
        let mut warnings = Vec::new();
        if self.catalog_versions.len() > 1 {
            warnings.push(format!(
                "the runs used {} catalog versions ({}): a tool may be judged differently from one \
                 repository to another; see each repository's catalog version",
                self.catalog_versions.len(),
                self.catalog_versions
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if self.fail_ons.len() > 1 {
            warnings.push(format!(
                "the runs fail at different severities ({}): each repository's findings are \
                 held to its own threshold",
                self.fail_ons.iter().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        let controls = self
            .controls
            .into_iter()
            .map(|(control, sum)| {
                let not_enabled = sum.not_enabled.difference(&sum.rules).cloned().collect();
                ControlRow {
                    control,
                    framework: sum.framework,
                    control_id: sum.control_id,
                    rules: sum.rules.into_iter().collect(),
                    not_enabled,
                    pass: sum.pass,
                    fail: sum.fail,
                    accepted_risk: sum.accepted,
                    status: control_status(sum.fail, sum.pass, sum.accepted, sum.tested),
                    basis: sum.bases.into_iter().collect::<Vec<_>>().join("; "),
                }
            })
            .collect();
        let fail_on: &'static str = match self.fail_ons.iter().next().map(String::as_str) {
            _ if self.fail_ons.len() > 1 => "per repository",
            Some("error") => "error",
            Some("warning") => "warning",
            Some("info") => "info",
            Some("never") => "never",
            _ => "error",
        };
        let policy = PolicyText {
            fail_on,
            configs: Vec::new(),
            default_levels: None,
            cli_overrides: Vec::new(),
            no_ignores: false,
            no_exceptions: false,
        };
        let policy_hashes: BTreeSet<&str> = self
            .repositories
            .iter()
            .map(|r| r.policy_sha256.as_str())
            .collect();
        let policy_sha256 = sha256_hex(
            policy_hashes
                .into_iter()
                .collect::<Vec<_>>()
                .join("\n")
                .as_bytes(),
        );
        let catalog_version = match self.catalog_versions.len() {
            1 => self.catalog_versions.into_iter().next().unwrap_or_default(),
            n => format!("{n} versions, see the repositories"),
        };
        let header = Header {
            organizations: organization
                .map_or_else(|| self.organizations.into_iter().collect(), |o| vec![o]),
            evaluated_on: self.evaluated_on,
            generator: Generator {
                name: env!("CARGO_PKG_NAME"),
                version: env!("CARGO_PKG_VERSION"),
            },
            catalog: CatalogFacts {
                systems: self.catalog_systems,
                reviewed_from: self.reviewed.first().cloned(),
                reviewed_to: self.reviewed.last().cloned(),
                version: catalog_version,
            },
            policy,
            inputs: self.inputs,
            commit: None,
            framework: None,
            repository: None,
            policy_sha256,
            repositories: self.repositories,
            warnings,
        };
        let tools_listed = self.tools.len();
        Report {
            version: evidence::VERSION,
            catalog_overrides: self.catalog_overrides,
            lowered_verdict_rules: self.lowered_verdict_rules,
            header,
            summary: ReportSummary {
                files: self.files,
                tools_listed,
                tools_in_scope: tools_listed - outcomes.not_applicable,
                outcomes,
                open_findings: open,
                accepted_risks: self.risks.len(),
                unreadable_paths: self.path_errors.len(),
                coverage,
                verdict,
                verdict_text,
            },
            tools: Tools::Rows(self.tools),
            accepted_risks: self.risks,
            controls,
            findings: Findings::Rows(self.findings),
            sources: self.sources.into_values().collect(),
            path_errors: self.path_errors,
            // `merge` writes no CSV, the one format that lists these as rows.
            files_without_tools: Vec::new(),
            changes: None,
        }
    }
}

/// A run's catalog change as the merged report lists it: the repository names the config, so
/// the verdict line and the overrides section show the change under its repository.
/// A run's verdict-rule lowering, said to be the repository's; rule and level checked.
fn lowering(repo: &str, l: Lowering) -> Result<Lowering, String> {
    word(&l.rule, crate::coverage::VERDICT_RULES, "verdict rule")?;
    word(&l.level, &["info", "warning"], "lowered level")?;
    Ok(Lowering {
        by: format!("{repo}: {}", l.by),
        ..l
    })
}

fn catalog_change(repo: &str, o: input::CatalogOverride) -> Result<CatalogChange, String> {
    let kind = match o.kind.as_str() {
        "override" => ChangeKind::Override,
        "added-system" => ChangeKind::AddedSystem,
        other => return Err(format!("unknown kind `{other}`")),
    };
    let file = Arc::new(SourceFile::new(repo, repo, String::new()));
    Ok(CatalogChange {
        config: format!("{repo}: {}", o.config),
        file,
        span: Span::default(),
        kind,
        system: o.system,
        name: o.name,
        channels: Vec::new(),
        reason: o.reason,
        source: o.source,
        summary: o.summary,
    })
}
