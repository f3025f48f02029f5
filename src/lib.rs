//! e2ee-lint: checks company tool inventories against an end-to-end encryption policy.
//!
//! The library is the whole product; the binary (`src/bin/e2ee-lint/`: its command line, the
//! dispatch and the completions and man pages) reaches it only through the items below. Data
//! flows one way, through [`check`]: discover → load (one parse, spans) → engine (rules) → policy
//! sink → [`Outcome`] → renderers.
//!
//! # What is public, and why
//! Everything else is `pub(crate)`: `unreachable_pub` is on (an error under clippy's `-D
//! warnings`), so an item written `pub` is one that code outside the crate can reach, by path or
//! through a public signature or field. `tests/modules.rs` counts them (100, down from 152 and
//! 644 before that) and fails if the count grows. Each item below is public because the binary,
//! a benchmark, a fuzz target or an integration test reads it, or a public signature names it;
//! tests that need anything else are unit tests beside it.
//! - the pipeline: [`check`] with its [`Request`] and `pipeline::Error`, [`Outcome`] (with
//!   [`FileReport`], [`Summary`] and `for_engine`, `rule`, `summary`), [`lint_source`] for one
//!   file (benchmarks, fuzz targets, format tests) and [`DEFAULT_MAX_FILE_SIZE`] (a `--max-file-size`
//!   default);
//! - [`commands`]: one [`commands::Command`] per subcommand (its fields are the options, with
//!   [`commands::OutputTarget`], `CatalogFormat` and `RulesFormat`, which the binary's clap
//!   definitions parse into) and [`commands::run`]; [`status`]: the [`status::Exit`] codes and
//!   `error_line`, the one shape of an error line, which the binary prints too;
//! - [`output`]: `render`, `Format` and `Style` (`Style::PLAIN`), to render an `Outcome`;
//! - [`lsp`]: the language server, [`lsp::Server`] with `new` and `feed` (framed bytes in,
//!   messages out; the stdio loop is `Command::Server`), for the benchmark and the fuzz target;
//! - [`policy`]: `Settings` (with `new`), `ConfigChoice` and `FailOn`: the request's policy half;
//! - the catalog and rule types custom tooling, the benchmarks and the fuzz targets build on:
//!   [`catalog`] (`Catalog` with `embedded`, `systems`, `by_id` and `resolve`, its `Match` and
//!   `MatchKind`; `System` with its `Cell`s, `Support`, `Channel` and the `Provenance` of an added
//!   system), [`engine`] (`Engine` with `embedded` and `with_rules`; `rule::Registry` with
//!   `embedded`, `from_files`, `get`, `rules` and `infos`; `rule::Rule`, `rule::RuleInfo` and
//!   `rule::Target`, whose field target is a `FieldId` with its `name`), [`finding`] (`Finding`,
//!   `Severity`, `Suppression`, `SuppressionKind`), [`source`] (`SourceFile`, `Span`), [`date`]
//!   (`Date` with `parse` and `default_today`), and the `LocatedError` (with its `Problem`) that
//!   rule-file and config errors are;
//! - [`yaml`]: `parse` and its spanned tree (`Node`, `NodeKind`, `ParseError`), for the parser
//!   benchmark and the YAML test suite; [`schema`]: `SchemaKind`, which `Command::Schema` takes;
//! - [`manual`]: the book's generated pages, which `tests/generated.rs` writes and checks.

#![warn(unreachable_pub)]

pub mod catalog;
pub(crate) mod channel;
pub mod commands;
pub(crate) mod confine;
pub(crate) mod coverage;
pub mod date;
pub(crate) mod discover;
pub mod engine;
pub(crate) mod fields;
pub mod finding;
pub(crate) mod fix;
pub(crate) mod inventory;
pub(crate) mod located;
pub mod lsp;
pub mod manual;
pub(crate) mod merge;
pub(crate) mod outcome;
pub mod output;
pub(crate) mod pipeline;
pub mod policy;
pub(crate) mod read;
pub(crate) mod rule_tests;
pub mod schema;
pub mod source;
pub mod status;
pub(crate) mod suggest;
pub(crate) mod text;
pub(crate) mod write;
pub mod yaml;

pub use discover::DEFAULT_MAX_FILE_SIZE;
#[cfg(test)]
pub(crate) use discover::PathError;
pub use outcome::{FileReport, Outcome, Summary};
#[cfg(test)]
pub(crate) use pipeline::check_files;
pub use pipeline::{Request, check, lint_source};
