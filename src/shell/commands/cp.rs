//! `cp SRC... DST`: server-side copies of files and folders; waits for each copy job's monitor
//! so that the next command sees the copy.

use crate::shell::commands::place::place;
use crate::shell::error::{CmdResult, Tally};
use crate::shell::session::Session;

/// Copy files and folders on the server (into DST if it is a folder).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Sources, then the destination.
    #[arg(required = true, num_args = 2.., value_name = "SRC... DST")]
    pub paths: Vec<String>,
}

/// Runs `cp`.
pub async fn run(sess: &mut Session, mut args: Args) -> CmdResult {
    let dst = args.paths.pop().unwrap_or_default();
    let sources = sess.expand(&args.paths).await?;
    let to = place(sess, &dst, sources.len()).await?;
    let many = sources.len() > 1;
    let mut tally = Tally::default();
    for src in &sources {
        let r = sess
            .client
            .copy(&src.item, &to.parent_id, to.new_name.as_deref())
            .await;
        if let Ok(item) = &r {
            match &to.parent_path {
                Some(pp) => sess.cache().upsert(&to.parent_id, pp, item.clone()),
                None => sess.cache().invalidate(&to.parent_id),
            }
        }
        tally.record(&src.label(), r.map(drop).map_err(Into::into), many);
    }
    tally.finish()
}
