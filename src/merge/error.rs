//! A `report-json` that `merge` cannot read: a located diagnostic naming the file. The input
//! comes from another repository's CI job, so its snippet goes through the one escaped and cut
//! snippet path ([`Snippet`]) and its message is escaped, as for any other input.

use std::sync::Arc;

use miette::Diagnostic;

use crate::source::{SourceFile, Span};
use crate::text::excerpt::Snippet;
use crate::text::sanitize;

/// One unreadable, malformed or truncated input; the other inputs still merge.
#[derive(Debug)]
pub(crate) struct InputError {
    pub(crate) file: String,
    /// Escaped and cut: it may quote the input (a JSON error, a word of the report).
    pub message: String,
    /// The lines around the place in the text, when the file was read.
    /// Boxed: errors travel in `Result`s, and most inputs have none.
    pub(crate) located: Option<Box<Snippet>>,
    pub(crate) label: String,
    pub(crate) help: String,
}

impl std::fmt::Display for InputError {
    /// `file: message`; where the line cannot be drawn, its location in words.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", sanitize::cut(&self.file), self.message)?;
        if let Some(snippet) = self.located.as_deref().filter(|s| !s.is_drawn()) {
            write!(f, "\n  at {} (line not shown)", snippet.at)?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

impl Diagnostic for InputError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new("error[unreadable-report]"))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.help))
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.located.as_deref()?.source_code()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let label = self.located.as_deref()?.label(Some(self.label.clone()))?;
        Some(Box::new(std::iter::once(label)))
    }
}

impl InputError {
    /// A file that could not be read at all.
    pub(crate) fn unreadable(file: &str, message: String) -> InputError {
        InputError {
            file: file.to_owned(),
            message: sanitize::cut(&message).into_owned(),
            located: None,
            label: String::new(),
            help: "pass the `report-json` file each repository's run wrote \
                   (`e2ee-lint check --output report-json=PATH`)"
                .into(),
        }
    }

    /// A JSON syntax or shape error at `line`:`column` (1-based, as serde_json counts).
    pub(crate) fn at(
        file: &str,
        text: Arc<String>,
        (line, column): (usize, usize),
        truncated: bool,
        message: String,
    ) -> InputError {
        // A truncated file: point at its end.
        let offset = if truncated {
            text.len()
        } else {
            offset_of(&text, line, column)
        };
        let length = usize::from(offset < text.len());
        let source = SourceFile::new(file, file, String::clone(&text));
        InputError {
            file: file.to_owned(),
            message: sanitize::cut(&message).into_owned(),
            located: Some(Box::new(Snippet::new(&source, Span::new(offset, length)))),
            label: if truncated {
                "the file ends here".into()
            } else {
                "here".into()
            },
            help: if truncated {
                "the file is truncated: the run's upload or download stopped early; fetch the \
                 artifact again"
                    .into()
            } else {
                "the file is not a `report-json` of this e2ee-lint version: write it with \
                 `e2ee-lint check --output report-json=PATH`"
                    .into()
            },
        }
    }

    /// A problem with no place in the text (a version, a vocabulary word).
    pub(crate) fn semantic(file: &str, message: String) -> InputError {
        InputError {
            file: file.to_owned(),
            message: sanitize::cut(&message).into_owned(),
            located: None,
            label: String::new(),
            help: "write the report with this e2ee-lint version (`e2ee-lint check --output \
                   report-json=PATH`)"
                .into(),
        }
    }
}

/// The byte offset of a 1-based line and column, clamped to the text.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let mut offset = (start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    #[test]
    fn offsets_count_lines_and_columns_from_one() {
        let text = "ab\ncd\n";
        assert_eq!(super::offset_of(text, 1, 1), 0);
        assert_eq!(super::offset_of(text, 2, 2), 4);
        assert_eq!(super::offset_of(text, 9, 1), text.len());
    }
}
