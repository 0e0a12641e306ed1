//! `info_set PATH JSON`: change an item's metadata (`{"name": "new.jpg"}` renames,
//! `{"description": "..."}` describes), as in the seed. Silent on success.

use crate::shell::error::{CmdResult, CommandError, about};
use crate::shell::session::{Session, split_parent};

/// Change an item's metadata from a JSON object.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The item.
    pub path: String,
    /// A JSON object with the properties to change.
    pub data: String,
}

/// Runs `info_set`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let changes: serde_json::Value = serde_json::from_str(&args.data)
        .map_err(|e| CommandError::usage(format!("not a JSON object: {e}")))?;
    if !changes.is_object() {
        return Err(CommandError::usage("the data must be a JSON object"));
    }
    let t = sess.target(&args.path).await?;
    let item = sess
        .client
        .update(&t.item, &changes)
        .await
        .map_err(about(&t.label()))?;
    if let (Some(path), Some(pid)) = (
        &t.path,
        item.parent_reference.as_ref().and_then(|r| r.id.clone()),
    ) {
        let parent = split_parent(path).0;
        let mut cache = sess.cache();
        cache.remove(&pid, &item.id, path);
        cache.upsert(&pid, &parent, item);
    }
    Ok(())
}
