//! The index's file ([`super::index`]): written as a walk goes ([`Tee`]), read back in pieces
//! ([`read`]), so that neither holds more than a block of it besides the records.
//!
//! Layout: records, each its parent's number (LEB128, [`NO_PARENT`] for the root) and the
//! record ([`Listed::encode`]), numbered in order, the root first, parents before children;
//! the number [`END`]; the root's id and the delta link (each its length, then its bytes);
//! then a footer of fixed size: the number of records (8 bytes, little-endian), the
//! QuickXorHash of everything before the footer (20 bytes) and [`MAGIC`]. A file is written
//! under a temporary name and renamed, so a reader sees a whole file or none.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::listed::{put_varint, take, varint};
use super::{Listed, Record};
use crate::graph::quickxor::QuickXorHash;

/// The last bytes of every index file (and its format's version).
const MAGIC: &[u8] = b"\nskydrive index 2\n";

/// The footer's size.
const FOOTER: usize = 8 + 20 + MAGIC.len();

/// No parent: the drive's root.
pub(super) const NO_PARENT: u32 = u32::MAX;

/// In place of a parent's number: the records end.
const END: u64 = u32::MAX as u64 - 1;

/// Bytes read at a time; a record must fit in one block (names are at most 400 characters).
const BLOCK: usize = 1 << 20;

/// What [`read`] brings back: each record with its parent's number, the root's id and the
/// delta link.
pub(super) struct Loaded {
    pub(super) records: Vec<Option<Listed>>,
    pub(super) parents: Vec<u32>,
    pub(super) root: String,
    pub(super) link: String,
}

/// Reads the index at `path`; `None` when there is none, or it does not read back whole.
pub(super) fn read(path: &Path) -> Option<Loaded> {
    let mut file = std::fs::File::open(path).ok()?;
    let len = usize::try_from(file.metadata().ok()?.len()).ok()?;
    let body = len.checked_sub(FOOTER)?;
    let mut footer = [0u8; FOOTER];
    file.seek(SeekFrom::Start(body as u64)).ok()?;
    file.read_exact(&mut footer).ok()?;
    let (count, rest) = footer.split_at(8);
    let (sum, magic) = rest.split_at(20);
    let count = usize::try_from(u64::from_le_bytes(count.try_into().ok()?)).ok()?;
    if magic != MAGIC || count > body {
        return None;
    }
    file.seek(SeekFrom::Start(0)).ok()?;
    let mut blocks = Blocks::new(file, body);
    let mut read = Loaded {
        records: Vec::with_capacity(count),
        parents: Vec::with_capacity(count),
        root: String::new(),
        link: String::new(),
    };
    loop {
        let (parent, record) = blocks.next(|b| {
            let parent = varint(b)?;
            let record = (parent != END).then(|| Listed::decode(b));
            Some((parent, record))
        })?;
        match record {
            None => break,
            Some(r) => read.records.push(Some(r?)),
        }
        read.parents.push(u32::try_from(parent).ok()?);
    }
    read.root = blocks.next(text)?;
    read.link = blocks.next(text)?;
    (read.records.len() == count && blocks.done(sum)).then_some(read)
}

fn text(bytes: &mut &[u8]) -> Option<String> {
    let len = usize::try_from(varint(bytes)?).ok()?;
    String::from_utf8(take(bytes, len)?.to_vec()).ok()
}

/// A file's first `left` bytes, a block at a time, hashed as they are used.
struct Blocks {
    file: std::fs::File,
    buf: Vec<u8>,
    at: usize,
    left: usize,
    hash: QuickXorHash,
}

impl Blocks {
    fn new(file: std::fs::File, left: usize) -> Self {
        Blocks {
            file,
            buf: Vec::new(),
            at: 0,
            left,
            hash: QuickXorHash::new(),
        }
    }

    /// Runs `parse` on what is left (at least a block of it, when there is that much) and
    /// moves past what it read.
    fn next<T>(&mut self, parse: impl FnOnce(&mut &[u8]) -> Option<T>) -> Option<T> {
        if self.buf.len() - self.at < BLOCK && self.left > 0 {
            self.buf.drain(..self.at);
            self.at = 0;
            let more = self.left.min(4 * BLOCK);
            let start = self.buf.len();
            self.buf.resize(start + more, 0);
            self.file.read_exact(&mut self.buf[start..]).ok()?;
            self.left -= more;
        }
        let mut rest = self.buf.get(self.at..)?;
        let before = rest.len();
        let value = parse(&mut rest)?;
        let used = before - rest.len();
        self.hash.update(self.buf.get(self.at..self.at + used)?);
        self.at += used;
        Some(value)
    }

    /// True when everything was used and hashes to `sum`.
    fn done(&self, sum: &[u8]) -> bool {
        self.left == 0 && self.at == self.buf.len() && self.hash.finish() == sum
    }
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
    /// A new index at `path`, current as of `link`; `None` if it cannot be written.
    pub(super) fn open(path: PathBuf, link: &str) -> Option<Tee> {
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

    /// Writes `record`, a child of record number `parent` ([`NO_PARENT`] for the root);
    /// returns its own number.
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

    /// Ends the index: the id of its root, its link, the footer; then renames it into place
    /// (if anything failed, [`Drop`] removes it instead).
    pub(super) fn finish(mut self, root: &str) {
        self.buf.clear();
        put_varint(&mut self.buf, END);
        for field in [root, self.link.as_str()] {
            put_varint(&mut self.buf, field.len() as u64);
            self.buf.extend_from_slice(field.as_bytes());
        }
        self.emit();
        let mut footer = self.count.to_le_bytes().to_vec();
        footer.extend_from_slice(&self.hash.finish());
        footer.extend_from_slice(MAGIC);
        let written = (self.out.write_all(&footer))
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
