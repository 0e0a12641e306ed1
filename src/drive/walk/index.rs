//! A local index of a personal drive's items (issue 15 item 4), so that walking a drive of a
//! million items again (`find / -name`, `du /`) costs one delta round trip instead of a
//! thousand pages.
//!
//! It lives in the data directory (`index/DRIVE.idx`, one file per drive) and survives
//! restarts. A walk of a personal drive's root with no index writes one as it goes (every
//! record the walk hands out, nothing more held in memory), after asking the server for the
//! current delta link (`token=latest`, graph-api.md §8) first, so nothing that changes during
//! the walk is missed; a walk that does not end (an error, a reader gone) leaves no file. Any
//! walk of that drive's own folders then reads the index, brings it up to date with the
//! changes since its link (one request when nothing changed), saves it when something did,
//! and walks the subtree from it. It never answers from stale data: if the changes cannot be
//! fetched, the walk fails as a listing would; a link the server no longer takes (410) or a
//! file that does not read back whole is dropped, and the walk asks the server afresh (and
//! writes a new index when it walks the root). What shortcuts point to is never in it (it
//! lives on other drives): it is listed at every walk.
//!
//! The file: records (the parent's number, then [`Listed::encode`]), numbered in order, the
//! root first, parents before children; then the root's id, the delta link, the number of
//! records, the QuickXorHash of everything before, and a magic line. It is written to a
//! temporary name and renamed, so a reader sees the old index or the new one, never half.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::record::{Listed, Record, put_varint, take, varint};
use super::subtree::{Builder, Subtree};
use crate::error::Result;
use crate::graph::quickxor::QuickXorHash;
use crate::graph::{DriveItem, GraphClient, ItemRef};

/// The last bytes of every index file (and its format's version).
const MAGIC: &[u8] = b"\nskydrive index 1\n";

/// No parent: the drive's root.
pub(super) const NO_PARENT: u32 = u32::MAX;

/// In place of a parent's number: the records end.
const END: u64 = u32::MAX as u64 - 1;

/// What a walk does with the index.
pub(super) enum Opened<R> {
    /// Walks the folder at `slot` of the index, brought up to date.
    Walk(Subtree<R>, u32),
    /// Writes a new index as it walks the root.
    Write(Box<Tee>),
    /// Walks without it (no index, and the walk is not of the root).
    Skip,
}

/// Opens the index of the drive `start` is on, in `dir`, for a walk of `start`, an own folder
/// of a personal drive (see the module docs).
///
/// # Errors
///
/// Those of the request for the changes since the index's link, or for a new link.
pub(super) async fn open<R: Record>(
    client: &GraphClient,
    start: &DriveItem,
    dir: &Path,
) -> Result<Opened<R>> {
    let Some(path) = file_of(client, start, dir).await? else {
        return Ok(Opened::Skip);
    };
    if let Some((mut tree, link, root)) = load(&path) {
        match client.delta(&ItemRef::Root, Some(&link)).await {
            Ok(changes) => {
                let changed = !changes.items.is_empty();
                changes.items.into_iter().for_each(|i| tree.add(i));
                let slot = tree.find(&start.id);
                let tree = tree.finish(&root);
                if changed {
                    save(&tree, &path, &kept(client, &changes.delta_link));
                }
                return Ok(slot.map_or(Opened::Skip, |s| Opened::Walk(tree, s)));
            }
            Err(e) if e.status() == Some(410) => drop(std::fs::remove_file(&path)),
            Err(e) => return Err(e),
        }
    }
    if start.root.is_none() {
        return Ok(Opened::Skip);
    }
    let latest = format!("{}/root/delta?token=latest", client.drive_prefix());
    let link = client
        .delta(&ItemRef::Root, Some(&latest))
        .await?
        .delta_link;
    let tee = Tee::create(path, &kept(client, &link), start);
    Ok(tee.map_or(Opened::Skip, |t| Opened::Write(Box::new(t))))
}

/// A delta link as the index keeps it: relative to the Graph base URL when it lies below it,
/// so that it survives a base that moves (the demo drive's emulator listens on a new port at
/// each start).
fn kept(client: &GraphClient, link: &str) -> String {
    link.strip_prefix(client.base_url())
        .filter(|rest| rest.starts_with('/'))
        .unwrap_or(link)
        .to_owned()
}

/// The index file of the drive `start` is on.
async fn file_of(client: &GraphClient, start: &DriveItem, dir: &Path) -> Result<Option<PathBuf>> {
    let named = start
        .parent_reference
        .as_ref()
        .and_then(|p| p.drive_id.clone());
    let drive = match named {
        Some(d) => d,
        None => client.drive_id().await?,
    };
    // Drive ids come in both cases (graph-api.md §1.1); file names must not.
    let name: String = drive
        .trim_start_matches('0')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    Ok((!name.is_empty()).then(|| dir.join(format!("{name}.idx"))))
}

/// The index at `path`, as a tree to bring up to date, with its delta link and its root's id;
/// `None` when there is none or it does not read back whole (it is then removed).
fn load<R: Record>(path: &Path) -> Option<(Builder<R>, String, String)> {
    let bytes = std::fs::read(path).ok()?;
    let loaded = parse(&bytes);
    if loaded.is_none() {
        let _ = std::fs::remove_file(path);
    }
    loaded
}

fn parse<R: Record>(bytes: &[u8]) -> Option<(Builder<R>, String, String)> {
    let body = bytes.strip_suffix(MAGIC)?;
    let (body, sum) = body.split_at_checked(body.len().checked_sub(20)?)?;
    let mut hash = QuickXorHash::new();
    hash.update(body);
    if hash.finish() != sum {
        return None;
    }
    let mut rest = body;
    let mut records = Vec::new();
    let mut parents = Vec::new();
    while let Some(parent) = varint(&mut rest).filter(|p| *p != END) {
        parents.push(u32::try_from(parent).ok()?);
        records.push(R::from_listed(Listed::decode(&mut rest)?));
    }
    let root = text(&mut rest)?;
    let link = text(&mut rest)?;
    let count = usize::try_from(varint(&mut rest)?).ok()?;
    (count == records.len() && rest.is_empty())
        .then(|| (Builder::from_parts(records, parents), link, root))
}

fn text(bytes: &mut &[u8]) -> Option<String> {
    let len = usize::try_from(varint(bytes)?).ok()?;
    String::from_utf8(take(bytes, len)?.to_vec()).ok()
}

/// Writes `tree` (what is reachable from its root) as the index at `path` with `link`. An
/// index that cannot be written is no failure: the next walk asks the server.
fn save<R: Record>(tree: &Subtree<R>, path: &Path, link: &str) {
    let Some(mut tee) = Tee::open(path.to_owned(), link) else {
        return;
    };
    let Some(root) = tree.record(tree.root) else {
        return;
    };
    let mut stack = vec![(tree.root, tee.write(NO_PARENT, root))];
    while let Some((slot, written)) = stack.pop() {
        for (child, record) in tree.children(slot) {
            let at = tee.write(written, record);
            stack.push((child, at));
        }
    }
    tee.finish(root.id());
}

/// An index being written: to a temporary file beside its place, renamed there when the walk
/// writing it ends (removed if it does not). A write that fails only means no index.
pub(super) struct Tee {
    out: std::io::BufWriter<std::fs::File>,
    temp: PathBuf,
    path: PathBuf,
    link: String,
    count: u64,
    hash: QuickXorHash,
    buf: Vec<u8>,
    failed: bool,
}

impl Tee {
    /// A new index at `path` for the drive whose root is `root`, current as of `link`, its
    /// first record the root; `None` if it cannot be written.
    fn create(path: PathBuf, link: &str, root: &DriveItem) -> Option<Tee> {
        let mut tee = Tee::open(path, link)?;
        tee.write(NO_PARENT, &Listed::new(root.clone(), false));
        Some(tee)
    }

    fn open(path: PathBuf, link: &str) -> Option<Tee> {
        let dir = path.parent()?;
        std::fs::create_dir_all(dir).ok()?;
        let temp = dir.join(format!(".{}.{}.tmp", std::process::id(), unique()));
        let file = std::fs::File::create(&temp).ok()?;
        Some(Tee {
            out: std::io::BufWriter::with_capacity(1 << 16, file),
            temp,
            path,
            link: link.to_owned(),
            count: 0,
            hash: QuickXorHash::new(),
            buf: Vec::new(),
            failed: false,
        })
    }

    /// Writes `record`, a child of record number `parent`; returns its own number.
    pub(super) fn write(&mut self, parent: u32, record: &impl Record) -> u32 {
        self.buf.clear();
        put_varint(&mut self.buf, u64::from(parent));
        record.encode(&mut self.buf);
        self.emit();
        self.count += 1;
        u32::try_from(self.count - 1).unwrap_or(NO_PARENT)
    }

    fn emit(&mut self) {
        self.hash.update(&self.buf);
        self.failed |= self.out.write_all(&self.buf).is_err();
    }

    /// Ends the index: the id of its root, its link and count, the hash, the magic line; then
    /// renames it into place (if anything failed, [`Drop`] removes it instead).
    pub(super) fn finish(mut self, root: &str) {
        self.buf.clear();
        put_varint(&mut self.buf, END);
        for field in [root, self.link.as_str()] {
            put_varint(&mut self.buf, field.len() as u64);
            self.buf.extend_from_slice(field.as_bytes());
        }
        put_varint(&mut self.buf, self.count);
        self.emit();
        let sum = self.hash.finish();
        let written = (self.out.write_all(&sum))
            .and_then(|()| self.out.write_all(MAGIC))
            .and_then(|()| self.out.flush())
            .and_then(|()| self.out.get_ref().sync_all());
        if !self.failed && written.is_ok() && std::fs::rename(&self.temp, &self.path).is_ok() {
            self.temp = PathBuf::new();
        }
    }
}

impl Drop for Tee {
    fn drop(&mut self) {
        if !self.temp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// A number no other index file being written by this process has.
fn unique() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}
