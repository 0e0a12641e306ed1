//! `shared`: items other people shared with the user (`GET /me/drive/sharedWithMe`).

use crate::shell::error::CmdResult;
use crate::shell::items;
use crate::shell::session::Session;

/// List items shared with you.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `shared`.
pub async fn run(sess: &mut Session, _args: Args) -> CmdResult {
    let found = sess.client.shared_with_me().await?;
    items::print_found(sess.settings.format, &items::with_paths(found))
}
