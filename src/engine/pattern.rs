//! `matches:` patterns of rule files: checked with the position of a mistake, compiled within
//! size limits, and matched in time linear in the value.

use crate::yaml::Spanned;
use regex_automata::meta::Regex;

use super::condition::Located;
use crate::source::Span;
use crate::yaml::span_of;

/// Regexes in rule files are compiled once, within these limits: a pattern from a pull request
/// must not take the run's memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Compiles a pattern; an error points at the character in the pattern where it is.
pub(super) fn compile_regex(pattern: &Spanned<String>) -> Result<RuleRegex, Located> {
    let span = span_of(pattern);
    if let Err(error) = regex_syntax::ast::parse::Parser::new().parse(&pattern.value) {
        // The scalar's span may include a quote; the pattern text starts after it.
        let quote = usize::from(span.len > pattern.value.len());
        let at = span.offset + quote + error.span().start.offset;
        let len = (error.span().end.offset - error.span().start.offset).max(1);
        return Err(Located::new(
            Span::new(at, len),
            format!("invalid regex: {}", error.kind()),
            Some("see https://docs.rs/regex/latest/regex/#syntax".into()),
        ));
    }
    // Built on first use: most runs never test most patterns (a pre-commit file of catalog
    // tools never reaches the unclassified-tool pattern), and building one is a large part of
    // a short run. A rule file's patterns are built at once by [`RuleRegex::build`], so that a
    // pattern past the size limit is reported when the file loads.
    Ok(RuleRegex {
        pattern: pattern.value.clone(),
        span,
        short: std::sync::OnceLock::new(),
        long: std::sync::OnceLock::new(),
    })
}

/// regex-automata's meta regex (what `regex::Regex` wraps), always without its literal
/// prefilter (extracting the literals of a case-insensitive word list was most of a pre-commit
/// run), and with the lazy DFA only for long values: compiling the reverse automaton it needs
/// costs more at start-up than short values (names, most notes) gain, while on a megabyte of
/// notes the DFA is 25 times faster than the PikeVM.
fn build_regex(
    pattern: &str,
    lazy_dfa: bool,
) -> Result<Regex, Box<regex_automata::meta::BuildError>> {
    Regex::builder()
        .configure(
            Regex::config()
                .auto_prefilter(false)
                .hybrid(lazy_dfa)
                .hybrid_cache_capacity(REGEX_SIZE_LIMIT * 2)
                .dfa(false)
                .nfa_size_limit(Some(REGEX_SIZE_LIMIT)),
        )
        .build(pattern)
        .map_err(Box::new)
}

/// A pattern built into the engine (not from a rule file); `None` only if it does not compile,
/// which a test rules out.
pub(super) fn builtin(pattern: &str) -> Option<RuleRegex> {
    let short = build_regex(pattern, false).ok()?;
    Some(RuleRegex {
        pattern: pattern.to_owned(),
        span: Span::default(),
        short: std::sync::OnceLock::from(Some(short)),
        long: std::sync::OnceLock::new(),
    })
}

/// Values longer than this are matched with the lazy DFA.
const LONG_VALUE: usize = 1024;

/// A rule's `matches:` pattern, compiled once for short values (on first use, or when its rule
/// file loads) and, on the first long one, once more with the lazy DFA.
#[derive(Clone)]
pub(crate) struct RuleRegex {
    pattern: String,
    /// Where the pattern is, for a build error.
    span: Span,
    /// `None` once a build failed; only [`RuleRegex::build`] reports that, and a rule file is
    /// not loaded without it.
    short: std::sync::OnceLock<Option<Regex>>,
    long: std::sync::OnceLock<Option<Regex>>,
}

/// The pattern alone: the compiled forms follow from it, and whether the long one was built
/// yet depends on the values seen.
impl std::fmt::Debug for RuleRegex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("RuleRegex").field(&self.pattern).finish()
    }
}

impl RuleRegex {
    /// Builds the pattern now; an error (the size limit) is located at the pattern.
    pub(super) fn build(&self) -> Result<(), Located> {
        let mut error = None;
        self.short.get_or_init(|| {
            build_regex(&self.pattern, false)
                .map_err(|e| error = Some(e))
                .ok()
        });
        match (error, self.short.get()) {
            (Some(e), _) => Err(Located::new(self.span, format!("invalid regex: {e}"), None)),
            (None, Some(Some(_))) => Ok(()),
            (None, _) => Err(Located::new(
                self.span,
                "invalid regex: the pattern does not compile",
                None,
            )),
        }
    }

    pub(crate) fn is_match(&self, value: &str) -> bool {
        if value.len() > LONG_VALUE {
            // The same pattern built before, so it builds again; should it not, the short form
            // still answers.
            let long = self
                .long
                .get_or_init(|| build_regex(&self.pattern, true).ok());
            if let Some(long) = long {
                return long.is_match(value);
            }
        }
        // An embedded rule's pattern always builds (a test holds them to it), and a rule
        // file's was built when it loaded; a pattern that did not build matches nothing.
        self.short
            .get_or_init(|| build_regex(&self.pattern, false).ok())
            .as_ref()
            .is_some_and(|short| short.is_match(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule_regex(pattern: &str) -> RuleRegex {
        let spanned = crate::yaml::from_str::<Spanned<String>>(&format!("'{pattern}'")).unwrap();
        compile_regex(&spanned).unwrap()
    }

    #[test]
    fn long_values_get_the_same_answers_from_the_lazy_dfa() {
        let regex = rule_regex(r"(?i-u)\b(voip|video calls?)\b");
        assert!(regex.is_match("our VoIP line"));
        assert!(!regex.is_match("voipx"));
        assert!(
            regex.long.get().is_none(),
            "short values need no second build"
        );
        let filler = "word ".repeat(LONG_VALUE);
        assert!(!regex.is_match(&filler));
        assert!(regex.is_match(&format!("{filler} Video call")));
        assert!(!regex.is_match(&format!("{filler}video callsx")));
        assert!(matches!(regex.long.get(), Some(Some(_))));
    }

    /// Patterns are built on first use, so a pattern past the size limit must be caught when
    /// its rule file loads: an error at the pattern, not a rule that silently never matches.
    #[test]
    fn a_rule_file_pattern_past_the_size_limit_fails_to_load() {
        let text = "id: huge-pattern\nseverity: error\nsummary: s\ntags: [t]\ndocs: d\n\
                    when: {field: tool.name, matches: '\\w{1000}\\w{1000}'}\n\
                    message: m\n";
        let source = std::sync::Arc::new(crate::source::SourceFile::new(
            "r.yaml",
            "r.yaml",
            text.into(),
        ));
        let error = super::super::rule::Rule::parse(&source).expect_err("pattern too large");
        let pattern = text.find("'\\w").expect("pattern");
        assert_eq!(error.span.offset, pattern, "{error:?}");
        assert!(
            error.message.starts_with("invalid regex"),
            "{}",
            error.message
        );
    }

    /// The embedded rules are built lazily with no load-time check: every pattern must build.
    #[test]
    fn every_embedded_pattern_builds() {
        let registry = super::super::rule::Registry::embedded().expect("embedded rules");
        for rule in registry.rules() {
            rule.build_patterns()
                .unwrap_or_else(|e| panic!("{}: {}", rule.info.id, e.message));
        }
    }

    #[test]
    fn a_mistake_points_into_the_pattern() {
        let spanned = crate::yaml::from_str::<Spanned<String>>("'ab(c'").unwrap();
        let error = compile_regex(&spanned).unwrap_err();
        assert!(
            error.message.starts_with("invalid regex"),
            "{}",
            error.message
        );
        assert_eq!(error.span.offset, 3);
    }
}
