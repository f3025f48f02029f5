//! "Did you mean" for keys, keywords and rule ids: one place, bounded.

/// Words longer than this get no suggestion: no key, keyword or rule id is that long, and
/// comparing a megabyte-long value with every known word per occurrence is a denial of service.
const MAX_WORD: usize = 64;

/// "did you mean `x`?" for a word close to one of `known`.
pub fn did_you_mean(word: &str, known: &[&str]) -> Option<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words_and_skips_huge_ones() {
        assert_eq!(
            did_you_mean("chanels", &["channels", "name"]).as_deref(),
            Some("did you mean `channels`?")
        );
        assert_eq!(did_you_mean(&"c".repeat(1 << 20), &["channels"]), None);
    }
}
