//! "Did you mean" for keys, keywords and rule ids, and the string similarity the catalog's
//! suggestions use: one place, bounded.

/// Words longer than this get no suggestion: no key, keyword or rule id is that long, and
/// comparing a megabyte-long value with every known word per occurrence is a denial of service.
const MAX_WORD: usize = 64;

/// "did you mean `x`?" for a word close to one of `known`.
pub(crate) fn did_you_mean(word: &str, known: &[&str]) -> Option<String> {
    if word.len() > MAX_WORD {
        return None;
    }
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(word, k), *k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!("did you mean `{k}`?"))
}

/// Whether `strsim::jaro_winkler(a, b) >= threshold`, skipping the comparison when a cheap
/// upper bound already rules it out: suggesting catalog names for an unknown tool compares it
/// with every name of the catalog, and most pairs share too few characters to be close.
pub(crate) fn jaro_winkler_at_least(a: &str, b: &str, threshold: f64) -> bool {
    jaro_winkler_bound(a, b) >= threshold && strsim::jaro_winkler(a, b) >= threshold
}

/// An upper bound of `strsim::jaro_winkler(a, b)`. Jaro is `(m/|a| + m/|b| + (m-t)/m) / 3`
/// for `m` matching characters, and `m` is at most the characters the two have in common
/// (counted by a 64-bucket histogram; collisions only raise the bound); Winkler's boost for a
/// common prefix of `l <= 4` characters grows with Jaro.
fn jaro_winkler_bound(a: &str, b: &str) -> f64 {
    let mut counts = [0u16; 64];
    let (mut len_a, mut len_b) = (0u32, 0u32);
    for c in a.chars() {
        let bucket = &mut counts[c as usize % 64];
        *bucket = bucket.saturating_add(1);
        len_a += 1;
    }
    let mut common = 0u32;
    for c in b.chars() {
        len_b += 1;
        let bucket = &mut counts[c as usize % 64];
        if *bucket > 0 {
            *bucket -= 1;
            common += 1;
        }
    }
    if common == 0 || len_a == 0 || len_b == 0 {
        return if a.is_empty() && b.is_empty() {
            1.0
        } else {
            0.0
        };
    }
    let m = f64::from(common);
    let jaro = (m / f64::from(len_a) + m / f64::from(len_b) + 1.0) / 3.0;
    let prefix = a
        .chars()
        .zip(b.chars())
        .take(4)
        .take_while(|(x, y)| x == y)
        .count();
    jaro + 0.1 * prefix as f64 * (1.0 - jaro)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_is_never_below_the_similarity() {
        let words = [
            "signal",
            "signall",
            "sigma",
            "slack",
            "slak",
            "teams",
            "microsoft",
            "micro",
            "zoom",
            "zooom",
            "element",
            "elephant",
            "wire",
            "wired",
            "whatsapp",
            "whatsap",
            "",
            "a",
            "matrix",
            "mattermost",
            "rocket",
            "chat",
            "ch@t",
            "télégram",
            "telegram",
            "ß",
            "ss",
            "aaaaaaaaaaaaaaaaaaaa",
            "a1b2c3",
            "3c2b1a",
            "x\u{1F600}y",
        ];
        for a in words {
            for b in words {
                let exact = strsim::jaro_winkler(a, b);
                assert!(
                    jaro_winkler_bound(a, b) + 1e-12 >= exact,
                    "{a} {b}: {exact}"
                );
                for threshold in [0.5, 0.8, 0.85, 0.88, 0.95] {
                    assert_eq!(jaro_winkler_at_least(a, b, threshold), exact >= threshold);
                }
            }
        }
    }

    #[test]
    fn suggests_close_words_and_skips_huge_ones() {
        assert_eq!(
            did_you_mean("chanels", &["channels", "name"]).as_deref(),
            Some("did you mean `channels`?")
        );
        assert_eq!(did_you_mean(&"c".repeat(1 << 20), &["channels"]), None);
    }
}
