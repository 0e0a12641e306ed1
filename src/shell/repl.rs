//! The interactive prompt (rustyline): line editing, persistent history, Tab completion and a
//! prompt with the drive and cwd. It runs on the main thread outside the runtime, and enters
//! the runtime once per line, so the completer may block on a short fetch.

use std::path::PathBuf;
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
use super::lexer::{LexError, parse};
use super::output::escape;
use super::script::{Policy, Runner};
use super::session::Session;

fn editor(
    sess: &Session,
    rt: &Runtime,
    cwd: Arc<Mutex<String>>,
) -> rustyline::Result<Editor<ShellHelper, FileHistory>> {
    let config = Config::builder()
        .max_history_size(10_000)?
        .history_ignore_dups(true)?
        .history_ignore_space(true)
        .completion_type(CompletionType::List)
        .build();
    let mut ed = Editor::with_config(config)?;
    ed.set_helper(Some(ShellHelper::new(
        sess.client.clone(),
        sess.cache.clone(),
        cwd,
        rt.handle().clone(),
    )));
    Ok(ed)
}

/// Runs the prompt until `exit` or end of input; returns the exit status.
pub fn run(rt: &Runtime, sess: &mut Session, label: &str) -> u8 {
    let cwd = Arc::new(Mutex::new(sess.cwd.path.clone()));
    let mut ed = match editor(sess, rt, cwd.clone()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("skydrive-cli: cannot open the terminal: {e}");
            return exit::FAILED;
        }
    };
    let hist = connect::data_dir().map(|d| d.join("history"));
    if let Some(p) = &hist {
        let _ = ed.load_history(p);
        sess.history = ed.history().iter().cloned().collect();
    }
    prefetch(rt, sess);
    let mut runner = Runner::new(Policy::Interactive, "");
    let mut pending = String::new();
    loop {
        let prompt = if pending.is_empty() {
            prompt(sess, label)
        } else {
            "> ".to_owned()
        };
        match ed.readline(&prompt) {
            Ok(line) => {
                pending.push_str(&line);
                pending.push('\n');
                match parse(&pending, 1) {
                    Err(LexError::Incomplete(_)) => continue,
                    Err(e) => {
                        eprintln!("error: syntax error: {e}");
                        sess.last_status = exit::USAGE;
                    }
                    Ok(script) => {
                        let before = sess.cwd.id.clone();
                        rt.block_on(runner.run(sess, &script));
                        if sess.cwd.id != before {
                            *cwd.lock().unwrap_or_else(|p| p.into_inner()) = sess.cwd.path.clone();
                            prefetch(rt, sess);
                        }
                    }
                }
                let entry = pending.trim_end().to_owned();
                pending.clear();
                remember(&mut ed, sess, &hist, entry);
                if let Some(code) = sess.exit_requested {
                    return code;
                }
            }
            Err(ReadlineError::Interrupted) => {
                pending.clear();
                sess.last_status = exit::INTERRUPTED;
            }
            Err(ReadlineError::Eof) => return sess.last_status,
            Err(e) => {
                eprintln!("skydrive-cli: {e}");
                return exit::FAILED;
            }
        }
    }
}

fn prompt(sess: &Session, label: &str) -> String {
    let status = match sess.last_status {
        0 => String::new(),
        n => format!("[{n}] "),
    };
    format!("{status}{label}:{}> ", escape(&sess.cwd.path))
}

/// Adds a line to the history (in memory and appended to the file).
fn remember(
    ed: &mut Editor<ShellHelper, FileHistory>,
    sess: &mut Session,
    file: &Option<PathBuf>,
    entry: String,
) {
    if entry.is_empty() || entry.starts_with(' ') {
        return;
    }
    let _ = ed.add_history_entry(entry.as_str());
    sess.history.push(entry);
    if let Some(p) = file {
        if let Some(dir) = p.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = ed.append_history(p);
    }
}

/// Fetches the cwd listing in the background so that the first Tab is instant.
fn prefetch(rt: &Runtime, sess: &Session) {
    let (client, cache, path) = (
        sess.client.clone(),
        sess.cache.clone(),
        sess.cwd.path.clone(),
    );
    rt.spawn(async move {
        let _ = cache::fetch_listing(&client, &cache, &path).await;
    });
}
