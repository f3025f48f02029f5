//! Message templates of rule files: text with `{variable}` holes, checked when the rule loads.

/// The computed variables a template may use, besides every tool field (`{owner}`, `{e2ee}`),
/// label (`{labels.team}`) and mapped key (`{extra.cost_center}`). `channel` and
/// `status_of_channel` exist only in labels with `at: channels`.
pub(crate) const VARIABLES: &[&str] = &[
    "tool",
    "catalog",
    "catalog_id",
    "channels",
    "channel",
    "status_of_channel",
    "threshold",
    "did_you_mean",
    "candidates",
    "action",
    "scope",
    "reported",
    "retired",
    "reviewed",
    "unknown_channels",
    "coverage",
    "weaker_modes",
    "weaker_mode_settings",
];

/// Whether a template may use `name`.
pub(crate) fn is_variable(name: &str) -> bool {
    VARIABLES.contains(&name)
        || crate::fields::FieldId::parse(name).is_some()
        || ["labels.", "extra."]
            .iter()
            .any(|p| name.strip_prefix(p).is_some_and(|k| !k.is_empty()))
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Var(String),
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    pieces: Vec<Piece>,
}

impl Template {
    /// Parses `text`; `{{` and `}}` stand for literal braces.
    /// Parses `text`; an error is a message and a help line.
    pub(crate) fn parse(text: &str) -> Result<Template, (String, Option<String>)> {
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    literal.push('}');
                }
                '{' => {
                    let name: String = chars.by_ref().take_while(|&c| c != '}').collect();
                    if !is_variable(&name) {
                        let mut known: Vec<&str> = VARIABLES.to_vec();
                        known.extend(crate::fields::names());
                        let help = crate::suggest::did_you_mean(&name, &known).unwrap_or_else(|| {
                            format!(
                                "the variables are every tool field, labels.<key>, extra.<key> and {}",
                                VARIABLES.join(", ")
                            )
                        });
                        return Err((
                            format!("unknown template variable `{{{name}}}`"),
                            Some(help),
                        ));
                    }
                    if !literal.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut literal)));
                    }
                    pieces.push(Piece::Var(name));
                }
                '}' => {
                    return Err((
                        "unmatched `}`".into(),
                        Some("write `}}` for a literal brace".into()),
                    ));
                }
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            pieces.push(Piece::Text(literal));
        }
        Ok(Template { pieces })
    }

    /// The variables this template uses.
    pub(crate) fn variables(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Var(name) => Some(name.as_str()),
            Piece::Text(_) => None,
        })
    }

    /// Fills the holes; a variable with no value renders as nothing.
    #[cfg(test)]
    pub(crate) fn render(&self, lookup: impl Fn(&str) -> Option<String>) -> String {
        let mut out = String::new();
        self.render_into(&mut out, |name, out| {
            if let Some(value) = lookup(name) {
                out.push_str(&value);
            }
        });
        out
    }

    /// Appends the text to `out`; `write` appends each variable's value (or nothing). The
    /// engine's path: no allocation per variable or per message.
    pub(crate) fn render_into(&self, out: &mut String, write: impl Fn(&str, &mut String)) {
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Var(name) => write(name, out),
            }
        }
    }
}

pub(crate) use crate::text::echo;

/// "text", "text and voice", "text, voice and video".
pub(crate) fn join_words<S: AsRef<str>>(words: &[S]) -> String {
    match words {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", rest.join(", "), last.as_ref())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::ECHO_CHARS;

    #[test]
    fn renders_variables_and_braces() {
        let t = Template::parse("{tool}: {{literal}} {channels}").unwrap();
        let out = t.render(|name| (name == "tool").then(|| "Zoom".to_owned()));
        assert_eq!(out, "Zoom: {literal} ");
    }

    #[test]
    fn echoes_a_long_value_up_to_a_fixed_width() {
        let long = "é".repeat(ECHO_CHARS + 5);
        let mut out = String::new();
        echo(&mut out, &long);
        assert_eq!(
            out,
            format!("{}… ({} bytes)", "é".repeat(ECHO_CHARS), long.len())
        );
        let exact = "x".repeat(ECHO_CHARS);
        let mut out = String::new();
        echo(&mut out, &exact);
        assert_eq!(out, exact);
    }

    #[test]
    fn rejects_unknown_variables() {
        let (message, help) = Template::parse("{tol}").unwrap_err();
        assert!(message.contains("unknown template variable"), "{message}");
        assert_eq!(help.as_deref(), Some("did you mean `tool`?"));
        assert!(Template::parse("a } b").is_err());
    }

    #[test]
    fn joins_words_like_prose() {
        assert_eq!(join_words(&["text"]), "text");
        assert_eq!(join_words(&["text", "voice"]), "text and voice");
        assert_eq!(
            join_words(&["text", "voice", "video"]),
            "text, voice and video"
        );
    }
}
