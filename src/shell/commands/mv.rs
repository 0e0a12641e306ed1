//! `mv SRC... DST`: move or rename files and folders on the server (no data moves).

use crate::shell::commands::place::place;
use crate::shell::error::{CmdResult, Tally};
use crate::shell::session::{Session, split_parent};

/// Move or rename files and folders (into DST if it is a folder).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Sources, then the destination.
    #[arg(required = true, num_args = 2.., value_name = "SRC... DST")]
    pub paths: Vec<String>,
}

/// Runs `mv`.
pub async fn run(sess: &mut Session, mut args: Args) -> CmdResult {
    let dst = args.paths.pop().unwrap_or_default();
    let sources = sess.expand(&args.paths).await?;
    let to = place(sess, &dst, sources.len()).await?;
    let many = sources.len() > 1;
    let mut tally = Tally::default();
    for src in &sources {
        let r = sess
            .client
            .move_item(&src.item, &to.parent_id, to.new_name.as_deref())
            .await;
        let r = r.map(|item| {
            let mut cache = sess.cache();
            if let Some(p) = &src.path {
                let old_parent = cache.folder_id(&split_parent(p).0).map(str::to_owned);
                if let Some(op) = old_parent {
                    cache.remove(&op, &item.id, p);
                }
            }
            if let Some(pp) = &to.parent_path {
                cache.upsert(&to.parent_id, pp, item);
            }
        });
        tally.record(&src.label(), r.map_err(Into::into), many);
    }
    tally.finish()
}
