//! Where `mv` and `cp` put things: into an existing folder under the same name, or (one
//! source) under a new name in an existing parent, like mv(1) and cp(1).

use crate::graph::ItemRef;
use crate::shell::error::{CommandError, exit};
use crate::shell::session::{Session, split_parent};

/// A destination folder and an optional new name.
#[derive(Debug, Clone)]
pub struct Placement {
    /// Destination folder id.
    pub parent_id: String,
    /// Destination folder path (for the cache), when known.
    pub parent_path: Option<String>,
    /// New name (`mv a b` where `b` does not exist).
    pub new_name: Option<String>,
}

/// Resolves the destination argument for `sources` items.
pub async fn place(sess: &Session, dst: &str, sources: usize) -> Result<Placement, CommandError> {
    let target = sess.target(dst);
    match sess.client.item(&target.item).await {
        Ok(item) if item.is_folder() => Ok(Placement {
            parent_id: item.id,
            parent_path: target.path,
            new_name: None,
        }),
        Ok(_) if sources > 1 => Err(CommandError::new(
            exit::FAILED,
            format!("{dst}: not a folder"),
        )),
        Ok(item) => Ok(Placement {
            parent_id: item
                .parent_reference
                .and_then(|r| r.id)
                .ok_or_else(|| CommandError::new(exit::FAILED, "destination has no parent"))?,
            parent_path: target.path.as_deref().map(|p| split_parent(p).0),
            new_name: Some(item.name),
        }),
        Err(e) if e.is_not_found() && sources == 1 && target.path.is_some() => {
            let path = target.path.unwrap_or_default();
            let (parent, name) = split_parent(&path);
            let folder = sess.client.item(&ItemRef::path(&parent)).await?;
            if !folder.is_folder() {
                return Err(CommandError::new(
                    exit::FAILED,
                    format!("{parent}: not a folder"),
                ));
            }
            Ok(Placement {
                parent_id: folder.id,
                parent_path: Some(parent),
                new_name: Some(name),
            })
        }
        Err(e) => Err(e.into()),
    }
}
