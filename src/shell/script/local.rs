//! `!CMD`: a line run by the local shell (`$SHELL -c CMD`, else `sh`), as in sftp and lftp.
//!
//! While the child runs, the terminal is cooked and a Ctrl-C goes to the whole foreground
//! process group: the child gets it and decides (a `sleep` dies, an editor may not), while
//! the shell only waits, as bash and sftp do. Its status is the child's, so `!exit 3` leaves
//! status 3 and `!false || echo` works; a child killed by signal N gives 128 + N (130 for
//! Ctrl-C), the shell's own convention for signals.

use tokio::process::Command;

use crate::shell::error::{CmdResult, CommandError, exit};

/// Runs `cmd` with the local shell and waits for it, Ctrl-C going to the child only.
///
/// # Errors
/// The child's exit status when it is not 0 (1 when it does not fit 1..=255), 128 + N when
/// signal N killed it, and 1 when the local shell cannot be started.
pub(super) async fn run_local(cmd: &str) -> CmdResult {
    let shell = std::env::var("SHELL").unwrap_or_else(|_| "sh".to_owned());
    let cannot =
        |e: std::io::Error| CommandError::new(exit::FAILED, format!("!: cannot run {shell}: {e}"));
    // Listening replaces SIGINT's default action (ending the shell) for the whole process;
    // the child starts with the default action again (exec resets caught signals).
    let mut interrupts = Interrupts::listen().map_err(cannot)?;
    let mut child = Command::new(&shell)
        .arg("-c")
        .arg(cmd)
        .spawn()
        .map_err(cannot)?;
    let status = loop {
        tokio::select! {
            status = child.wait() => break status.map_err(cannot)?,
            // The child got the same Ctrl-C: its status says what it made of it.
            () = interrupts.next() => {}
        }
    };
    status_of(status)
}

/// The result of a local command that ended with `status`.
fn status_of(status: std::process::ExitStatus) -> CmdResult {
    if let Some(code) = status.code() {
        return match u8::try_from(code) {
            Ok(0) => Ok(()),
            Ok(n) => Err(CommandError::new(
                n,
                format!("!: local command exited with status {n}"),
            )),
            Err(_) => Err(CommandError::new(
                exit::FAILED,
                format!("!: local command exited with status {code}"),
            )),
        };
    }
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        let code = u8::try_from(128 + signal).unwrap_or(exit::FAILED);
        return Err(CommandError::new(
            code,
            format!("!: local command was killed by signal {signal}"),
        ));
    }
    Err(CommandError::new(
        exit::FAILED,
        "!: local command ended without an exit status",
    ))
}

/// Ctrl-C while a local command runs.
struct Interrupts {
    #[cfg(unix)]
    inner: tokio::signal::unix::Signal,
    #[cfg(windows)]
    inner: tokio::signal::windows::CtrlC,
}

impl Interrupts {
    /// Starts listening at once (not at the first poll), so no Ctrl-C finds the default
    /// action between the child's start and the first wait.
    fn listen() -> std::io::Result<Self> {
        #[cfg(unix)]
        let inner = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
        #[cfg(windows)]
        let inner = tokio::signal::windows::ctrl_c()?;
        Ok(Interrupts { inner })
    }

    /// The next Ctrl-C (never, once the listener is gone).
    async fn next(&mut self) {
        if self.inner.recv().await.is_none() {
            std::future::pending::<()>().await;
        }
    }
}
