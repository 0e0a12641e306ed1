//! `shared`: items other people shared with the user (`GET /me/drive/sharedWithMe`), with
//! whose they are. `cd shared:NAME` enters a shared folder, and `get shared:NAME`, `ls
//! shared:NAME/sub`, ... address what they hold (see `cd`).

use crate::shell::error::CmdResult;
use crate::shell::items;
use crate::shell::session::Session;

/// List items shared with you (`cd shared:NAME` enters one; `shared:NAME` names one anywhere):
/// with the owner on a terminal and in `--json`, the names alone when piped.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `shared`.
pub async fn run(sess: &mut Session, _args: Args) -> CmdResult {
    let found = sess.client.shared_with_me().await?;
    let listed = found
        .into_iter()
        .map(|i| {
            let p = format!("shared:{}", i.name);
            (i, p)
        })
        .collect::<Vec<_>>();
    items::print_found(sess.settings.format, &listed)
}
