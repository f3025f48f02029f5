//! e2ee-lint: checks company tool inventories against an end-to-end encryption policy.
//!
//! The library is the whole product; the binary only parses arguments and maps the outcome to
//! an exit code. Data flows one way, through [`check`]: discover → load (one parse, spans) →
//! engine (rules) → policy sink → [`Outcome`] → renderers.
//!
//! # What is public, and why
//! The pipeline's entry ([`check`], [`Request`], [`Outcome`], [`lint_source`]) and these
//! modules; everything else is `pub(crate)`. `tests/modules.rs` counts the `pub` items reachable
//! from here and fails if the count grows.
//! - `output`: `render` and `Format`, and the `human` handler the binary draws diagnostics with;
//! - `lsp`: the language server (`Server` over a `transport`);
//! - `catalog`, `engine` (`Engine`, `rule::Registry`, `rule::RuleInfo`), `fields`, `finding`,
//!   `source`, `date`: the catalog and rule types custom tooling and the fuzz targets build on;
//! - `policy`: `Settings` and `ConfigChoice`, the request's policy half;
//! - `inventory`, `yaml`: the loader and the parser's tree, for the benchmarks and the YAML test
//!   suite;
//! - `app`, `cli`, `status`, `schema`, `manual`, `rule_tests`, `write`: the binary's commands,
//!   still in the library until they move to the binary (issue 19's open item).

pub mod catalog;
pub(crate) mod channel;
pub mod commands;
pub(crate) mod confine;
pub(crate) mod coverage;
pub mod date;
pub(crate) mod discover;
pub mod engine;
pub mod fields;
pub mod finding;
pub(crate) mod fix;
pub mod inventory;
pub(crate) mod located;
pub mod lsp;
pub mod manual;
pub(crate) mod merge;
pub(crate) mod outcome;
pub mod output;
pub(crate) mod pipeline;
pub mod policy;
pub(crate) mod read;
pub mod rule_tests;
pub mod schema;
pub mod source;
pub mod status;
pub(crate) mod suggest;
pub(crate) mod text;
pub(crate) mod write;
pub mod yaml;

pub use discover::{DEFAULT_MAX_FILE_SIZE, PathError};
pub use outcome::{FileReport, Outcome, Summary};
#[cfg(test)]
pub(crate) use pipeline::check_files;
pub use pipeline::{Request, check, lint_source};
