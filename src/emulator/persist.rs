//! `--data DIR`: the tree and tokens are saved to `DIR/drive.json` (written to a temp file and
//! renamed, so a crash never leaves half a file), blobs live in `DIR/blobs`. A demo drive thus
//! survives restarts, and so do the tokens of configs written against it.
//!
//! Each save writes the whole tree, so saving after every change would cost O(n) per change and
//! O(n²) to fill a drive (20,000 uploads took minutes). Changes only mark the drive dirty; a
//! background writer saves at most every [`WRITE_BEHIND`], and stopping the emulator (dropping
//! it, or Ctrl-C / SIGTERM for `skydrive-emu`) saves what is left. A `kill -9` can lose the
//! changes of the last [`WRITE_BEHIND`], never the file.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::Shared;
use super::auth::Auth;
use super::blob::Blobs;
use super::drives::ME;
use super::ids::Profile;
use super::seed;
use super::store::{DriveMeta, Node, ROOT, Store, Tombstone};
use crate::error::{Error, Result};
use crate::graph::model::Permission;

const FILE: &str = "drive.json";

/// The longest a change waits before it is written.
pub(crate) const WRITE_BEHIND: Duration = Duration::from_millis(200);

#[derive(Serialize)]
struct SnapshotRef<'a> {
    store: &'a Store,
    auth: &'a Auth,
}

#[derive(Deserialize)]
struct Snapshot {
    store: Store,
    auth: Auth,
}

/// A data dir written before there were several drives.
#[derive(Deserialize)]
struct Legacy {
    store: LegacyStore,
    auth: Auth,
}

#[derive(Deserialize)]
struct LegacyStore {
    drive_id: String,
    nodes: HashMap<u64, Node>,
    next: u64,
    seq: u64,
    tombstones: Vec<Tombstone>,
    permissions: HashMap<u64, Vec<Permission>>,
}

impl LegacyStore {
    fn migrate(self, blobs: &Blobs) -> Result<Store> {
        let mut s = Store::new(Profile::Personal);
        s.drives.push(DriveMeta {
            id: self.drive_id,
            kind: "personal".into(),
            name: "OneDrive".into(),
            owner: ME,
            root: ROOT,
            seq: self.seq,
        });
        s.nodes = self.nodes;
        s.next = self.next;
        s.tombstones = self.tombstones;
        s.permissions = self.permissions;
        s.reindex();
        seed::add_others(s, blobs)
    }
}

/// Saves and loads the drive of one data dir.
#[derive(Debug)]
pub(crate) struct Persister {
    dir: PathBuf,
    generation: AtomicU64,
    written: Mutex<u64>,
    dirty: AtomicBool,
}

impl Persister {
    /// A persister for `dir`.
    pub(crate) fn new(dir: &Path) -> Self {
        Persister {
            dir: dir.to_owned(),
            generation: AtomicU64::new(0),
            written: Mutex::new(0),
            dirty: AtomicBool::new(false),
        }
    }

    /// Notes a change; the background writer saves it soon.
    pub(crate) fn mark_dirty(&self) {
        self.dirty.store(true, Ordering::SeqCst);
    }

    /// Saves now if anything changed since the last save.
    pub(crate) fn flush(&self, shared: &Shared) -> std::io::Result<()> {
        if self.dirty.swap(false, Ordering::SeqCst) {
            self.save(shared)?;
        }
        Ok(())
    }

    /// The file the drive is saved to.
    pub(crate) fn path(&self) -> PathBuf {
        self.dir.join(FILE)
    }

    /// The saved world, if any. A drive saved by an older emulator (one drive, numeric ids)
    /// becomes the signed-in user's personal drive, and the second user's drive is added.
    pub(crate) fn load(&self, blobs: &Blobs) -> Result<Option<(Store, Auth)>> {
        let path = self.dir.join(FILE);
        let text = match std::fs::read(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(path, e)),
        };
        let bad = |e: serde_json::Error| Error::decode(path.display().to_string(), e);
        let v: serde_json::Value = serde_json::from_slice(&text).map_err(bad)?;
        if v["store"].get("drives").is_none() {
            let old: Legacy = serde_json::from_value(v).map_err(bad)?;
            return Ok(Some((old.store.migrate(blobs)?, old.auth)));
        }
        let mut snap: Snapshot = serde_json::from_value(v).map_err(bad)?;
        snap.store.reindex();
        Ok(Some((snap.store, snap.auth)))
    }

    /// Writes the current tree and tokens atomically; an older snapshot never overwrites a
    /// newer one.
    pub(crate) fn save(&self, shared: &Shared) -> std::io::Result<()> {
        let (generation, bytes) = {
            let store = shared.lock_store();
            let auth = shared.lock_auth();
            let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
            let bytes = serde_json::to_vec(&SnapshotRef {
                store: &store,
                auth: &auth,
            })?;
            (generation, bytes)
        };
        let mut written = self.written.lock().unwrap_or_else(|p| p.into_inner());
        if *written > generation {
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
        tmp.write_all(&bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(self.dir.join(FILE)).map_err(|e| e.error)?;
        *written = generation;
        Ok(())
    }
}

/// The background writer: every [`WRITE_BEHIND`], saves the drive if it changed. Holds only a
/// weak reference, so it ends once the emulator is gone.
pub(crate) async fn write_behind(shared: Weak<Shared>) {
    loop {
        tokio::time::sleep(WRITE_BEHIND).await;
        let Some(strong) = shared.upgrade() else {
            return;
        };
        let flushed = tokio::task::spawn_blocking(move || flush_shared(&strong)).await;
        if flushed.is_err() {
            return;
        }
    }
}

/// Flushes the drive of `shared`, reporting a failure on stderr (the server keeps serving).
pub(crate) fn flush_shared(shared: &Arc<Shared>) {
    if let Some(p) = &shared.persist
        && let Err(e) = p.flush(shared)
    {
        eprintln!("skydrive-emu: saving the drive: {e}");
    }
}
