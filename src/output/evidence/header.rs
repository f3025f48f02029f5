//! The evidence header: who, when, with what, under which policy, from exactly which inputs.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::Outcome;
use crate::outcome::ConfigFacts;
use crate::outcome::InputKind;

#[derive(Debug, Serialize)]
pub(crate) struct Header {
    /// `--organization`, else the inventories' `organization:` values, sorted, each once.
    pub(crate) organizations: Vec<String>,
    /// The date the policy was evaluated on (`YYYY-MM-DD`).
    pub(crate) evaluated_on: String,
    pub(crate) generator: Generator,
    pub catalog: CatalogFacts,
    pub(crate) policy: PolicyText,
    /// Every input file with its SHA-256.
    pub(crate) inputs: Vec<InputFile>,
    /// The commit the inputs were read at, when known.
    pub(crate) commit: Option<String>,
    /// `--framework`, when the controls table is limited to one.
    pub framework: Option<String>,
    /// The repository the run checked (`--repository`, `GITHUB_REPOSITORY`, `CI_PROJECT_PATH`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// SHA-256 of the policy in force: the `policy` facts above and the SHA-256 of every
    /// config and rule file read, so two runs under one policy have one hash.
    pub(crate) policy_sha256: String,
    /// A merged report's repositories, one per `report-json` merged (empty for one run).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) repositories: Vec<Repository>,
    /// What a reader of a merged report must know first (runs on different catalog versions).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) warnings: Vec<String>,
}

/// Where one merged run came from (`e2ee-lint merge`).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub(crate) struct Repository {
    /// The run's repository name, else its `report-json` file's name.
    pub name: String,
    /// The `report-json` file it was read from.
    pub(crate) report: String,
    pub(crate) commit: Option<String>,
    pub(crate) evaluated_on: String,
    /// SHA-256 of the run's inputs: each input's `kind path sha256` line, in the run's order.
    pub(crate) inputs_sha256: String,
    pub(crate) catalog_version: String,
    pub(crate) policy_sha256: String,
    pub(crate) tools: usize,
    pub(crate) verdict: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Generator {
    pub name: &'static str,
    pub(crate) version: &'static str,
}

#[derive(Debug, Serialize)]
pub(crate) struct CatalogFacts {
    pub(crate) systems: usize,
    pub(crate) reviewed_from: Option<String>,
    pub(crate) reviewed_to: Option<String>,
    /// The built-in catalog's version: the generator's version and the first 16 hex digits of
    /// the SHA-256 of its `rules/catalog.yaml` (a company's additions are in the policy hash).
    pub(crate) version: String,
}

/// The built-in catalog's version, as [`CatalogFacts::version`] says.
pub(crate) fn catalog_version() -> String {
    let hash = sha256_hex(crate::outcome::EMBEDDED_CATALOG.as_bytes());
    format!("{}+{}", env!("CARGO_PKG_VERSION"), &hash[..16])
}

#[derive(Debug, Serialize)]
pub(crate) struct PolicyText {
    /// The severity from which the run fails.
    pub fail_on: &'static str,
    pub(crate) configs: Vec<ConfigFacts>,
    /// Levels and threshold for inventories that no config covers.
    pub(crate) default_levels: Option<Levels>,
    /// `--severity RULE=LEVEL` flags, in order.
    pub(crate) cli_overrides: Vec<String>,
    pub no_ignores: bool,
    pub no_exceptions: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct Levels {
    pub levels: Vec<String>,
    pub(crate) e2ee_required_from: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct InputFile {
    /// `inventory`, `config`, `rule-file`, `baseline` or `previous-report`.
    pub kind: &'static str,
    pub path: String,
    pub(crate) bytes: usize,
    /// Of the text as read (the file's bytes, for a file in UTF-8).
    pub(crate) sha256: String,
}

/// The hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// The policy hash: the policy facts as JSON, then `kind path sha256` of each config and rule
/// file, one per line.
pub(crate) fn policy_sha256(policy: &PolicyText, inputs: &[InputFile]) -> String {
    let mut text = serde_json::to_string(policy).unwrap_or_default();
    for input in inputs
        .iter()
        .filter(|i| matches!(i.kind, "config" | "rule-file"))
    {
        text.push_str(&format!("\n{} {} {}", input.kind, input.path, input.sha256));
    }
    sha256_hex(text.as_bytes())
}

pub(crate) fn build(outcome: &Outcome) -> Header {
    let mut organizations: Vec<String> = outcome
        .files
        .iter()
        .filter_map(|f| f.organization.clone())
        .collect();
    organizations.sort();
    organizations.dedup();
    if let Some(name) = &outcome.evidence.organization {
        organizations = vec![name.clone()];
    }
    let mut sources: Vec<(InputKind, &std::sync::Arc<crate::source::SourceFile>)> = outcome
        .files
        .iter()
        .map(|f| (InputKind::Inventory, &f.source))
        .chain(outcome.inputs.sources.iter().map(|(k, s)| (*k, s)))
        .collect();
    sources.sort_by(|a, b| (a.0, &a.1.name).cmp(&(b.0, &b.1.name)));
    let inputs = sources
        .into_iter()
        .map(|(kind, source)| InputFile {
            kind: kind.as_str(),
            path: source.name.clone(),
            bytes: source.text.len(),
            sha256: sha256_hex(source.text.as_bytes()),
        })
        .collect();
    let catalog = &outcome.catalog;
    let range = catalog.reviewed_range();
    let policy = &outcome.inputs.policy;
    let mut header = Header {
        organizations,
        evaluated_on: outcome.evaluated_on.clone().unwrap_or_default(),
        generator: Generator {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        catalog: CatalogFacts {
            systems: catalog.systems().len(),
            reviewed_from: range.map(|(from, _)| from.to_owned()),
            reviewed_to: range.map(|(_, to)| to.to_owned()),
            version: catalog_version(),
        },
        policy_sha256: String::new(),
        repository: outcome.evidence.repository.clone(),
        repositories: Vec::new(),
        warnings: Vec::new(),
        policy: PolicyText {
            fail_on: outcome.fail_on.as_str(),
            configs: policy.configs.clone(),
            default_levels: policy
                .default_levels
                .as_ref()
                .map(|(levels, threshold)| Levels {
                    levels: levels.clone(),
                    e2ee_required_from: threshold.clone(),
                }),
            cli_overrides: policy.cli_overrides.clone(),
            no_ignores: policy.no_ignores,
            no_exceptions: policy.no_exceptions,
        },
        inputs,
        commit: outcome.evidence.commit.clone(),
        framework: outcome.evidence.framework.clone(),
    };
    header.policy_sha256 = policy_sha256(&header.policy, &header.inputs);
    header
}
