//! One item of the store ([`Node`]) and the records beside it: earlier versions, deleted
//! items, drives and grants.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::blob::Blob;

/// An earlier content of a file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Version {
    /// The version id (`1.0`, `2.0`, ...).
    pub(crate) id: String,
    pub(crate) blob: Blob,
    pub(crate) modified: String,
    pub(crate) by: usize,
}

/// One stored item.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Node {
    /// Number of the item (its id is derived from it).
    pub(crate) n: u64,
    /// Index of its drive in [`Store::drives`].
    #[serde(default)]
    pub(crate) drive: usize,
    /// Name as given (case and normalisation kept).
    pub(crate) name: String,
    /// Parent's number; `None` for a drive's root.
    pub(crate) parent: Option<u64>,
    /// `Some` for files.
    pub(crate) blob: Option<Blob>,
    /// Children by [`name_key`]; rebuilt from the parents on load.
    #[serde(skip)]
    pub(crate) children: BTreeMap<String, u64>,
    /// Drive change sequence of the last change of this item (eTag, delta).
    pub(crate) seq: u64,
    /// Drive change sequence of the last content change in this item or below (cTag).
    pub(crate) cseq: u64,
    /// Service-side creation time.
    pub(crate) created: String,
    /// Service-side modification time.
    pub(crate) modified: String,
    /// Client-settable `fileSystemInfo` times.
    pub(crate) fs_created: String,
    /// Client-settable modification time.
    pub(crate) fs_modified: String,
    /// `documents`, `photos`, ... for special folders.
    pub(crate) special: Option<String>,
    /// `Some("oneNote")` for a notebook: a package, neither file nor folder.
    #[serde(default)]
    pub(crate) package: Option<String>,
    /// A shortcut ("Add shortcut to My files"): the number of the item it points to.
    #[serde(default)]
    pub(crate) remote: Option<u64>,
    /// Set on files flagged as malware: the description.
    #[serde(default)]
    pub(crate) malware: Option<String>,
    /// Earlier contents, oldest first.
    #[serde(default)]
    pub(crate) versions: Vec<Version>,
    /// Users who created and last modified it.
    #[serde(default)]
    pub(crate) by: [usize; 2],
}

impl Node {
    /// True for plain folders (and roots): the items with a `folder` facet.
    pub(crate) fn is_folder(&self) -> bool {
        self.blob.is_none() && self.package.is_none() && self.remote.is_none()
    }

    /// True for items that hold children: folders and packages (notebooks).
    pub(crate) fn is_container(&self) -> bool {
        self.blob.is_none() && self.remote.is_none()
    }

    /// True for files.
    pub(crate) fn is_file(&self) -> bool {
        self.blob.is_some()
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
/// so the two cannot drift apart.
pub(crate) fn name_key(name: &str) -> String {
    crate::graph::names::name_key(name)
}

/// The number the next version gets: one more than the last one's.
pub(crate) fn next_version(versions: &[Version]) -> u64 {
    versions
        .last()
        .and_then(|v| v.id.split('.').next()?.parse::<u64>().ok())
        .map_or(1, |n| n + 1)
}

pub(crate) fn new_node(
    n: u64,
    drive: usize,
    name: &str,
    parent: Option<u64>,
    blob: Option<Blob>,
    now: &str,
    by: usize,
) -> Node {
    Node {
        n,
        drive,
        name: name.to_owned(),
        parent,
        blob,
        children: BTreeMap::new(),
        seq: 0,
        cseq: 0,
        created: now.to_owned(),
        modified: now.to_owned(),
        fs_created: now.to_owned(),
        fs_modified: now.to_owned(),
        special: None,
        package: None,
        remote: None,
        malware: None,
        versions: Vec::new(),
        by: [by, by],
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
