//! Recursive, parallel transfers (`get -r -P N`, `put -r -P N`).
//!
//! At most `parallel` files move at once; each file goes through the single-file transfer
//! (verified, resumable), and a failure of one file is recorded without stopping the others
//! (the shell turns a partial result into exit code 6). Cancellation stops everything.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::Path;
use std::sync::Arc;

use futures_util::stream::{self, FuturesUnordered, StreamExt};

use super::local_tree::list_local;
use super::walk::{Listed, Record, Walk, WalkOptions, join_rel};
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
/// (created if missing). Downloads start as the walk finds the files (a folder's files as soon
/// as its listing is in) and the walk keeps only the folders in flight, so a tree of any size
/// starts at once and takes little memory. An item whose name is no safe local path component
/// (`..`, `a/b`, control characters; see [`crate::graph::DriveItem::local_name`]) is refused
/// and reported in [`TreeReport::failed`], with everything below it, while the rest goes on:
/// no name from the server can place a file outside `local`.
pub async fn get_tree(
    client: &GraphClient,
    remote: &ItemRef,
    local: &Path,
    opts: &TreeOptions,
) -> Result<TreeReport> {
    let parallel = opts.parallel.max(1);
    let walk_opts = WalkOptions {
        concurrency: parallel,
        download: true,
        ..WalkOptions::default()
    };
    let mut walk = Walk::<Listed>::start(client, remote, walk_opts).await?;
    mkdir_local(local).await?;
    let mut report = TreeReport::default();
    let mut ready: VecDeque<(String, Listed)> = VecDeque::new();
    let mut running = FuturesUnordered::new();
    let mut walking = true;
    loop {
        while running.len() < parallel
            && let Some((path, item)) = ready.pop_front()
        {
            running.push(fetch(client, local, opts, path, item));
        }
        tokio::select! {
            folder = walk.next_folder(), if walking && ready.len() < parallel => match folder {
                None => walking = false,
                Some(folder) => {
                    let f = folder?;
                    for (path, item) in sort_out(&f.path, f.under_unsafe, f.children, &mut report) {
                        if item.is_folder() {
                            mkdir_local(&local.join(&path)).await?;
                            report.folders += 1;
                        } else {
                            ready.push_back((path, item));
                        }
                    }
                }
            },
            Some((path, r)) = running.next(), if !running.is_empty() => {
                stop_if_cancelled(&r)?;
                report.record(path, r);
            }
            else => return Ok(report),
        }
    }
}

/// Downloads the file `item` to `path` below `local`. The walk's metadata is recent: no item
/// request per file (a file changed since then fails verification and is reported).
async fn fetch(
    client: &GraphClient,
    local: &Path,
    opts: &TreeOptions,
    path: String,
    item: Listed,
) -> (String, Result<u64>) {
    let dl = DownloadOptions {
        resume: opts.resume,
        progress: file_progress(opts, &path),
        cancel: opts.cancel.clone(),
        discard_partial: opts.discard_partial,
        streams: opts.streams,
        multi_stream_cutoff: opts.multi_stream_cutoff,
    };
    let dest = local.join(&path);
    let r = client
        .download_item_to_file(item.to_item(), &dest, &dl)
        .await;
    (path, r.map(|i| i.size.unwrap_or(0)))
}

/// The children of the folder at walk path `folder` that can be placed locally: folders
/// (to create) and files to download, each with its path. The children of a folder whose
/// path holds an unsafe name are dropped (that name was reported where it was listed); each
/// unsafe name is reported as a failure, and so is an item named like a sister (OneDrive never
/// holds two, and both would write one local file), or like the partial file of a sister's
/// download (`.X.part` beside `X`), and anything that is no file to download (a notebook, a
/// flagged file).
fn sort_out(
    folder: &str,
    under_unsafe: bool,
    children: Vec<Listed>,
    report: &mut TreeReport,
) -> Vec<(String, Listed)> {
    if under_unsafe {
        return Vec::new();
    }
    let partials: HashSet<String> = children
        .iter()
        .filter(|c| c.kind().is_downloadable())
        .flat_map(|c| partial_file_names(c.name()))
        .collect();
    let mut seen = HashSet::new();
    let mut usable = Vec::with_capacity(children.len());
    for item in children {
        let path = join_rel(folder, item.name());
        let checked = item.local_name().and_then(|name| {
            let why = if !seen.insert(name.to_owned()) {
                "another item in this folder has the same name"
            } else if partials.contains(name) {
                "its name is that of the partial file of a sibling's download"
            } else if let Some(why) = item
                .kind()
                .why_not_downloadable()
                .filter(|_| !item.is_folder())
            {
                return Err(Error::refused(name, why, false));
            } else {
                return Ok(());
            };
            Err(ErrorKind::UnsafeName {
                name: name.to_owned(),
                reason: why.into(),
            }
            .into())
        });
        match checked {
            Ok(()) => usable.push((path, item)),
            Err(err) => report.failed.push((path, err)),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str) -> Listed {
        let item = DriveItem {
            id: name.into(),
            name: name.into(),
            file: Some(crate::graph::model::FileFacet::default()),
            ..DriveItem::default()
        };
        Listed::new(item, true)
    }

    #[test]
    fn unsafe_repeated_and_partial_file_names_are_refused_once_each() {
        let mut report = TreeReport::default();
        let names = [
            "a.txt",
            "a.txt",
            "..",
            "b",
            ".b.part",
            ".a.txt.part.json",
            ".c.part",
        ];
        let kept = sort_out("d", false, names.map(file).into(), &mut report);
        let kept: Vec<_> = kept.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(kept, ["d/a.txt", "d/b", "d/.c.part"]);
        let failed: Vec<_> = report.failed.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            failed,
            ["d/a.txt", "d/..", "d/.b.part", "d/.a.txt.part.json"]
        );
        assert!(report.failed.iter().all(|(_, e)| e.is_conflict()));
        assert!(sort_out("d/..", true, vec![file("x")], &mut report).is_empty());
        assert_eq!(
            report.failed.len(),
            4,
            "below an unsafe name: dropped, not reported"
        );
    }
}
