//! What the process tells its caller: exit codes and one-line messages on standard error.
//! Below every command, so that a command module never depends on the dispatcher.

use std::io::{self, Write};

/// Exit codes; the README documents the same table.
pub mod exit {
    /// Nothing at or above `--fail-on`.
    pub const OK: u8 = 0;
    /// Findings at or above `--fail-on`.
    pub(crate) const FINDINGS: u8 = 1;
    /// Usage error, unreadable path, invalid configuration.
    pub const USAGE: u8 = 2;
    /// A bug in e2ee-lint (a panic).
    pub const INTERNAL: u8 = 3;
}

/// Prints `e2ee-lint: error: MESSAGE` on standard error: the one shape of every error line.
/// A standard error that cannot be written is not a panic; the exit code still says it failed.
pub fn error_line(message: &str) {
    line(&format!("error: {message}"));
}

/// Prints `e2ee-lint: MESSAGE` on standard error, ignoring a standard error that cannot be
/// written.
pub(crate) fn line(message: &str) {
    let _ = writeln!(io::stderr().lock(), "e2ee-lint: {message}");
}
