//! The words of a name: its tokens, runs of words in it, years that decorate it, and the Latin
//! skeleton of a name disguised with invisible or confusable characters (UTS #39).

/// Lowercase alphanumeric words.
pub(super) fn tokens(name: &str) -> Vec<String> {
    if name.is_ascii() {
        // As for `normalize`: the same words, without Unicode case tables.
        return name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
    }
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A four-digit year decorates a name like an edition ("Lync 2013", "Skype for Business 2019").
pub(super) fn is_year(word: &str) -> bool {
    word.len() == 4
        && word
            .parse::<u16>()
            .is_ok_and(|y| (1990..=2039).contains(&y))
}

/// Whether `run` occurs in `words` as consecutive words.
pub(super) fn contains_run(words: &[String], run: &[String]) -> bool {
    !run.is_empty() && words.windows(run.len()).any(|w| w == run)
}

/// `words` without the first occurrence of `run`, if it occurs.
pub(super) fn without_run(words: &[String], run: &[String]) -> Option<Vec<String>> {
    if run.is_empty() || run.len() >= words.len() {
        return None;
    }
    let at = words.windows(run.len()).position(|w| w == run)?;
    let mut rest = words[..at].to_vec();
    rest.extend_from_slice(&words[at + run.len()..]);
    Some(rest)
}

/// Characters that draw nothing: zero-width and joiner characters, bidi controls, soft hyphen,
/// byte-order mark. A name that hides them is disguised.
pub(super) fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}'
            | '\u{17B4}' | '\u{17B5}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
            | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}')
}

/// The name with invisible characters removed and every non-ASCII character that is
/// confusable with ASCII (UTS #39 skeleton) replaced by it: "Slаck" (Cyrillic а) → "Slack".
/// Other characters stay, so a name in another script is not turned into Latin noise.
pub(crate) fn fold_confusables(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().filter(|&c| !is_invisible(c)) {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        let skeleton: String = unicode_security::skeleton(&c.to_string()).collect();
        if !skeleton.is_empty() && skeleton.is_ascii() {
            out.push_str(&skeleton);
        } else {
            out.push(c);
        }
    }
    out
}
