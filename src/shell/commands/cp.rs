//! `cp SRC... DST`: server-side copies of files and folders; waits for each copy job's monitor
//! so that the next command sees the copy.

use crate::shell::commands::mv::{Placement, place};
use crate::shell::error::{CmdResult, Tally, reason_only};
use crate::shell::session::Session;

/// Copy files and folders on the server (into DST if it is a folder).
#[derive(Debug, clap::Args)]
#[command(override_usage = "cp SRC... DST")]
pub struct Args {
    /// Sources, then the destination.
    #[arg(required = true, num_args = 2.., value_name = "PATH")]
    pub paths: Vec<String>,
}

/// Runs `cp`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let Placement {
        sources,
        to,
        parent_path,
    } = place(sess, args.paths).await?;
    let (folder, parent_id) = (to.folder(), to.folder_id());
    let many = sources.len() > 1;
    let mut tally = Tally::default();
    for src in &sources {
        let r = sess
            .client
            .copy_to(&src.item, &folder, to.name.as_deref())
            .await;
        if let (Ok(item), Some(pp)) = (&r, &parent_path) {
            sess.cache().upsert(&parent_id, pp, item.clone());
        }
        tally.record(&src.label(), r.map(drop).map_err(reason_only), many);
    }
    tally.finish()
}
