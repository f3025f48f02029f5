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
//! through a public signature or field. `tests/modules.rs` counts them (152; issue 19 aims at
//! 100) and fails if the count grows. Each item below is public because the binary, a benchmark,
//! a fuzz target or an integration test reads it, or a public signature names it (the types
//! behind `Outcome`'s findings and files, `Settings`' mapping, `Config`'s exceptions).
//! - the pipeline: [`check`] with its [`Request`] and [`Outcome`] (with [`FileReport`],
//!   [`Summary`] and [`PathError`]), [`lint_source`] for one file (benchmarks, fuzz targets) and
//!   [`DEFAULT_MAX_FILE_SIZE`];
//! - [`commands`]: one function per command on library types (`check`, `merge`, `rules`,
//!   `explain`, `catalog`, `config`, `test_rules`, `init`, `schema`), which the binary calls
//!   after parsing its arguments, with their options and format choices;
//! - [`status`]: the exit codes and the one shape of an error line, shared by the commands and
//!   the binary;
//! - [`output`]: `render`, `Format` and `Style`, and `csv::header` (the CSV columns, which a
//!   test holds against the field table);
//! - [`lsp`]: the language server (`run_stdio` for the binary, `Server` and `transport` for the
//!   benchmark and the fuzz target);
//! - [`policy`]: `Settings`, `ConfigChoice` and `FailOn` (the request's policy half), and
//!   `config::load` with `Config`, the config file's model (fuzz target, config tests);
//! - [`catalog`] (`Catalog` with `embedded`, `systems`, `by_id` and `resolve`; `System` with
//!   its cells and statuses), [`engine`] (`Engine`, `rule::Registry`, `rule::RuleInfo`,
//!   `rule::Target`), [`fields`] (the field table), [`finding`], [`source`], [`date`]: the catalog
//!   and rule types custom tooling, the benchmarks and the fuzz targets build on;
//! - [`yaml`]: the parser's tree, for the benchmarks and the YAML tests; [`schema`]: the JSON
//!   Schemas the `schema` command prints and `schemas/` commits;
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
