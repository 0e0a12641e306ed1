//! `cp SRC... DST`: server-side copies of files and folders; waits for each copy job's monitor
//! so that the next command sees the copy.

use crate::shell::commands::mv::place;
use crate::shell::error::{CmdResult, Tally, reason_only};
use crate::shell::session::Session;

/// Copy files and folders on the server (into DST if it is a folder).
#[derive(Debug, clap::Args)]
#[command(override_usage = "cp SRC... DST")]
pub struct Args {
    /// Sources, then the destination: a folder (by path or id) to copy them into, or a new
    /// path.
    #[arg(required = true, num_args = 2.., value_name = "PATH")]
    pub paths: Vec<String>,
}

/// Runs `cp`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let placement = place(sess, args.paths).await?;
    let folder = placement.to.folder();
    let many = placement.sources.len() > 1;
    let mut tally = Tally::default();
    for src in &placement.sources {
        let r = sess
            .client
            .copy_to(&src.item, &folder, placement.to.name.as_deref())
            .await;
        if let Ok(item) = &r {
            placement.record(sess, item.clone());
        }
        tally.record(&src.label(), r.map(drop).map_err(reason_only), many);
    }
    tally.finish()
}
