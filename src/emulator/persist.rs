//! `--data DIR`: the tree and tokens are saved to `DIR/drive.json` after every change
//! (written to a temp file and renamed, so a crash never leaves half a file), blobs live in
//! `DIR/blobs`. A demo drive thus survives restarts, and so do the tokens of configs written
//! against it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use super::Shared;
use super::auth::Auth;
use super::store::Store;
use crate::error::{Error, Result};

const FILE: &str = "drive.json";

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

/// Saves and loads the drive of one data dir.
#[derive(Debug)]
pub(crate) struct Persister {
    dir: PathBuf,
    generation: AtomicU64,
    written: Mutex<u64>,
}

impl Persister {
    /// A persister for `dir`.
    pub(crate) fn new(dir: &Path) -> Self {
        Persister {
            dir: dir.to_owned(),
            generation: AtomicU64::new(0),
            written: Mutex::new(0),
        }
    }

    /// The saved drive, if any.
    pub(crate) fn load(&self) -> Result<Option<(Store, Auth)>> {
        let path = self.dir.join(FILE);
        let text = match std::fs::read(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(path, e)),
        };
        let snap: Snapshot = serde_json::from_slice(&text)
            .map_err(|e| Error::decode(path.display().to_string(), e))?;
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
