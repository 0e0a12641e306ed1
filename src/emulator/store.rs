//! The emulated drive's metadata: an in-memory tree of items with ids, names (unique per
//! folder ignoring case), eTag/cTag versions and a change sequence for delta. File contents
//! are [`Blob`]s on disk; this module never touches them.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::blob::Blob;
use super::resp::ApiError;
use crate::graph::model::Permission;

/// Number of the root folder.
pub(crate) const ROOT: u64 = 101;

/// One stored item.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Node {
    /// Numeric part of the id.
    pub(crate) n: u64,
    /// Name as given (case kept).
    pub(crate) name: String,
    /// Parent's number; `None` for the root.
    pub(crate) parent: Option<u64>,
    /// `Some` for files.
    pub(crate) blob: Option<Blob>,
    /// Children by lowercased name (folders only).
    pub(crate) children: BTreeMap<String, u64>,
    /// Change sequence of the last change of this item (eTag, delta).
    pub(crate) seq: u64,
    /// Change sequence of the last content change in this item or below (cTag).
    pub(crate) cseq: u64,
    /// Service-side times.
    pub(crate) created: String,
    /// Service-side modification time.
    pub(crate) modified: String,
    /// Client-settable `fileSystemInfo` times.
    pub(crate) fs_created: String,
    /// Client-settable modification time.
    pub(crate) fs_modified: String,
    /// `documents`, `photos`, ... for special folders.
    pub(crate) special: Option<String>,
}

impl Node {
    /// True for folders (and the root).
    pub(crate) fn is_folder(&self) -> bool {
        self.blob.is_none()
    }
}

/// A deleted item, remembered for delta.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Tombstone {
    pub(crate) n: u64,
    pub(crate) name: String,
    pub(crate) parent: u64,
    pub(crate) seq: u64,
    pub(crate) folder: bool,
}

/// The whole drive.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Store {
    /// 16 uppercase hex digits.
    pub(crate) drive_id: String,
    nodes: HashMap<u64, Node>,
    next: u64,
    /// The latest change sequence.
    pub(crate) seq: u64,
    /// Deleted items, for delta.
    pub(crate) tombstones: Vec<Tombstone>,
    /// Sharing links by item number.
    pub(crate) permissions: HashMap<u64, Vec<Permission>>,
}

impl Store {
    /// An empty drive.
    pub(crate) fn new(drive_id: &str) -> Self {
        let now = now_rfc3339();
        let root = Node {
            n: ROOT,
            name: "root".into(),
            parent: None,
            blob: None,
            children: BTreeMap::new(),
            seq: 1,
            cseq: 1,
            created: now.clone(),
            modified: now.clone(),
            fs_created: now.clone(),
            fs_modified: now,
            special: None,
        };
        Store {
            drive_id: drive_id.to_owned(),
            nodes: HashMap::from([(ROOT, root)]),
            next: ROOT + 1,
            seq: 1,
            tombstones: Vec::new(),
            permissions: HashMap::new(),
        }
    }

    /// The node with number `n`.
    pub(crate) fn get(&self, n: u64) -> Option<&Node> {
        self.nodes.get(&n)
    }

    /// The node, or `404 itemNotFound`.
    pub(crate) fn node(&self, n: u64) -> Result<&Node, ApiError> {
        self.nodes.get(&n).ok_or_else(ApiError::not_found)
    }

    /// The child of `parent` named `name` (ignoring case).
    pub(crate) fn child(&self, parent: u64, name: &str) -> Option<u64> {
        self.nodes
            .get(&parent)?
            .children
            .get(&name.to_lowercase())
            .copied()
    }

    /// Children numbers of a folder in name order.
    pub(crate) fn children(&self, n: u64) -> Vec<u64> {
        self.nodes
            .get(&n)
            .map(|node| node.children.values().copied().collect())
            .unwrap_or_default()
    }

    /// All numbers below `n` (not `n` itself), parents before children.
    pub(crate) fn descendants(&self, n: u64) -> Vec<u64> {
        let mut out = Vec::new();
        let mut i = 0;
        out.extend(self.children(n));
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
        format!("{}!{n}", self.drive_id)
    }

    /// The number of an item id (`root` or `{DRIVEID}!{n}`, drive id compared ignoring case).
    pub(crate) fn parse_id(&self, id: &str) -> Option<u64> {
        if id.eq_ignore_ascii_case("root") {
            return Some(ROOT);
        }
        let (drive, n) = id.split_once('!')?;
        if !drive.eq_ignore_ascii_case(&self.drive_id) {
            return None;
        }
        let n: u64 = n.parse().ok()?;
        self.nodes.contains_key(&n).then_some(n)
    }

    /// Bumps the change sequence and marks `n` changed; `content` also marks ancestors'
    /// cTags (a folder's cTag changes when any descendant changes).
    pub(crate) fn touch(&mut self, n: u64, content: bool) {
        self.seq += 1;
        let seq = self.seq;
        let now = now_rfc3339();
        if let Some(node) = self.nodes.get_mut(&n) {
            node.seq = seq;
            node.modified = now;
            if content {
                node.cseq = seq;
            }
        }
        let mut cur = self.nodes.get(&n).and_then(|node| node.parent);
        while let Some(p) = cur {
            let Some(node) = self.nodes.get_mut(&p) else {
                break;
            };
            node.cseq = seq;
            cur = node.parent;
        }
    }

    /// Adds a child (a file when `blob` is set) and returns its number. The caller has
    /// checked the name.
    pub(crate) fn insert(&mut self, parent: u64, name: &str, blob: Option<Blob>) -> u64 {
        let n = self.next;
        self.next += 1;
        let now = now_rfc3339();
        self.nodes.insert(
            n,
            Node {
                n,
                name: name.to_owned(),
                parent: Some(parent),
                blob,
                children: BTreeMap::new(),
                seq: 0,
                cseq: 0,
                created: now.clone(),
                modified: now.clone(),
                fs_created: now.clone(),
                fs_modified: now,
                special: None,
            },
        );
        if let Some(p) = self.nodes.get_mut(&parent) {
            p.children.insert(name.to_lowercase(), n);
        }
        self.touch(n, true);
        n
    }

    /// Replaces a file's content; returns the old blob for deletion.
    pub(crate) fn set_content(&mut self, n: u64, blob: Blob) -> Option<Blob> {
        let node = self.nodes.get_mut(&n)?;
        let old = node.blob.replace(blob);
        node.fs_modified = now_rfc3339();
        self.touch(n, true);
        old
    }

    /// Mutable access for metadata updates (call [`Store::touch`] afterwards).
    pub(crate) fn node_mut(&mut self, n: u64) -> Option<&mut Node> {
        self.nodes.get_mut(&n)
    }

    /// Moves and/or renames `n` (the caller has checked the target name is free).
    pub(crate) fn relocate(&mut self, n: u64, parent: u64, name: &str) {
        let Some(node) = self.nodes.get(&n) else {
            return;
        };
        let (old_parent, old_key) = (node.parent, node.name.to_lowercase());
        if let Some(p) = old_parent.and_then(|p| self.nodes.get_mut(&p)) {
            p.children.remove(&old_key);
        }
        if let Some(old) = old_parent {
            self.touch(old, true);
        }
        if let Some(p) = self.nodes.get_mut(&parent) {
            p.children.insert(name.to_lowercase(), n);
        }
        if let Some(node) = self.nodes.get_mut(&n) {
            node.parent = Some(parent);
            node.name = name.to_owned();
        }
        self.touch(n, false);
    }

    /// Deletes `n` and everything below it; returns the blobs to delete.
    pub(crate) fn remove(&mut self, n: u64) -> Vec<Blob> {
        let mut doomed = vec![n];
        doomed.extend(self.descendants(n));
        if let Some(parent) = self.nodes.get(&n).and_then(|node| node.parent) {
            let key = self.nodes.get(&n).map(|node| node.name.to_lowercase());
            if let (Some(p), Some(key)) = (self.nodes.get_mut(&parent), key) {
                p.children.remove(&key);
            }
            self.touch(parent, true);
        }
        let mut blobs = Vec::new();
        for d in doomed {
            self.seq += 1;
            self.permissions.remove(&d);
            if let Some(node) = self.nodes.remove(&d) {
                self.tombstones.push(Tombstone {
                    n: d,
                    name: node.name,
                    parent: node.parent.unwrap_or(ROOT),
                    seq: self.seq,
                    folder: node.blob.is_none(),
                });
                blobs.extend(node.blob);
            }
        }
        blobs
    }

    /// Total bytes of a node and its descendants.
    pub(crate) fn size(&self, n: u64) -> u64 {
        self.nodes.get(&n).map_or(0, |node| match &node.blob {
            Some(b) => b.size,
            None => node.children.values().map(|c| self.size(*c)).sum(),
        })
    }

    /// The names from the root down to `n` (empty for the root).
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

    /// `/drive/root:/A/B` path of `n` (the form `parentReference.path` uses).
    pub(crate) fn path_of(&self, n: u64) -> String {
        let names = self.names_of(n);
        if names.is_empty() {
            "/drive/root:".to_owned()
        } else {
            format!("/drive/root:/{}", names.join("/"))
        }
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

    /// Every node number (for searches and delta).
    pub(crate) fn all(&self) -> impl Iterator<Item = &Node> {
        self.nodes.values()
    }
}

/// The current time as RFC 3339 UTC with milliseconds.
pub(crate) fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now
        .replace_nanosecond(now.millisecond() as u32 * 1_000_000)
        .unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_ignoring_case_and_rename_appends_a_number() {
        let mut s = Store::new("ABCDEF0123456789");
        let a = s.insert(ROOT, "Hello.doc", None);
        assert_eq!(s.child(ROOT, "hello.DOC"), Some(a));
        assert_eq!(s.free_name(ROOT, "hello.doc"), "hello 1.doc");
        s.insert(ROOT, "hello 1.doc", None);
        assert_eq!(s.free_name(ROOT, "Hello.doc"), "Hello 2.doc");
        assert_eq!(s.free_name(ROOT, "New Folder"), "New Folder");
    }

    #[test]
    fn remove_is_recursive_and_leaves_tombstones() {
        let mut s = Store::new("ABCDEF0123456789");
        let a = s.insert(ROOT, "A", None);
        let b = s.insert(a, "B", None);
        s.remove(a);
        assert!(s.get(b).is_none() && s.child(ROOT, "a").is_none());
        assert_eq!(s.tombstones.len(), 2);
        assert_eq!(s.parse_id(&s.id_of(a)), None);
        assert_eq!(s.parse_id("root"), Some(ROOT));
    }
}
