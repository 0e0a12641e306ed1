//! `check`: whether a local folder and a remote folder hold the same files, by size and
//! quickXorHash (rclone's `check`). Unlike `mirror` it trusts no record and no mtime: the
//! remote folder is walked afresh and every local file of a matching size is read and hashed.
//! A remote file without a hash cannot be checked (graph-api.md §2: a missing hash is
//! "unknown", not a mismatch) and is reported as such, except for empty files.

use std::collections::BTreeSet;
use std::path::Path;

use super::Filter;
use super::local;
use super::plan::excluded;
use super::remote;
use super::side::{Kind, Tree, key};
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
    /// Could not be compared (no hash on the server, unreadable, never mirrored, a name
    /// clash), with why.
    Unchecked(String),
}

/// What `check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Files found identical.
    pub identical: usize,
    /// Every path that is not, sorted by path.
    pub differences: Vec<(String, Mismatch)>,
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
    let root = local.to_owned();
    let mut local_tree = tokio::task::spawn_blocking(move || local::scan(&root, false))
        .await
        .map_err(|e| Error::io(local, std::io::Error::other(e.to_string())))??;
    let walked = walk(client, &ItemRef::Id(folder.id.clone()), parallel, None).await?;
    let snapshot = remote::snapshot_of(&folder.id, walked.into_iter().map(|e| e.item));
    let remote_tree = remote::tree(&snapshot, &folder.id);
    let to_hash: Vec<String> = local_tree
        .iter()
        .filter_map(|(p, e)| {
            let (l, r) = (e.file()?, remote_tree.get(p)?.file()?);
            (l.size == r.size && l.size > 0 && r.hash.is_some()).then(|| p.clone())
        })
        .collect();
    local::hash_files(&mut local_tree, local, to_hash, parallel).await;
    Ok(compare(&local_tree, &remote_tree, opts.filter.as_ref()))
}

/// Compares two scanned trees path by path.
fn compare(local: &Tree, remote: &Tree, filter: Option<&Filter>) -> CheckReport {
    let (local_out, remote_out) = (excluded(local, filter), excluded(remote, filter));
    let local_keys: BTreeSet<String> = local.keys().map(|p| key(p)).collect();
    let remote_keys: BTreeSet<String> = remote.keys().map(|p| key(p)).collect();
    let mut report = CheckReport::default();
    let paths: BTreeSet<&String> = local.keys().chain(remote.keys()).collect();
    for path in paths {
        let l = local.get(path).filter(|_| !local_out.contains(path));
        let r = remote.get(path).filter(|_| !remote_out.contains(path));
        let found = match (l.map(|e| &e.kind), r.map(|e| &e.kind)) {
            (None, None) | (Some(Kind::Folder), Some(Kind::Folder)) => None,
            (Some(Kind::Skip(why) | Kind::Refused(why)), _)
            | (_, Some(Kind::Skip(why) | Kind::Refused(why))) => {
                Some(Mismatch::Unchecked(why.clone()))
            }
            (Some(_), None) if remote_keys.contains(&key(path)) => Some(clash()),
            (None, Some(_)) if local_keys.contains(&key(path)) => Some(clash()),
            (Some(_), None) => Some(Mismatch::OnlyLocal),
            (None, Some(_)) => Some(Mismatch::OnlyRemote),
            (Some(Kind::File(a)), Some(Kind::File(b))) => {
                if a.size != b.size {
                    let how = format!("size {} here, {} on OneDrive", a.size, b.size);
                    Some(Mismatch::Differ(how))
                } else if a.size == 0 {
                    None
                } else {
                    match (&a.hash, &b.hash) {
                        (Some(x), Some(y)) if x == y => None,
                        (Some(_), Some(_)) => Some(Mismatch::Differ("quickXorHash differs".into())),
                        _ => Some(Mismatch::Unchecked("no quickXorHash on the server".into())),
                    }
                }
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
    report
}

fn clash() -> Mismatch {
    Mismatch::Unchecked(
        "the other side has it in another case or Unicode form (one name on OneDrive)".into(),
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
            ("empty", file(0, "")),
        ]
        .into_iter()
        .map(|(p, e)| (p.to_owned(), e))
        .collect();
        let remote: Tree = [
            ("same", file(3, "h")),
            ("size", file(4, "h")),
            ("hash", file(3, "x")),
            ("nohash", file(3, "")),
            ("onlythere", file(1, "h")),
            ("case", file(1, "h")),
            ("empty", file(0, "")),
        ]
        .into_iter()
        .map(|(p, e)| (p.to_owned(), e))
        .collect();
        let r = compare(&local, &remote, None);
        assert_eq!(r.identical, 2);
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
                ("Case", "unchecked"),
                ("case", "unchecked"),
                ("hash", "differ"),
                ("nohash", "unchecked"),
                ("onlyhere", "local"),
                ("onlythere", "remote"),
                ("size", "differ"),
            ]
        );
    }
}
