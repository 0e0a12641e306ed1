//! The prompt's line editor on a thread of its own, so that the shell's single-threaded
//! runtime keeps running while a person types: the listing prefetch after `cd`, a Tab
//! completion's fetch and the `--demo` emulator are tasks on that runtime, and they need the
//! main thread to be inside the runtime (awaiting the next line) rather than blocked in
//! `readline`. Commands run on the main thread, where transfers get the runtime to themselves
//! (bench/results.md measures what a multi-threaded runtime costs them).
//!
//! The thread reads a line only when asked, so between lines the terminal is the commands'
//! (cooked mode: `rm -r` asks for a confirmation, Ctrl-C interrupts), and what is typed ahead
//! waits in the terminal for the next prompt; what the editor read past a line waits in its
//! buffer (the `buffer-redux` feature).

use std::sync::mpsc;
use std::thread::JoinHandle;

use rustyline::Editor;
use rustyline::history::FileHistory;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::completion::ShellHelper;

/// What the main thread asks of the editor's thread.
enum Ask {
    /// Read one line with this prompt.
    Line(String),
    /// Add an entry to the editor's history (Up arrow, Ctrl-R).
    Remember(String),
}

/// The handle of the editor's thread; dropping it ends the thread (restoring the terminal).
pub struct LineReader {
    asks: Option<mpsc::Sender<Ask>>,
    lines: UnboundedReceiver<rustyline::Result<String>>,
    thread: Option<JoinHandle<()>>,
}

impl LineReader {
    /// Moves `ed` to a new thread that reads a line whenever [`LineReader::read`] asks.
    ///
    /// # Errors
    ///
    /// The thread cannot be started.
    pub fn start(ed: Editor<ShellHelper, FileHistory>) -> std::io::Result<Self> {
        let (asks, asked) = mpsc::channel();
        let (tell, lines) = unbounded_channel();
        let thread = std::thread::Builder::new()
            .name("prompt".into())
            .spawn(move || serve(ed, &asked, &tell))?;
        Ok(LineReader {
            asks: Some(asks),
            lines,
            thread: Some(thread),
        })
    }

    /// Shows `prompt` and waits for the line (the runtime keeps running meanwhile).
    ///
    /// # Errors
    ///
    /// What `readline` returns: Ctrl-C, end of input, a terminal error; an I/O error when the
    /// editor's thread is gone.
    pub async fn read(&mut self, prompt: String) -> rustyline::Result<String> {
        let gone = || rustyline::error::ReadlineError::Io(std::io::Error::other("prompt ended"));
        let sent = self.asks.as_ref().map(|a| a.send(Ask::Line(prompt)));
        if !matches!(sent, Some(Ok(()))) {
            return Err(gone());
        }
        self.lines.recv().await.unwrap_or_else(|| Err(gone()))
    }

    /// Adds `entry` to the editor's in-memory history.
    pub fn remember(&self, entry: String) {
        if let Some(a) = &self.asks {
            let _ = a.send(Ask::Remember(entry));
        }
    }
}

impl Drop for LineReader {
    fn drop(&mut self) {
        // The thread is idle between lines: closing its channel ends it.
        self.asks = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The editor's thread: answers asks until the main thread hangs up.
fn serve(
    mut ed: Editor<ShellHelper, FileHistory>,
    asked: &mpsc::Receiver<Ask>,
    tell: &UnboundedSender<rustyline::Result<String>>,
) {
    while let Ok(ask) = asked.recv() {
        match ask {
            Ask::Line(prompt) => {
                if tell.send(ed.readline(&prompt)).is_err() {
                    return;
                }
            }
            Ask::Remember(entry) => {
                let _ = ed.add_history_entry(entry.as_str());
            }
        }
    }
}
