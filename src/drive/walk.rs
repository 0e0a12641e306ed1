//! Concurrent tree walks: folders are listed by a bounded pool of requests, each folder once.

use std::collections::HashSet;

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
}

/// Lists everything below `root` (not `root` itself), at most `concurrency` listings at a
/// time and each folder once (by id), down to `max_depth` levels (`None`: unlimited).
/// Entries come sorted by path.
pub async fn walk(
    client: &GraphClient,
    root: &ItemRef,
    concurrency: usize,
    max_depth: Option<usize>,
) -> Result<Vec<WalkEntry>> {
    let start = client.item(root).await?;
    let mut seen: HashSet<String> = HashSet::from([start.id.clone()]);
    let mut queue = vec![(start.id, String::new(), 0usize)];
    let mut running = FuturesUnordered::new();
    let mut out = Vec::new();
    loop {
        while running.len() < concurrency.max(1)
            && let Some((id, prefix, depth)) = queue.pop()
        {
            running.push(async move {
                let children = client.children(&ItemRef::Id(id)).await;
                (prefix, depth, children)
            });
        }
        let Some((prefix, depth, children)) = running.next().await else {
            break;
        };
        for item in children? {
            let path = if prefix.is_empty() {
                item.name.clone()
            } else {
                format!("{prefix}/{}", item.name)
            };
            let deeper = max_depth.is_none_or(|m| depth + 1 < m);
            if item.is_folder() && deeper && seen.insert(item.id.clone()) {
                queue.push((item.id.clone(), path.clone(), depth + 1));
            }
            out.push(WalkEntry {
                path,
                depth: depth + 1,
                item,
            });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}
