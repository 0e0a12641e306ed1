//! Standard output, under one rule for every command, format and mode: output that did not get
//! out is a failure. A write refused by the system (disk full behind `> file`, `/dev/full`, a
//! closed descriptor) fails the command with exit 1 and one message naming standard output.
//! A reader that went away (`| head`) is not a failure: the output ends there quietly and the
//! command keeps its own status, which is what a program killed by SIGPIPE looks like to a
//! script (Rust ignores SIGPIPE, so the write reports EPIPE instead of killing the process).
//!
//! On a terminal, content that looks binary is not written unless asked (`cat -f`): raw bytes
//! would pour escape sequences onto the terminal, as `less` and `bat` also refuse to do.

use std::io::Write;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use crate::shell::error::{CmdResult, CommandError, exit};

/// How many leading bytes decide whether content is binary (git looks at the first 8000).
const SNIFF: usize = 8192;

/// Set when standard output was closed at start (`>&-`): Rust's stdout quietly drops writes
/// to a closed descriptor, so every write checks this instead and fails.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Records that standard output was closed when the process started (Rust's runtime put
/// `/dev/null` in its place).
pub fn mark_closed() {
    CLOSED.store(true, Ordering::Relaxed);
}

/// The error a write to a closed standard output gets.
fn closed() -> std::io::Result<()> {
    if CLOSED.load(Ordering::Relaxed) {
        Err(std::io::Error::other("it is closed"))
    } else {
        Ok(())
    }
}

/// Writes `text` to stdout under the module's rule.
pub fn out(text: &str) -> CmdResult {
    let mut stdout = std::io::stdout().lock();
    written(closed().and_then(|()| {
        stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
    }))
}

/// The module's rule for the result of a write to stdout.
pub fn written(result: std::io::Result<()>) -> CmdResult {
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CommandError::new(
            exit::FAILED,
            format!("cannot write to standard output: {e}"),
        )),
        _ => Ok(()),
    }
}

/// The error a guarded [`Stdout`] returns for binary content on a terminal.
#[derive(Debug)]
pub struct BinaryOnTerminal;

impl std::fmt::Display for BinaryOnTerminal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("binary content, not written to the terminal")
    }
}

impl std::error::Error for BinaryOnTerminal {}

/// True when `head` (the first bytes of some content) is not text a terminal can show as it
/// is: a NUL or another control character than tab, newline, carriage return, form feed and
/// backspace (ESC starts the escape sequences that drive a terminal), or bytes that are not
/// UTF-8. `complete` says whether `head` is the whole content: if not, a character cut off at
/// its end is not held against it.
pub fn looks_binary(head: &[u8], complete: bool) -> bool {
    let control = head
        .iter()
        .any(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x08)) || b == 0x7f);
    let utf8 = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => !complete && e.error_len().is_none(),
    };
    control || !utf8
}

/// Standard output as an `AsyncWrite` for streamed downloads (`cat`, `get X -`). Writes block,
/// which is fine: one command runs at a time and stdout is its alone. When guarded, the first
/// [`SNIFF`] bytes of each content are held back until they show whether it is text; binary
/// content is then refused with [`BinaryOnTerminal`] and nothing of it is written.
#[derive(Debug)]
pub struct Stdout {
    inner: std::io::Stdout,
    guard: bool,
    held: Option<Vec<u8>>,
}

impl Stdout {
    /// The process's standard output; `guard` turns the binary check on.
    pub fn new(guard: bool) -> Self {
        Stdout {
            inner: std::io::stdout(),
            guard,
            held: None,
        }
    }

    /// Starts a new content: with the guard on, its first bytes are checked afresh.
    pub fn begin(&mut self) {
        self.held = self.guard.then(Vec::new);
    }

    /// Decides about the held bytes: writes them out if they are text.
    fn release(&mut self, complete: bool) -> std::io::Result<()> {
        match self.held.take() {
            Some(head) if head.is_empty() => {
                self.held = Some(head);
                Ok(())
            }
            Some(head) if looks_binary(&head, complete) => {
                self.held = Some(Vec::new());
                Err(std::io::Error::other(BinaryOnTerminal))
            }
            Some(head) => self.inner.write_all(&head),
            None => Ok(()),
        }
    }
}

impl tokio::io::AsyncWrite for Stdout {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        if let Err(e) = closed() {
            return Poll::Ready(Err(e));
        }
        let Some(held) = this.held.as_mut() else {
            return Poll::Ready(this.inner.write(buf));
        };
        let take = buf.len().min(SNIFF.saturating_sub(held.len()).max(1));
        held.extend_from_slice(&buf[..take]);
        let full = held.len() >= SNIFF;
        if full && let Err(e) = this.release(false) {
            return Poll::Ready(Err(e));
        }
        Poll::Ready(Ok(take))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        Poll::Ready(this.release(true).and_then(|()| this.inner.flush()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.poll_flush(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_binary_are_told_apart() {
        assert!(!looks_binary(b"hello\tworld\r\n", true));
        assert!(!looks_binary("café ✓\n".as_bytes(), true));
        assert!(looks_binary(b"\x89PNG\r\n\x1a\n\0\0", true));
        assert!(looks_binary(b"red \x1b[31mtext", true));
        assert!(looks_binary(b"caf\xe9", true));
        // A character cut off by the sniff limit is not binary; at the end of a file it is.
        let cut = &"é".as_bytes()[..1];
        assert!(!looks_binary(cut, false));
        assert!(looks_binary(cut, true));
    }
}
