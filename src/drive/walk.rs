//! Tree walks (tree, find, du, get -r): everything below a folder, with paths.
//!
//! Two strategies. Listing folder by folder costs one round trip per folder, so it runs a
//! bounded pool of listings at once and lists each folder once (by id). A folder-scoped delta
//! (graph-api.md §8) returns the whole subtree as one paged stream, about one round trip per
//! 1,000 items however many folders there are, so on personal drives, where it works on any
//! folder, [`walk`] uses it for unlimited-depth walks of the client's own tree and falls back
//! to listing if the server refuses it. Business drives allow delta on the root only
//! (`400 notSupported` elsewhere), so they list.
//!
//! Every kind of item is walked the one way [`crate::graph::DriveItem::kind`] says: folders
//! and shortcuts to folders are entered, a shortcut by listing the folder it points to on its
//! own drive (a drive's delta does not include what its shortcuts point to, graph-api.md §8);
//! notebooks and other packages are entries, never entered (their sections are no files);
//! deleted items are dropped.

use std::collections::{HashMap, HashSet};

use futures_util::stream::{FuturesUnordered, StreamExt};

use crate::error::Result;
use crate::graph::{DriveItem, GraphClient, ItemKind, ItemRef, same_drive};

/// One item found by [`walk`].
#[derive(Debug, Clone)]
pub struct WalkEntry {
    /// Path relative to the walk's root, `/`-separated (`Docs/a.txt`).
    pub path: String,
    /// Depth below the root (direct children: 1).
    pub depth: usize,
    /// The item.
    pub item: DriveItem,
    /// A folder above this entry has a name that is no safe local path component (see
    /// [`DriveItem::local_name`]), so `path` must not be used to place it locally.
    pub under_unsafe: bool,
}

/// Lists everything below `root` (not `root` itself) down to `max_depth` levels (`None`:
/// unlimited), by the fastest strategy the drive allows (see the module docs); listings run
/// at most `concurrency` at a time. Entries come sorted by path.
pub async fn walk(
    client: &GraphClient,
    root: &ItemRef,
    concurrency: usize,
    max_depth: Option<usize>,
) -> Result<Vec<WalkEntry>> {
    let start = client.item(root).await?;
    let personal = start
        .parent_reference
        .as_ref()
        .and_then(|p| p.drive_type.as_deref())
        == Some("personal");
    if personal
        && max_depth.is_none()
        && start.is_folder()
        && own_tree(client, root, &start).await?
    {
        match walk_by_delta(client, &start, None).await {
            Err(e) if !e.is_auth() && !e.is_transient() => {}
            done => return done,
        }
    }
    walk_below(client, &start, concurrency, max_depth).await
}

/// True when `start`, the item `root` names, is a folder of the drive the client addresses
/// (not a shared folder, entered by a shortcut or by id): the only folders [`walk`] runs a
/// delta on.
async fn own_tree(client: &GraphClient, root: &ItemRef, start: &DriveItem) -> Result<bool> {
    if client.rooted().is_some() || start.remote().is_some() {
        return Ok(false);
    }
    match client.resolve(root, None) {
        ItemRef::OnDrive { drive, .. } if !client.through_shortcut(root) => {
            Ok(same_drive(&drive, &client.drive_id().await?))
        }
        ItemRef::OnDrive { .. } => Ok(false),
        _ => Ok(true),
    }
}

/// [`walk`] by listing each folder (each once, by id), at most `concurrency` at a time.
pub async fn walk_by_listing(
    client: &GraphClient,
    root: &ItemRef,
    concurrency: usize,
    max_depth: Option<usize>,
) -> Result<Vec<WalkEntry>> {
    let start = client.item(root).await?;
    walk_below(client, &start, concurrency, max_depth).await
}

/// Everything below the folder `start`, by listing.
async fn walk_below(
    client: &GraphClient,
    start: &DriveItem,
    concurrency: usize,
    max_depth: Option<usize>,
) -> Result<Vec<WalkEntry>> {
    let top = folder(start, String::new(), 0, false);
    walk_listing(client, vec![top], concurrency, max_depth).await
}

/// [`walk`] by one folder-scoped delta enumeration of the folder `start`. Items are rebuilt
/// into a tree by parent id (delta need not send paths); an item repeated in the stream counts
/// by its last occurrence, and deleted items are dropped. Shortcuts in the tree are entered by
/// listing (the delta of a drive holds none of what they point to).
pub async fn walk_by_delta(
    client: &GraphClient,
    start: &DriveItem,
    max_depth: Option<usize>,
) -> Result<Vec<WalkEntry>> {
    let first = format!(
        "{}?$top=1000",
        client.item_path(&ItemRef::of_item(start), Some("delta"))
    );
    let mut latest: HashMap<String, DriveItem> = HashMap::new();
    let mut pages = std::pin::pin!(client.pages::<DriveItem>(first));
    while let Some(page) = pages.next().await {
        for item in page?.value {
            if item.kind() == ItemKind::Deleted {
                latest.remove(&item.id);
            } else {
                latest.insert(item.id.clone(), item);
            }
        }
    }
    let mut children: HashMap<String, Vec<DriveItem>> = HashMap::new();
    for item in latest.into_values() {
        let parent = item.parent_reference.as_ref().and_then(|p| p.id.clone());
        if let Some(parent) = parent.filter(|_| item.id != start.id) {
            children.entry(parent).or_default().push(item);
        }
    }
    let mut out = Vec::new();
    let mut shortcuts = Vec::new();
    let mut stack = vec![folder(start, String::new(), 0, false)];
    while let Some(here) = stack.pop() {
        let found = children.remove(&here.item.id).unwrap_or_default();
        for below in record(&mut out, found, &here, max_depth) {
            if below.item.remote().is_some() {
                shortcuts.push(below);
            } else {
                stack.push(below);
            }
        }
    }
    if !shortcuts.is_empty() {
        out.extend(walk_listing(client, shortcuts, SHORTCUT_LISTINGS, max_depth).await?);
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Listings at once when a delta walk enters the shortcuts it found (as many as `tree` and
/// `find` run).
const SHORTCUT_LISTINGS: usize = 8;

/// A folder still to list: the folder, its path below the walk's root, its depth, and
/// whether its path holds a name unsafe as a local path component.
struct Pending {
    item: DriveItem,
    prefix: String,
    depth: usize,
    under_unsafe: bool,
}

fn folder(item: &DriveItem, prefix: String, depth: usize, under_unsafe: bool) -> Pending {
    Pending {
        item: item.clone(),
        prefix,
        depth,
        under_unsafe,
    }
}

/// Adds the `children` of the folder `here` to `out`; returns the child folders (shortcuts
/// to folders included) to descend into, within `max_depth`.
fn record(
    out: &mut Vec<WalkEntry>,
    children: Vec<DriveItem>,
    here: &Pending,
    max_depth: Option<usize>,
) -> Vec<Pending> {
    let depth = here.depth;
    let deeper = max_depth.is_none_or(|m| depth + 1 < m);
    let mut folders = Vec::new();
    for item in children {
        if item.kind() == ItemKind::Deleted {
            continue;
        }
        let path = join_rel(&here.prefix, &item.name);
        if item.is_folder() && deeper {
            let tainted = here.under_unsafe || item.local_name().is_err();
            folders.push(folder(&item, path.clone(), depth + 1, tainted));
        }
        out.push(WalkEntry {
            path,
            depth: depth + 1,
            item,
            under_unsafe: here.under_unsafe,
        });
    }
    folders
}

/// `prefix/name`, or `name` at the top (`prefix` empty): walk paths are relative.
pub(crate) fn join_rel(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}/{name}")
    }
}

/// Lists the folders `queue` and everything below them, each folder where its children are
/// ([`ItemRef::content_of`]: a shortcut's on the shared folder's drive) and each once.
async fn walk_listing(
    client: &GraphClient,
    mut queue: Vec<Pending>,
    concurrency: usize,
    max_depth: Option<usize>,
) -> Result<Vec<WalkEntry>> {
    let key = |p: &Pending| p.item.remote().map_or_else(|| p.item.id.clone(), |t| t.id);
    let mut seen: HashSet<String> = queue.iter().map(key).collect();
    let mut running = FuturesUnordered::new();
    let mut out = Vec::new();
    loop {
        while running.len() < concurrency.max(1)
            && let Some(here) = queue.pop()
        {
            running.push(async move {
                let children = client.children(&ItemRef::content_of(&here.item)).await;
                (here, children)
            });
        }
        let Some((here, children)) = running.next().await else {
            break;
        };
        let below = record(&mut out, children?, &here, max_depth);
        queue.extend(below.into_iter().filter(|p| seen.insert(key(p))));
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}
