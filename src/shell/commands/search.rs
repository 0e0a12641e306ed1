//! `search QUERY`: the server's full-text search over names and content. The parts of a
//! OneNote notebook it finds are shown as `section`s (see `recent`).

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
    let listed = sess.client.search(&q, &ListOptions::default()).await?;
    let drive = sess.tree_drive().await?;
    let found = items::with_paths(listed, drive.as_deref());
    let sections = super::recent::notebook_parts(sess, &found).await;
    items::print_found_in(sess.settings.format, &found, &sections)
}
