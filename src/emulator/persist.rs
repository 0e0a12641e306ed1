//! `--data DIR`: the world and its tokens live in `DIR`, blobs in `DIR/blobs`, so a demo
//! drive survives restarts, and several processes (two `--demo` shells, two
//! `skydrive-emu --data DIR`) can serve one drive at once without losing a committed change
//! (issue 17).
//!
//! Design: a snapshot plus a journal, under a file lock.
//! - `DIR/drive.json` is a snapshot `{version, generation, store, auth}`, written to a temp
//!   file and renamed, so a crash never leaves half of one.
//! - `DIR/journal.jsonl` starts with `{"generation": G}` (the snapshot it extends) and holds
//!   one line per committed change since: the items it added or changed (whole), those it
//!   removed, drive sequences, tombstones, links, grants, tokens ([`Record`]).
//! - `DIR/lock` is locked exclusively around every change: the process first replays the
//!   lines other processes appended since it last looked, then applies its change to that
//!   up-to-date copy, then appends its own line. Every request first replays new lines under
//!   a shared lock, so each process answers with every change committed before the request.
//! - When the journal grows past the snapshot's size (and [`COMPACT_MIN`]), the process
//!   holding the lock writes a new snapshot (generation G+1) and starts a new journal; the
//!   others see the new generation and reload the snapshot.
//!
//! A change costs one appended line (its items and their ancestors), and compaction happens
//! after the journal has grown by the snapshot's size, so filling a drive of n items costs
//! O(n) in all, as a write-behind snapshot did, and a `kill -9` loses nothing committed.
//! Upload sessions and copy jobs stay with the process that started them.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::Shared;
use super::auth::Auth;
use super::blob::Blobs;
use super::journal::{Record, merge_auth};
use super::legacy;
use super::store::{Changes, Store};
use super::tree;
use crate::error::{Error, Result};

const SNAPSHOT: &str = "drive.json";
const JOURNAL: &str = "journal.jsonl";
/// The journal is compacted only once it is larger than this (and than the snapshot).
const COMPACT_MIN: u64 = 4 << 20;

#[derive(Serialize)]
struct SnapshotRef<'a> {
    version: u32,
    generation: u64,
    store: &'a Store,
    auth: &'a Auth,
}

#[derive(Deserialize)]
struct Snapshot {
    #[serde(default)]
    generation: u64,
    store: Store,
    auth: Auth,
}

#[derive(Serialize, Deserialize)]
struct Header {
    generation: u64,
}

/// How far this process has read: the snapshot generation and the journal offset.
#[derive(Debug, Default, Clone, Copy)]
struct Pos {
    generation: u64,
    offset: u64,
    snapshot_len: u64,
}

/// The files of one data dir.
#[derive(Debug)]
pub(crate) struct Persister {
    dir: PathBuf,
    lock: File,
    pos: Mutex<Pos>,
}

/// Holds the data dir's lock until dropped.
struct Held<'a>(&'a File);

impl Drop for Held<'_> {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

impl Persister {
    /// The data dir `dir` (created if missing).
    pub(crate) fn open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let path = dir.join("lock");
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        Ok(Persister {
            dir: dir.to_owned(),
            lock,
            pos: Mutex::new(Pos::default()),
        })
    }

    fn held(&self, exclusive: bool) -> std::io::Result<Held<'_>> {
        if exclusive {
            self.lock.lock()?;
        } else {
            self.lock.lock_shared()?;
        }
        Ok(Held(&self.lock))
    }

    fn pos(&self) -> std::sync::MutexGuard<'_, Pos> {
        self.pos.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The saved world, or a new one from `fresh` (saved at once); true when new.
    pub(crate) fn load_or_create(
        &self,
        blobs: &Blobs,
        fresh: impl FnOnce() -> Result<Store>,
    ) -> Result<(Store, Auth, bool)> {
        let io = |e| Error::io(self.dir.join(SNAPSHOT), e);
        let _held = self.held(true).map_err(io)?;
        let (mut store, mut auth, new) = match self.read_snapshot(blobs)? {
            Some((store, auth)) => (store, auth, false),
            None => (fresh()?, Auth::default(), true),
        };
        store.take_changes();
        let generation = self.pos().generation;
        if new || generation == 0 || self.journal_generation() != Some(generation) {
            // New, migrated, or a crash came between a compaction's two renames (the
            // journal left is older than the snapshot, which holds all it said).
            self.compact(&store, &auth).map_err(io)?;
        } else {
            self.replay(&mut store, &mut auth).map_err(io)?;
        }
        Ok((store, auth, new))
    }

    /// Reads `drive.json` (migrating a drive of an older emulator); `None` when there is none.
    fn read_snapshot(&self, blobs: &Blobs) -> Result<Option<(Store, Auth)>> {
        let path = self.dir.join(SNAPSHOT);
        let text = match std::fs::read(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(path, e)),
        };
        let bad = |e: serde_json::Error| Error::decode(path.display().to_string(), e);
        let v: serde_json::Value = serde_json::from_slice(&text).map_err(bad)?;
        if legacy::is_legacy(&v) {
            return legacy::migrate(v, blobs, &path).map(Some);
        }
        let mut snap: Snapshot = serde_json::from_value(v).map_err(bad)?;
        tree::restore(&mut snap.store);
        *self.pos() = Pos {
            generation: snap.generation,
            offset: 0,
            snapshot_len: text.len() as u64,
        };
        Ok(Some((snap.store, snap.auth)))
    }

    /// Brings `store` and `auth` up to date with what other processes committed.
    pub(crate) fn sync(&self, shared: &Shared, store: &mut Store) {
        let res = self.held(false).and_then(|_held| {
            let mut auth = shared.lock_auth();
            self.replay(store, &mut auth)
        });
        report(res);
    }

    /// Runs `f` on an up-to-date `store` under the exclusive lock, then journals its changes
    /// (and the tokens, when `with_auth`).
    pub(crate) fn commit<R>(
        &self,
        shared: &Shared,
        store: &mut Store,
        with_auth: bool,
        f: impl FnOnce(&mut Store) -> R,
    ) -> R {
        let held = self.held(true);
        if let Err(e) = &held {
            eprintln!("skydrive-emu: locking the data dir: {e}");
        }
        {
            let mut auth = shared.lock_auth();
            report(self.replay(store, &mut auth));
        }
        let r = f(store);
        let changes = store.take_changes();
        let auth = shared.lock_auth();
        report(self.append(store, changes, &auth, with_auth));
        r
    }

    /// The generation in the journal's header, if there is a journal.
    fn journal_generation(&self) -> Option<u64> {
        let mut file = File::open(self.dir.join(JOURNAL)).ok()?;
        let mut text = String::new();
        read_header(&mut file, &mut text).ok()?;
        Some(
            serde_json::from_str::<Header>(text.trim_end())
                .ok()?
                .generation,
        )
    }

    /// Replays the journal lines this process has not seen (reloading the snapshot first when
    /// another process compacted).
    fn replay(&self, store: &mut Store, auth: &mut Auth) -> std::io::Result<()> {
        let mut file = match File::open(self.dir.join(JOURNAL)) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        let mut text = String::new();
        let header_len = read_header(&mut file, &mut text)?;
        let Ok(header) = serde_json::from_str::<Header>(text.trim_end()) else {
            return Ok(());
        };
        let mut pos = *self.pos();
        if header.generation != pos.generation {
            let Some((s, theirs)) = self.reload(header.generation)? else {
                return Ok(());
            };
            // Tokens this process issued stay valid (and codes in flight stay known).
            *store = s;
            merge_auth(auth, &theirs);
            pos = *self.pos();
        }
        let start = pos.offset.max(header_len);
        file.seek(SeekFrom::Start(start))?;
        let mut rest = String::new();
        file.read_to_string(&mut rest)?;
        let mut used = 0;
        for line in rest.split_inclusive('\n').filter(|l| l.ends_with('\n')) {
            used += line.len();
            if let Ok(rec) = serde_json::from_str::<Record>(line) {
                rec.apply(store, auth);
            }
        }
        self.pos().offset = start + used as u64;
        Ok(())
    }

    /// The snapshot of `generation`, once another process has written it.
    fn reload(&self, generation: u64) -> std::io::Result<Option<(Store, Auth)>> {
        let text = std::fs::read(self.dir.join(SNAPSHOT))?;
        let Ok(mut snap) = serde_json::from_slice::<Snapshot>(&text) else {
            return Ok(None);
        };
        if snap.generation != generation {
            return Ok(None);
        }
        tree::restore(&mut snap.store);
        *self.pos() = Pos {
            generation,
            offset: 0,
            snapshot_len: text.len() as u64,
        };
        Ok(Some((snap.store, snap.auth)))
    }

    /// Appends one line (cutting off a half-written line a crash may have left), and
    /// compacts when the journal has outgrown the snapshot.
    fn append(
        &self,
        store: &Store,
        changes: Changes,
        auth: &Auth,
        with_auth: bool,
    ) -> std::io::Result<()> {
        let rec = Record::new(store, changes, with_auth.then_some(auth));
        if rec.is_empty() {
            return Ok(());
        }
        let mut line = serde_json::to_vec(&rec)?;
        line.push(b'\n');
        let pos = *self.pos();
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .open(self.dir.join(JOURNAL))?;
        file.set_len(pos.offset)?;
        file.seek(SeekFrom::Start(pos.offset))?;
        file.write_all(&line)?;
        let offset = pos.offset + line.len() as u64;
        self.pos().offset = offset;
        if offset > COMPACT_MIN.max(pos.snapshot_len) {
            return self.compact(store, auth);
        }
        Ok(())
    }

    /// Writes a snapshot of the next generation and starts its empty journal.
    fn compact(&self, store: &Store, auth: &Auth) -> std::io::Result<()> {
        let generation = self.pos().generation + 1;
        let snap = serde_json::to_vec(&SnapshotRef {
            version: 2,
            generation,
            store,
            auth,
        })?;
        write_atomic(&self.dir, SNAPSHOT, &snap)?;
        let mut header = serde_json::to_vec(&Header { generation })?;
        header.push(b'\n');
        write_atomic(&self.dir, JOURNAL, &header)?;
        *self.pos() = Pos {
            generation,
            offset: header.len() as u64,
            snapshot_len: snap.len() as u64,
        };
        Ok(())
    }
}

/// Reads the first line of the journal into `text`; returns its length in bytes.
fn read_header(file: &mut File, text: &mut String) -> std::io::Result<u64> {
    let mut buf = [0u8; 64];
    let got = file.read(&mut buf)?;
    let end = buf[..got]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(got, |i| i + 1);
    text.push_str(&String::from_utf8_lossy(&buf[..end]));
    Ok(end as u64)
}

fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(dir.join(name)).map_err(|e| e.error)?;
    Ok(())
}

/// Reports a failed save on stderr; the server keeps serving.
fn report(res: std::io::Result<()>) {
    if let Err(e) = res {
        eprintln!("skydrive-emu: saving the drive: {e}");
    }
}
