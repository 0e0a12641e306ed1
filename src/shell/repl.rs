//! The interactive prompt (rustyline): line editing, persistent history, Tab completion and a
//! prompt with the drive and cwd. The editor runs on a thread of its own (`linereader`); the
//! loop here runs inside the shell's runtime on the main thread, which runs each line's
//! commands and, while waiting for the next line, the prefetch and the completer's fetches.
//!
//! Bad local state never ends the prompt: a line that is not UTF-8 is ignored (status 2) and
//! the prompt comes back; a history file that cannot be read or written is said once
//! (histfile.rs). Only a lost terminal (end of input, an I/O error) ends the loop.

use std::sync::{Arc, Mutex};

use rustyline::config::Config;
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{CompletionType, Editor};
use tokio::runtime::Runtime;

use super::cache;
use super::completion::ShellHelper;
use super::connect;
use super::error::exit;
use super::histfile::{HistoryFile, MAX_ENTRIES};
use super::lexer::{LexError, parse};
use super::linereader::LineReader;
use super::output::escape;
use super::script::{Policy, Runner};
use super::session::Session;
use crate::graph::GraphClient;

fn editor(
    rt: &Runtime,
    cache: Arc<Mutex<cache::DirCache>>,
    client: Arc<Mutex<GraphClient>>,
    cwd: Arc<Mutex<String>>,
) -> rustyline::Result<Editor<ShellHelper, FileHistory>> {
    let config = Config::builder()
        .max_history_size(MAX_ENTRIES)?
        .history_ignore_dups(true)?
        .history_ignore_space(true)
        .completion_type(CompletionType::List)
        .build();
    let mut ed = Editor::with_config(config)?;
    ed.set_helper(Some(ShellHelper::new(
        client,
        cache,
        cwd,
        rt.handle().clone(),
    )));
    Ok(ed)
}

/// Runs the prompt until `exit` or end of input; returns the exit status.
pub fn run(rt: &Runtime, sess: &mut Session, label: &str) -> u8 {
    super::hint::at_prompt();
    let cwd = Arc::new(Mutex::new(sess.cwd.path.clone()));
    let client = Arc::new(Mutex::new(sess.client.clone()));
    let started =
        editor(rt, sess.cache.clone(), client.clone(), cwd.clone()).map_err(|e| e.to_string());
    let mut hist = None;
    let reader = started.and_then(|mut ed| {
        hist = connect::data_dir().map(|d| load_history(&mut ed, sess, d.join("history")));
        LineReader::start(ed).map_err(|e| e.to_string())
    });
    let mut prompt = match reader {
        Ok(reader) => Prompt {
            reader,
            hist,
            cwd,
            client,
            label,
        },
        Err(e) => {
            errln!("skydrive-cli: cannot open the terminal: {e}");
            return exit::FAILED;
        }
    };
    rt.block_on(prompt.run(sess))
}

/// The prompt's loop and what it keeps between lines.
struct Prompt<'a> {
    reader: LineReader,
    hist: Option<HistoryFile>,
    /// The cwd as the completer sees it.
    cwd: Arc<Mutex<String>>,
    /// The client as the completer sees it (it follows `drive` and `cd shared:`).
    client: Arc<Mutex<GraphClient>>,
    label: &'a str,
}

impl Prompt<'_> {
    async fn run(&mut self, sess: &mut Session) -> u8 {
        prefetch(sess);
        let mut runner = Runner::new(Policy::Interactive, "");
        let mut pending = String::new();
        loop {
            let text = if pending.is_empty() {
                prompt(sess, self.label)
            } else {
                "> ".to_owned()
            };
            match self.reader.read(text).await {
                Ok(line) => {
                    pending.push_str(&line);
                    pending.push('\n');
                    if !self.run_lines(sess, &mut runner, &pending).await {
                        continue;
                    }
                    let entry = pending.trim_end().to_owned();
                    pending.clear();
                    self.remember(sess, entry);
                    if let Some(code) = sess.exit_requested {
                        return code;
                    }
                }
                Err(ReadlineError::Interrupted) => {
                    pending.clear();
                    sess.last_status = exit::INTERRUPTED;
                }
                Err(ReadlineError::Io(e)) if e.kind() == std::io::ErrorKind::InvalidData => {
                    errln!("error: the line is not UTF-8 text; ignored");
                    pending.clear();
                    sess.last_status = exit::USAGE;
                }
                Err(ReadlineError::Eof) => return sess.last_status,
                Err(e) => {
                    errln!("skydrive-cli: {e}");
                    return exit::FAILED;
                }
            }
        }
    }

    /// Runs the lines entered so far; false when they are incomplete (an open quote).
    async fn run_lines(&mut self, sess: &mut Session, runner: &mut Runner, text: &str) -> bool {
        match parse(text, 1) {
            Err(LexError::Incomplete(_)) => return false,
            Err(e) => {
                errln!("error: syntax error: {e}");
                sess.last_status = exit::USAGE;
            }
            Ok(script) => {
                let before = (sess.cwd.clone(), sess.place.clone());
                runner.run(sess, &script).await;
                if (&sess.cwd, &sess.place) != (&before.0, &before.1) {
                    // The completer follows the session to its new folder and place.
                    *self.cwd.lock().unwrap_or_else(|p| p.into_inner()) = sess.cwd.path.clone();
                    *self.client.lock().unwrap_or_else(|p| p.into_inner()) = sess.client.clone();
                    prefetch(sess);
                }
            }
        }
        true
    }

    /// Adds a line to the history (the editor's, the session's and the file).
    fn remember(&mut self, sess: &mut Session, entry: String) {
        if entry.is_empty() || entry.starts_with(' ') {
            return;
        }
        self.reader.remember(entry.clone());
        if let Some(Err(problem)) = self.hist.as_mut().map(|f| f.append(&entry)) {
            errln!("note: {problem}");
        }
        sess.history.push(entry);
        let keep = sess.history.len().saturating_sub(MAX_ENTRIES);
        sess.history.drain(..keep);
    }
}

fn prompt(sess: &Session, label: &str) -> String {
    let status = match sess.last_status {
        0 => String::new(),
        n => format!("[{n}] "),
    };
    format!("{status}{label}:{}> ", escape(&sess.where_label()))
}

/// Loads the history file into the editor and the session, saying once what went wrong.
fn load_history(
    ed: &mut Editor<ShellHelper, FileHistory>,
    sess: &mut Session,
    path: std::path::PathBuf,
) -> HistoryFile {
    let loaded = HistoryFile::open(path);
    if let Some(problem) = &loaded.problem {
        errln!("note: {problem}");
    }
    for entry in &loaded.entries {
        let _ = ed.add_history_entry(entry.as_str());
    }
    sess.history = loaded.entries;
    loaded.file
}

/// Fetches the cwd listing in the background so that the first Tab is instant.
fn prefetch(sess: &Session) {
    let (client, cache, path) = (
        sess.client.clone(),
        sess.cache.clone(),
        sess.cwd.path.clone(),
    );
    tokio::spawn(async move {
        let _ = cache::fetch_listing(&client, &cache, &path).await;
    });
}
