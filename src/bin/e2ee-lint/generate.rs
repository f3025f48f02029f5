//! Shell completions and man pages, generated from the clap definitions (`completions`, `manpage`).
//!
//! Nothing here is written by hand: a new subcommand or option appears in every script and page
//! with no change to this file. Output is deterministic (no date in the man page's `.TH` line), so
//! packagers can generate the files at build time and compare them.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;
use e2ee_lint::status::Exit;

use crate::cli::Cli;

/// The program name the scripts complete and the pages describe.
const BIN_NAME: &str = "e2ee-lint";

/// `e2ee-lint completions SHELL`: the script on standard output.
pub fn run_completions(shell: Shell) -> Result<u8, String> {
    let mut text = Vec::new();
    completions(shell, &mut text).map_err(|e| format!("cannot generate completions: {e}"))?;
    print_stdout(&text)
}

/// `e2ee-lint manpage [--dir DIR]`: the main page on standard output, or every page into `DIR`.
pub fn run_manpage(dir: Option<&Path>) -> Result<u8, String> {
    match dir {
        Some(dir) => {
            let written = manpages_to(dir)
                .map_err(|e| format!("cannot write man pages to {}: {e}", dir.display()))?;
            for path in written {
                eprintln!("wrote {}", path.display());
            }
            Ok(u8::from(Exit::Ok))
        }
        None => {
            let mut text = Vec::new();
            manpage(&mut text).map_err(|e| format!("cannot generate the man page: {e}"))?;
            print_stdout(&text)
        }
    }
}

fn print_stdout(bytes: &[u8]) -> Result<u8, String> {
    match io::stdout().lock().write_all(bytes) {
        Ok(()) => Ok(u8::from(Exit::Ok)),
        // A reader that stops early (`| head`) is not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(u8::from(Exit::Ok)),
        Err(e) => Err(format!("cannot write output: {e}")),
    }
}

/// The whole command tree, built (so every subcommand knows its display and binary name).
fn command() -> clap::Command {
    let mut command = Cli::command().bin_name(BIN_NAME);
    command.build();
    command
}

/// Writes the completion script for `shell`.
pub fn completions(shell: Shell, out: &mut dyn Write) -> io::Result<()> {
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut command(), BIN_NAME, &mut buffer);
    if shell == Shell::Bash {
        // clap_complete 4.6 spells a hyphenated binary's state two ways in bash (the loop says
        // `e2ee__lint__subcmd__check`, the case arms `e2ee__subcmd__lint__subcmd__check`), so no
        // subcommand's options complete (clap-rs/clap#6421). Use the loop's spelling; once clap
        // is fixed this replaces nothing, and tests/packaging.rs completes through bash.
        let text = String::from_utf8_lossy(&buffer).replace("e2ee__subcmd__lint", "e2ee__lint");
        return out.write_all(text.as_bytes());
    }
    out.write_all(&buffer)
}

/// The command tree for man pages: `help` is a subcommand only on the command line, not a page.
fn man_command() -> clap::Command {
    let mut command = Cli::command()
        .bin_name(BIN_NAME)
        .disable_help_subcommand(true);
    command.build();
    command
}

/// One man page: `e2ee-lint(1)` for the program, `e2ee-lint-check(1)` and so on for subcommands.
fn page(command: clap::Command) -> clap_mangen::Man {
    clap_mangen::Man::new(command)
        .source(concat!("e2ee-lint ", env!("CARGO_PKG_VERSION")))
        .manual("e2ee-lint manual")
}

/// Writes the program's man page, `e2ee-lint(1)`, in roff.
pub fn manpage(out: &mut dyn Write) -> io::Result<()> {
    page(man_command()).render(out)
}

/// Writes `e2ee-lint.1` and one `e2ee-lint-COMMAND.1` per subcommand (the pages the main page's
/// SUBCOMMANDS section names) into `dir`, which must exist. Returns the files written, sorted.
pub fn manpages_to(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let command = man_command();
    let mut written = Vec::new();
    let pages = std::iter::once(command.clone()).chain(
        command
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .cloned(),
    );
    for command in pages {
        let man = page(command);
        let path = dir.join(man.get_filename());
        let mut text = Vec::new();
        man.render(&mut text)?;
        std::fs::write(&path, text)?;
        written.push(path);
    }
    written.sort();
    Ok(written)
}
