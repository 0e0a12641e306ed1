//! The mirror's state file: what makes the second run cheap and conflicts visible.
//!
//! One small JSON file per mirrored pair, in the caller's state folder (the shell uses
//! `$SKYDRIVE_HOME/mirror/`), named by a hash of the drive id, the remote folder's id and the
//! local folder's absolute path. It holds:
//! - the remote snapshot (every item below the folder by id, with parent, name, size, mtime
//!   and hash) and the deltaLink it is current at, so that the next run asks only for what
//!   changed since (one request when nothing did) instead of walking the folder;
//! - the synced records: for each file, what both sides looked like when the last run left
//!   them equal. A side whose file no longer matches its record has changed since; a file
//!   changed on both sides is a conflict.
//!
//! A lost, unreadable or foreign file is simply no state: the run falls back to a full
//! comparison. The file is written atomically (temp file and rename) and a side `.lock` file
//! keeps two mirrors of one pair from running at once.

use std::collections::{BTreeMap, HashMap};
use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::side::{FileInfo, same_time};
use crate::error::{Error, Result};

/// The format version; a file of another version is ignored (a full comparison follows).
const VERSION: u32 = 1;

/// Everything kept between runs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct State {
    /// [`VERSION`].
    pub version: u32,
    /// The drive id (lower case), the folder id and the local path this state belongs to.
    pub drive: String,
    /// See `drive`.
    pub folder: String,
    /// See `drive`.
    pub local: String,
    /// Where the next delta round starts.
    pub delta_link: Option<String>,
    /// The remote snapshot by item id.
    #[serde(default)]
    pub items: HashMap<String, RemoteEntry>,
    /// What each file looked like on both sides when they were last left equal.
    #[serde(default)]
    pub synced: BTreeMap<String, Synced>,
}

/// One remote item of the snapshot (short field names: 20,000 of them make one file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct RemoteEntry {
    /// Parent item id.
    #[serde(rename = "p")]
    pub parent: String,
    /// Name.
    #[serde(rename = "n")]
    pub name: String,
    /// What it is.
    #[serde(rename = "k")]
    pub kind: RemoteKind,
    /// Files: size, mtime, hash and tag.
    #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
    pub file: Option<FilePrint>,
}

/// The kind of a snapshot entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) enum RemoteKind {
    /// A folder.
    #[serde(rename = "d")]
    Folder,
    /// A file.
    #[serde(rename = "f")]
    File,
    /// Not mirrored, with the reason.
    #[serde(rename = "x")]
    Skip(String),
}

/// A snapshot file's facts (the remote half of a [`FileInfo`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct FilePrint {
    /// Bytes.
    #[serde(rename = "s")]
    pub size: u64,
    /// Milliseconds since the epoch.
    #[serde(rename = "m", default, skip_serializing_if = "Option::is_none")]
    pub mtime: Option<i64>,
    /// Base64 quickXorHash.
    #[serde(rename = "h", default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// cTag or eTag.
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

/// Both sides of a file as the last run left them equal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Synced {
    /// The local file.
    #[serde(rename = "l")]
    pub local: Print,
    /// The remote file.
    #[serde(rename = "r")]
    pub remote: Print,
}

/// What is compared to tell whether a side changed since the last run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Print {
    /// Bytes.
    #[serde(rename = "s")]
    pub size: u64,
    /// Milliseconds since the epoch.
    #[serde(rename = "m", default, skip_serializing_if = "Option::is_none")]
    pub mtime: Option<i64>,
    /// Base64 quickXorHash, when known.
    #[serde(rename = "h", default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
}

impl Print {
    /// The print of a file as seen now.
    pub fn of(f: &FileInfo) -> Self {
        Print {
            size: f.size,
            mtime: f.mtime,
            hash: f.hash.clone(),
        }
    }

    /// True when `now` is not the file this print was taken of: another size, another hash
    /// (when both are known) or another mtime (to the second).
    pub fn changed(&self, now: &FileInfo) -> bool {
        let hashes_differ = matches!((&self.hash, &now.hash), (Some(a), Some(b)) if a != b);
        self.size != now.size || hashes_differ || !same_time(self.mtime, now.mtime)
    }
}

impl From<&FilePrint> for FileInfo {
    fn from(p: &FilePrint) -> Self {
        FileInfo {
            size: p.size,
            mtime: p.mtime,
            hash: p.hash.clone(),
            tag: p.tag.clone(),
        }
    }
}

/// The state file of one pair, locked for this run.
#[derive(Debug)]
pub(crate) struct StateFile {
    path: PathBuf,
    _lock: File,
    /// The pair, as stamped into the file.
    drive: String,
    folder: String,
    local: String,
}

impl StateFile {
    /// Opens (and locks) the state of the pair (`drive`, `folder`, `local`) in `dir`, creating
    /// `dir` when missing. Another mirror of the same pair running is an error.
    pub fn open(dir: &Path, drive: &str, folder: &str, local: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let mut h = Sha256::new();
        for part in [crate::graph::drive_key(drive).as_bytes(), folder.as_bytes()] {
            h.update(part);
            h.update([0]);
        }
        h.update(local.as_os_str().as_encoded_bytes());
        let name: String = h.finalize()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let path = dir.join(format!("{name}.json"));
        let lock_path = dir.join(format!("{name}.lock"));
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io(&lock_path, e))?;
        match lock.try_lock() {
            Ok(()) => Ok(StateFile {
                path,
                _lock: lock,
                drive: crate::graph::drive_key(drive),
                folder: folder.to_owned(),
                local: local.to_string_lossy().into_owned(),
            }),
            Err(TryLockError::WouldBlock) => Err(Error::io(
                &lock_path,
                std::io::Error::new(
                    std::io::ErrorKind::WouldBlock,
                    "another mirror of the same folders is running",
                ),
            )),
            Err(TryLockError::Error(e)) => Err(Error::io(&lock_path, e)),
        }
    }

    /// The saved state, when there is one of this format for this pair.
    pub async fn load(&self) -> Option<State> {
        let bytes = tokio::fs::read(&self.path).await.ok()?;
        let state: State = tokio::task::spawn_blocking(move || serde_json::from_slice(&bytes))
            .await
            .ok()?
            .ok()?;
        let ours = state.version == VERSION
            && state.drive == self.drive
            && state.folder == self.folder
            && state.local == self.local;
        ours.then_some(state)
    }

    /// Writes `state` atomically (stamped with the format version and the pair).
    pub async fn save(&self, mut state: State) -> Result<()> {
        state.version = VERSION;
        state.drive.clone_from(&self.drive);
        state.folder.clone_from(&self.folder);
        state.local.clone_from(&self.local);
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let bytes = serde_json::to_vec(&state).map_err(|e| Error::decode("mirror state", e))?;
            crate::config::write_private(&path, &bytes)
        })
        .await
        .map_err(|e| Error::decode("mirror state", e))?
    }
}
