//! Whether two files of one path are the same: the one rule of `mirror` (equal files are not
//! copied) and `check` (equal files are identical).
//!
//! Why one rule, and why the hash comes first: OneDrive lists some files (Office documents
//! among them) with a `size` that is not their content's, while the content and its
//! quickXorHash are true (graph-api.md §13). Judged by size, such a file differs on every run:
//! `mirror` fetched it again each time and `check` called it different. So when both sides
//! have a quickXorHash, the hashes decide and a listed size that differs is only reported, once
//! per run. Without hashes the size decides (with an mtime to the second for `mirror`), and
//! `check` says once that the listed size may be the cause. The caller computes a local file's
//! hash when [`needs_local_hash`] says the comparison needs it.

use super::side::{FileInfo, same_time};

/// How two files are compared when their hashes cannot decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum By {
    /// `mirror`: equal sizes and mtimes (to the second) make equal files.
    Time,
    /// `mirror --checksum`: equal sizes are compared by hash, by mtime when a hash is missing.
    Checksum,
    /// `check`: only hashes prove equal content; empty files are equal.
    Hash,
}

/// What the rule found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Likeness {
    /// The same file.
    Same,
    /// The same content by quickXorHash, although the sizes differ: one of them is a listed
    /// size that is not the content's.
    SameListedSizeOff,
    /// Different sizes and no pair of hashes to say otherwise: (first, second) in bytes.
    Size(u64, u64),
    /// The quickXorHashes differ.
    Hash,
    /// Equal sizes, different mtimes (`mirror` without hashes).
    Time,
    /// Equal sizes, and no hash on the server to compare (`check`).
    Unknown,
}

impl Likeness {
    /// True for the two kinds of same.
    pub fn is_same(&self) -> bool {
        matches!(self, Likeness::Same | Likeness::SameListedSizeOff)
    }
}

/// Compares `a` and `b` (either order): both hashes known decide; otherwise the size, then
/// `by`.
pub(crate) fn likeness(a: &FileInfo, b: &FileInfo, by: By) -> Likeness {
    if let (Some(x), Some(y)) = (&a.hash, &b.hash) {
        return match (x == y, a.size == b.size) {
            (true, true) => Likeness::Same,
            (true, false) => Likeness::SameListedSizeOff,
            (false, true) => Likeness::Hash,
            (false, false) => Likeness::Size(a.size, b.size),
        };
    }
    if a.size != b.size {
        return Likeness::Size(a.size, b.size);
    }
    match by {
        By::Hash if a.size == 0 => Likeness::Same,
        By::Hash => Likeness::Unknown,
        By::Time | By::Checksum if same_time(a.mtime, b.mtime) => Likeness::Same,
        By::Time | By::Checksum => Likeness::Time,
    }
}

/// True when comparing the local file `local` with the remote file `remote` needs the local
/// file's hash (one read of it): the server has a hash, and the sizes differ (the listed size
/// may be the one that is off) or `by` compares equal sizes by hash.
pub(crate) fn needs_local_hash(local: &FileInfo, remote: &FileInfo, by: By) -> bool {
    if local.hash.is_some() || remote.hash.is_none() {
        return false;
    }
    local.size != remote.size || (by != By::Time && local.size > 0)
}

/// The note said once when files had the same hash but another listed size (`count` of them).
pub fn listed_size_note(count: usize) -> String {
    format!(
        "{count} files are listed by OneDrive with a size other than their content's (it does \
         so for some Office files); their quickXorHashes match, so they are the same"
    )
}

/// The note said once when sizes differed with no hash to compare.
pub const NO_HASH_SIZE_NOTE: &str = "OneDrive lists some files (Office files among them) with \
     a size other than their content's; without a quickXorHash on the server, a size that \
     differs cannot be told from that";

#[cfg(test)]
mod tests {
    use super::*;

    fn f(size: u64, hash: Option<&str>, mtime: Option<i64>) -> FileInfo {
        FileInfo {
            size,
            mtime,
            hash: hash.map(str::to_owned),
            tag: None,
        }
    }

    #[test]
    fn hashes_decide_over_sizes_and_sizes_over_times() {
        let t = Some(5_000);
        let cases = [
            (
                f(3, Some("h"), t),
                f(3, Some("h"), None),
                By::Hash,
                Likeness::Same,
            ),
            (
                f(3, Some("h"), t),
                f(9, Some("h"), t),
                By::Time,
                Likeness::SameListedSizeOff,
            ),
            (
                f(3, Some("h"), t),
                f(3, Some("x"), t),
                By::Time,
                Likeness::Hash,
            ),
            (
                f(3, Some("h"), t),
                f(4, Some("x"), t),
                By::Hash,
                Likeness::Size(3, 4),
            ),
            (
                f(3, None, t),
                f(4, Some("h"), t),
                By::Time,
                Likeness::Size(3, 4),
            ),
            (
                f(3, None, t),
                f(3, Some("h"), Some(5_999)),
                By::Time,
                Likeness::Same,
            ),
            (
                f(3, None, t),
                f(3, Some("h"), Some(6_000)),
                By::Checksum,
                Likeness::Time,
            ),
            (f(3, None, t), f(3, None, t), By::Hash, Likeness::Unknown),
            (f(0, None, None), f(0, None, t), By::Hash, Likeness::Same),
        ];
        for (i, (a, b, by, want)) in cases.into_iter().enumerate() {
            assert_eq!(likeness(&a, &b, by), want, "case {i}");
            assert_eq!(
                likeness(&b, &a, by).is_same(),
                want.is_same(),
                "case {i} swapped"
            );
        }
    }

    #[test]
    fn a_local_hash_is_read_only_when_it_can_decide() {
        let (h, none) = (Some("h"), None);
        assert!(needs_local_hash(
            &f(3, none, None),
            &f(9, h, None),
            By::Time
        ));
        assert!(!needs_local_hash(
            &f(3, none, None),
            &f(3, h, None),
            By::Time
        ));
        assert!(needs_local_hash(
            &f(3, none, None),
            &f(3, h, None),
            By::Checksum
        ));
        assert!(!needs_local_hash(
            &f(0, none, None),
            &f(0, h, None),
            By::Hash
        ));
        assert!(!needs_local_hash(
            &f(3, none, None),
            &f(9, none, None),
            By::Hash
        ));
        assert!(!needs_local_hash(&f(3, h, None), &f(9, h, None), By::Hash));
    }
}
