//! `mv`, `cp` and `rm` with the semantics of their Unix namesakes: a destination that is an
//! existing folder receives the item under its own name; any other destination path names
//! the item's new parent and name; a folder is removed only when asked to recurse.

use crate::error::{Error, Result};
use crate::graph::{DriveItem, GraphClient, ItemRef, names};

/// Where `mv`/`cp` put an item.
#[derive(Debug, Clone)]
pub struct Destination {
    /// The folder that receives the item.
    pub parent: DriveItem,
    /// The new name, when it changes.
    pub name: Option<String>,
}

/// Resolves a destination path: an existing folder (keep the name), or a new name inside an
/// existing folder. An existing file is a conflict (refused: it exists). A last segment that
/// OneDrive would refuse as a name is refused before any request.
pub async fn destination(client: &GraphClient, dest: &str) -> Result<Destination> {
    resolve(client, dest, None).await
}

/// [`destination`] for moving or copying `src`: a `dest` that is `src` itself under another
/// spelling (`mv a.txt A.TXT`, `mv Docs docs`: OneDrive takes both for one name, graph-api.md
/// §13) names `src`'s new name in its folder, instead of an existing file in the way or a
/// folder to move `src` into. Costs a request only when the two names are one name.
pub async fn destination_for(
    client: &GraphClient,
    dest: &str,
    src: &ItemRef,
) -> Result<Destination> {
    resolve(client, dest, Some(src)).await
}

async fn resolve(client: &GraphClient, dest: &str, src: Option<&ItemRef>) -> Result<Destination> {
    check_destination(dest)?;
    let found = match client.item(&ItemRef::path(dest)).await {
        Ok(found) => found,
        Err(e) if e.is_not_found() => return new_name(client, dest).await,
        Err(e) => return Err(e),
    };
    if let Some(src) = src
        && is_itself(client, src, dest, &found).await?
    {
        return new_name(client, dest).await;
    }
    if found.is_folder() {
        return Ok(Destination {
            parent: found,
            name: None,
        });
    }
    Err(Error::refused(dest, "already exists", true))
}

/// The last segment of `dest` as a new name in the folder its other segments name.
async fn new_name(client: &GraphClient, dest: &str) -> Result<Destination> {
    let trimmed = dest.trim_end_matches('/');
    let (parent, name) = trimmed.rsplit_once('/').unwrap_or(("", trimmed));
    let parent = client.item(&ItemRef::path(parent)).await?;
    if !parent.is_folder() {
        return Err(Error::from(crate::ErrorKind::NotFound(dest.to_owned())));
    }
    Ok(Destination {
        parent,
        name: Some(name.to_owned()),
    })
}

/// True when `found`, the item at `dest`, is `src` itself.
async fn is_itself(
    client: &GraphClient,
    src: &ItemRef,
    dest: &str,
    found: &DriveItem,
) -> Result<bool> {
    let last = |p: &str| {
        p.trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_owned()
    };
    Ok(match src {
        ItemRef::Id(id) => id.eq_ignore_ascii_case(&found.id),
        ItemRef::Root => false,
        ItemRef::Path(p) | ItemRef::IdPath(_, p) => {
            names::same_name(&last(p), &last(dest)) && client.item(src).await?.id == found.id
        }
    })
}

/// Refuses a destination whose last segment (the new name, unless it is an existing folder,
/// which cannot have a bad name) OneDrive would refuse, and a destination path too long.
pub fn check_destination(dest: &str) -> Result<()> {
    let trimmed = dest.trim_end_matches('/');
    if trimmed.is_empty() {
        return Ok(());
    }
    let name = trimmed.rsplit('/').next().unwrap_or(trimmed);
    names::check_name(name)?;
    names::check_path(trimmed)
}

/// Moves (and possibly renames) `src` to the path `dest` (see [`destination_for`]).
pub async fn mv(client: &GraphClient, src: &ItemRef, dest: &str) -> Result<DriveItem> {
    let to = destination_for(client, dest, src).await?;
    client
        .move_item(src, &to.parent.id, to.name.as_deref())
        .await
}

/// Copies `src` (a file or a whole folder) to the path `dest`, waiting for the copy to end.
pub async fn cp(client: &GraphClient, src: &ItemRef, dest: &str) -> Result<DriveItem> {
    let to = destination_for(client, dest, src).await?;
    client.copy(src, &to.parent.id, to.name.as_deref()).await
}

/// Deletes `item`; a folder only with `recursive` (Graph itself would delete it whole).
pub async fn rm(client: &GraphClient, item: &ItemRef, recursive: bool) -> Result<()> {
    let found = client.item(item).await?;
    if found.root.is_some() {
        return Err(Error::refused("/", "the root cannot be removed", false));
    }
    if found.is_folder() && !recursive {
        return Err(Error::refused(
            found.name,
            "is a folder (use -r to remove it with its contents)",
            false,
        ));
    }
    client.delete(&ItemRef::Id(found.id)).await
}
