//! A local index of a personal drive's items (issue 15 item 4), so that walking a drive of a
//! million items again (`find / -name`, `du /`) costs one delta round trip instead of a
//! thousand pages.
//!
//! It lives in the data directory (`index/DRIVE.idx`, one file per drive) and survives
//! restarts. A walk of a personal drive's root with no index writes one as it goes (every
//! record the walk hands out, nothing more held in memory), after asking the server for the
//! current delta link (`token=latest`, graph-api.md §8) first, so nothing that changes during
//! the walk is missed; a walk that does not end (an error, a reader gone) leaves no file. Any
//! walk of that drive's own folders then reads the index, brings it up to date with the
//! changes since its link (one request when nothing changed), saves it when something did,
//! and walks the subtree from it. It never answers from stale data: if the changes cannot be
//! fetched, the walk fails as a listing would; a link the server no longer takes (410) or a
//! file that does not read back whole is dropped, and the walk asks the server afresh (and
//! writes a new index when it walks the root). What shortcuts point to is never in it (it
//! lives on other drives): it is listed at every walk.
//!
//! Its file is `index_file.rs`'s. In memory, an index is a subtree like a delta enumeration's
//! (`subtree.rs`): about 150 bytes an item, read in blocks; the table that finds an item by id
//! is made only when more than a few changes are to be applied (a few are found by a scan).

use std::path::{Path, PathBuf};

use super::index_file::{self, NO_PARENT, Tee};
use super::subtree::{Builder, Subtree};
use super::{Listed, Record};
use crate::error::Result;
use crate::graph::{DriveItem, GraphClient, ItemRef};

/// What a walk does with the index.
pub(super) enum Opened<R> {
    /// Walks the folder at `slot` of the index, brought up to date.
    Walk(Subtree<R>, u32),
    /// Writes a new index as it walks the root.
    Write(Box<Tee>),
    /// Walks without it (no index, and the walk is not of the root).
    Skip,
}

/// Opens the index of the drive `start` is on, in `dir`, for a walk of `start`, an own folder
/// of a personal drive (see the module docs).
///
/// # Errors
///
/// Those of the request for the changes since the index's link, or for a new link.
pub(super) async fn open<R: Record>(
    client: &GraphClient,
    start: &DriveItem,
    dir: &Path,
) -> Result<Opened<R>> {
    let Some(path) = file_of(client, start, dir).await? else {
        return Ok(Opened::Skip);
    };
    if let Some((mut tree, link, root)) = load::<R>(&path) {
        match client.delta(&ItemRef::Root, Some(&link)).await {
            Ok(changes) => {
                let changed = !changes.items.is_empty();
                if changes.items.len() > SCANNED_CHANGES {
                    tree.index_ids();
                }
                changes.items.into_iter().for_each(|i| tree.add(i));
                let slot = tree.find(&start.id);
                let tree = tree.finish(&root);
                if changed {
                    save(&tree, &path, &kept(client, &changes.delta_link));
                }
                return Ok(slot.map_or(Opened::Skip, |s| Opened::Walk(tree, s)));
            }
            Err(e) if e.status() == Some(410) => drop(std::fs::remove_file(&path)),
            Err(e) => return Err(e),
        }
    }
    if start.root.is_none() {
        return Ok(Opened::Skip);
    }
    let latest = format!("{}/root/delta?token=latest", client.drive_prefix());
    let link = client
        .delta(&ItemRef::Root, Some(&latest))
        .await?
        .delta_link;
    let Some(mut tee) = Tee::open(path, &kept(client, &link)) else {
        return Ok(Opened::Skip);
    };
    tee.write(NO_PARENT, &Listed::new(start.clone(), false));
    Ok(Opened::Write(Box::new(tee)))
}

/// Changes applied by looking for each item among all (about 20 ms a million items); more
/// get a table of ids first.
const SCANNED_CHANGES: usize = 64;

/// The index at `path`, as a tree to bring up to date, with its delta link and its root's id;
/// `None` when there is none or it does not read back whole (it is then removed).
fn load<R: Record>(path: &Path) -> Option<(Builder<R>, String, String)> {
    let Some(read) = index_file::read(path) else {
        let _ = std::fs::remove_file(path);
        return None;
    };
    let records = read.records.into_iter().map(|r| r.map(R::from_listed));
    let tree = Builder::from_parts(records.collect(), read.parents);
    Some((tree, read.link, read.root))
}

/// A delta link as the index keeps it: relative to the Graph base URL when it lies below it,
/// so that it survives a base that moves (the demo drive's emulator listens on a new port at
/// each start).
fn kept(client: &GraphClient, link: &str) -> String {
    link.strip_prefix(client.base_url())
        .filter(|rest| rest.starts_with('/'))
        .unwrap_or(link)
        .to_owned()
}

/// The index file of the drive `start` is on.
async fn file_of(client: &GraphClient, start: &DriveItem, dir: &Path) -> Result<Option<PathBuf>> {
    let named = start
        .parent_reference
        .as_ref()
        .and_then(|p| p.drive_id.clone());
    let drive = match named {
        Some(d) => d,
        None => client.drive_id().await?,
    };
    // Drive ids come in both cases (graph-api.md §1.1); file names must not.
    let name: String = drive
        .trim_start_matches('0')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    Ok((!name.is_empty()).then(|| dir.join(format!("{name}.idx"))))
}

/// Writes `tree` (what is reachable from its root) as the index at `path` with `link`. An
/// index that cannot be written is no failure: the next walk asks the server.
fn save<R: Record>(tree: &Subtree<R>, path: &Path, link: &str) {
    let Some(mut tee) = Tee::open(path.to_owned(), link) else {
        return;
    };
    let Some(root) = tree.record(tree.root) else {
        return;
    };
    let mut stack = vec![(tree.root, tee.write(NO_PARENT, root))];
    while let Some((slot, written)) = stack.pop() {
        for (child, record) in tree.children(slot) {
            let at = tee.write(written, record);
            stack.push((child, at));
        }
    }
    tee.finish(root.id());
}
