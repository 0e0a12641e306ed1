//! The convenience layer above the endpoint wrappers: path resolution, `mkdir -p`, concurrent
//! tree walks and recursive, parallel transfers with a bounded number of workers.
//!
//! Everything here is policy the shell would otherwise repeat per command; nothing here talks
//! HTTP directly.

mod local_tree;
pub mod mirror;
mod ops;
mod tree;
mod walk;

use crate::error::{Error, Result};
use crate::graph::endpoints::Conflict;
use crate::graph::{DriveItem, GraphClient, ItemRef};

pub use local_tree::invalid_local_names;
pub use ops::{
    Destination, check_destination, cp, destination, destination_for, destination_item, move_to,
    mv, rm,
};
pub use tree::{TreeOptions, TreeProgress, TreeReport, get_tree, put_tree};
pub use walk::{
    Folder, Listed, NameOrder, Record, Strategy, Visit, Visits, Walk, WalkEntry, WalkOptions,
    media_type, modified, walk, walk_by_delta, walk_by_listing,
};

/// The item at `path` (`/`-separated from the root; empty or `/` is the root).
pub async fn resolve(client: &GraphClient, path: &str) -> Result<DriveItem> {
    client.item(&ItemRef::path(path)).await
}

/// Creates folder `path` and any missing parents; returns the deepest folder. Existing
/// folders are fine; an existing file in the way is a conflict.
pub async fn mkdir_p(client: &GraphClient, path: &str) -> Result<DriveItem> {
    Ok(mkdir_p_counted(client, path).await?.0)
}

/// [`mkdir_p`], also returning how many folders it created.
pub async fn mkdir_p_counted(client: &GraphClient, path: &str) -> Result<(DriveItem, usize)> {
    crate::graph::names::check_path(path)?;
    let mut parent = ItemRef::Root;
    let mut item = client.item(&ItemRef::Root).await?;
    let mut created = 0;
    for name in path.split('/').filter(|s| !s.is_empty()) {
        let here = parent.child(name);
        item = match client.create_folder(&parent, name, Conflict::Fail).await {
            Ok(folder) => {
                created += 1;
                folder
            }
            Err(e) if e.status() == Some(409) => client.item(&here).await?,
            Err(e) => return Err(e),
        };
        if !item.is_folder() {
            return Err(Error::refused(name, "exists and is not a folder", true));
        }
        parent = ItemRef::content_of(&item);
    }
    Ok((item, created))
}
