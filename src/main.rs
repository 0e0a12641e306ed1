//! `skydrive-cli`: the interactive OneDrive shell. All logic lives in `skydrive::shell`.

#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::process::ExitCode;

fn main() -> ExitCode {
    ignore_file_size_signal();
    let cli = skydrive::shell::parse_args();
    ExitCode::from(skydrive::shell::main(cli))
}

/// Writing past the file size limit (`ulimit -f`) raises SIGXFSZ, whose default action kills
/// the process before it can say why or remove its partial file. Installing a handler (tokio's,
/// the only signal API among our dependencies) replaces that action for the whole process, so
/// the write fails with EFBIG instead and `get` reports it. The handler stays installed after
/// this throwaway runtime is gone; its wake-ups are simply never read.
#[cfg(unix)]
fn ignore_file_size_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    /// SIGXFSZ on Linux and the BSDs (macOS included).
    const SIGXFSZ: i32 = 25;
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
    else {
        return;
    };
    // If this fails the default action stays: the process dies, as any other program would.
    let _ = rt.block_on(async { signal(SignalKind::from_raw(SIGXFSZ)) });
}

#[cfg(not(unix))]
fn ignore_file_size_signal() {}
