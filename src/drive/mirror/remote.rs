//! The remote side: a snapshot of everything below the mirrored folder, kept current by delta
//! (graph-api.md §8, <https://learn.microsoft.com/en-us/graph/api/driveitem-delta>).
//!
//! The first run enumerates the folder: on personal drives with one folder-scoped delta
//! stream (about one request per 1,000 items), which also yields the deltaLink; where the
//! server refuses delta below the root (OneDrive for Business historically did, "can only be
//! called on the root"), it takes the root's `token=latest` link first and then lists the
//! folder, and later rounds read the root's changes and keep only what lies below the folder.
//! Later runs send the saved deltaLink and apply the changes: one request when nothing
//! changed. A 410 `resyncRequired` (or any refusal of the link) falls back to enumerating.
//!
//! Delta sends the latest state of each changed item, not each change, possibly more than
//! once (the last one counts), and need not send paths: the snapshot is kept by id and paths
//! are rebuilt from parent ids, so renames and moves need no special case. Whatever is no
//! longer reachable from the folder (deleted, moved out) is dropped. A folder that arrives
//! with fewer children than its `childCount` says (moved in from outside the scope, whose
//! children delta need not repeat) is listed.

use std::collections::{HashMap, HashSet};

use super::side::{Entry, FileInfo, Kind, Tree, parse_ms};
use super::state::{FilePrint, RemoteEntry, RemoteKind};
use crate::drive::walk::{join_rel, walk_by_listing};
use crate::error::Result;
use crate::graph::{DriveItem, GraphClient, ItemKind, ItemRef};

/// The snapshot: every item below the folder, by id.
pub(crate) type Snapshot = HashMap<String, RemoteEntry>;

/// The remote side after this run's delta round.
pub(crate) struct Remote {
    /// Everything below the folder.
    pub snapshot: Snapshot,
    /// Where the next round starts.
    pub delta_link: String,
    /// True when this run enumerated the folder (no usable state).
    pub full: bool,
    /// True when the snapshot or the link differ from the saved ones.
    pub changed: bool,
}

impl Remote {
    /// This snapshot without its delta link, so that the next run enumerates the folder
    /// afresh: for when the snapshot proved wrong (an item it holds was not found).
    pub fn forgotten(self) -> Self {
        Remote {
            delta_link: String::new(),
            ..self
        }
    }
}

/// Brings `saved` (snapshot and deltaLink from the last run) up to date, or enumerates the
/// folder when there is none or the server refuses the link. Authentication and transient
/// failures end the run; any other refusal of a saved link means "start over".
pub(crate) async fn refresh(
    client: &GraphClient,
    folder: &DriveItem,
    saved: Option<(Snapshot, String)>,
    parallel: usize,
) -> Result<Remote> {
    if let Some((mut snapshot, link)) = saved {
        match client.delta(&ItemRef::Root, Some(&link)).await {
            Ok(round) => {
                let changed = !round.items.is_empty() || round.delta_link != link;
                let missing = apply(&mut snapshot, &folder.id, round.items);
                for id in missing {
                    let entries = walk_by_listing(client, &ItemRef::Id(id), parallel, None).await?;
                    apply(
                        &mut snapshot,
                        &folder.id,
                        entries.into_iter().map(|e| e.item),
                    );
                }
                return Ok(Remote {
                    snapshot,
                    delta_link: round.delta_link,
                    full: false,
                    changed,
                });
            }
            Err(e) if e.is_auth() || e.is_transient() => return Err(e),
            Err(_) => {}
        }
    }
    enumerate(client, folder, parallel).await
}

/// The whole folder, and a deltaLink to follow its changes from now on.
async fn enumerate(client: &GraphClient, folder: &DriveItem, parallel: usize) -> Result<Remote> {
    let personal = folder
        .parent_reference
        .as_ref()
        .and_then(|p| p.drive_type.as_deref())
        == Some("personal");
    if personal {
        let first = format!(
            "{}?$top=1000",
            ItemRef::Id(folder.id.clone()).url_path(client.drive_prefix(), Some("delta"))
        );
        match client.delta(&ItemRef::Root, Some(&first)).await {
            Ok(round) => {
                let mut snapshot = Snapshot::new();
                apply(&mut snapshot, &folder.id, round.items);
                return Ok(Remote {
                    snapshot,
                    delta_link: round.delta_link,
                    full: true,
                    changed: true,
                });
            }
            Err(e) if e.is_auth() || e.is_transient() => return Err(e),
            Err(_) => {}
        }
    }
    // Taken before the listing, so that a change made while it runs comes in the next round.
    let latest = format!("{}/root/delta?token=latest", client.drive_prefix());
    let link = client
        .delta(&ItemRef::Root, Some(&latest))
        .await?
        .delta_link;
    let entries = walk_by_listing(client, &ItemRef::Id(folder.id.clone()), parallel, None).await?;
    let mut snapshot = Snapshot::new();
    apply(
        &mut snapshot,
        &folder.id,
        entries.into_iter().map(|e| e.item),
    );
    Ok(Remote {
        snapshot,
        delta_link: link,
        full: true,
        changed: true,
    })
}

/// A snapshot of the items a walk found below `folder_id` (for `check`).
pub(crate) fn snapshot_of(folder_id: &str, items: impl IntoIterator<Item = DriveItem>) -> Snapshot {
    let mut snapshot = Snapshot::new();
    apply(&mut snapshot, folder_id, items);
    snapshot
}

/// Applies one round of changes to `snapshot` and drops what is no longer below `root_id`.
/// Returns the folders new to the snapshot that arrived without all their children.
fn apply(
    snapshot: &mut Snapshot,
    root_id: &str,
    items: impl IntoIterator<Item = DriveItem>,
) -> Vec<String> {
    let mut new_folders = Vec::new();
    for item in items {
        if item.id == root_id {
            continue;
        }
        let entry = (item.deleted.is_none()).then(|| entry_of(&item)).flatten();
        let Some(entry) = entry else {
            snapshot.remove(&item.id);
            continue;
        };
        if entry.kind == RemoteKind::Folder && !snapshot.contains_key(&item.id) {
            let count = item.folder.as_ref().map_or(0, |f| f.child_count);
            new_folders.push((item.id.clone(), count));
        }
        snapshot.insert(item.id, entry);
    }
    prune(snapshot, root_id);
    let mut known: HashMap<&str, u64> = HashMap::new();
    for e in snapshot.values() {
        *known.entry(e.parent.as_str()).or_default() += 1;
    }
    new_folders
        .into_iter()
        .filter(|(id, count)| {
            snapshot.contains_key(id) && known.get(id.as_str()).copied().unwrap_or(0) < *count
        })
        .map(|(id, _)| id)
        .collect()
}

/// Keeps only the entries reachable from `root_id` through parent ids.
fn prune(snapshot: &mut Snapshot, root_id: &str) {
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    for (id, e) in snapshot.iter() {
        children.entry(e.parent.as_str()).or_default().push(id);
    }
    let mut keep: HashSet<String> = HashSet::new();
    let mut stack = vec![root_id];
    while let Some(id) = stack.pop() {
        for child in children.get(id).into_iter().flatten() {
            if keep.insert((*child).to_owned()) {
                stack.push(child);
            }
        }
    }
    snapshot.retain(|id, _| keep.contains(id));
}

/// What the snapshot keeps of an item; `None` when it cannot be placed (no parent id).
fn entry_of(item: &DriveItem) -> Option<RemoteEntry> {
    let parent = item.parent_reference.as_ref()?.id.clone()?;
    let kind = match item.kind() {
        _ if item.remote().is_some() => RemoteKind::Skip(
            "it is a shortcut to an item on its owner's drive, whose changes mirror and check do \
             not follow (`get -r` copies it, `put -r` sends to it)"
                .into(),
        ),
        ItemKind::Folder => RemoteKind::Folder,
        ItemKind::File => RemoteKind::File,
        other => RemoteKind::Skip(other.why_not_downloadable().unwrap_or("").to_owned()),
    };
    let file = (kind == RemoteKind::File).then(|| file_print(item));
    Some(RemoteEntry {
        parent,
        name: item.name.clone(),
        kind,
        file,
    })
}

/// A remote file's size, mtime (`fileSystemInfo`, else the service's), hash and tag.
pub(crate) fn file_print(item: &DriveItem) -> FilePrint {
    let mtime = item
        .file_system_info
        .as_ref()
        .and_then(|f| f.last_modified_date_time.as_deref())
        .or(item.last_modified_date_time.as_deref())
        .and_then(parse_ms);
    FilePrint {
        size: item.size.unwrap_or(0),
        mtime,
        hash: item.quick_xor_hash().map(str::to_owned),
        tag: item.c_tag.clone().or_else(|| item.e_tag.clone()),
    }
}

/// The snapshot as a tree of relative paths below `root_id`. A name that cannot be one local
/// path component (a broken or hostile server: `..`, `a/b`, control characters) is refused
/// with what lies below it; a name like this tool's partial-transfer files is skipped.
pub(crate) fn tree(snapshot: &Snapshot, root_id: &str) -> Tree {
    let mut children: HashMap<&str, Vec<(&String, &RemoteEntry)>> = HashMap::new();
    for (id, e) in snapshot {
        children.entry(e.parent.as_str()).or_default().push((id, e));
    }
    let mut tree = Tree::new();
    let mut stack = vec![(root_id, String::new())];
    while let Some((id, prefix)) = stack.pop() {
        for (child_id, e) in children.remove(id).unwrap_or_default() {
            let probe = DriveItem {
                name: e.name.clone(),
                ..DriveItem::default()
            };
            let path = join_rel(&prefix, &e.name);
            let kind = match (&e.kind, probe.local_name()) {
                (_, Err(err)) => Kind::Refused(err.to_string()),
                (_, Ok(name)) if crate::drive::local_tree::is_state_file(name) => {
                    Kind::Skip("it is named like a partial-transfer file of this tool".into())
                }
                (RemoteKind::Folder, _) => {
                    stack.push((child_id.as_str(), path.clone()));
                    Kind::Folder
                }
                (RemoteKind::File, _) => {
                    Kind::File(e.file.as_ref().map(FileInfo::from).unwrap_or_default())
                }
                (RemoteKind::Skip(why), _) => Kind::Skip(why.clone()),
            };
            let id = Some(child_id.clone());
            tree.insert(
                path,
                Entry {
                    kind,
                    id,
                    real: None,
                },
            );
        }
    }
    tree
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::{FolderFacet, ItemReference};

    fn item(id: &str, parent: &str, name: &str, folder: Option<u64>) -> DriveItem {
        DriveItem {
            id: id.into(),
            name: name.into(),
            parent_reference: Some(ItemReference {
                id: Some(parent.into()),
                ..ItemReference::default()
            }),
            folder: folder.map(|child_count| FolderFacet { child_count }),
            file: folder.is_none().then(Default::default),
            ..DriveItem::default()
        }
    }

    fn paths(s: &Snapshot) -> Vec<String> {
        tree(s, "R").into_keys().collect()
    }

    #[test]
    fn rounds_rename_move_delete_and_drop_what_leaves_the_folder() {
        let mut s = Snapshot::new();
        let first = [
            item("R", "P", "root", Some(2)),
            item("a", "R", "A", Some(1)),
            item("x", "a", "x.txt", None),
            item("y", "R", "y.txt", None),
        ];
        assert!(apply(&mut s, "R", first).is_empty());
        assert_eq!(paths(&s), ["A", "A/x.txt", "y.txt"]);
        let mut gone = item("y", "R", "", None);
        gone.deleted = Some(serde_json::json!({}));
        let round = [
            item("a", "R", "B", Some(1)),
            gone,
            item("o", "OUTSIDE", "o.txt", None),
        ];
        assert!(apply(&mut s, "R", round).is_empty());
        assert_eq!(paths(&s), ["B", "B/x.txt"]);
        assert!(apply(&mut s, "R", [item("a", "OUTSIDE", "B", Some(1))]).is_empty());
        assert!(paths(&s).is_empty(), "moved out with its contents");
    }

    #[test]
    fn a_folder_moved_in_without_its_children_is_to_be_listed() {
        let mut s = Snapshot::new();
        let missing = apply(&mut s, "R", [item("m", "R", "moved", Some(3))]);
        assert_eq!(missing, ["m"]);
        let created = [item("n", "R", "new", Some(1)), item("z", "n", "z", None)];
        assert!(apply(&mut s, "R", created).is_empty());
    }

    #[test]
    fn unsafe_names_are_refused_with_what_lies_below() {
        let mut s = Snapshot::new();
        let items = [
            item("d", "R", "..", Some(1)),
            item("e", "d", "e.txt", None),
            item("p", "R", ".f.part", None),
        ];
        apply(&mut s, "R", items);
        let t = tree(&s, "R");
        assert_eq!(t.keys().collect::<Vec<_>>(), ["..", ".f.part"]);
        assert!(matches!(t[".."].kind, Kind::Refused(_)));
        assert!(matches!(t[".f.part"].kind, Kind::Skip(_)));
    }
}
