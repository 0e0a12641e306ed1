//! One item of the store ([`Node`]) and the records beside it: earlier versions, deleted
//! items, drives and grants.
//!
//! A node is kept small because a drive of a million items must fit in a few hundred MiB
//! (issue 15): times are [`Stamp`]s (8 bytes, not strings), a short name is stored inline
//! ([`CompactString`]), children are a sorted vector of numbers (the names live in the
//! children themselves), and what few items have (a special folder's name, a package type,
//! a shortcut's target, a malware description, earlier versions) sits behind one pointer in
//! [`Extra`]. Data dirs keep the flat JSON form they always had ([`NodeRepr`]).

use compact_str::CompactString;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::blob::Blob;
pub(crate) use super::stamp::Stamp;

/// An earlier content of a file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Version {
    /// The version id (`1.0`, `2.0`, ...).
    pub(crate) id: String,
    pub(crate) blob: Blob,
    pub(crate) modified: Stamp,
    pub(crate) by: usize,
}

/// What only some items have, boxed so that the others pay one pointer for it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extra {
    /// `documents`, `photos`, ... for special folders.
    pub(crate) special: Option<String>,
    /// `Some("oneNote")` for a notebook: a package, neither file nor folder.
    pub(crate) package: Option<String>,
    /// A shortcut ("Add shortcut to My files"): the number of the item it points to.
    pub(crate) remote: Option<u64>,
    /// Set on files flagged as malware: the description.
    pub(crate) malware: Option<String>,
    /// Earlier contents, oldest first.
    pub(crate) versions: Vec<Version>,
}

impl Extra {
    fn is_empty(&self) -> bool {
        self.special.is_none()
            && self.package.is_none()
            && self.remote.is_none()
            && self.malware.is_none()
            && self.versions.is_empty()
    }
}

/// One stored item.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// Number of the item (its id is derived from it).
    pub(crate) n: u64,
    /// Index of its drive in [`Store::drives`].
    pub(crate) drive: usize,
    /// Name as given (case and normalisation kept).
    pub(crate) name: CompactString,
    /// Parent's number; `None` for a drive's root.
    pub(crate) parent: Option<u64>,
    /// `Some` for files.
    pub(crate) blob: Option<Blob>,
    /// Children's numbers in [`name_key`] order; kept by the store, rebuilt on load.
    pub(crate) children: Vec<u64>,
    /// Containers: bytes of all files below (the folder `size`); kept by the store.
    pub(crate) bytes: u64,
    /// Drive change sequence of the last change of this item (eTag, delta).
    pub(crate) seq: u64,
    /// Drive change sequence of the last content change in this item or below (cTag).
    pub(crate) cseq: u64,
    /// Service-side creation time.
    pub(crate) created: Stamp,
    /// Service-side modification time.
    pub(crate) modified: Stamp,
    /// Client-settable `fileSystemInfo` times.
    pub(crate) fs_created: Stamp,
    /// Client-settable modification time.
    pub(crate) fs_modified: Stamp,
    /// Users who created and last modified it.
    pub(crate) by: [usize; 2],
    /// The rare facets, `None` when the item has none of them.
    pub(crate) extra: Option<Box<Extra>>,
}

impl Node {
    /// True for plain folders (and roots): the items with a `folder` facet.
    pub(crate) fn is_folder(&self) -> bool {
        self.blob.is_none() && self.package().is_none() && self.remote().is_none()
    }

    /// True for items that hold children: folders and packages (notebooks).
    pub(crate) fn is_container(&self) -> bool {
        self.blob.is_none() && self.remote().is_none()
    }

    /// True for files.
    pub(crate) fn is_file(&self) -> bool {
        self.blob.is_some()
    }

    /// The special folder name (`documents`, ...).
    pub(crate) fn special(&self) -> Option<&str> {
        self.extra.as_ref()?.special.as_deref()
    }

    /// The package type (`oneNote`).
    pub(crate) fn package(&self) -> Option<&str> {
        self.extra.as_ref()?.package.as_deref()
    }

    /// The number of a shortcut's target.
    pub(crate) fn remote(&self) -> Option<u64> {
        self.extra.as_ref()?.remote
    }

    /// The malware description of a flagged file.
    pub(crate) fn malware(&self) -> Option<&str> {
        self.extra.as_ref()?.malware.as_deref()
    }

    /// Earlier contents, oldest first.
    pub(crate) fn versions(&self) -> &[Version] {
        self.extra.as_ref().map_or(&[], |x| x.versions.as_slice())
    }

    /// The rare facets, for changing (made when missing).
    pub(crate) fn extra_mut(&mut self) -> &mut Extra {
        self.extra.get_or_insert_with(Box::default)
    }
}

/// The JSON form of a node in data dirs and journals (the flat form of earlier emulators).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct NodeRepr {
    n: u64,
    #[serde(default)]
    drive: usize,
    name: CompactString,
    parent: Option<u64>,
    blob: Option<Blob>,
    seq: u64,
    cseq: u64,
    #[serde(default)]
    bytes: u64,
    created: Stamp,
    modified: Stamp,
    fs_created: Stamp,
    fs_modified: Stamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    special: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    package: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    remote: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    malware: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    versions: Vec<Version>,
    #[serde(default)]
    by: [usize; 2],
}

impl From<&Node> for NodeRepr {
    fn from(x: &Node) -> Self {
        let extra = x.extra.as_deref().cloned().unwrap_or_default();
        NodeRepr {
            n: x.n,
            drive: x.drive,
            name: x.name.clone(),
            parent: x.parent,
            blob: x.blob.clone(),
            seq: x.seq,
            cseq: x.cseq,
            bytes: x.bytes,
            created: x.created.clone(),
            modified: x.modified.clone(),
            fs_created: x.fs_created.clone(),
            fs_modified: x.fs_modified.clone(),
            special: extra.special,
            package: extra.package,
            remote: extra.remote,
            malware: extra.malware,
            versions: extra.versions,
            by: x.by,
        }
    }
}

impl From<NodeRepr> for Node {
    fn from(r: NodeRepr) -> Self {
        let extra = Extra {
            special: r.special,
            package: r.package,
            remote: r.remote,
            malware: r.malware,
            versions: r.versions,
        };
        Node {
            n: r.n,
            drive: r.drive,
            name: r.name,
            parent: r.parent,
            blob: r.blob,
            children: Vec::new(),
            bytes: r.bytes,
            seq: r.seq,
            cseq: r.cseq,
            created: r.created,
            modified: r.modified,
            fs_created: r.fs_created,
            fs_modified: r.fs_modified,
            by: r.by,
            extra: (!extra.is_empty()).then(|| Box::new(extra)),
        }
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        NodeRepr::from(self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        NodeRepr::deserialize(d).map(Node::from)
    }
}

/// A deleted item, or an item that left a folder (moved elsewhere), remembered for delta: a
/// folder-scoped delta reports an item that left the folder as deleted (graph-api.md §8).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Tombstone {
    pub(crate) n: u64,
    #[serde(default)]
    pub(crate) drive: usize,
    pub(crate) name: String,
    /// The folder it was in.
    pub(crate) parent: u64,
    pub(crate) seq: u64,
    pub(crate) folder: bool,
    /// It was moved out of `parent`, not deleted: it may still exist elsewhere.
    #[serde(default)]
    pub(crate) moved: bool,
}

/// One drive.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DriveMeta {
    /// Its id as stored (personal: upper-case hex; business: `b!…`).
    pub(crate) id: String,
    /// `personal`, `business` or `documentLibrary`.
    pub(crate) kind: String,
    /// Display name (`OneDrive`, `Documents`).
    pub(crate) name: String,
    /// Index of the owning user (see [`super::users`]).
    pub(crate) owner: usize,
    /// Number of its root folder.
    pub(crate) root: u64,
    /// The latest change sequence.
    pub(crate) seq: u64,
}

/// Access to a folder or file of someone else's drive, and everything below it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Grant {
    pub(crate) item: u64,
    pub(crate) user: usize,
    pub(crate) write: bool,
}

/// The key two names share when they are one name (lower case, NFC): the client's rule,
/// so the two cannot drift apart. ASCII names (the common case, and every name of a
/// synthetic tree) take a short cut with the same result.
pub(crate) fn name_key(name: &str) -> String {
    if name.is_ascii() {
        return name.to_ascii_lowercase();
    }
    crate::graph::names::name_key(name)
}

/// How `name`'s key compares with `key` (a [`name_key`]), without allocating for ASCII.
pub(crate) fn cmp_key(name: &str, key: &str) -> std::cmp::Ordering {
    if name.is_ascii() {
        name.bytes()
            .map(|b| b.to_ascii_lowercase())
            .cmp(key.bytes())
    } else {
        name_key(name).as_str().cmp(key)
    }
}

/// The number the next version gets: one more than the last one's.
pub(crate) fn next_version(versions: &[Version]) -> u64 {
    versions
        .last()
        .and_then(|v| v.id.split('.').next()?.parse::<u64>().ok())
        .map_or(1, |n| n + 1)
}

/// A new item (no children, no extras) created and last changed by `by` at `now`.
pub(crate) fn new_node(
    n: u64,
    drive: usize,
    name: &str,
    parent: Option<u64>,
    blob: Option<Blob>,
    now: Stamp,
    by: usize,
) -> Node {
    Node {
        n,
        drive,
        name: name.into(),
        parent,
        blob,
        children: Vec::new(),
        bytes: 0,
        seq: 0,
        cseq: 0,
        created: now.clone(),
        modified: now.clone(),
        fs_created: now.clone(),
        fs_modified: now,
        by: [by, by],
        extra: None,
    }
}

/// The current time as RFC 3339 UTC with milliseconds.
pub(crate) fn now_rfc3339() -> String {
    utc_ms(time::OffsetDateTime::now_utc())
}

/// `t` in UTC as `YYYY-MM-DDThh:mm:ss.mmmZ`: always three digits of milliseconds, so that
/// times sort as text.
pub(crate) fn utc_ms(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_keys_compare_like_the_clients_rule() {
        for name in ["Hello.DOC", "a b", "Zebra", "caf\u{e9}", "CAFE\u{301}"] {
            let key = crate::graph::names::name_key(name);
            assert_eq!(name_key(name), key);
            assert_eq!(cmp_key(name, &key), std::cmp::Ordering::Equal);
        }
        assert_eq!(cmp_key("B", "a"), std::cmp::Ordering::Greater);
        assert_eq!(
            std::mem::size_of::<Option<Node>>(),
            std::mem::size_of::<Node>()
        );
    }
}
