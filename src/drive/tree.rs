//! Recursive, parallel transfers (`get -r -P N`, `put -r -P N`).
//!
//! At most `parallel` files move at once; each file goes through the single-file transfer
//! (verified, resumable), and a failure of one file is recorded without stopping the others
//! (the shell turns a partial result into exit code 6). Cancellation stops everything.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::stream::{self, StreamExt};

use super::walk::{WalkEntry, join_rel, walk};
use crate::error::{Error, ErrorKind, Result};
use crate::graph::endpoints::Conflict;
use crate::graph::transfer::{
    Cancel, DEFAULT_FRAGMENT, DEFAULT_MULTI_STREAM_CUTOFF, DEFAULT_STREAMS, DownloadOptions,
    Progress, UploadOptions, partial_file_names,
};
use crate::graph::{DriveItem, GraphClient, ItemRef, names};

/// Per-file progress of a tree transfer: `(relative path, bytes done, file size)`.
pub type TreeProgress = Arc<dyn Fn(&str, u64, u64) + Send + Sync>;

/// How to run a tree transfer.
#[derive(Clone)]
pub struct TreeOptions {
    /// Files transferred at once (and folders listed at once).
    pub parallel: usize,
    /// Continue what an earlier run left: `.part` files of downloads, saved upload sessions.
    pub resume: bool,
    /// Downloads: remove the `.part` files of downloads cut short by cancellation.
    pub discard_partial: bool,
    /// Uploads: what to do with existing names.
    pub conflict: Conflict,
    /// Uploads: session fragment size.
    pub fragment_size: u64,
    /// Downloads: ranges fetched at once for a big file ([`DownloadOptions::streams`]).
    pub streams: usize,
    /// Downloads: the smallest file fetched in several ranges
    /// ([`DownloadOptions::multi_stream_cutoff`]).
    pub multi_stream_cutoff: u64,
    /// Per-file progress.
    pub progress: Option<TreeProgress>,
    /// Stops the whole transfer.
    pub cancel: Cancel,
}

impl Default for TreeOptions {
    fn default() -> Self {
        TreeOptions {
            parallel: 4,
            resume: false,
            discard_partial: false,
            conflict: Conflict::Replace,
            fragment_size: DEFAULT_FRAGMENT,
            streams: DEFAULT_STREAMS,
            multi_stream_cutoff: DEFAULT_MULTI_STREAM_CUTOFF,
            progress: None,
            cancel: Cancel::new(),
        }
    }
}

impl std::fmt::Debug for TreeOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TreeOptions")
            .field("parallel", &self.parallel)
            .field("resume", &self.resume)
            .field("conflict", &self.conflict)
            .finish_non_exhaustive()
    }
}

/// What a tree transfer did.
#[derive(Debug, Default)]
pub struct TreeReport {
    /// Files transferred.
    pub files: usize,
    /// Folders created.
    pub folders: usize,
    /// Bytes transferred.
    pub bytes: u64,
    /// Files that failed, with their relative path.
    pub failed: Vec<(String, Error)>,
}

impl TreeReport {
    fn record(&mut self, path: String, result: Result<u64>) {
        match result {
            Ok(n) => {
                self.files += 1;
                self.bytes += n;
            }
            Err(e) => self.failed.push((path, e)),
        }
    }
}

fn file_progress(opts: &TreeOptions, path: &str) -> Option<Progress> {
    let tree = opts.progress.clone()?;
    let path = path.to_owned();
    Some(Arc::new(move |done, total| tree(&path, done, total)))
}

/// Downloads the folder `remote` with everything below it into the local folder `local`
/// (created if missing). An item whose name is no safe local path component (`..`, `a/b`,
/// control characters; see [`crate::graph::DriveItem::local_name`]) is refused and reported
/// in [`TreeReport::failed`], with everything below it, while the rest goes on: no name from
/// the server can place a file outside `local`.
pub async fn get_tree(
    client: &GraphClient,
    remote: &ItemRef,
    local: &Path,
    opts: &TreeOptions,
) -> Result<TreeReport> {
    let entries = walk(client, remote, opts.parallel, None).await?;
    let mut report = TreeReport::default();
    let entries = usable_locally(entries, &mut report);
    mkdir_local(local).await?;
    for e in entries.iter().filter(|e| e.item.is_folder()) {
        mkdir_local(&local.join(&e.path)).await?;
        report.folders += 1;
    }
    let (files, refused): (Vec<_>, Vec<_>) = entries
        .into_iter()
        .filter(|e| !e.item.is_folder())
        .partition(|e| e.item.kind().is_downloadable());
    for e in refused {
        if let Some(why) = e.item.kind().why_not_downloadable() {
            let err = Error::refused(e.item.name.clone(), why, false);
            report.failed.push((e.path, err));
        }
    }
    let mut results = stream::iter(files)
        .map(|e| async move {
            let dl = DownloadOptions {
                resume: opts.resume,
                progress: file_progress(opts, &e.path),
                cancel: opts.cancel.clone(),
                discard_partial: opts.discard_partial,
                streams: opts.streams,
                multi_stream_cutoff: opts.multi_stream_cutoff,
            };
            let dest = local.join(&e.path);
            // The walk's metadata is recent: no item request per file (a file changed since
            // then fails verification and is reported).
            let r = client.download_item_to_file(e.item, &dest, &dl).await;
            (e.path, r.map(|i| i.size.unwrap_or(0)))
        })
        .buffer_unordered(opts.parallel.max(1));
    while let Some((path, r)) = results.next().await {
        stop_if_cancelled(&r)?;
        report.record(path, r);
    }
    Ok(report)
}

/// The entries whose whole path is made of safe local names; each unsafe name is recorded
/// as a failure (once: what lies below it is dropped with it). A second item with the same
/// path is refused too (OneDrive never holds two, and both would write one local file), and
/// so is an item named like the partial file of a sibling download (`.X.part` beside `X`).
fn usable_locally(entries: Vec<WalkEntry>, report: &mut TreeReport) -> Vec<WalkEntry> {
    let partials: HashSet<String> = entries
        .iter()
        .filter(|e| e.item.kind().is_downloadable() && !e.under_unsafe)
        .flat_map(|e| {
            let (dir, name) = split_rel(&e.path);
            partial_file_names(name).map(|p| join_rel(dir, &p))
        })
        .collect();
    let mut usable = Vec::with_capacity(entries.len());
    let mut seen = HashSet::new();
    for e in entries.into_iter().filter(|e| !e.under_unsafe) {
        let checked = e.item.local_name().and_then(|name| {
            let clash = if !seen.insert(e.path.clone()) {
                "another item in this folder has the same name"
            } else if partials.contains(&e.path) {
                "its name is that of the partial file of a sibling's download"
            } else {
                return Ok(());
            };
            Err(ErrorKind::UnsafeName {
                name: name.to_owned(),
                reason: clash.into(),
            }
            .into())
        });
        match checked {
            Ok(()) => usable.push(e),
            Err(err) => report.failed.push((e.path, err)),
        }
    }
    usable
}

/// Uploads the contents of local folder `local` into the existing remote folder `remote`,
/// creating sub-folders as needed. Every local name is checked first: if any would be refused
/// by OneDrive, or two names in one folder would be one name there (case, Unicode
/// normalisation: [`ErrorKind::NameClash`]), nothing is sent and the error lists every such
/// path.
pub async fn put_tree(
    client: &GraphClient,
    local: &Path,
    remote: &ItemRef,
    opts: &TreeOptions,
) -> Result<TreeReport> {
    let root = local.to_owned();
    let base = remote.rel_path().unwrap_or_default().to_owned();
    let tree = tokio::task::spawn_blocking(move || list_local(&root, &base))
        .await
        .map_err(|e| Error::io(local, std::io::Error::other(e.to_string())))??;
    if let Some(e) = names::combine(tree.bad) {
        return Err(e);
    }
    let mut report = TreeReport::default();
    let mut folders: HashMap<String, ItemRef> = HashMap::new();
    let top = ItemRef::content_of(&client.item(remote).await?);
    for dir in tree.dirs {
        let (parent, name) = split_rel(&dir);
        let parent = folders.get(parent).unwrap_or(&top);
        let folder = existing_folder(client, parent, name).await?;
        folders.insert(dir, ItemRef::content_of(&folder));
        report.folders += 1;
    }
    let (folders, top) = (&folders, &top);
    let mut results = stream::iter(tree.files)
        .map(|rel| async move {
            let (parent, name) = split_rel(&rel);
            let parent = folders.get(parent).unwrap_or(top);
            let up = UploadOptions {
                conflict: opts.conflict,
                fragment_size: opts.fragment_size,
                resume: opts.resume,
                progress: file_progress(opts, &rel),
                cancel: opts.cancel.clone(),
                ..UploadOptions::default()
            };
            let r = client
                .upload_file(parent, name, &local.join(&rel), &up)
                .await;
            (rel, r.map(|i| i.size.unwrap_or(0)))
        })
        .buffer_unordered(opts.parallel.max(1));
    while let Some((path, r)) = results.next().await {
        stop_if_cancelled(&r)?;
        report.record(path, r);
    }
    Ok(report)
}

/// Every path below local folder `local` that OneDrive would refuse once uploaded under the
/// remote folder path `remote_base` (`""` when unknown: then only the names are checked, not
/// the full path's length), as invalid-name errors naming the relative path, and every pair
/// of names in one folder that OneDrive would take for one ([`ErrorKind::NameClash`], relative
/// paths). Blocking.
pub fn invalid_local_names(local: &Path, remote_base: &str) -> Result<Vec<Error>> {
    Ok(list_local(local, remote_base)?.bad)
}

fn stop_if_cancelled<T>(r: &Result<T>) -> Result<()> {
    match r {
        Err(e) if e.is_cancelled() => Err(ErrorKind::Cancelled.into()),
        _ => Ok(()),
    }
}

/// The id of folder `name` in the folder with id `parent_id`, created when missing.
pub(super) async fn ensure_folder(
    client: &GraphClient,
    parent_id: &str,
    name: &str,
) -> Result<String> {
    Ok(
        existing_folder(client, &ItemRef::Id(parent_id.to_owned()), name)
            .await?
            .id,
    )
}

/// The folder `name` in `parent`, created when missing.
async fn existing_folder(client: &GraphClient, parent: &ItemRef, name: &str) -> Result<DriveItem> {
    let folder = match client.create_folder(parent, name, Conflict::Fail).await {
        Ok(f) => f,
        Err(e) if e.status() == Some(409) => client.item(&parent.child(name)).await?,
        Err(e) => return Err(e),
    };
    if !folder.is_folder() {
        return Err(Error::refused(name, "exists and is not a folder", true));
    }
    Ok(folder)
}

/// `("a/b", "c")` for `a/b/c`, `("", "c")` for `c`.
fn split_rel(rel: &str) -> (&str, &str) {
    rel.rsplit_once('/').unwrap_or(("", rel))
}

async fn mkdir_local(dir: &Path) -> Result<()> {
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| Error::io(dir, e))
}

/// What is below a local folder, as `/`-separated relative paths.
struct LocalTree {
    /// Folders, parents first.
    dirs: Vec<String>,
    /// Files.
    files: Vec<String>,
    /// Paths OneDrive would refuse (bad names, too long, not UTF-8).
    bad: Vec<Error>,
}

/// Lists the folders and files below `root` (skipping our own hidden state files and anything
/// that is neither a file nor a folder) and checks each name, each full path below the
/// remote folder `base`, and each folder's names among themselves (two that OneDrive treats
/// as one would replace or merge with each other) against OneDrive's rules.
fn list_local(root: &Path, base: &str) -> Result<LocalTree> {
    let mut tree = LocalTree {
        dirs: Vec::new(),
        files: Vec::new(),
        bad: Vec::new(),
    };
    let mut stack: Vec<(PathBuf, String)> = vec![(root.to_owned(), String::new())];
    while let Some((dir, rel)) = stack.pop() {
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
            let entry = entry.map_err(|e| Error::io(&dir, e))?;
            let ty = entry.file_type().map_err(|e| Error::io(entry.path(), e))?;
            let name = entry.file_name();
            let shown = name.to_string_lossy().into_owned();
            if (ty.is_dir() || ty.is_file()) && !is_state_file(&shown) {
                entries.push((name, shown, ty.is_dir(), entry.path()));
            }
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let rels: Vec<String> = entries.iter().map(|e| join_rel(&rel, &e.1)).collect();
        let named = rels
            .iter()
            .zip(&entries)
            .map(|(r, e)| (r.as_str(), e.1.as_str()));
        tree.bad.extend(names::clashes(named));
        for ((name, _, is_dir, path), child) in entries.into_iter().zip(rels) {
            if let Some(e) = local_name_problem(&name, &child, base) {
                tree.bad.push(e);
            }
            if is_dir {
                tree.dirs.push(child.clone());
                stack.push((path, child));
            } else {
                tree.files.push(child);
            }
        }
    }
    tree.dirs.sort();
    tree.files.sort();
    tree.bad.sort_by_key(ToString::to_string);
    Ok(tree)
}

/// Why the local entry `name` (at relative path `rel`) cannot be uploaded below `base`.
fn local_name_problem(name: &std::ffi::OsStr, rel: &str, base: &str) -> Option<Error> {
    let Some(name) = name.to_str() else {
        return Some(names::invalid(rel, "the local name is not valid UTF-8"));
    };
    if let Some(reason) = names::name_problem(name) {
        return Some(names::invalid(rel, reason));
    }
    names::check_path_len(&format!("{base}/{rel}")).err()
}

pub(super) fn is_state_file(name: &str) -> bool {
    name.starts_with('.')
        && (name.ends_with(".part")
            || name.ends_with(".part.json")
            || name.ends_with(".upload.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, name: &str, under_unsafe: bool) -> WalkEntry {
        WalkEntry {
            path: path.into(),
            depth: path.matches('/').count() + 1,
            item: DriveItem {
                name: name.into(),
                file: Some(crate::graph::model::FileFacet::default()),
                ..DriveItem::default()
            },
            under_unsafe,
        }
    }

    #[test]
    fn unsafe_repeated_and_partial_file_names_are_refused_once_each() {
        let mut report = TreeReport::default();
        let kept = usable_locally(
            vec![
                entry("a.txt", "a.txt", false),
                entry("a.txt", "a.txt", false),
                entry("..", "..", false),
                entry("../x", "x", true),
                entry("b", "b", false),
                entry("d/.b.part", ".b.part", false),
                entry("d/b", "b", false),
                entry(".a.txt.part.json", ".a.txt.part.json", false),
                entry(".c.part", ".c.part", false),
            ],
            &mut report,
        );
        let kept: Vec<_> = kept.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(kept, ["a.txt", "b", "d/b", ".c.part"]);
        let failed: Vec<_> = report.failed.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(failed, ["a.txt", "..", "d/.b.part", ".a.txt.part.json"]);
        assert!(report.failed.iter().all(|(_, e)| e.is_conflict()));
    }
}
