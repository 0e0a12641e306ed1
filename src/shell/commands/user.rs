//! `user` (alias `whoami`): the signed-in user (`GET /me`).

use crate::shell::error::{CmdResult, CommandError, exit};
use crate::shell::output;
use crate::shell::session::Session;

/// Show the signed-in user.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `user`.
pub async fn run(sess: &mut Session, _args: Args) -> CmdResult {
    let me = sess.client.me().await?;
    let me =
        serde_json::to_value(&me).map_err(|e| CommandError::new(exit::FAILED, e.to_string()))?;
    output::print_object(sess.settings.format, &me)
}
