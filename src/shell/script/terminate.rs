//! SIGTERM and SIGHUP, treated like Ctrl-C: a running command is cancelled (its future
//! dropped, which cleans up as Ctrl-C does) and the shell then exits with 128 + N; with no
//! command running there is nothing to clean up, and the process exits at once.
//!
//! Tokio's handler replaces the signal's default action for the whole process, so one task
//! listens for as long as the process lives and decides which of the two applies.

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use tokio::sync::Notify;

/// A command is running (a termination signal cancels it rather than ending the process).
static RUNNING: AtomicBool = AtomicBool::new(false);
/// The termination signal received while a command ran (0: none).
static PENDING: AtomicU8 = AtomicU8::new(0);
/// Wakes the running command's select when [`PENDING`] is set.
static STOP: Notify = Notify::const_new();

/// Starts listening for SIGTERM and SIGHUP (call once, inside the runtime): while a command
/// runs it is cancelled like Ctrl-C; otherwise the process exits at once with 128 + N.
pub fn watch_termination() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) else {
            // The default actions stay: the process ends at once, as any other program would.
            return;
        };
        tokio::spawn(async move {
            loop {
                let n: u8 = tokio::select! {
                    _ = term.recv() => 15,
                    _ = hup.recv() => 1,
                };
                if !RUNNING.load(Ordering::SeqCst) {
                    std::process::exit(128 + i32::from(n));
                }
                PENDING.store(n, Ordering::SeqCst);
                STOP.notify_one();
            }
        });
    }
}

fn signal_name(n: u8) -> &'static str {
    match n {
        1 => "SIGHUP",
        15 => "SIGTERM",
        _ => "a signal",
    }
}

/// A command running: termination signals cancel it until [`Running::finish`].
pub(super) struct Running;

impl Running {
    /// Marks a command as running.
    pub(super) fn start() -> Self {
        RUNNING.store(true, Ordering::SeqCst);
        Running
    }

    /// Marks the command as done; the exit code and the signal's name when a termination
    /// signal arrived while it ran.
    pub(super) fn finish(self) -> Option<(u8, &'static str)> {
        RUNNING.store(false, Ordering::SeqCst);
        match PENDING.load(Ordering::SeqCst) {
            0 => None,
            n => Some((128 + n, signal_name(n))),
        }
    }
}

/// Completes when a termination signal arrives while a command runs.
pub(super) async fn requested() {
    STOP.notified().await;
}
