//! `user` (alias `whoami`): the signed-in user (`GET /me`).

use serde_json::Value;

use crate::shell::error::CmdResult;
use crate::shell::output;
use crate::shell::session::Session;

/// Show the signed-in user.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `user`.
pub async fn run(sess: &mut Session, _args: Args) -> CmdResult {
    let me: Value = sess.client.get_json("/me").await?;
    output::print_object(sess.settings.format, &me);
    Ok(())
}
