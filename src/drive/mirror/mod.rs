//! `mirror` (lftp's, made incremental by delta) and `check` (rclone's): keep a local folder and
//! a remote folder equal, one way, and verify that they are.
//!
//! Why it is built this way:
//! - The expensive side is the remote one: listing 20,000 items folder by folder costs
//!   thousands of round trips. So the remote side is a snapshot kept in a state file and
//!   brought up to date with the folder's delta (`remote.rs`): a second run of an unchanged
//!   folder costs two requests (the folder, one delta round). The local side is a scan of
//!   sizes and mtimes, which costs no reads (`local.rs`).
//! - The comparison (`plan.rs`) is pure, so each rule has its own test. Files are equal when
//!   size and mtime (to the second: OneDrive for Business keeps whole seconds) agree, or with
//!   `checksum` when their quickXorHashes do. Known hashes decide over sizes, because
//!   OneDrive lists some files with a size that is not their content's (`likeness.rs`, the one
//!   rule `check` uses too): a local file whose size differs from a remote file with a hash is
//!   read and hashed once, unless neither side changed since the last run.
//! - Nothing is lost silently: the state file also records what each file looked like on both
//!   sides when the last run left them equal, so a file changed on both sides since is a
//!   conflict, reported and left alone unless the caller lets the source win. Deletions come
//!   last and only when every transfer succeeded and nothing is in conflict, and never more
//!   than `max_delete` (`apply.rs`); remote deletions go to the recycle bin. Local deletions are
//!   permanent, so they also need a record of an earlier run of the pair (or `force`): the
//!   first run into a folder the user already filled deletes nothing of it unasked.
//! - OneDrive names ignore case and Unicode form, local ones do not: the two sides are paired
//!   by OneDrive's rule (`align`), so `café` in NFC here and NFD there is one item.
//! - Items that can never be mirrored (OneNote notebooks and other packages, files OneDrive
//!   flagged as malware, shortcuts to other drives, symbolic links) are reported as skipped and
//!   are not failures: they would otherwise fail every run and hold every deletion back. The
//!   item of the same path on the other side is left alone. Names that cannot exist on the
//!   other side are failures (the user can rename them), reported and skipped.

mod align;
mod apply;
mod check;
mod likeness;
mod local;
mod made;
mod plan;
mod remote;
mod report;
mod side;
mod state;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use check::{CheckOptions, CheckReport, Mismatch, check};
pub use likeness::{NO_HASH_SIZE_NOTE, listed_size_note};
pub use report::{MirrorReport, Step};

use self::apply::Sides;
use self::side::Tree;
use self::state::{State, StateFile, Synced};
use super::TreeProgress;
use crate::error::{Error, Result};
use crate::graph::transfer::Cancel;
use crate::graph::{DriveItem, GraphClient, ItemKind, ItemRef};

/// Which way a mirror copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// Remote folder to local folder (`mirror REMOTE LOCAL`).
    #[default]
    Download,
    /// Local folder to remote folder (`mirror -R LOCAL REMOTE`).
    Upload,
}

/// Decides which items take part: called with the path relative to the mirrored folder
/// (`a/b.txt`) and whether it is a folder; `false` leaves the item (and all below a folder)
/// out on both sides: never transferred, never deleted.
pub type Filter = Arc<dyn Fn(&str, bool) -> bool + Send + Sync>;

/// How to mirror.
#[derive(Clone, Default)]
pub struct MirrorOptions {
    /// Which way.
    pub direction: Direction,
    /// Files transferred (and folders listed) at once.
    pub parallel: usize,
    /// Continue partial transfers of an earlier run (`.NAME.part` files, saved upload
    /// sessions) and keep partial downloads when cancelled.
    pub resume: bool,
    /// Delete target items the source does not have (after every transfer succeeded).
    pub delete: bool,
    /// Never delete more items than this (a folder counts with everything below it): above
    /// it, nothing is deleted.
    pub max_delete: Option<usize>,
    /// Compare files of equal size by quickXorHash instead of mtime (reads every such local
    /// file).
    pub checksum: bool,
    /// The source wins conflicts (files changed on both sides since the last run), and replaces
    /// a target item of the other kind (a file where the source has a folder, or the reverse).
    pub overwrite: bool,
    /// Lets `delete` remove local items although no earlier run of this pair is recorded (no
    /// state file, or no `state_dir`): local deletions are permanent, so without a record of
    /// what an earlier run put there, they are held back unless forced.
    pub force: bool,
    /// Compute and report the plan; change nothing (nor the state file).
    pub dry_run: bool,
    /// Which items take part (all when `None`).
    pub filter: Option<Filter>,
    /// Where the state files live (the shell: `$SKYDRIVE_HOME/mirror`); `None`: every run is
    /// a full comparison and conflicts are judged without records.
    pub state_dir: Option<PathBuf>,
    /// Per-file progress.
    pub progress: Option<TreeProgress>,
    /// Stops the run (partial transfers are kept for `resume`).
    pub cancel: Cancel,
}

impl std::fmt::Debug for MirrorOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MirrorOptions")
            .field("direction", &self.direction)
            .field("parallel", &self.parallel)
            .field("delete", &self.delete)
            .field("dry_run", &self.dry_run)
            .finish_non_exhaustive()
    }
}

/// Mirrors the remote folder `remote` and the local folder `local` in `opts.direction` (see
/// the module docs). Returns what was done; per-item problems are in the report, while a
/// missing source, an unusable target, sign-in and transient failures end the run as errors.
/// An upload creates the remote folder (and its parents) when it is a missing path.
pub async fn mirror(
    client: &GraphClient,
    remote: &ItemRef,
    local: &Path,
    opts: &MirrorOptions,
) -> Result<MirrorReport> {
    let upload = opts.direction == Direction::Upload;
    let (folder, created) = remote_folder(client, remote, upload, opts.dry_run).await?;
    let mut made_top = Vec::new();
    if !upload && !opts.dry_run {
        made_top = made::missing(local);
        tokio::fs::create_dir_all(local)
            .await
            .map_err(|e| Error::io(local, e))?;
    }
    let run = mirror_into(client, remote, local, opts, folder, created, &made_top).await;
    if run.is_err() {
        made::remove_empty(&made_top);
    }
    run
}

/// [`mirror`] once the local folder is there (`made_top`: the folders made for it, deepest
/// first, removed again when empty after a run that failed).
async fn mirror_into(
    client: &GraphClient,
    remote: &ItemRef,
    local: &Path,
    opts: &MirrorOptions,
    folder: Option<DriveItem>,
    created: usize,
    made_top: &[PathBuf],
) -> Result<MirrorReport> {
    let upload = opts.direction == Direction::Upload;
    let (root, filter) = (local.to_owned(), opts.filter.clone());
    let mut local_tree =
        tokio::task::spawn_blocking(move || local::scan(&root, !upload, filter.as_ref()))
            .await
            .map_err(|e| Error::io(local, std::io::Error::other(e.to_string())))??;
    let Some(folder) = folder else {
        // A dry run of an upload to a folder that does not exist yet: everything is new.
        local::refuse_bad_names(&mut local_tree, &remote_path(remote, None));
        let none = BTreeMap::new();
        let plan = plan::plan(
            &local_tree,
            &Tree::new(),
            &report::rules(opts, &none, false),
        );
        return Ok(report::dry_run(&plan));
    };
    let found = survey(client, remote, local, opts, &folder, local_tree).await?;
    let (source, target) = match upload {
        true => (&found.local_tree, &found.remote_tree),
        false => (&found.remote_tree, &found.local_tree),
    };
    let rules = report::rules(opts, &found.base, found.recorded);
    let plan = plan::plan(source, target, &rules);
    if opts.dry_run {
        let mut report = report::dry_run(&plan);
        report.full_scan = found.fresh.full;
        return Ok(report);
    }
    let mut report = report::of_plan(&plan);
    report.full_scan = found.fresh.full;
    let sides = Sides {
        client,
        local,
        source,
        target: &plan.target,
        upload,
        folder_id: &folder.id,
    };
    let mut done = apply::apply(&sides, &plan, opts).await?;
    if plan.failures() + done.failed.len() > 0 {
        // A run that failed leaves no folder it made empty; a mirror that made nothing leaves
        // nothing new (and no record of a pair whose local folder is gone).
        let dirs: Vec<PathBuf> = done.made.iter().rev().chain(made_top).cloned().collect();
        let gone = made::remove_empty(&dirs);
        done.folders -= done.made.iter().filter(|d| gone.contains(d)).count();
        if made_top.first().is_some_and(|top| gone.contains(top)) {
            report.absorb(done);
            return Ok(report);
        }
    }
    let stale = done.failed.iter().any(|(_, e)| e.is_not_found());
    let synced = report::next_base(&found.base, source, &plan.target, upload, &plan.same, &done);
    report.absorb(done);
    report.folders += created;
    if stale {
        // An item the snapshot holds is not where it says: trust no link, start over next time.
        save(client, found.state_file, found.fresh.forgotten(), synced).await?;
    } else if synced != found.base || found.fresh.changed {
        save(client, found.state_file, found.fresh, synced).await?;
    }
    Ok(report)
}

/// Both sides of a run as found, and what the last run left.
struct Found {
    local_tree: Tree,
    remote_tree: Tree,
    fresh: remote::Remote,
    state_file: Option<StateFile>,
    base: BTreeMap<String, Synced>,
    /// An earlier run of this pair left a state.
    recorded: bool,
}

/// Loads the pair's state, brings the remote side up to date, and readies the local tree for
/// the comparison (names OneDrive refuses when uploading, hashes for `checksum`).
async fn survey(
    client: &GraphClient,
    remote: &ItemRef,
    local: &Path,
    opts: &MirrorOptions,
    folder: &DriveItem,
    mut local_tree: Tree,
) -> Result<Found> {
    let state_file = match &opts.state_dir {
        Some(dir) => Some(open_state(dir, folder, local, client)?),
        None => None,
    };
    let saved = match &state_file {
        Some(f) => f.load().await,
        None => None,
    };
    let recorded = saved.is_some();
    let (base, resume_from) = match saved {
        Some(s) => (s.synced, s.delta_link.map(|l| (s.items, l))),
        None => (BTreeMap::new(), None),
    };
    let parallel = opts.parallel.max(1);
    let fresh = remote::refresh(client, folder, resume_from, parallel).await?;
    let remote_tree = remote::tree(&fresh.snapshot, &folder.id);
    if opts.direction == Direction::Upload {
        local::refuse_bad_names(&mut local_tree, &remote_path(remote, Some(folder)));
    }
    let to_hash = files_to_hash(&local_tree, &remote_tree, opts, &base);
    local::hash_files(&mut local_tree, local, to_hash, parallel).await;
    Ok(Found {
        local_tree,
        remote_tree,
        fresh,
        state_file,
        base,
        recorded,
    })
}

/// Saves the snapshot, its delta link and the synced records for the next run.
async fn save(
    client: &GraphClient,
    file: Option<StateFile>,
    fresh: remote::Remote,
    synced: BTreeMap<String, Synced>,
) -> Result<()> {
    let Some(file) = file else {
        return Ok(());
    };
    // Kept relative to the Graph base when it lies below it, so that the link survives a
    // change of the base's origin (the demo drive's emulator gets a new port each run).
    let link = match fresh.delta_link.strip_prefix(client.base_url()) {
        Some(rest) if rest.starts_with('/') => rest.to_owned(),
        _ => fresh.delta_link,
    };
    let state = State {
        delta_link: (!link.is_empty()).then_some(link),
        items: fresh.snapshot,
        synced,
        ..State::default()
    };
    file.save(state).await
}

/// The remote folder (`None` only in a dry run of an upload to a path that does not exist
/// yet), and how many folders were created to make it (a real upload creates it).
async fn remote_folder(
    client: &GraphClient,
    remote: &ItemRef,
    upload: bool,
    dry_run: bool,
) -> Result<(Option<DriveItem>, usize)> {
    let (folder, created) = match client.item(remote).await {
        Ok(item) => (item, 0),
        Err(e) if e.is_not_found() && upload => match remote {
            ItemRef::Path(_) if dry_run => return Ok((None, 0)),
            ItemRef::Path(p) => super::mkdir_p_counted(client, p).await?,
            _ => return Err(e),
        },
        Err(e) => return Err(e),
    };
    if let Some(e) = not_of_this_drive(client, remote, &folder) {
        return Err(e);
    }
    Ok((Some(folder), created))
}

/// Why `folder`, the item `remote` names, cannot be mirrored or checked: it is no folder, or
/// it is a folder someone shared with the user (a shortcut, a path through one, a session
/// inside one), whose drive's delta and ids the mirror's state does not follow.
pub(crate) fn not_of_this_drive(
    client: &GraphClient,
    remote: &ItemRef,
    folder: &DriveItem,
) -> Option<Error> {
    let shared =
        folder.remote().is_some() || client.through_shortcut(remote) || client.rooted().is_some();
    let (code, message) = match folder.kind() {
        ItemKind::Folder if !shared => return None,
        ItemKind::Folder => (
            SHARED_FOLDER,
            format!(
                "{} is a folder shared with you, on its owner's drive, whose changes mirror \
                 and check do not follow",
                folder.name
            ),
        ),
        other => (
            "notAFolder",
            format!("{} is a {}, not a folder", folder.name, other.label()),
        ),
    };
    Some(Error::graph(400, code, message))
}

/// The error code of [`mirror`] and [`check`] for a folder shared with the user (a shortcut,
/// a path through one, a session inside one), which they refuse: its owner's drive's changes
/// are not followed.
pub const SHARED_FOLDER: &str = "sharedFolderNotMirrored";

/// The remote folder's path from the root (`/A/B`, `""` for the root), for the length limit.
fn remote_path(remote: &ItemRef, folder: Option<&DriveItem>) -> String {
    if let ItemRef::Path(p) = remote {
        return p.trim_end_matches('/').to_owned();
    }
    let Some(folder) = folder.filter(|f| f.root.is_none()) else {
        return String::new();
    };
    let parent = folder
        .parent_reference
        .as_ref()
        .and_then(|r| r.path.as_deref())
        .and_then(|p| p.split_once(':'))
        .map_or("", |(_, rest)| rest);
    format!("{}/{}", parent.trim_end_matches('/'), folder.name)
}

/// Opens the state of this pair: keyed by the drive, the folder's id and the local folder's
/// absolute path.
fn open_state(
    dir: &Path,
    folder: &DriveItem,
    local: &Path,
    client: &GraphClient,
) -> Result<StateFile> {
    let drive = folder
        .parent_reference
        .as_ref()
        .and_then(|r| r.drive_id.clone())
        .unwrap_or_else(|| client.drive_prefix().to_owned());
    let abs = std::fs::canonicalize(local)
        .or_else(|_| std::path::absolute(local))
        .map_err(|e| Error::io(local, e))?;
    StateFile::open(dir, &drive, &folder.id, &abs)
}

/// Local files (by their own paths) taking part in the run whose comparison with the remote
/// file of the same name (as OneDrive names them) needs their hash
/// ([`likeness::needs_local_hash`]), unless neither side changed since the last run.
fn files_to_hash(
    local: &Tree,
    remote: &Tree,
    opts: &MirrorOptions,
    base: &BTreeMap<String, Synced>,
) -> Vec<String> {
    let filter = opts.filter.as_ref();
    let (local, remote) = (plan::kept(local, filter), plan::kept(remote, filter));
    let by = match opts.checksum {
        true => likeness::By::Checksum,
        false => likeness::By::Time,
    };
    let needed = |source_path: &str, l: &side::Entry, r: &side::Entry| {
        let (Some(l), Some(r)) = (l.file(), r.file()) else {
            return false;
        };
        let synced = base
            .get(source_path)
            .is_some_and(|b| !b.local.changed(l) && !b.remote.changed(r));
        !synced && likeness::needs_local_hash(l, r, by)
    };
    if opts.direction == Direction::Upload {
        let aligned = align::align(&local, &remote);
        local
            .iter()
            .filter(|(p, l)| aligned.target.get(*p).is_some_and(|r| needed(p, l, r)))
            .map(|(p, _)| p.clone())
            .collect()
    } else {
        let aligned = align::align(&remote, &local);
        aligned
            .target
            .iter()
            .filter(|(p, l)| remote.get(*p).is_some_and(|r| needed(p, l, r)))
            .map(|(p, l)| l.real.clone().unwrap_or_else(|| p.clone()))
            .collect()
    }
}
