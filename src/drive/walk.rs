//! Tree walks (tree, find, du): everything below a folder, with paths.
//!
//! Two strategies. Listing folder by folder costs one round trip per folder, so it runs a
//! bounded pool of listings at once and lists each folder once (by id). A folder-scoped delta
//! (graph-api.md §8) returns the whole subtree as one paged stream, about one round trip per
//! 1,000 items however many folders there are, so on personal drives, where it works on any
//! folder, [`walk`] uses it for unlimited-depth walks and falls back to listing if the server
//! refuses it. Business drives historically allowed delta only on the root, so they list.

use std::collections::{HashMap, HashSet};

use futures_util::stream::{FuturesUnordered, StreamExt};

use crate::error::Result;
use crate::graph::{DriveItem, GraphClient, ItemRef};

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
    if personal && max_depth.is_none() && start.is_folder() {
        match walk_by_delta(client, &start, None).await {
            Err(e) if !e.is_auth() && !e.is_transient() => {}
            done => return done,
        }
    }
    walk_listing(client, start, concurrency, max_depth).await
}

/// [`walk`] by listing each folder (each once, by id), at most `concurrency` at a time.
pub async fn walk_by_listing(
    client: &GraphClient,
    root: &ItemRef,
    concurrency: usize,
    max_depth: Option<usize>,
) -> Result<Vec<WalkEntry>> {
    let start = client.item(root).await?;
    walk_listing(client, start, concurrency, max_depth).await
}

/// [`walk`] by one folder-scoped delta enumeration of the folder `start`. Items are rebuilt
/// into a tree by parent id (delta need not send paths); an item repeated in the stream counts
/// by its last occurrence, and deleted items are dropped.
pub async fn walk_by_delta(
    client: &GraphClient,
    start: &DriveItem,
    max_depth: Option<usize>,
) -> Result<Vec<WalkEntry>> {
    let first = format!(
        "{}?$top=1000",
        ItemRef::Id(start.id.clone()).url_path(client.drive_prefix(), Some("delta"))
    );
    let mut latest: HashMap<String, DriveItem> = HashMap::new();
    let mut pages = std::pin::pin!(client.pages::<DriveItem>(first));
    while let Some(page) = pages.next().await {
        for item in page?.value {
            if item.deleted.is_some() {
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
    let mut stack = vec![(start.id.clone(), String::new(), 0usize, false)];
    while let Some((id, prefix, depth, under_unsafe)) = stack.pop() {
        let found = children.remove(&id).unwrap_or_default();
        let folder = (prefix.as_str(), depth, under_unsafe);
        stack.extend(record(&mut out, found, folder, max_depth));
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// A folder still to list: its id, its path below the walk's root, its depth, and whether
/// its path holds a name unsafe as a local path component.
type Pending = (String, String, usize, bool);

/// Adds the `children` of a folder (its path, depth and path safety) to `out`; returns the
/// child folders to descend into, within `max_depth`.
fn record(
    out: &mut Vec<WalkEntry>,
    children: Vec<DriveItem>,
    (prefix, depth, under_unsafe): (&str, usize, bool),
    max_depth: Option<usize>,
) -> Vec<Pending> {
    let deeper = max_depth.is_none_or(|m| depth + 1 < m);
    let mut folders = Vec::new();
    for item in children {
        let path = join_rel(prefix, &item.name);
        if item.is_folder() && deeper {
            let tainted = under_unsafe || item.local_name().is_err();
            folders.push((item.id.clone(), path.clone(), depth + 1, tainted));
        }
        out.push(WalkEntry {
            path,
            depth: depth + 1,
            item,
            under_unsafe,
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

async fn walk_listing(
    client: &GraphClient,
    start: DriveItem,
    concurrency: usize,
    max_depth: Option<usize>,
) -> Result<Vec<WalkEntry>> {
    let mut seen: HashSet<String> = HashSet::from([start.id.clone()]);
    let mut queue = vec![(start.id, String::new(), 0usize, false)];
    let mut running = FuturesUnordered::new();
    let mut out = Vec::new();
    loop {
        while running.len() < concurrency.max(1)
            && let Some((id, prefix, depth, under_unsafe)) = queue.pop()
        {
            running.push(async move {
                let children = client.children(&ItemRef::Id(id)).await;
                (prefix, depth, under_unsafe, children)
            });
        }
        let Some((prefix, depth, under_unsafe, children)) = running.next().await else {
            break;
        };
        let folder = (prefix.as_str(), depth, under_unsafe);
        let below = record(&mut out, children?, folder, max_depth);
        queue.extend(below.into_iter().filter(|(id, ..)| seen.insert(id.clone())));
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}
