//! `recent`: recently used files (`GET /me/drive/recent`).

use crate::shell::error::CmdResult;
use crate::shell::items;
use crate::shell::session::Session;

/// List recently used files.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `recent`.
pub async fn run(sess: &mut Session, _args: Args) -> CmdResult {
    let found = sess.client.recent().await?;
    let drive = sess.tree_drive().await?;
    let list = items::with_paths(found, drive.as_deref());
    items::print_found(sess.settings.format, &list)
}
