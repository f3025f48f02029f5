//! Diagnostics: one pipeline run per document version, and its findings as LSP diagnostics
//! with the CLI's spans, rule ids as `code` and the rule's documentation as `codeDescription`.
//!
//! Findings suppressed by a config exception, an inline ignore or the baseline are shown as
//! hints (severity 4) whose message says what suppressed them, so an editor still shows where
//! an accepted risk is without counting it as a problem.

use std::path::Path;
use std::sync::Arc;

use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString,
};

use super::documents::{Encoding, LineIndex, uri_of};
use crate::finding::{Finding, Severity, SuppressionKind};
use crate::outcome::Outcome;
use crate::pipeline;
use crate::policy::config::ConfigError;
use crate::policy::ids::INVALID_CONFIG;
use crate::policy::{self, Settings};
use crate::source::{SourceFile, Span};

/// What the pipeline said about one document version.
#[derive(Debug)]
pub(crate) enum Analysis {
    // Boxed: an outcome is large, and most analyses of a session are of inventories.
    Inventory(Result<Box<Outcome>, pipeline::Error>),
    Config(Result<(), Vec<ConfigError>>),
    /// Too large, or not a file: one message.
    Refused(String),
}

/// Lints an inventory buffer through the one pipeline.
pub(crate) fn inventory(path: &Path, text: &str, settings: &Settings) -> Analysis {
    if text.len() as u64 > settings.max_file_size {
        return Analysis::Refused(format!(
            "larger than the maximum file size ({} bytes); not checked",
            settings.max_file_size
        ));
    }
    Analysis::Inventory(pipeline::check_document(path, text.to_owned(), settings).map(Box::new))
}

/// Validates a config buffer with the config loader.
pub(crate) fn config(path: &Path, text: &str, settings: &Settings) -> Analysis {
    if text.len() as u64 > settings.max_file_size {
        return Analysis::Refused(format!(
            "larger than the maximum file size ({} bytes); not checked",
            settings.max_file_size
        ));
    }
    let registry = match crate::engine::rule::Registry::embedded() {
        Ok(registry) => registry,
        Err(e) => return Analysis::Refused(e.to_string()),
    };
    let rule_ids: Vec<&str> = registry
        .rules()
        .map(|r| &*r.info.id)
        .filter(|id| *id != INVALID_CONFIG)
        .collect();
    let name = crate::discover::display_name(path);
    let source = Arc::new(SourceFile::new(name, path, text.to_owned()));
    Analysis::Config(policy::config::load(source, &rule_ids).map(|_| ()))
}

/// The LSP diagnostic of one finding, located in `text` (the file the finding points into).
pub(crate) fn of_finding(finding: &Finding, index: &LineIndex, encoding: Encoding) -> Diagnostic {
    let text = &finding.source.text;
    let mut message = finding.message.to_string();
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let severity = match (&finding.suppressed, finding.severity) {
        (Some(suppression), _) => {
            let by = match suppression.kind {
                SuppressionKind::Exception => "a config exception",
                SuppressionKind::Inline => "an ignore comment",
                SuppressionKind::Baseline => "the baseline",
            };
            message = format!("suppressed by {by}: {message}");
            DiagnosticSeverity::HINT
        }
        (None, Severity::Error) => DiagnosticSeverity::ERROR,
        (None, Severity::Warning) => DiagnosticSeverity::WARNING,
        (None, Severity::Info) => DiagnosticSeverity::INFORMATION,
    };
    let related: Vec<DiagnosticRelatedInformation> = finding
        .labels
        .iter()
        .filter_map(|label| {
            let source = label.source.as_ref().unwrap_or(&finding.source);
            let range = if Arc::ptr_eq(source, &finding.source) {
                index.range(text, label.span, encoding)
            } else {
                LineIndex::new(&source.text).range(&source.text, label.span, encoding)
            };
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri_of(&source.path)?, range),
                message: label.message.to_string(),
            })
        })
        .collect();
    diagnostic(
        index.range(text, finding.span, encoding),
        severity,
        &finding.rule,
        message,
        related,
    )
}

/// A diagnostic with the rule's id and documentation link.
pub(crate) fn diagnostic(
    range: lsp_types::Range,
    severity: DiagnosticSeverity,
    rule: &str,
    message: String,
    related: Vec<DiagnosticRelatedInformation>,
) -> Diagnostic {
    Diagnostic {
        range,
        severity: Some(severity),
        code: Some(NumberOrString::String(rule.to_owned())),
        code_description: crate::output::rule_help_uri(rule)
            .parse()
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("e2ee-lint".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// The diagnostic of a config error, in the config file's own text.
pub(crate) fn of_config_error(error: &ConfigError, text: &str, encoding: Encoding) -> Diagnostic {
    let index = LineIndex::new(text);
    let span = error.span;
    let mut message = error.message.clone();
    if let Some(help) = &error.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    diagnostic(
        index.range(text, span, encoding),
        DiagnosticSeverity::ERROR,
        INVALID_CONFIG,
        message,
        Vec::new(),
    )
}

/// One diagnostic on the first line, for a document that could not be checked at all.
pub(crate) fn whole_file(
    text: &str,
    rule: &str,
    message: String,
    encoding: Encoding,
) -> Diagnostic {
    let first = text.find(['\n', '\r']).unwrap_or(text.len());
    let index = LineIndex::new(text);
    diagnostic(
        index.range(text, Span::new(0, first), encoding),
        DiagnosticSeverity::ERROR,
        rule,
        message,
        Vec::new(),
    )
}

/// The diagnostics of an inventory document: its findings (the ones located in it), or why it
/// was not checked (an invalid config, which is linked).
pub(crate) fn for_inventory(
    analysis: &Analysis,
    path: &Path,
    text: &str,
    index: &LineIndex,
    encoding: Encoding,
) -> Vec<Diagnostic> {
    match analysis {
        Analysis::Inventory(Ok(outcome)) => outcome
            .findings
            .iter()
            .filter(|f| f.source.path == path)
            .map(|f| of_finding(f, index, encoding))
            .collect(),
        Analysis::Inventory(Err(pipeline::Error::Usage(message))) | Analysis::Refused(message) => {
            vec![whole_file(text, INVALID_CONFIG, message.clone(), encoding)]
        }
        Analysis::Inventory(Err(pipeline::Error::Rules(errors))) => {
            let first = errors.first().map_or_else(String::new, |e| e.one_line());
            vec![whole_file(
                text,
                INVALID_CONFIG,
                format!("a rule file is invalid, so this file was not checked: {first}"),
                encoding,
            )]
        }
        Analysis::Inventory(Err(pipeline::Error::Config(errors))) => {
            let related = errors
                .iter()
                .filter_map(|e| {
                    let source = &e.file_text;
                    let path = Path::new(&e.file_name);
                    let index = LineIndex::new(source);
                    let span = e.span;
                    Some(DiagnosticRelatedInformation {
                        location: Location::new(uri_of(path)?, index.range(source, span, encoding)),
                        message: e.message.clone(),
                    })
                })
                .collect();
            let mut diagnostic = whole_file(
                text,
                INVALID_CONFIG,
                format!(
                    "the config is invalid ({} problem{}), so this file was not checked: {}",
                    errors.len(),
                    if errors.len() == 1 { "" } else { "s" },
                    errors.first().map_or("", |e| e.message.as_str())
                ),
                encoding,
            );
            diagnostic.related_information = Some(related);
            vec![diagnostic]
        }
        Analysis::Config(_) => Vec::new(),
    }
}

/// The diagnostics of a config document: its own errors, then the findings the policy placed in
/// it while checking the open inventories it governs.
pub(crate) fn for_config<'a>(
    analysis: &Analysis,
    text: &str,
    located_here: impl Iterator<Item = &'a Finding>,
    encoding: Encoding,
) -> Vec<Diagnostic> {
    match analysis {
        Analysis::Config(Err(errors)) => errors
            .iter()
            .map(|e| of_config_error(e, text, encoding))
            .collect(),
        Analysis::Refused(message) => {
            vec![whole_file(text, INVALID_CONFIG, message.clone(), encoding)]
        }
        _ => {
            let index = LineIndex::new(text);
            located_here
                .filter(|f| f.source.text.as_str() == text)
                .map(|f| of_finding(f, &index, encoding))
                .collect()
        }
    }
}
