//! Carrying out a plan, in the order that keeps data safe: target items that must make way for
//! an item of the other kind (`--overwrite`) and target folders first, then the transfers, at
//! most `parallel` at a time, each through the single-file transfer (verified, resumable, never
//! a half-written file under the final name); deletions last, and only when the plan does not
//! hold them back (nothing failed, within `--max-delete`, local ones recorded or forced).
//! Remote deletions go to the recycle bin; local ones are permanent. Local paths are the
//! target's own spellings ([`super::align::real_path`]).
//!
//! A downloaded file gets the remote file's mtime, so that the next run finds the two equal by
//! size and mtime; an upload sends the local mtime (the upload layer does).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use futures_util::stream::{self, StreamExt};

use super::MirrorOptions;
use super::align::real_path;
use super::plan::{Delete, Plan, Transfer};
use super::remote::file_print;
use super::side::{FileInfo, Kind, Tree, ms_system, name_of, parent_of, system_ms};
use super::state::{Print, Synced};
use crate::drive::tree::ensure_folder;
use crate::error::{Error, ErrorKind, Result};
use crate::graph::endpoints::Conflict;
use crate::graph::model::{FileFacet, Hashes};
use crate::graph::transfer::{DownloadOptions, Progress, UploadOptions};
use crate::graph::{DriveItem, GraphClient, ItemRef};

/// Both sides of a run.
pub(crate) struct Sides<'a> {
    /// The client.
    pub client: &'a GraphClient,
    /// The local folder.
    pub local: &'a Path,
    /// The source tree.
    pub source: &'a Tree,
    /// The target tree, filed under the source's spellings (the plan's).
    pub target: &'a Tree,
    /// True for uploads.
    pub upload: bool,
    /// The remote folder's id.
    pub folder_id: &'a str,
}

/// What a run did.
#[derive(Debug, Default)]
pub(crate) struct Done {
    /// Files transferred.
    pub copied: usize,
    /// Their bytes.
    pub bytes: u64,
    /// Folders created.
    pub folders: usize,
    /// The local folders created (downloads), parents first.
    pub made: Vec<std::path::PathBuf>,
    /// Items deleted (a folder counts with everything below it).
    pub deleted: usize,
    /// Partial downloads removed.
    pub partials: usize,
    /// What failed.
    pub failed: Vec<(String, Error)>,
    /// New synced records of the transferred files.
    pub synced: Vec<(String, Synced)>,
    /// Paths deleted.
    pub removed: Vec<String>,
    /// Why deletions were not carried out.
    pub held: Option<String>,
}

/// Carries out `plan`.
pub(crate) async fn apply(sides: &Sides<'_>, plan: &Plan, opts: &MirrorOptions) -> Result<Done> {
    let mut done = Done::default();
    delete_all(sides, &plan.replaced, opts, &mut done).await;
    let ids = mkdirs(sides, &plan.mkdirs, opts, &mut done).await;
    let ids = &ids;
    let mut results = stream::iter(&plan.transfers)
        .map(|t| async move {
            let r = if sides.upload {
                upload(sides, opts, t, ids).await
            } else {
                download(sides, opts, &t.path).await
            };
            (t, r)
        })
        .buffer_unordered(opts.parallel.max(1));
    while let Some((t, r)) = results.next().await {
        match r {
            Ok(rec) => {
                done.copied += 1;
                done.bytes += t.size;
                done.synced.push((t.path.clone(), rec));
            }
            Err(e) if e.is_cancelled() => return Err(ErrorKind::Cancelled.into()),
            Err(e) => done.failed.push((t.path.clone(), e)),
        }
    }
    drop(results);
    done.held = plan.hold(plan.failures() + done.failed.len());
    if done.held.is_none() {
        delete_all(sides, &plan.deletes, opts, &mut done).await;
    }
    remove_partials(sides, &plan.partials, &mut done).await;
    Ok(done)
}

/// Creates the target folders, parents first (one level at a time, each level in parallel);
/// returns the remote folder ids by path (uploads).
async fn mkdirs(
    sides: &Sides<'_>,
    paths: &[String],
    opts: &MirrorOptions,
    done: &mut Done,
) -> HashMap<String, String> {
    let mut ids: HashMap<String, String> = sides
        .target
        .iter()
        .filter(|(_, e)| e.kind == Kind::Folder)
        .filter_map(|(p, e)| Some((p.clone(), e.id.clone()?)))
        .collect();
    ids.insert(String::new(), sides.folder_id.to_owned());
    if !sides.upload {
        for path in paths {
            let dir = sides.local.join(real_path(sides.target, path));
            match tokio::fs::create_dir_all(&dir).await {
                Ok(()) => {
                    done.folders += 1;
                    done.made.push(dir);
                }
                Err(e) => done.failed.push((path.clone(), Error::io(&dir, e))),
            }
        }
        return ids;
    }
    let mut levels: Vec<Vec<&String>> = Vec::new();
    for path in paths {
        let depth = path.matches('/').count();
        levels.resize_with(levels.len().max(depth + 1), Vec::new);
        levels[depth].push(path);
    }
    for level in levels {
        let ids_now = &ids;
        let created: Vec<(&String, Result<String>)> = stream::iter(level)
            .map(|path| async move {
                let r = match ids_now.get(parent_of(path)) {
                    Some(parent) => ensure_folder(sides.client, parent, name_of(path)).await,
                    None => Err(ErrorKind::NotFound(parent_of(path).to_owned()).into()),
                };
                (path, r)
            })
            .buffer_unordered(opts.parallel.max(1))
            .collect()
            .await;
        for (path, r) in created {
            match r {
                Ok(id) => {
                    done.folders += 1;
                    ids.insert(path.clone(), id);
                }
                Err(e) => done.failed.push((path.clone(), e)),
            }
        }
    }
    ids
}

/// A per-file progress callback from the tree-wide one.
fn progress(opts: &MirrorOptions, path: &str) -> Option<Progress> {
    let tree = opts.progress.clone()?;
    let path = path.to_owned();
    Some(Arc::new(move |done, total| tree(&path, done, total)))
}

/// Downloads the source file `path`, gives it the remote mtime, and returns its record.
async fn download(sides: &Sides<'_>, opts: &MirrorOptions, path: &str) -> Result<Synced> {
    let entry = sides.source.get(path);
    let (Some(f), Some(id)) = (
        entry.and_then(|e| e.file()),
        entry.and_then(|e| e.id.clone()),
    ) else {
        return Err(ErrorKind::NotFound(path.to_owned()).into());
    };
    let item = DriveItem {
        id,
        name: name_of(path).to_owned(),
        size: Some(f.size),
        c_tag: f.tag.clone(),
        file: Some(FileFacet {
            mime_type: None,
            hashes: Some(Hashes {
                quick_xor_hash: f.hash.clone(),
                ..Hashes::default()
            }),
        }),
        ..DriveItem::default()
    };
    let dest = sides.local.join(real_path(sides.target, path));
    let dl = DownloadOptions {
        resume: opts.resume,
        discard_partial: !opts.resume,
        progress: progress(opts, path),
        cancel: opts.cancel.clone(),
        ..DownloadOptions::default()
    };
    sides.client.download_item_to_file(item, &dest, &dl).await?;
    let local = set_mtime(&dest, f).await?;
    Ok(Synced {
        local,
        remote: Print::of(f),
    })
}

/// Gives a downloaded file the remote file's mtime; returns the local file's print.
async fn set_mtime(dest: &Path, remote: &FileInfo) -> Result<Print> {
    let dest = dest.to_owned();
    let (mtime, hash) = (remote.mtime, remote.hash.clone());
    tokio::task::spawn_blocking(move || {
        let file = std::fs::File::open(&dest).map_err(|e| Error::io(&dest, e))?;
        if let Some(ms) = mtime {
            file.set_modified(ms_system(ms))
                .map_err(|e| Error::io(&dest, e))?;
        }
        let meta = file.metadata().map_err(|e| Error::io(&dest, e))?;
        Ok(Print {
            size: meta.len(),
            mtime: meta.modified().ok().and_then(system_ms),
            hash,
        })
    })
    .await
    .map_err(|e| Error::io(Path::new("mtime"), std::io::Error::other(e.to_string())))?
}

/// Uploads the source file of `t` into its remote folder; returns its record. A file the
/// target did not have is sent with `conflictBehavior=fail`, so that one created there in the
/// meantime is never replaced unseen.
async fn upload(
    sides: &Sides<'_>,
    opts: &MirrorOptions,
    t: &Transfer,
    ids: &HashMap<String, String>,
) -> Result<Synced> {
    let parent = parent_of(&t.path);
    let Some(parent_id) = ids.get(parent) else {
        return Err(ErrorKind::NotFound(parent.to_owned()).into());
    };
    let Some(f) = sides.source.get(&t.path).and_then(|e| e.file()) else {
        return Err(ErrorKind::NotFound(t.path.clone()).into());
    };
    let up = UploadOptions {
        conflict: if t.new {
            Conflict::Fail
        } else {
            Conflict::Replace
        },
        resume: opts.resume,
        progress: progress(opts, &t.path),
        cancel: opts.cancel.clone(),
        ..UploadOptions::default()
    };
    let src = sides.local.join(&t.path);
    let parent = ItemRef::Id(parent_id.clone());
    let item = sides
        .client
        .upload_file(&parent, name_of(&t.path), &src, &up)
        .await?;
    Ok(Synced {
        local: Print::of(f),
        remote: Print::of(&FileInfo::from(&file_print(&item))),
    })
}

/// Deletes the target items of `deletes` (remote ones to the recycle bin).
async fn delete_all(sides: &Sides<'_>, deletes: &[Delete], opts: &MirrorOptions, done: &mut Done) {
    let mut results = stream::iter(deletes)
        .map(|d| async move { (d, delete(sides, d).await) })
        .buffer_unordered(opts.parallel.max(1));
    while let Some((d, r)) = results.next().await {
        match r {
            Ok(()) => {
                done.deleted += d.items;
                done.removed.push(d.path.clone());
            }
            Err(e) => done.failed.push((d.path.clone(), e)),
        }
    }
}

async fn delete(sides: &Sides<'_>, d: &Delete) -> Result<()> {
    if sides.upload {
        let id = sides.target.get(&d.path).and_then(|e| e.id.clone());
        let id = id.ok_or_else(|| Error::from(ErrorKind::NotFound(d.path.clone())))?;
        return sides.client.delete(&ItemRef::Id(id)).await;
    }
    let path = sides.local.join(real_path(sides.target, &d.path));
    let r = if d.folder {
        tokio::fs::remove_dir_all(&path).await
    } else {
        tokio::fs::remove_file(&path).await
    };
    r.map_err(|e| Error::io(&path, e))
}

/// Removes this tool's partial downloads that no file needs any more (a file already gone is
/// fine).
async fn remove_partials(sides: &Sides<'_>, partials: &[String], done: &mut Done) {
    for rel in partials {
        let path = sides.local.join(real_path(sides.target, rel));
        match tokio::fs::remove_file(&path).await {
            Ok(()) => done.partials += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => done.failed.push((rel.clone(), Error::io(&path, e))),
        }
    }
}
