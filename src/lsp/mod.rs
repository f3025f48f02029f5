//! The language server (`e2ee-lint server`): the CLI's diagnostics, with the same spans, as
//! people type; catalog hovers, completion from the field table, and code actions.
//!
//! Built on the crates rust-analyzer uses: `lsp-types` for the protocol's types and
//! `lsp-server`'s message types, with the framing in `transport` (see there why). The server
//! is a plain state machine ([`Server`]): bytes in, messages out, and a flush lints what
//! changed. The stdio loop below feeds it frames and decides when to flush (the debounce);
//! [`Server::feed`] is the same machine for one write, which the benchmark and the fuzzer
//! drive.

mod actions;
mod completion;
pub(crate) mod diagnostics;
pub(crate) mod documents;
mod hover;
mod server;
mod transport;

use std::io::{self, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub use server::Server;

/// How long the server waits for more changes before linting: typing bursts are linted once,
/// at their last version.
pub(crate) const DEBOUNCE: Duration = Duration::from_millis(8);
/// A document that keeps changing is still linted at least this often.
pub(crate) const MAX_DELAY: Duration = Duration::from_millis(150);

/// Runs the server on standard input and output until `exit` or the end of input.
pub(crate) fn run_stdio() -> Result<u8, String> {
    let settings = crate::policy::Settings::new(crate::date::Date::default_today()?);
    let mut server = Server::new(settings);
    // A reader thread, so the main thread can wait for input with a timeout (the debounce).
    let (frames, incoming) = mpsc::sync_channel::<transport::Frame>(64);
    std::thread::spawn(move || {
        let stdin = io::stdin();
        let mut input = stdin.lock();
        loop {
            let frame = transport::read(&mut input);
            let end = matches!(frame, transport::Frame::End);
            if frames.send(frame).is_err() || end {
                break;
            }
        }
    });
    let mut stdout = io::stdout().lock();
    let mut dirty_since: Option<Instant> = None;
    loop {
        let frame = if server.has_pending() {
            let since = *dirty_since.get_or_insert_with(Instant::now);
            if since.elapsed() >= MAX_DELAY {
                Err(mpsc::RecvTimeoutError::Timeout)
            } else {
                incoming.recv_timeout(DEBOUNCE)
            }
        } else {
            dirty_since = None;
            incoming
                .recv()
                .map_err(|_| mpsc::RecvTimeoutError::Disconnected)
        };
        match frame {
            Ok(transport::Frame::Body(body)) => server.handle_bytes(&body),
            Ok(transport::Frame::Bad(reason)) => server.bad_frame(&reason),
            Ok(transport::Frame::End) | Err(mpsc::RecvTimeoutError::Disconnected) => {
                send_all(&mut stdout, &mut server)?;
                // The client went away without `exit`: the protocol's unclean end.
                return Ok(if server.was_shut_down() { 0 } else { 1 });
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                server.flush();
                dirty_since = None;
            }
        }
        send_all(&mut stdout, &mut server)?;
        if let Some(code) = server.exit_code() {
            return Ok(code);
        }
    }
}

fn send_all(out: &mut impl Write, server: &mut Server) -> Result<(), String> {
    for message in server.take_outgoing() {
        transport::write(out, &message)
            .map_err(|e| format!("cannot write standard output: {e}"))?;
    }
    Ok(())
}
