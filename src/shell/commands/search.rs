//! `search QUERY`: the server's full-text search over names and content.

use crate::graph::endpoints::ListOptions;
use crate::shell::error::CmdResult;
use crate::shell::items;
use crate::shell::session::Session;

/// Search the drive (names and content).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to look for (several words are joined).
    #[arg(required = true)]
    pub query: Vec<String>,
}

/// Runs `search`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let q = args.query.join(" ");
    let found = sess.client.search(&q, &ListOptions::default()).await?;
    let drive = sess.tree_drive().await?;
    let list = items::with_paths(found, drive.as_deref());
    items::print_found(sess.settings.format, &list)
}
