//! Names that are close to a catalog system without being it: a `vendor:` that contradicts the
//! matched entry (or is one of its false friends), and plain misspellings of catalog names.

use super::{Matcher, System, tokens};

/// Catalog names shorter than this are never assumed misspelt: "Wire" and "Kik" are one letter
/// from too many other words.
pub(super) const TYPO_MIN_LEN: usize = 7;

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
        if key_len < TYPO_MIN_LEN - 1 {
            return None;
        }
        let mut best: Option<(usize, usize)> = None;
        for (known, len, index) in self.typo_keys.get(&first).into_iter().flatten() {
            if len.abs_diff(key_len) > 2 {
                continue;
            }
            let allowed = if *len >= 12 { 2 } else { 1 };
            // Each edit changes at most two letters of the multiset of letters, so a name whose
            // letters differ more cannot be close; this skips the quadratic distance for nearly
            // every unknown tool.
            if key.is_ascii() && letters_apart(&key, known) > 2 * allowed {
                continue;
            }
            let distance = strsim::osa_distance(&key, known);
            if (1..=allowed).contains(&distance) && best.is_none_or(|b| (distance, *index) < b) {
                best = Some((distance, *index));
            }
        }
        best.map(|(_, index)| index)
    }
}

/// How many letters two ASCII names do not share, counted as multisets of bytes.
fn letters_apart(a: &str, b: &str) -> usize {
    let mut counts = [0i32; 256];
    for byte in a.bytes() {
        counts[usize::from(byte)] += 1;
    }
    for byte in b.bytes() {
        counts[usize::from(byte)] -= 1;
    }
    counts.iter().map(|c| c.unsigned_abs() as usize).sum()
}
