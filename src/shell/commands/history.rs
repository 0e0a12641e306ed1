//! `history [N]`: the lines entered at the prompt (kept across sessions in the data dir).

use crate::shell::error::CmdResult;
use crate::shell::output;
use crate::shell::session::Session;

/// Show the command history (the last N lines).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many lines to show.
    pub count: Option<usize>,
}

/// Runs `history`.
pub fn run(sess: &Session, args: Args) -> CmdResult {
    let skip = args
        .count
        .map_or(0, |n| sess.history.len().saturating_sub(n));
    let text: String = sess
        .history
        .iter()
        .enumerate()
        .skip(skip)
        .map(|(i, l)| format!("{:>5}  {}\n", i + 1, output::escape(l)))
        .collect();
    output::out(&text)
}
