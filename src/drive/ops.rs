//! `mv`, `cp` and `rm` with the semantics of their Unix namesakes: a destination that is an
//! existing folder receives the item under its own name; any other destination path names
//! the item's new parent and name; a folder is removed only when asked to recurse.
//!
//! A shortcut to a shared folder is a folder to put things in (they go to the shared folder,
//! on its owner's drive) and, like a symbolic link, one item to remove or rename: `rm` of a
//! shortcut removes the shortcut, never the folder it points to, and needs no `-r`. OneDrive
//! moves items within one drive only
//! (<https://learn.microsoft.com/en-us/graph/api/driveitem-move>), so a move between your
//! drive and a shared folder is refused before any change, with the way to do it instead;
//! copies cross drives.

use crate::error::{Error, Result};
use crate::graph::{DriveItem, GraphClient, ItemRef, RemoteTarget, names, same_drive};

/// Where `mv`/`cp` put an item.
#[derive(Debug, Clone)]
pub struct Destination {
    /// The folder that receives the item (a shortcut when the item goes into a shared
    /// folder through one).
    pub parent: DriveItem,
    /// The new name, when it changes.
    pub name: Option<String>,
}

impl Destination {
    /// The receiving folder where its children are: the shared folder for a shortcut
    /// ([`ItemRef::content_of`]).
    pub fn folder(&self) -> ItemRef {
        ItemRef::content_of(&self.parent)
    }

    /// The receiving folder's id on its drive (the shared folder's for a shortcut).
    pub fn folder_id(&self) -> String {
        self.parent
            .remote()
            .map_or_else(|| self.parent.id.clone(), |t| t.id)
    }

    /// The receiving folder's drive (the shared folder's for a shortcut), when the server
    /// named it.
    pub fn drive(&self) -> Option<String> {
        match self.parent.remote() {
            Some(t) => Some(t.drive_id),
            None => drive_of(&self.parent),
        }
    }
}

/// The drive an item's answer names.
fn drive_of(item: &DriveItem) -> Option<String> {
    item.parent_reference.as_ref()?.drive_id.clone()
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

/// Resolves a destination given as an item rather than a path (an id, as `info` shows it):
/// a folder, or a shortcut to one, receives the item under its own name, as a path to a
/// folder does. Anything else (a file, a notebook) is refused as a conflict (exit 7): `mv` and
/// `cp` never replace an item, and an id names no new name to give. `label` names `dest` in
/// the error.
///
/// # Errors
///
/// [`crate::ErrorKind::Refused`] for an item that is no folder; not found when `dest` names
/// nothing; else those of the request.
pub async fn destination_item(
    client: &GraphClient,
    dest: &ItemRef,
    label: &str,
) -> Result<Destination> {
    let found = client.item(dest).await?;
    if found.is_folder() {
        return Ok(Destination {
            parent: found,
            name: None,
        });
    }
    Err(Error::refused(
        label,
        format!(
            "is a {}, not a folder: an id destination names the folder to put things in \
             (to give a new name, name the destination by its path)",
            found.kind().label()
        ),
        true,
    ))
}

/// The last segment of `dest` as a new name in the folder its other segments name.
async fn new_name(client: &GraphClient, dest: &str) -> Result<Destination> {
    let trimmed = dest.trim_end_matches('/');
    let (parent, name) = trimmed.rsplit_once('/').unwrap_or(("", trimmed));
    let folder = client.item(&ItemRef::path(parent)).await?;
    if !folder.is_folder() {
        return Err(Error::from(crate::ErrorKind::NotFound(dest.to_owned())));
    }
    Ok(Destination {
        parent: folder,
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
        ItemRef::Id(id) | ItemRef::OnDrive { id, path: None, .. } => {
            id.eq_ignore_ascii_case(&found.id)
        }
        ItemRef::Root => false,
        ItemRef::Path(p) | ItemRef::IdPath(_, p) | ItemRef::OnDrive { path: Some(p), .. } => {
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
    move_to(client, src, &to).await
}

/// Moves `src` to `to`. OneDrive refuses a move between drives (your drive and a shared
/// folder) as it would a folder it cannot find; such a refusal is told apart afterwards, from
/// where the item is, and said as [`crate::ErrorKind::Refused`] (a conflict) with the way to
/// do it instead: copy, then remove. Nothing changed either way; a move within a drive costs
/// no extra request.
pub async fn move_to(client: &GraphClient, src: &ItemRef, to: &Destination) -> Result<DriveItem> {
    let moved = client
        .move_item(src, &to.folder_id(), to.name.as_deref())
        .await;
    let Err(e) = moved else {
        return moved;
    };
    if !matches!(e.status(), Some(400 | 404)) {
        return Err(e);
    }
    let item = client.item(src).await?;
    match (drive_of(&item), to.drive()) {
        (Some(from), Some(into)) if !same_drive(&from, &into) => Err(Error::refused(
            to.name.clone().unwrap_or_else(|| to.parent.name.clone()),
            "the destination is on another drive, and OneDrive moves items within one drive \
             only: copy it there (`cp`), then remove the original (`rm`)",
            true,
        )),
        _ => Err(e),
    }
}

/// Copies `src` (a file or a whole folder) to the path `dest`, waiting for the copy to end.
pub async fn cp(client: &GraphClient, src: &ItemRef, dest: &str) -> Result<DriveItem> {
    let to = destination_for(client, dest, src).await?;
    client.copy_to(src, &to.folder(), to.name.as_deref()).await
}

/// Deletes `item`; a folder only with `recursive` (Graph itself would delete it whole). A
/// shortcut is removed alone, without `recursive`: the shared folder stays with its owner.
///
/// # Errors
///
/// [`crate::ErrorKind::Refused`], a conflict (exit 7), with nothing sent, for what `rm` never
/// removes (`check_removable`); not a conflict for a folder without `recursive`; else those
/// of the requests.
pub async fn rm(client: &GraphClient, item: &ItemRef, recursive: bool) -> Result<()> {
    let found = client.item(item).await?;
    check_removable(client, &found).await?;
    let shortcut = found.remote();
    if found.is_folder() && shortcut.is_none() && !recursive {
        return Err(Error::refused(
            found.name,
            "is a folder (use -r to remove it with its contents)",
            false,
        ));
    }
    client.delete(&ItemRef::of_item(&found)).await?;
    if let Some(target) = shortcut {
        client.forget_mount(&target);
    }
    Ok(())
}

/// Refuses, as a conflict (exit 7), to remove what is not the user's to remove, however it
/// was named: a drive's root, and an item someone shared with you itself (the owner's folder
/// or file, whether named `shared:NAME`, `/` inside `cd shared:NAME`, by id or by a path that
/// comes back to it). What a shared folder holds can be removed (when it is shared
/// read-write), and a shortcut to it is the user's own item: `rm SHORTCUT` removes the
/// shortcut, as OneDrive's "Remove shortcut" does, never the folder it points to.
///
/// Costs no request for an item of the client's own drive; for one on another drive (through
/// a shortcut, `shared:`, an id) one `sharedWithMe` listing.
async fn check_removable(client: &GraphClient, found: &DriveItem) -> Result<()> {
    if found.root.is_some() {
        return Err(Error::refused(
            "/",
            "a drive's root cannot be removed (remove what it holds by name)",
            true,
        ));
    }
    if found.remote().is_none() && is_shared_with_you(client, found).await? {
        return Err(Error::refused(
            found.name.clone(),
            "was shared with you and belongs to its owner: rm removes what a shared folder \
             holds, never the shared item itself (a shortcut to it in your drive is removed \
             by its own name: `rm SHORTCUT`)",
            true,
        ));
    }
    Ok(())
}

/// True when `found` is an item someone shared with the user, itself: the item a client
/// rooted in a shared place ([`GraphClient::rooted_at`]) starts at, or, for an item on
/// another drive than the client's, one that `sharedWithMe` lists.
async fn is_shared_with_you(client: &GraphClient, found: &DriveItem) -> Result<bool> {
    let Some(drive) = drive_of(found) else {
        return Ok(false);
    };
    let here = RemoteTarget {
        drive_id: drive,
        id: found.id.clone(),
    };
    if client.rooted().is_some_and(|root| root.same(&here)) {
        return Ok(true);
    }
    if same_drive(&here.drive_id, &client.drive_id().await?) {
        return Ok(false);
    }
    let shared = client.shared_with_me().await?;
    Ok(shared
        .iter()
        .filter_map(DriveItem::remote)
        .any(|t| t.same(&here)))
}
