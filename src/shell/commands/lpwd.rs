//! `lpwd`: print the local folder.

use crate::shell::error::{CmdResult, CommandError, exit};
use crate::shell::output;

/// Print the local folder.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `lpwd`.
pub fn run(_args: Args) -> CmdResult {
    let dir = std::env::current_dir()
        .map_err(|e| CommandError::new(exit::FAILED, format!("lpwd: {e}")))?;
    output::out(&format!("{}\n", dir.display()))
}
