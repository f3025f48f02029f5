//! The E2EE classification of messaging systems, and matching inventory names against it.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use regex::{Regex, RegexBuilder};
use serde::Deserialize;

/// The catalog that ships inside the binary.
pub const EMBEDDED_CATALOG: &str = include_str!("../rules/catalog.yaml");

/// A way a tool carries conversations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    Text,
    Voice,
    Video,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Text, Channel::Voice, Channel::Video];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Text => "text",
            Channel::Voice => "voice",
            Channel::Video => "video",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a system protects one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Support {
    /// End-to-end encrypted with no setting needed.
    Default,
    /// E2EE exists but someone has to turn it on.
    OptIn,
    /// No end-to-end encryption.
    None,
}

impl Support {
    pub fn as_str(self) -> &'static str {
        match self {
            Support::Default => "default",
            Support::OptIn => "opt-in",
            Support::None => "none",
        }
    }
}

impl fmt::Display for Support {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One messaging system as the catalog classifies it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct System {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub patterns: Vec<String>,
    pub vendor: String,
    pub category: String,
    pub e2ee: BTreeMap<Channel, Support>,
    pub note: String,
    pub source: String,
    pub reviewed: String,
}

impl System {
    /// The channels this system offers, in a stable order.
    pub fn channels(&self) -> impl Iterator<Item = (Channel, Support)> + '_ {
        self.e2ee.iter().map(|(c, s)| (*c, *s))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    systems: Vec<System>,
}

/// An error in a catalog file.
#[derive(Debug, thiserror::Error)]
#[error("invalid catalog: {0}")]
pub struct CatalogError(String);

/// The loaded catalog with its lookup indexes.
#[derive(Debug, Clone)]
pub struct Catalog {
    systems: Vec<System>,
    /// Every name and alias with its normalized form, for suggestions.
    names: Vec<(String, String)>,
    by_key: HashMap<String, usize>,
    patterns: Vec<(Regex, usize)>,
}

/// Folds a name for matching: "MS Teams", "ms-teams" and "msteams" are the same key.
pub fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl Catalog {
    /// The catalog embedded in the binary.
    /// Parsed once per process; see [`crate::engine::rule::Registry::embedded`].
    pub fn embedded() -> std::sync::Arc<Catalog> {
        static EMBEDDED: std::sync::OnceLock<std::sync::Arc<Catalog>> = std::sync::OnceLock::new();
        let catalog = EMBEDDED.get_or_init(|| {
            // The embedded catalog is tested to parse; failing here is a build defect, not
            // bad input.
            std::sync::Arc::new(
                Catalog::parse(EMBEDDED_CATALOG).expect("the embedded catalog is valid"),
            )
        });
        std::sync::Arc::clone(catalog)
    }

    pub fn parse(text: &str) -> Result<Catalog, CatalogError> {
        let file: CatalogFile =
            serde_saphyr::from_str(text).map_err(|e| CatalogError(e.to_string()))?;
        let mut by_key = HashMap::new();
        let mut patterns = Vec::new();
        for (index, system) in file.systems.iter().enumerate() {
            let keys = [&system.id, &system.name]
                .into_iter()
                .chain(system.aliases.iter());
            for key in keys {
                if let Some(previous) = by_key.insert(normalize(key), index)
                    && previous != index
                {
                    return Err(CatalogError(format!(
                        "`{key}` names both `{}` and `{}`",
                        file.systems[previous].id, system.id
                    )));
                }
            }
            for pattern in &system.patterns {
                let regex = RegexBuilder::new(pattern)
                    .case_insensitive(true)
                    .build()
                    .map_err(|e| CatalogError(format!("{}: pattern: {e}", system.id)))?;
                patterns.push((regex, index));
            }
        }
        let names = file
            .systems
            .iter()
            .flat_map(|s| std::iter::once(&s.name).chain(&s.aliases))
            .map(|name| (name.clone(), normalize(name)))
            .collect();
        Ok(Catalog {
            names,
            systems: file.systems,
            by_key,
            patterns,
        })
    }

    pub fn systems(&self) -> &[System] {
        &self.systems
    }

    /// Finds the system an inventory name refers to: exact name, id or alias first, then patterns.
    pub fn lookup(&self, name: &str) -> Option<&System> {
        self.by_key
            .get(&normalize(name))
            .or_else(|| {
                self.patterns
                    .iter()
                    .find(|(regex, _)| regex.is_match(name.trim()))
                    .map(|(_, index)| index)
            })
            .map(|&index| &self.systems[index])
    }

    /// Catalog names close to `name`, best first, for "did you mean" hints.
    pub fn suggest(&self, name: &str) -> Vec<&str> {
        let wanted = normalize(name);
        if wanted.is_empty() {
            return Vec::new();
        }
        let mut scored: Vec<(f64, &str)> = self
            .names
            .iter()
            .map(|(name, normalized)| (strsim::jaro_winkler(&wanted, normalized), name.as_str()))
            .filter(|(score, _)| *score >= 0.85)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        scored.dedup_by(|a, b| a.1 == b.1);
        scored.into_iter().take(3).map(|(_, name)| name).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_match_regardless_of_case_space_and_punctuation() {
        let catalog = Catalog::embedded();
        for (name, id) in [
            ("MS Teams", "microsoft-teams"),
            ("microsoft-teams", "microsoft-teams"),
            ("Element", "matrix"),
            ("Matrix", "matrix"),
            ("Riot", "matrix"),
            ("riot.im", "matrix"),
            ("WHATSAPP", "whatsapp"),
            ("Zoom Video Communications, Inc.", "zoom"),
            ("Element X (iOS)", "matrix"),
        ] {
            assert_eq!(
                catalog.lookup(name).map(|s| s.id.as_str()),
                Some(id),
                "{name}"
            );
        }
        assert!(catalog.lookup("Jira").is_none());
        assert!(catalog.lookup("").is_none());
    }

    #[test]
    fn suggests_close_names() {
        let catalog = Catalog::embedded();
        assert_eq!(catalog.suggest("Signall").first(), Some(&"Signal"));
        assert!(catalog.suggest("Confluence").is_empty());
    }

    #[test]
    fn rejects_ambiguous_aliases() {
        let text = "systems:\n  - {id: a, name: A, aliases: [X], vendor: v, category: messaging, e2ee: {}, note: n, source: s, reviewed: r}\n  - {id: b, name: B, aliases: [x], vendor: v, category: messaging, e2ee: {}, note: n, source: s, reviewed: r}\n";
        let error = Catalog::parse(text).unwrap_err();
        assert!(error.to_string().contains("names both"), "{error}");
    }
}
