//! `cp SRC... DST`: server-side copies of files and folders; waits for each copy job's monitor
//! so that the next command sees the copy.

use crate::shell::commands::mv::{Placement, place};
use crate::shell::error::{CmdResult, Tally};
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
        parent_id,
        parent_path,
        name,
    } = place(sess, args.paths).await?;
    let many = sources.len() > 1;
    let mut tally = Tally::default();
    for src in &sources {
        let r = sess
            .client
            .copy(&src.item, &parent_id, name.as_deref())
            .await;
        if let Ok(item) = &r {
            sess.cache().upsert(&parent_id, &parent_path, item.clone());
        }
        tally.record(&src.label(), r.map(drop).map_err(Into::into), many);
    }
    tally.finish()
}
