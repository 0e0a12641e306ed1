//! `exit [N]`: leave the shell with status N, or the last command's status.

use crate::shell::error::CmdResult;
use crate::shell::session::Session;

/// Leave the shell (with the last command's status, or N).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Exit status.
    pub status: Option<u8>,
}

/// Runs `exit`.
pub fn run(sess: &mut Session, args: Args) -> CmdResult {
    sess.exit_requested = Some(args.status.unwrap_or(sess.last_status));
    Ok(())
}
