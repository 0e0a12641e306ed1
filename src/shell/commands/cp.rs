//! `cp SRC... DST`: server-side copies of files and folders; waits for each copy job's monitor
//! so that the next command sees the copy.

use crate::drive;
use crate::shell::commands::mv::dest_folder;
use crate::shell::error::{CmdResult, CommandError, Tally, exit};
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
    let to = drive::destination(&sess.client, &sess.resolve_path(&dst)).await?;
    if sources.len() > 1 && to.name.is_some() {
        return Err(CommandError::new(
            exit::NOT_FOUND,
            format!("{dst}: no such folder"),
        ));
    }
    let (parent_id, parent_path) = (to.parent.id.clone(), dest_folder(sess, &dst, &to));
    let many = sources.len() > 1;
    let mut tally = Tally::default();
    for src in &sources {
        let r = sess
            .client
            .copy(&src.item, &parent_id, to.name.as_deref())
            .await;
        if let Ok(item) = &r {
            sess.cache().upsert(&parent_id, &parent_path, item.clone());
        }
        tally.record(&src.label(), r.map(drop).map_err(Into::into), many);
    }
    tally.finish()
}
