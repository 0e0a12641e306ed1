//! `comments`, `comment_add`, `comment_delete`: the seed's Live Connect comment commands.
//! Microsoft Graph has no comments on drive items, so they answer that clearly instead of
//! disappearing (a seed script then fails with a reason, not "unknown command").

use crate::shell::error::{CmdResult, CommandError, exit};

/// Arguments accepted for compatibility with the seed; nothing is sent.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The seed's arguments (an object, a message or a comment id).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

/// Runs any comment command.
pub fn run(name: &str, _args: Args) -> CmdResult {
    Err(CommandError::new(
        exit::FAILED,
        format!(
            "{name}: comments are not available on Microsoft Graph (they were a SkyDrive/Live Connect feature)"
        ),
    ))
}
