//! Resolving an inventory's tool name to a catalog system, safely.
//!
//! A wrong match is the worst thing this tool can produce: it either calls a messenger something
//! else (a false "compliant") or calls a WAF a messenger (a false alarm). So the order is fixed
//! and conservative: a pinned `system:` id; known false friends (never matched); exact names and
//! aliases; names that could mean several products, which need vendor context and are otherwise
//! reported as ambiguous; vendor-qualified names in any word order ("WebEx, Cisco"); names
//! decorated with a plan, edition, company suffix or domain ("Discord Nitro", "slack.com"); and
//! last, the same steps on the name with Unicode confusables folded to their Latin skeleton
//! (UTS #39), so that "Slаck" with a Cyrillic `а` is Slack, flagged as disguised. There are no
//! free regular expressions: "Zoom Telephonics" and "Element UI" match nothing.

use std::collections::{HashMap, HashSet};

use super::{CatalogError, System};
use near::Verdict;

// Names close to a system without being it (contradicting vendors, typos), kept beside the
// matcher so that it sees the matcher's indexes.
#[path = "near.rs"]
mod near;
// The words of a name, and the skeleton of a disguised one.
#[path = "words.rs"]
mod words;

pub(crate) use words::fold_confusables;
use words::{contains_run, is_invisible, is_year, tokens, without_run};

/// How a name was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    /// `system: <id>` in the inventory.
    Pinned,
    /// The catalog name or an alias.
    Exact,
    /// A name that needs a vendor, with the vendor given (in `vendor:` or in the name).
    Vendor,
    /// A name with a plan, edition, company suffix or domain around it.
    Decorated,
    /// A name that only matches once Unicode confusables are folded: disguised.
    Confusable,
    /// A name that could mean other products, with one catalog candidate, read as that system
    /// because the inventory says the tool is for communication.
    Context,
}

impl MatchKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            MatchKind::Pinned => "pinned",
            MatchKind::Exact => "exact",
            MatchKind::Vendor => "vendor",
            MatchKind::Decorated => "decorated",
            MatchKind::Confusable => "confusable",
            MatchKind::Context => "context",
        }
    }
}

/// The result of resolving a name.
#[derive(Debug, Clone)]
pub enum Match<'c> {
    Found(&'c System, MatchKind),
    /// The name could mean any of these (two or more), or a product the catalog does not know.
    Ambiguous(Vec<&'c System>),
    /// Not a catalog system, but close to these: a misspelt name, a name with one candidate and
    /// no context, or a catalog name whose `vendor:` contradicts it. Shown as "did you mean".
    Near(Vec<&'c System>),
    /// `system:` names no catalog id.
    UnknownPin,
    NotFound,
}

impl<'c> Match<'c> {
    pub fn system(&self) -> Option<&'c System> {
        match self {
            Match::Found(system, _) => Some(system),
            _ => None,
        }
    }

    /// `catalog.match` as rules read it.
    pub(crate) fn kind_name(&self) -> &'static str {
        match self {
            Match::Found(_, kind) => kind.as_str(),
            Match::Ambiguous(_) => "ambiguous",
            Match::UnknownPin | Match::Near(_) | Match::NotFound => "none",
        }
    }
}

/// Folds a name for exact matching: "MS Teams", "ms-teams" and "msteams" are the same key.
pub(crate) fn normalize(name: &str) -> String {
    // Nearly every name is ASCII: byte by byte is the same fold without a char decode and a
    // lowercase table per character (most of building the matcher, once per run).
    if name.is_ascii() {
        let mut key = String::with_capacity(name.len());
        key.extend(
            name.bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| char::from(b.to_ascii_lowercase())),
        );
        return key;
    }
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Top-level domains a product name may carry ("slack.com", "meet.jit.si" is an alias).
const DOMAINS: &[&str] = &[
    "com", "app", "im", "org", "io", "net", "me", "chat", "us", "co",
];

/// Names longer than this are never anyone's product: no fuzzy work is spent on them.
const MAX_NAME: usize = 200;

#[derive(Debug, Clone)]
pub(super) struct Matcher {
    exact: HashMap<String, usize>,
    contextual: HashMap<String, Vec<usize>>,
    false_friends: Vec<Vec<String>>,
    /// Each system's own false friends as words, by system index: a `vendor:` that is one of
    /// them is never that system ("Wire" by WireGuard).
    false_friends_of: Vec<Vec<Vec<String>>>,
    /// Each system's family: the entry it is `part_of`, else itself (WhatsApp Business
    /// Platform is in WhatsApp's family).
    family: Vec<usize>,
    /// Normalized vendor names → systems, for the `vendor:` field.
    vendors: HashMap<String, Vec<usize>>,
    /// Vendor names as words, for vendor-qualified names.
    vendor_words: Vec<(Vec<String>, usize)>,
    decorations: HashSet<String>,
    /// Every name and alias with its words, for suggestions.
    names: Vec<(String, Vec<String>, usize)>,
    /// Normalized names and aliases long enough to have typos, with their length in characters,
    /// by first character: the typo check compares a name only with these.
    typo_keys: HashMap<char, Vec<(String, usize, usize)>>,
}

impl Matcher {
    pub(super) fn new(systems: &[System], decorations: &[String]) -> Result<Matcher, CatalogError> {
        let mut exact = HashMap::new();
        let mut contextual: HashMap<String, Vec<usize>> = HashMap::new();
        let mut vendors: HashMap<String, Vec<usize>> = HashMap::new();
        let mut vendor_words = Vec::new();
        let mut false_friends = Vec::new();
        let mut false_friends_of = Vec::new();
        let mut family = Vec::new();
        let mut names = Vec::new();
        for (index, system) in systems.iter().enumerate() {
            for name in std::iter::once(&system.name).chain(&system.aliases) {
                let key = normalize(name);
                if let Some(previous) = exact.insert(key, index)
                    && previous != index
                {
                    return Err(CatalogError(format!(
                        "`{name}` names both `{}` and `{}`",
                        systems[previous].id, system.id
                    )));
                }
                names.push((name.clone(), tokens(name), index));
            }
            for name in &system.contextual_aliases {
                contextual.entry(normalize(name)).or_default().push(index);
            }
            for vendor in system.vendor_names() {
                let entry = vendors.entry(normalize(vendor)).or_default();
                if !entry.contains(&index) {
                    entry.push(index);
                }
                vendor_words.push((tokens(vendor), index));
            }
            false_friends.extend(system.false_friends.iter().map(|f| tokens(f)));
            false_friends_of.push(system.false_friends.iter().map(|f| tokens(f)).collect());
            let parent = system
                .part_of
                .as_ref()
                .and_then(|p| systems.iter().position(|s| &s.id == p));
            family.push(parent.unwrap_or(index));
        }
        if let Some(key) = contextual.keys().find(|k| exact.contains_key(*k)) {
            return Err(CatalogError(format!(
                "`{key}` is both an exact alias and a contextual alias"
            )));
        }
        let mut typo_keys: HashMap<char, Vec<(String, usize, usize)>> = HashMap::new();
        for (key, &index) in &exact {
            let len = key.chars().count();
            if let Some(first) = key.chars().next().filter(|_| len >= near::TYPO_MIN_LEN) {
                typo_keys
                    .entry(first)
                    .or_default()
                    .push((key.clone(), len, index));
            }
        }
        // Sorted, so that ties resolve the same way on every run.
        typo_keys.values_mut().for_each(|keys| keys.sort());
        Ok(Matcher {
            typo_keys,
            exact,
            contextual,
            false_friends,
            false_friends_of,
            family,
            vendors,
            vendor_words,
            decorations: decorations.iter().map(|d| normalize(d)).collect(),
            names,
        })
    }

    /// Resolves a name; `communication` says the inventory calls the tool a communication tool,
    /// which lets a name with one catalog candidate ("Matrix") resolve to it.
    pub(super) fn resolve<'c>(
        &self,
        systems: &'c [System],
        name: &str,
        vendor: Option<&str>,
        pin: Option<&str>,
        communication: bool,
    ) -> Match<'c> {
        if let Some(pin) = pin {
            return systems
                .iter()
                .find(|s| s.id == pin.trim())
                .map_or(Match::UnknownPin, |s| Match::Found(s, MatchKind::Pinned));
        }
        if name.len() > MAX_NAME {
            return Match::NotFound;
        }
        let vendor_systems = vendor.map(|v| self.vendor_systems(v));
        let found = self.resolve_name(systems, name, vendor_systems.as_deref());
        if let (Match::Found(system, _), Some(vendor)) = (&found, vendor) {
            let index = index_of(systems, system);
            match self.vendor_verdict(systems, index, vendor) {
                Verdict::Agrees => {}
                Verdict::FalseFriend => return Match::NotFound,
                Verdict::Contradicts => {
                    // The vendor may name a sibling product of the same family: "WhatsApp"
                    // sold by Twilio is the WhatsApp Business Platform.
                    let sibling = vendor_systems
                        .iter()
                        .flatten()
                        .copied()
                        .find(|&i| i != index && self.family[i] == self.family[index]);
                    return match sibling {
                        Some(i) => Match::Found(&systems[i], MatchKind::Vendor),
                        None => Match::Near(vec![system]),
                    };
                }
            }
        }
        match found {
            Match::Ambiguous(candidates) if candidates.len() == 1 => {
                if communication {
                    Match::Found(candidates[0], MatchKind::Context)
                } else {
                    Match::Near(candidates)
                }
            }
            Match::NotFound => match self.typo_of(name) {
                Some(index) => Match::Near(vec![&systems[index]]),
                None => Match::NotFound,
            },
            other => other,
        }
    }

    /// The name alone (with the vendor's systems for names that need one), then the same
    /// with Unicode confusables folded.
    fn resolve_name<'c>(
        &self,
        systems: &'c [System],
        name: &str,
        vendor_systems: Option<&[usize]>,
    ) -> Match<'c> {
        let plain = self.resolve_words(systems, &tokens(name), vendor_systems);
        // Normalising drops invisible characters along with punctuation, so "Sl\u{200B}ack"
        // matches plainly; the hidden character is still a disguise.
        if let Match::Found(system, _) = plain
            && name.chars().any(is_invisible)
        {
            return Match::Found(system, MatchKind::Confusable);
        }
        if !matches!(plain, Match::NotFound) {
            return plain;
        }
        let folded = fold_confusables(name);
        if folded == name {
            return plain;
        }
        match self.resolve_words(systems, &tokens(&folded), vendor_systems) {
            Match::Found(system, _) => Match::Found(system, MatchKind::Confusable),
            other => other,
        }
    }

    /// The systems a `vendor:` value names (ignoring case, spaces and punctuation), or whose
    /// vendor name it contains as words ("Microsoft Corporation").
    fn vendor_systems(&self, vendor: &str) -> Vec<usize> {
        if let Some(found) = self.vendors.get(&normalize(vendor)) {
            return found.clone();
        }
        let words = tokens(vendor);
        let mut found: Vec<usize> = self
            .vendor_words
            .iter()
            .filter(|(v, _)| !v.is_empty() && contains_run(&words, v))
            .map(|(_, index)| *index)
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    fn resolve_words<'c>(
        &self,
        systems: &'c [System],
        words: &[String],
        vendor: Option<&[usize]>,
    ) -> Match<'c> {
        if words.is_empty() {
            return Match::NotFound;
        }
        let found = |index: usize, kind| Match::Found(&systems[index], kind);
        let key: String = words.concat();
        // Exact names and aliases are unique across the catalog, so they win even over another
        // entry's false friend ("Webex Teams" is Webex, not a kind of Microsoft Teams).
        if let Some(&index) = self.exact.get(&key) {
            return found(index, MatchKind::Exact);
        }
        if self.is_false_friend(words) {
            return Match::NotFound;
        }
        if let Some(candidates) = self.contextual.get(&key) {
            return match vendor {
                Some(vendor) => {
                    let pinned: Vec<usize> = candidates
                        .iter()
                        .copied()
                        .filter(|c| vendor.contains(c))
                        .collect();
                    match pinned.as_slice() {
                        [one] => found(*one, MatchKind::Vendor),
                        [] => Match::NotFound,
                        many => Match::Ambiguous(many.iter().map(|&i| &systems[i]).collect()),
                    }
                }
                None => Match::Ambiguous(candidates.iter().map(|&i| &systems[i]).collect()),
            };
        }
        // The vendor written into the name, in any order: "WebEx, Cisco", "Teams (Microsoft)".
        for (vendor_words, index) in &self.vendor_words {
            let Some(rest) = without_run(words, vendor_words) else {
                continue;
            };
            let rest: Vec<String> = rest
                .into_iter()
                .filter(|w| !self.decorations.contains(w) && !is_year(w))
                .collect();
            if rest.is_empty() {
                continue;
            }
            let key = rest.concat();
            let names_it = self.exact.get(&key) == Some(index)
                || self.contextual.get(&key).is_some_and(|c| c.contains(index));
            if names_it && !self.is_false_friend(&rest) {
                return found(*index, MatchKind::Vendor);
            }
        }
        // A known name followed by words that only decorate it: "Discord Nitro", "slack.com".
        let mut words = words.to_vec();
        if words.len() > 1 && words.last().is_some_and(|w| DOMAINS.contains(&w.as_str())) {
            words.pop();
            if words.first().is_some_and(|w| w == "www") {
                words.remove(0);
            }
        }
        for cut in (1..=words.len()).rev() {
            let key: String = words[..cut].concat();
            let Some(&index) = self.exact.get(&key) else {
                continue;
            };
            let system = &systems[index];
            let decorates = |w: &String| {
                self.decorations.contains(w)
                    || is_year(w)
                    || self
                        .vendor_words
                        .iter()
                        .any(|(v, i)| *i == index && v.contains(w))
            };
            if words[cut..].iter().all(decorates) {
                let kind = if cut == words.len() {
                    MatchKind::Exact
                } else {
                    MatchKind::Decorated
                };
                return Match::Found(system, kind);
            }
        }
        Match::NotFound
    }

    /// Whether the name is, or starts with, a known false friend ("Signal Sciences WAF").
    fn is_false_friend(&self, words: &[String]) -> bool {
        self.false_friends
            .iter()
            .any(|f| !f.is_empty() && words.starts_with(f))
    }

    /// Catalog names a misspelt name may mean: same number of words, each close to its
    /// counterpart, so "Signall" suggests Signal but "Google Meet" never suggests Google Chat.
    pub(super) fn suggest<'s>(&'s self, systems: &'s [System], name: &str) -> Vec<&'s str> {
        if name.len() > MAX_NAME {
            return Vec::new();
        }
        let wanted = tokens(name);
        if wanted.is_empty() {
            return Vec::new();
        }
        let whole = wanted.concat();
        let mut scored: Vec<(f64, &str)> = Vec::new();
        for (display, words, index) in &self.names {
            if words.len() != wanted.len() {
                continue;
            }
            let close = words
                .iter()
                .zip(&wanted)
                .all(|(a, b)| a == b || crate::suggest::jaro_winkler_at_least(a, b, 0.88));
            if !close {
                continue;
            }
            let score = strsim::jaro_winkler(&whole, &words.concat());
            if score >= 0.85 {
                let system = &systems[*index];
                let shown = if *display == system.name {
                    &system.name
                } else {
                    display
                };
                scored.push((score, shown.as_str()));
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        scored.dedup_by(|a, b| a.1 == b.1);
        scored.into_iter().take(3).map(|(_, name)| name).collect()
    }
}

/// The index of a system borrowed from `systems`.
fn index_of(systems: &[System], system: &System) -> usize {
    systems
        .iter()
        .position(|s| std::ptr::eq(s, system))
        .unwrap_or_default()
}
