//! One side of a mirror as the comparison sees it: every item below the mirrored folder by
//! relative path, with what the comparison needs (kind, size, mtime, hash) and nothing more.
//! Local scans and remote snapshots both come down to this shape, so the plan and `check`
//! compare two trees without knowing which side is which.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Items by relative path (`/`-separated, no leading `/`). Sorted, so a folder comes before
/// what it holds.
pub(crate) type Tree = BTreeMap<String, Entry>;

/// One item of a side.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    /// What it is.
    pub kind: Kind,
    /// Remote items: the item id (folders receive uploads; files are fetched and deleted by
    /// it). `None` on the local side.
    pub id: Option<String>,
    /// The item's own path on its side when the tree files it under the other side's spelling
    /// of the same OneDrive name (`café` in NFD here, NFC there; see [`super::align`]).
    pub real: Option<String>,
}

/// What an item is, for mirroring.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    /// A folder: created on the target and descended into.
    Folder,
    /// A file: compared and transferred.
    File(FileInfo),
    /// Never mirrored, and not a failure: notebooks, packages, flagged files, shortcuts to
    /// other drives, symbolic links. Its path on the other side is left alone.
    Skip(String),
    /// Cannot be mirrored because of its name: a failure when on the source side; left alone
    /// when on the target side.
    Refused(String),
    /// Could not be read (a folder that cannot be listed, a file whose facts cannot be had),
    /// with the system's reason: a failure on either side, and left alone.
    Unreadable(String),
    /// A partial download of this tool (`.NAME.part`, `.NAME.part.json`) in the local folder:
    /// never mirrored itself; on the target side of a download it is removed with `--delete`
    /// once the file it belongs to is no longer to be fetched.
    Partial,
}

/// What the comparison knows about a file.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct FileInfo {
    /// Bytes.
    pub size: u64,
    /// Modification time, milliseconds since the Unix epoch.
    pub mtime: Option<i64>,
    /// Base64 quickXorHash: from the server, or computed locally when a comparison needs it.
    pub hash: Option<String>,
    /// Remote files: the cTag (or eTag), which a resumed partial download must belong to.
    pub tag: Option<String>,
}

impl Entry {
    /// A local entry (no id).
    pub fn local(kind: Kind) -> Self {
        Entry {
            kind,
            id: None,
            real: None,
        }
    }

    /// The file facts, for files.
    pub fn file(&self) -> Option<&FileInfo> {
        match &self.kind {
            Kind::File(f) => Some(f),
            _ => None,
        }
    }
}

/// Two mtimes are the same when they are less than a second apart: OneDrive for Business
/// (and some personal accounts) keep whole seconds only (docs/graph-api.md §12).
pub(crate) fn same_time(a: Option<i64>, b: Option<i64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1000,
        _ => false,
    }
}

/// An RFC 3339 time (Graph's form) as milliseconds since the epoch.
pub(crate) fn parse_ms(rfc3339: &str) -> Option<i64> {
    let t = time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

/// A local file time as milliseconds since the epoch.
pub(crate) fn system_ms(t: SystemTime) -> Option<i64> {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).ok(),
        Err(e) => i64::try_from(e.duration().as_millis()).ok().map(|ms| -ms),
    }
}

/// Milliseconds since the epoch as a local file time.
pub(crate) fn ms_system(ms: i64) -> SystemTime {
    let d = Duration::from_millis(ms.unsigned_abs());
    if ms >= 0 {
        UNIX_EPOCH + d
    } else {
        UNIX_EPOCH - d
    }
}

/// The identity OneDrive gives a path: names are unique ignoring case and Unicode
/// normalisation (NFC and NFD are one name; docs/graph-api.md §1.4, §13). Two paths with one
/// key are one item to OneDrive.
pub(crate) fn key(path: &str) -> String {
    crate::graph::names::name_key(path)
}

/// The last segment of a relative path.
pub(crate) fn name_of(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The parent of a relative path (`""` at the top).
pub(crate) fn parent_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(p, _)| p)
}

/// True when `path` lies below the folder `folder` (`""` holds everything).
pub(crate) fn is_below(path: &str, folder: &str) -> bool {
    folder.is_empty()
        || (path.len() > folder.len()
            && path.starts_with(folder)
            && path.as_bytes()[folder.len()] == b'/')
}

/// The entries below folder `path` in `tree`.
pub(crate) fn below<'a>(tree: &'a Tree, path: &'a str) -> impl Iterator<Item = &'a String> + 'a {
    let start = format!("{path}/");
    tree.range(start..)
        .map(|(p, _)| p)
        .take_while(move |p| is_below(p, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_and_unicode_form() {
        assert_eq!(key("Été/A.TXT"), key("e\u{301}te\u{301}/a.txt"));
        assert_ne!(key("a.txt"), key("b.txt"));
    }

    #[test]
    fn times_within_a_second_are_the_same() {
        assert!(same_time(Some(10_999), Some(10_000)));
        assert!(!same_time(Some(11_000), Some(10_000)));
        assert!(!same_time(None, Some(1)));
        assert_eq!(parse_ms("1970-01-01T00:00:01.5Z"), Some(1500));
        assert_eq!(system_ms(ms_system(-1500)), Some(-1500));
    }

    #[test]
    fn paths() {
        let mut t = Tree::new();
        for p in ["a", "a b", "a/x", "a/x/y", "ab"] {
            t.insert(p.into(), Entry::local(Kind::Folder));
        }
        let under: Vec<_> = below(&t, "a").cloned().collect();
        assert_eq!(under, ["a/x", "a/x/y"]);
        assert!(is_below("a/x", ""));
        assert!(!is_below("ab", "a"));
        assert_eq!((name_of("a/b/c"), parent_of("a/b/c")), ("c", "a/b"));
    }
}
