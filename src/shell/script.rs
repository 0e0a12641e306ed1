//! Non-interactive runs: `-c`, `-f`, stdin scripts and seed-style argv. Fail-fast: the first
//! failing command stops the run with its exit code and `SOURCE:LINE: message` on stderr.

use std::io::BufRead;

use clap::Parser;

use super::commands::{CommandLine, dispatch};
use super::error::{CmdResult, CommandError, exit};
use super::session::Session;

/// Runs every line of `text`; `source` names it in messages.
pub async fn run_text(sess: &mut Session, source: &str, text: &str) -> u8 {
    for (i, line) in text.lines().enumerate() {
        if let Some(code) = run_script_line(sess, source, i + 1, line).await {
            return code;
        }
    }
    sess.last_status
}

/// Runs the script on standard input, line by line.
pub async fn run_stdin(sess: &mut Session) -> u8 {
    let stdin = std::io::stdin();
    for (i, line) in stdin.lock().lines().enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("skydrive-cli: reading standard input: {e}");
                return exit::FAILED;
            }
        };
        if let Some(code) = run_script_line(sess, "stdin", i + 1, &line).await {
            return code;
        }
    }
    sess.last_status
}

/// Runs one seed-style command given as argv words.
pub async fn run_words(sess: &mut Session, words: Vec<String>) -> u8 {
    match run_parsed(sess, words).await {
        Ok(()) => sess.exit_requested.unwrap_or(exit::OK),
        Err(e) => {
            eprintln!("skydrive-cli: {e}");
            e.code
        }
    }
}

/// Runs one script line; `Some(code)` when the run must stop.
async fn run_script_line(
    sess: &mut Session,
    source: &str,
    lineno: usize,
    line: &str,
) -> Option<u8> {
    let result = run_line(sess, line).await;
    sess.last_status = match &result {
        Ok(()) => exit::OK,
        Err(e) => {
            eprintln!("{source}:{lineno}: {e}");
            e.code
        }
    };
    if sess.last_status != exit::OK {
        return Some(sess.last_status);
    }
    sess.exit_requested
}

/// Lexes and runs one line of input.
pub async fn run_line(sess: &mut Session, line: &str) -> CmdResult {
    let trimmed = line.trim();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return Ok(());
    }
    let words = shell_words::split(trimmed)
        .map_err(|e| CommandError::usage(format!("cannot parse the line: {e}")))?;
    run_parsed(sess, words).await
}

async fn run_parsed(sess: &mut Session, words: Vec<String>) -> CmdResult {
    let parsed = CommandLine::try_parse_from(&words).map_err(|e| {
        use clap::error::ErrorKind;
        match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                print!("{e}");
                None
            }
            _ => Some(CommandError::usage(e.to_string().trim_end().to_owned())),
        }
    });
    match parsed {
        Ok(cl) => dispatch(sess, cl.command).await,
        Err(None) => Ok(()),
        Err(Some(e)) => Err(e),
    }
}
