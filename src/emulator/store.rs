//! The emulated world's metadata: several drives ([`DriveMeta`]) whose items share one number
//! space, so an item number alone names an item anywhere (ids are derived from it, see
//! [`super::ids`]). Names are unique per folder ignoring case and Unicode normalisation (NFC
//! and NFD spell one name, graph-api.md §13). Each drive has its own change sequence for
//! eTags and delta. File contents are [`Blob`]s (on disk, or synthetic); this module never
//! touches them.
//!
//! Every change goes through a method here, which also notes what it changed
//! ([`Store::take_changes`]), so the journal of [`super::persist`] can write just that. The
//! methods also keep each folder's children in name order and its `bytes` (the folder size:
//! a sum over everything below, which a listing of a million-item drive must not compute per
//! answer).

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::blob::Blob;
use super::ids::{self, Profile};
pub(crate) use super::node::{
    DriveMeta, Grant, Node, Stamp, Tombstone, Version, name_key, new_node, next_version,
    now_rfc3339,
};
use super::resp::ApiError;
pub(crate) use super::table::Nodes;
use super::tree::Planted;
use crate::graph::model::Permission;

/// Number of the signed-in user's root folder.
pub(crate) const ROOT: u64 = 101;

/// How many earlier versions of a file are kept (personal OneDrive keeps 25).
pub(crate) const MAX_VERSIONS: usize = 25;

/// What changed since [`Store::take_changes`] was last called.
#[derive(Debug, Default)]
pub(crate) struct Changes {
    /// Items added or changed.
    pub(crate) nodes: BTreeSet<u64>,
    /// Items removed.
    pub(crate) gone: BTreeSet<u64>,
    /// Drives whose sequence moved.
    pub(crate) drives: BTreeSet<usize>,
    /// Items whose sharing links changed.
    pub(crate) perms: BTreeSet<u64>,
    /// Tombstones added (their count before).
    pub(crate) tombstones_from: Option<usize>,
    /// Grants or user tokens changed.
    pub(crate) other: bool,
}

/// The whole world: drives, items, links, grants.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Store {
    pub(crate) profile: Profile,
    pub(crate) drives: Vec<DriveMeta>,
    pub(crate) nodes: Nodes,
    pub(crate) next: u64,
    /// Deleted items, for delta.
    pub(crate) tombstones: Vec<Tombstone>,
    /// Sharing links by item number.
    pub(crate) permissions: HashMap<u64, Vec<Permission>>,
    /// What other users' items each user may read or write.
    pub(crate) grants: Vec<Grant>,
    /// Access tokens of users other than the signed-in one.
    pub(crate) user_tokens: HashMap<String, usize>,
    /// The synthetic tree the world was made with (see `tree`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) tree: Option<Planted>,
    /// Who the current change is made by.
    #[serde(skip)]
    pub(crate) actor: usize,
    #[serde(skip)]
    pub(crate) changes: Changes,
}

impl Store {
    /// A world without drives.
    pub(crate) fn new(profile: Profile) -> Self {
        Store {
            profile,
            drives: Vec::new(),
            nodes: Nodes::default(),
            next: ROOT,
            tombstones: Vec::new(),
            permissions: HashMap::new(),
            grants: Vec::new(),
            user_tokens: HashMap::new(),
            tree: None,
            actor: 0,
            changes: Changes::default(),
        }
    }

    /// Adds a drive with an empty root (numbered odd, see [`ids::item_number`]); returns its
    /// index.
    pub(crate) fn add_drive(&mut self, id: &str, kind: &str, name: &str, owner: usize) -> usize {
        let n = self.next | 1;
        self.next = n + 1;
        let now = Stamp::now();
        let drive = self.drives.len();
        self.drives.push(DriveMeta {
            id: id.to_owned(),
            kind: kind.to_owned(),
            name: name.to_owned(),
            owner,
            root: n,
            seq: 1,
        });
        let root = new_node(n, drive, "root", None, None, now, owner);
        self.nodes.insert(
            n,
            Node {
                seq: 1,
                cseq: 1,
                ..root
            },
        );
        self.changes.nodes.insert(n);
        self.changes.drives.insert(drive);
        drive
    }

    /// The node with number `n`.
    pub(crate) fn get(&self, n: u64) -> Option<&Node> {
        self.nodes.get(&n)
    }

    /// The node, or `404 itemNotFound`.
    pub(crate) fn node(&self, n: u64) -> Result<&Node, ApiError> {
        self.nodes.get(&n).ok_or_else(ApiError::not_found)
    }

    /// The drive item `n` lives on.
    pub(crate) fn drive_of(&self, n: u64) -> Option<&DriveMeta> {
        self.drives.get(self.nodes.get(&n)?.drive)
    }

    /// The child of `parent` named `name` (ignoring case and normalisation).
    pub(crate) fn child(&self, parent: u64, name: &str) -> Option<u64> {
        self.nodes.find_child(parent, &name_key(name))
    }

    /// Children numbers of a folder in name order.
    pub(crate) fn children(&self, n: u64) -> Vec<u64> {
        self.kids(n).to_vec()
    }

    /// Children numbers of a folder in name order, borrowed.
    pub(crate) fn kids(&self, n: u64) -> &[u64] {
        self.nodes.get(&n).map_or(&[], |node| &node.children)
    }

    /// All numbers below `n` (not `n` itself), parents before children.
    pub(crate) fn descendants(&self, n: u64) -> Vec<u64> {
        let mut out = self.children(n);
        let mut i = 0;
        while i < out.len() {
            let kids = self.children(out[i]);
            out.extend(kids);
            i += 1;
        }
        out
    }

    /// Whether `n` is `ancestor` or lies below it.
    pub(crate) fn is_within(&self, mut n: u64, ancestor: u64) -> bool {
        loop {
            if n == ancestor {
                return true;
            }
            match self.nodes.get(&n).and_then(|node| node.parent) {
                Some(p) => n = p,
                None => return false,
            }
        }
    }

    /// The item id of number `n`.
    pub(crate) fn id_of(&self, n: u64) -> String {
        let Some(node) = self.nodes.get(&n) else {
            return String::new();
        };
        let drive = &self.drives[node.drive];
        ids::item_id(self.profile, &drive.id, n, node.parent.is_none())
    }

    /// The number of an item id (`root` or an id of drive `drive`).
    pub(crate) fn parse_id(&self, drive: usize, id: &str) -> Option<u64> {
        let d = self.drives.get(drive)?;
        let n = ids::parse_item_id(self.profile, &d.id, id, d.root)?;
        self.nodes
            .get(&n)
            .is_some_and(|x| x.drive == drive)
            .then_some(n)
    }

    /// Bumps the drive's change sequence and marks `n` changed; `content` also marks
    /// ancestors' cTags (a folder's cTag changes when any descendant changes).
    pub(crate) fn touch(&mut self, n: u64, content: bool) {
        let Some(drive) = self.nodes.get(&n).map(|x| x.drive) else {
            return;
        };
        let seq = self.bump(drive);
        let (now, actor) = (Stamp::now(), self.actor);
        if let Some(node) = self.node_mut(n) {
            node.seq = seq;
            node.modified = now;
            node.by[1] = actor;
            if content {
                node.cseq = seq;
            }
        }
        let mut cur = self.nodes.get(&n).and_then(|node| node.parent);
        while let Some(p) = cur {
            let Some(node) = self.node_mut(p) else {
                break;
            };
            node.cseq = seq;
            cur = node.parent;
        }
    }

    fn bump(&mut self, drive: usize) -> u64 {
        self.changes.drives.insert(drive);
        match self.drives.get_mut(drive) {
            Some(d) => {
                d.seq += 1;
                d.seq
            }
            None => 0,
        }
    }

    /// Adds a child (a file when `blob` is set) and returns its number. The caller has
    /// checked the name.
    pub(crate) fn insert(&mut self, parent: u64, name: &str, blob: Option<Blob>) -> u64 {
        let n = self.next;
        self.next += 1;
        let drive = self.nodes.get(&parent).map_or(0, |p| p.drive);
        let size = blob.as_ref().map_or(0, |b| b.size);
        let node = new_node(n, drive, name, Some(parent), blob, Stamp::now(), self.actor);
        self.nodes.insert(n, node);
        self.nodes.link(parent, n);
        self.nodes.add_bytes(Some(parent), size, 0);
        self.touch(n, true);
        n
    }

    /// Replaces a file's content, keeping the old one as a version; returns the blobs of
    /// versions that fell off the end (for deletion).
    pub(crate) fn set_content(&mut self, n: u64, blob: Blob) -> Vec<Blob> {
        let new_size = blob.size;
        let Some(node) = self.node_mut(n) else {
            return vec![blob];
        };
        let (old_time, old_by, parent) = (node.fs_modified.clone(), node.by[1], node.parent);
        let mut dropped = Vec::new();
        let mut old_size = 0;
        if let Some(old) = node.blob.replace(blob) {
            old_size = old.size;
            let versions = &mut node.extra_mut().versions;
            versions.push(Version {
                id: format!("{}.0", next_version(versions)),
                blob: old,
                modified: old_time,
                by: old_by,
            });
            while versions.len() > MAX_VERSIONS {
                dropped.push(versions.remove(0).blob);
            }
        }
        node.fs_modified = Stamp::now();
        self.nodes.add_bytes(parent, new_size, old_size);
        self.touch(n, true);
        dropped
    }

    /// Mutable access for metadata updates (call [`Store::touch`] afterwards).
    pub(crate) fn node_mut(&mut self, n: u64) -> Option<&mut Node> {
        self.changes.nodes.insert(n);
        self.nodes.get_mut(&n)
    }

    /// The sharing links of `n`, for changing.
    pub(crate) fn perms_mut(&mut self, n: u64) -> &mut Vec<Permission> {
        self.changes.perms.insert(n);
        self.permissions.entry(n).or_default()
    }

    /// Moves and/or renames `n` (the caller has checked the target name is free). A move to
    /// another folder leaves a tombstone in the old one (see [`Tombstone`]).
    pub(crate) fn relocate(&mut self, n: u64, parent: u64, name: &str) {
        let Some(node) = self.nodes.get(&n) else {
            return;
        };
        let old_parent = node.parent;
        let (old_name, folder, drive) = (node.name.to_string(), node.blob.is_none(), node.drive);
        let size = self.size(n);
        if let Some(old) = old_parent {
            self.nodes.unlink(old, n);
            self.nodes.add_bytes(Some(old), 0, size);
            self.touch(old, true);
            if old != parent {
                // Remembered so that a delta on a folder it left reports it as gone.
                self.changes
                    .tombstones_from
                    .get_or_insert(self.tombstones.len());
                let seq = self.bump(drive);
                self.tombstones.push(Tombstone {
                    n,
                    drive,
                    name: old_name,
                    parent: old,
                    seq,
                    folder,
                    moved: true,
                });
            }
        }
        if let Some(node) = self.node_mut(n) {
            node.parent = Some(parent);
            node.name = name.into();
        }
        self.nodes.link(parent, n);
        self.nodes.add_bytes(Some(parent), size, 0);
        self.touch(n, false);
    }

    /// Deletes `n` and everything below it; returns the blobs to delete.
    pub(crate) fn remove(&mut self, n: u64) -> Vec<Blob> {
        let mut doomed = vec![n];
        doomed.extend(self.descendants(n));
        if let Some(parent) = self.nodes.get(&n).and_then(|node| node.parent) {
            let size = self.size(n);
            self.nodes.unlink(parent, n);
            self.nodes.add_bytes(Some(parent), 0, size);
            self.touch(parent, true);
        }
        self.changes
            .tombstones_from
            .get_or_insert(self.tombstones.len());
        let mut blobs = Vec::new();
        for d in doomed {
            self.changes.gone.insert(d);
            self.changes.nodes.remove(&d);
            if self.permissions.remove(&d).is_some() {
                self.changes.perms.insert(d);
            }
            let Some(node) = self.nodes.remove(&d) else {
                continue;
            };
            let seq = self.bump(node.drive);
            self.tombstones.push(Tombstone {
                n: d,
                drive: node.drive,
                name: node.name.into(),
                parent: node.parent.unwrap_or(d),
                seq,
                folder: node.blob.is_none(),
                moved: false,
            });
            blobs.extend(node.blob);
            blobs.extend(
                node.extra
                    .into_iter()
                    .flat_map(|x| x.versions)
                    .map(|v| v.blob),
            );
        }
        blobs
    }

    /// Total bytes of a node and its descendants (a shortcut counts nothing: its content
    /// lives on another drive).
    pub(crate) fn size(&self, n: u64) -> u64 {
        self.nodes.get(&n).map_or(0, |node| match &node.blob {
            Some(b) => b.size,
            None => node.bytes,
        })
    }

    /// The names from the drive's root down to `n` (empty for a root).
    pub(crate) fn names_of(&self, n: u64) -> Vec<&str> {
        let mut parts = Vec::new();
        let mut cur = self.nodes.get(&n);
        while let Some(node) = cur {
            if node.parent.is_none() {
                break;
            }
            parts.push(node.name.as_str());
            cur = node.parent.and_then(|p| self.nodes.get(&p));
        }
        parts.reverse();
        parts
    }

    /// A free name in `parent` for `name`: `name`, else `name 1.ext`, `name 2.ext`, ...
    pub(crate) fn free_name(&self, parent: u64, name: &str) -> String {
        if self.child(parent, name).is_none() {
            return name.to_owned();
        }
        let (stem, ext) = match name.rfind('.') {
            Some(i) if i > 0 => name.split_at(i),
            _ => (name, ""),
        };
        (1..)
            .map(|i| format!("{stem} {i}{ext}"))
            .find(|cand| self.child(parent, cand).is_none())
            .unwrap_or_else(|| name.to_owned())
    }

    /// Every node (for searches and delta).
    pub(crate) fn all(&self) -> impl Iterator<Item = &Node> {
        self.nodes.values()
    }

    /// What changed since the last call.
    pub(crate) fn take_changes(&mut self) -> Changes {
        std::mem::take(&mut self.changes)
    }
}

#[cfg(test)]
mod tests;
