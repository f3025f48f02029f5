//! The `e2ee-lint` binary: parse arguments, run, exit. It owns the command line (`cli`), the
//! dispatch to the library's commands (`app`) and the completions and man pages drawn from the
//! command line (`generate`); everything else is in the library, reached through its public
//! items only.

mod app;
mod cli;
mod generate;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser;
use e2ee_lint::status::Exit;

fn main() -> ExitCode {
    // A bug must never show a backtrace to a CI log: one line, and the documented exit code.
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("unknown cause");
        let message = message.lines().next().unwrap_or_default();
        // Not `eprintln!`: a standard error that cannot be written must not panic again.
        let _ = writeln!(
            std::io::stderr(),
            "e2ee-lint: internal error{location}, please report it: {message}"
        );
        std::process::exit(i32::from(u8::from(Exit::Internal)));
    }));
    #[cfg(feature = "internal-test-panic")]
    if std::env::var_os("E2EE_LINT_INTERNAL_TEST_PANIC").is_some() {
        panic!("E2EE_LINT_INTERNAL_TEST_PANIC is set");
    }
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(match error.exit_code() {
                0 => u8::from(Exit::Ok),
                _ => u8::from(Exit::Usage),
            });
        }
    };
    ExitCode::from(app::run(cli))
}
