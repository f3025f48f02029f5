//! What the process tells its caller: exit codes and one-line messages on standard error.
//! Below every command, so that a command module never depends on the dispatcher.

use std::io::{self, Write};

/// The exit codes; the README documents the same table. The binary reads them as `u8`
/// (`u8::from(Exit::Usage)`), and so do the commands, through `status::exit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Nothing at or above `--fail-on`.
    Ok = 0,
    /// Findings at or above `--fail-on`.
    Findings = 1,
    /// Usage error, unreadable path, invalid configuration.
    Usage = 2,
    /// A bug in e2ee-lint (a panic).
    Internal = 3,
}

impl From<Exit> for u8 {
    fn from(exit: Exit) -> u8 {
        exit as u8
    }
}

/// [`Exit`]'s codes as the `u8` the commands return.
pub(crate) mod exit {
    use super::Exit;

    pub(crate) const OK: u8 = Exit::Ok as u8;
    pub(crate) const FINDINGS: u8 = Exit::Findings as u8;
    pub(crate) const USAGE: u8 = Exit::Usage as u8;
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
