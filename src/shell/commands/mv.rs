//! `mv SRC... DST`: move or rename files and folders on the server (no data moves).

use crate::drive;
use crate::shell::error::{CmdResult, CommandError, Tally, exit};
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
            .move_item(&src.item, &parent_id, to.name.as_deref())
            .await;
        let r = r.map(|item| {
            let mut cache = sess.cache();
            if let Some(p) = &src.path {
                let old_parent = cache.folder_id(&split_parent(p).0).map(str::to_owned);
                if let Some(op) = old_parent {
                    cache.remove(&op, &item.id, p);
                }
            }
            cache.upsert(&parent_id, &parent_path, item);
        });
        tally.record(&src.label(), r.map_err(Into::into), many);
    }
    tally.finish()
}

/// The absolute path of the folder receiving the items (for the listing cache).
pub fn dest_folder(sess: &Session, dst: &str, to: &drive::Destination) -> String {
    let path = sess.resolve_path(dst);
    match to.name {
        Some(_) => split_parent(&path).0,
        None => path,
    }
}
