//! Names that are close to a catalog system without being it: a `vendor:` that contradicts the
//! matched entry (or is one of its false friends), and plain misspellings of catalog names.

use super::{Matcher, System, tokens};

/// What a `vendor:` value says about a matched system.
pub(super) enum Verdict {
    Agrees,
    /// A known false friend of the system ("WireGuard" for Wire).
    FalseFriend,
    Contradicts,
}

/// `vendor:` values that name no vendor (normalized).
const NOT_A_VENDOR: &[&str] = &[
    "opensource",
    "selfhosted",
    "internal",
    "inhouse",
    "community",
    "na",
    "none",
    "unknown",
    "various",
    "other",
    "tbd",
];

impl Matcher {
    /// Whether a `vendor:` value fits the system: one of its vendor names (or of the entry it
    /// is part of), a shorter form of one ("Zoom" for Zoom Video Communications), or the
    /// product's own name. Words such as "Inc" or "GmbH" are ignored, and placeholders
    /// ("open source", "internal") say nothing either way.
    pub(super) fn vendor_verdict(&self, systems: &[System], index: usize, vendor: &str) -> Verdict {
        let words: Vec<String> = tokens(vendor)
            .into_iter()
            .filter(|w| !self.decorations.contains(w))
            .collect();
        if words.is_empty() || NOT_A_VENDOR.contains(&words.concat().as_str()) {
            return Verdict::Agrees;
        }
        if self.false_friends_of[index]
            .iter()
            .any(|f| !f.is_empty() && words.starts_with(f))
        {
            return Verdict::FalseFriend;
        }
        if self.vendor_systems(vendor).contains(&index) {
            return Verdict::Agrees;
        }
        let system = &systems[index];
        let parent = &systems[self.family[index]];
        let strip = |name: &str| -> Vec<String> {
            tokens(name)
                .into_iter()
                .filter(|w| !self.decorations.contains(w))
                .collect()
        };
        let vendor_names = system.vendor_names().chain(parent.vendor_names());
        let product_names = std::iter::once(system.name.as_str())
            .chain(system.aliases.iter().map(String::as_str))
            .chain(std::iter::once(parent.name.as_str()));
        let fits = |other: Vec<String>| {
            !other.is_empty() && (other.starts_with(&words) || words.starts_with(&other))
        };
        if vendor_names.chain(product_names).any(|n| fits(strip(n))) {
            Verdict::Agrees
        } else {
            Verdict::Contradicts
        }
    }

    /// The one catalog system a name is a plain misspelling of: one edit (a wrong, missing,
    /// extra or swapped letter) from a name or alias of seven letters or more, two edits from
    /// one of twelve or more. The first letter must agree: typos rarely start there, and the
    /// check stays cheap on inventories of unknown tools.
    pub(super) fn typo_of(&self, name: &str) -> Option<usize> {
        let words = tokens(name);
        if self.is_false_friend(&words) {
            return None;
        }
        let key = words.concat();
        let first = key.chars().next()?;
        let key_len = key.chars().count();
        if key_len < 6 {
            return None;
        }
        let mut best: Option<(usize, usize)> = None;
        for (known, &index) in &self.exact {
            let len = known.chars().count();
            if len < 7 || !known.starts_with(first) || len.abs_diff(key_len) > 2 {
                continue;
            }
            let allowed = if len >= 12 { 2 } else { 1 };
            let distance = strsim::osa_distance(&key, known);
            if (1..=allowed).contains(&distance) && best.is_none_or(|b| (distance, index) < b) {
                best = Some((distance, index));
            }
        }
        best.map(|(_, index)| index)
    }
}
