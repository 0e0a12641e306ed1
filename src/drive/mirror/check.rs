//! `check`: whether a local folder and a remote folder hold the same files, by size and
//! quickXorHash (rclone's `check`). Unlike `mirror` it trusts no record and no mtime: the
//! remote folder is walked afresh and every local file with a remote hash is read and hashed
//! (the hashes decide over sizes: [`super::likeness`]).
//! A remote file without a hash cannot be checked (graph-api.md §2: a missing hash is
//! "unknown", not a mismatch) and is reported as such, except for empty files.
//!
//! It judges items as `mirror` does, so that the two agree: names are paired the way OneDrive
//! names them ([`super::align`]: `café` in NFC here and NFD there is one file, two local
//! spellings of one OneDrive name are reported), and what `mirror` skips without failing
//! (notebooks, shortcuts, symbolic links, FIFOs) is listed as skipped, not as a difference.
//! This tool's partial downloads are a difference: a file is not all there.

use std::collections::BTreeSet;
use std::path::Path;

use super::Filter;
use super::align::align;
use super::likeness::{By, Likeness, likeness, needs_local_hash};
use super::local;
use super::plan::kept;
use super::remote;
use super::side::{Kind, Tree, is_below};
use crate::drive::walk;
use crate::error::{Error, Result};
use crate::graph::{GraphClient, ItemRef};

/// How to check.
#[derive(Clone, Default)]
pub struct CheckOptions {
    /// Files hashed (and folders listed) at once.
    pub parallel: usize,
    /// Which items take part (all when `None`).
    pub filter: Option<Filter>,
}

impl std::fmt::Debug for CheckOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckOptions")
            .field("parallel", &self.parallel)
            .finish_non_exhaustive()
    }
}

/// How one path differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// On both sides, but not the same (size, hash, or a file against a folder), with how.
    Differ(String),
    /// Only in the local folder.
    OnlyLocal,
    /// Only in the remote folder.
    OnlyRemote,
    /// Could not be compared (no hash on the server, unreadable, a name clash, a partial
    /// download), with why.
    Unchecked(String),
}

/// What `check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Files found identical.
    pub identical: usize,
    /// Every path that is not, sorted by path.
    pub differences: Vec<(String, Mismatch)>,
    /// Items never compared because `mirror` never copies them (notebooks, shortcuts, symbolic
    /// links, ...), with why: not differences.
    pub skipped: Vec<(String, String)>,
    /// Things to say once about the whole check: files counted identical by quickXorHash
    /// although OneDrive lists another size ([`super::listed_size_note`]), sizes that differ
    /// with no hash to tell whether the listed size is off ([`super::NO_HASH_SIZE_NOTE`]).
    pub notes: Vec<String>,
}

/// Compares the local folder `local` with the remote folder `remote` (see the module docs).
pub async fn check(
    client: &GraphClient,
    local: &Path,
    remote: &ItemRef,
    opts: &CheckOptions,
) -> Result<CheckReport> {
    let parallel = opts.parallel.max(1);
    let folder = client.item(remote).await?;
    if let Some(e) = super::not_of_this_drive(client, remote, &folder) {
        return Err(e);
    }
    let (root, filter) = (local.to_owned(), opts.filter.clone());
    let local_tree =
        tokio::task::spawn_blocking(move || local::scan(&root, false, filter.as_ref()))
            .await
            .map_err(|e| Error::io(local, std::io::Error::other(e.to_string())))??;
    let walked = walk(client, &ItemRef::Id(folder.id.clone()), parallel, None).await?;
    let snapshot = remote::snapshot_of(&folder.id, walked.into_iter().map(|e| e.item));
    let remote_tree = kept(&remote::tree(&snapshot, &folder.id), opts.filter.as_ref()).into_owned();
    let local_tree = kept(&local_tree, opts.filter.as_ref()).into_owned();
    let aligned = align(&local_tree, &remote_tree);
    let to_hash: Vec<String> = local_tree
        .iter()
        .filter_map(|(p, e)| {
            let (l, r) = (e.file()?, aligned.target.get(p)?.file()?);
            needs_local_hash(l, r, By::Hash).then(|| p.clone())
        })
        .collect();
    let mut local_tree = local_tree;
    local::hash_files(&mut local_tree, local, to_hash, parallel).await;
    Ok(compare(&local_tree, &aligned))
}

/// Compares the local tree with the remote one filed under the local spellings.
fn compare(local: &Tree, aligned: &super::align::Aligned) -> CheckReport {
    let remote = &aligned.target;
    let mut report = CheckReport::default();
    let (mut listed_size_off, mut unhashed_sizes) = (0, false);
    let paths: BTreeSet<&String> = local.keys().chain(remote.keys()).collect();
    for path in paths {
        let (l, r) = (local.get(path), remote.get(path));
        let found = match (l.map(|e| &e.kind), r.map(|e| &e.kind)) {
            _ if aligned.refused.contains_key(path.as_str()) => {
                Some(Mismatch::Unchecked(aligned.refused[path.as_str()].clone()))
            }
            _ if aligned.stopped.contains(path.as_str()) => Some(clash()),
            (None, None) | (Some(Kind::Folder), Some(Kind::Folder)) => None,
            (Some(Kind::Skip(why)), _) | (_, Some(Kind::Skip(why))) => {
                report.skipped.push((path.clone(), why.clone()));
                None
            }
            (Some(Kind::Partial), _) => Some(Mismatch::Unchecked(
                "a partial download left by an interrupted transfer (`get -c` completes it, \
                 `mirror -e` removes it)"
                    .into(),
            )),
            (Some(Kind::Refused(why) | Kind::Unreadable(why)), _)
            | (_, Some(Kind::Refused(why) | Kind::Unreadable(why))) => {
                Some(Mismatch::Unchecked(why.clone()))
            }
            (Some(_), None) => Some(Mismatch::OnlyLocal),
            (None, Some(_)) => Some(Mismatch::OnlyRemote),
            (Some(Kind::File(a)), Some(Kind::File(b))) => {
                let found = likeness(a, b, By::Hash);
                listed_size_off += usize::from(found == Likeness::SameListedSizeOff);
                unhashed_sizes |= matches!(found, Likeness::Size(..)) && b.hash.is_none();
                files(found)
            }
            (Some(_), Some(_)) => Some(Mismatch::Differ(
                "a file on one side, a folder on the other".into(),
            )),
        };
        match found {
            Some(m) => report.differences.push((path.clone(), m)),
            None if l.is_some_and(|e| e.file().is_some()) => report.identical += 1,
            None => {}
        }
    }
    skip_below_skipped(&mut report);
    if listed_size_off > 0 {
        report.notes.push(super::listed_size_note(listed_size_off));
    }
    if unhashed_sizes {
        report.notes.push(super::NO_HASH_SIZE_NOTE.to_owned());
    }
    report
}

/// The mismatch a comparison of two files found, if any (local first, remote second).
fn files(found: Likeness) -> Option<Mismatch> {
    let how = match found {
        Likeness::Same | Likeness::SameListedSizeOff => return None,
        Likeness::Unknown => {
            return Some(Mismatch::Unchecked("no quickXorHash on the server".into()));
        }
        Likeness::Size(here, there) => format!("size {here} here, {there} on OneDrive"),
        Likeness::Hash | Likeness::Time => "quickXorHash differs".to_owned(),
    };
    Some(Mismatch::Differ(how))
}

/// What lies below a skipped item (the other side's content of a shortcut's path) is not
/// compared either.
fn skip_below_skipped(report: &mut CheckReport) {
    let skipped: Vec<String> = report.skipped.iter().map(|(p, _)| p.clone()).collect();
    report
        .differences
        .retain(|(p, _)| !skipped.iter().any(|s| is_below(p, s)));
}

fn clash() -> Mismatch {
    Mismatch::Unchecked(
        "another spelling of a name the other side has (one name on OneDrive, which ignores \
         case and Unicode form)"
            .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drive::mirror::side::{Entry, FileInfo};

    fn file(size: u64, hash: &str) -> Entry {
        Entry::local(Kind::File(FileInfo {
            size,
            hash: Some(hash.into()).filter(|h: &String| !h.is_empty()),
            ..FileInfo::default()
        }))
    }

    #[test]
    fn every_kind_of_difference_is_found() {
        let local: Tree = [
            ("same", file(3, "h")),
            ("size", file(3, "h")),
            ("hash", file(3, "h")),
            ("nohash", file(3, "h")),
            ("onlyhere", file(1, "h")),
            ("Case", file(1, "h")),
            ("Two", file(1, "h")),
            ("two", file(1, "h")),
            ("empty", file(0, "")),
            ("listed", file(3, "h")),
            (".x.part", Entry::local(Kind::Partial)),
            (
                "fifo",
                Entry::local(Kind::Skip("neither a file nor a folder".into())),
            ),
        ]
        .into_iter()
        .map(|(p, e)| (p.to_owned(), e))
        .collect();
        let remote: Tree = [
            ("same", file(3, "h")),
            ("size", file(4, "x")),
            ("hash", file(3, "x")),
            ("nohash", file(3, "")),
            ("onlythere", file(1, "h")),
            ("case", file(1, "h")),
            ("empty", file(0, "")),
            ("listed", file(9, "h")),
        ]
        .into_iter()
        .map(|(p, e)| (p.to_owned(), e))
        .collect();
        let r = compare(&local, &align(&local, &remote));
        assert_eq!(
            r.identical, 4,
            "same, empty, listed (hashes agree), and Case paired with case"
        );
        assert_eq!(r.notes, [crate::drive::mirror::listed_size_note(1)]);
        let kinds: Vec<(&str, &str)> = r
            .differences
            .iter()
            .map(|(p, m)| {
                let k = match m {
                    Mismatch::Differ(_) => "differ",
                    Mismatch::OnlyLocal => "local",
                    Mismatch::OnlyRemote => "remote",
                    Mismatch::Unchecked(_) => "unchecked",
                };
                (p.as_str(), k)
            })
            .collect();
        assert_eq!(
            kinds,
            [
                (".x.part", "unchecked"),
                ("Two", "unchecked"),
                ("hash", "differ"),
                ("nohash", "unchecked"),
                ("onlyhere", "local"),
                ("onlythere", "remote"),
                ("size", "differ"),
                ("two", "unchecked"),
            ]
        );
        assert_eq!(
            r.skipped.len(),
            1,
            "the FIFO is skipped, as mirror skips it"
        );
    }
}
