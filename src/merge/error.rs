//! A `report-json` that `merge` cannot read: a located diagnostic naming the file.

use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};

/// One unreadable, malformed or truncated input; the other inputs still merge.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub(crate) struct InputError {
    pub(crate) file: String,
    pub message: String,
    /// The text and the place in it, when the file was read.
    /// Boxed: errors travel in `Result`s, and most inputs have none.
    pub(crate) located: Option<Box<(NamedSource<Arc<String>>, SourceSpan)>>,
    pub(crate) label: String,
    pub(crate) help: String,
}

impl Diagnostic for InputError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new("error[unreadable-report]"))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.help))
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.located
            .as_ref()
            .map(|located| &located.0 as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.located.as_deref()?.1;
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(Some(self.label.clone()), span),
        )))
    }
}

impl InputError {
    /// A file that could not be read at all.
    pub(crate) fn unreadable(file: &str, message: String) -> InputError {
        InputError {
            file: file.to_owned(),
            message,
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
        InputError {
            file: file.to_owned(),
            message,
            located: Some(Box::new((
                NamedSource::new(file, Arc::clone(&text)),
                (offset, length).into(),
            ))),
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
            message,
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
