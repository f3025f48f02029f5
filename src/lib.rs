//! e2ee-lint: checks company tool inventories against an end-to-end encryption policy.
//!
//! The library is the whole product; the binary only parses arguments and maps the outcome to
//! an exit code. Data flows one way, through [`pipeline::check`]: discover → load (one parse,
//! spans) → engine (rules) → policy sink → [`Outcome`] → renderers.

pub mod app;
pub mod catalog;
pub mod cli;
pub mod coverage;
pub mod discover;
pub mod engine;
pub mod fields;
pub mod finding;
pub mod fix;
pub mod generate;
pub mod inventory;
pub mod lsp;
pub mod manual;
pub mod merge;
pub mod outcome;
pub mod output;
pub mod pipeline;
pub mod policy;
pub mod read;
pub mod rule_tests;
pub mod schema;
pub mod source;
pub mod suggest;
pub mod write;
pub mod yaml;

pub use discover::PathError;
pub use outcome::{FileReport, Outcome, Summary};
pub use pipeline::{Request, check, check_files, lint_source};
