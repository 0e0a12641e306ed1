//! File contents live as files in a blob directory, never in memory: request bodies are
//! written in batches of about 1 MiB on the blocking pool, downloads are streamed from the
//! file. This keeps the emulator's memory flat for multi-GiB transfers. The files of a
//! synthetic tree (issue 15) have no file: their bytes are made on demand from a seed (see
//! `synth`), so a blob is either [`Content::Stored`] or [`Content::Synthetic`].
//!
//! Hashing is kept off the request path: the bytes are hashed behind the writer, read back
//! from the blob file on the blocking pool ([`HashBehind`]), so receiving a fragment costs
//! only the copy into the file, and SHA-256 (about 0.75 s per GiB here) runs on another core
//! while the next fragment arrives. Only bytes a fragment committed are hashed, so a fragment
//! cut short is never part of the hash.

use std::io::{self, Write};
use std::path::PathBuf;

use axum::body::Body;
use bytes::Bytes;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

mod hash;

use super::resp::random_hex;
use super::synth;
pub(crate) use hash::{HashBehind, Hashers};

/// The content of one file: its size and where its bytes come from.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(from = "BlobRepr", into = "BlobRepr")]
pub(crate) struct Blob {
    /// Bytes.
    pub(crate) size: u64,
    /// Where the bytes are.
    pub(crate) content: Content,
}

/// Where a blob's bytes are.
#[derive(Clone, Debug)]
pub(crate) enum Content {
    /// A file in the blob directory, hashed when it was written.
    Stored(Box<Stored>),
    /// Made on demand from this seed (see `synth`): nothing on disk.
    Synthetic(u64),
}

/// A blob file and its hashes.
#[derive(Clone, Debug)]
pub(crate) struct Stored {
    /// File name in the blob directory.
    pub(crate) key: String,
    /// Base64 quickXorHash.
    pub(crate) quick_xor: String,
    /// Uppercase hex SHA-256.
    pub(crate) sha256: String,
}

impl Blob {
    /// The blob of a synthetic file of `size` bytes made from `seed`.
    pub(crate) fn synthetic(seed: u64, size: u64) -> Blob {
        Blob {
            size,
            content: Content::Synthetic(seed),
        }
    }

    /// The blob file's name, `None` for synthetic content.
    pub(crate) fn key(&self) -> Option<&str> {
        match &self.content {
            Content::Stored(s) => Some(&s.key),
            Content::Synthetic(_) => None,
        }
    }

    /// The seed of synthetic content.
    pub(crate) fn seed(&self) -> Option<u64> {
        match &self.content {
            Content::Stored(_) => None,
            Content::Synthetic(seed) => Some(*seed),
        }
    }

    /// Base64 quickXorHash of the content.
    pub(crate) fn quick_xor(&self) -> String {
        match &self.content {
            Content::Stored(s) => s.quick_xor.clone(),
            Content::Synthetic(seed) => synth::quick_xor(*seed, self.size),
        }
    }

    /// Uppercase hex SHA-256 of stored content. Synthetic content has none: computing it
    /// would read every byte, and the service too lists hashes only when it has them
    /// (graph-api.md §2).
    pub(crate) fn sha256(&self) -> Option<&str> {
        match &self.content {
            Content::Stored(s) => Some(&s.sha256),
            Content::Synthetic(_) => None,
        }
    }
}

/// The JSON form of a blob in data dirs: `{key, size, quick_xor, sha256}` for a file (as
/// always), `{size, synthetic}` for synthetic content.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct BlobRepr {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    quick_xor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    synthetic: Option<u64>,
}

impl From<BlobRepr> for Blob {
    fn from(r: BlobRepr) -> Self {
        let content = match (r.synthetic, r.key) {
            (Some(seed), _) => Content::Synthetic(seed),
            (None, key) => Content::Stored(Box::new(Stored {
                key: key.unwrap_or_default(),
                quick_xor: r.quick_xor.unwrap_or_default(),
                sha256: r.sha256.unwrap_or_default(),
            })),
        };
        Blob {
            size: r.size,
            content,
        }
    }
}

impl From<Blob> for BlobRepr {
    fn from(b: Blob) -> Self {
        match b.content {
            Content::Stored(s) => BlobRepr {
                key: Some(s.key),
                size: b.size,
                quick_xor: Some(s.quick_xor),
                sha256: Some(s.sha256),
                synthetic: None,
            },
            Content::Synthetic(seed) => BlobRepr {
                key: None,
                size: b.size,
                quick_xor: None,
                sha256: None,
                synthetic: Some(seed),
            },
        }
    }
}

/// Why a streamed write stopped.
#[derive(Debug)]
pub(crate) enum WriteError {
    /// The body was longer than allowed.
    TooLarge,
    /// Reading the request body failed (client went away).
    Body(String),
    /// Writing the file failed.
    Io(io::Error),
}

/// The blob directory.
#[derive(Debug)]
pub(crate) struct Blobs {
    dir: PathBuf,
    _temp: Option<tempfile::TempDir>,
}

impl Blobs {
    /// Blobs in `dir` (created if missing), or in a fresh temp dir removed on drop.
    pub(crate) fn open(dir: Option<PathBuf>) -> io::Result<Self> {
        match dir {
            Some(dir) => {
                std::fs::create_dir_all(&dir)?;
                Ok(Blobs { dir, _temp: None })
            }
            None => {
                let temp = tempfile::Builder::new().prefix("skydrive-emu-").tempdir()?;
                Ok(Blobs {
                    dir: temp.path().to_owned(),
                    _temp: Some(temp),
                })
            }
        }
    }

    /// Deletes blob files no item refers to (left over from interrupted uploads) that were
    /// last written more than `age` ago.
    pub(crate) fn retain(
        &self,
        live: &std::collections::HashSet<String>,
        age: std::time::Duration,
    ) -> io::Result<()> {
        let now = std::time::SystemTime::now();
        for entry in std::fs::read_dir(&self.dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let meta = entry.metadata()?;
            let old = meta
                .modified()
                .is_ok_and(|m| now.duration_since(m).unwrap_or_default() > age);
            if !live.contains(&name) && meta.is_file() && old {
                self.remove(&name);
            }
        }
        Ok(())
    }

    /// Where blob `key` lives.
    pub(crate) fn path(&self, key: &str) -> PathBuf {
        self.dir.join(key)
    }

    /// A fresh, unused key.
    pub(crate) fn new_key() -> String {
        random_hex(12)
    }

    /// Stores `bytes` synchronously (seeding, test helpers).
    pub(crate) fn write_bytes(&self, bytes: &[u8]) -> io::Result<Blob> {
        let key = Self::new_key();
        std::fs::write(self.path(&key), bytes)?;
        let mut h = Hashers::default();
        h.update(bytes);
        Ok(h.finish(key))
    }

    /// Reads a blob fully (test helper; small files only).
    pub(crate) fn read(&self, key: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.path(key))
    }

    /// Deletes a blob; a missing file is fine.
    pub(crate) fn remove(&self, key: &str) {
        let _ = std::fs::remove_file(self.path(key));
    }

    /// Deletes the files of `blobs` (synthetic content has none).
    pub(crate) fn remove_all(&self, blobs: impl IntoIterator<Item = Blob>) {
        for b in blobs {
            if let Some(key) = b.key() {
                self.remove(key);
            }
        }
    }

    /// Copies a blob to a new key (synthetic content is shared: it is never written).
    pub(crate) async fn duplicate(&self, blob: &Blob) -> io::Result<Blob> {
        let Content::Stored(stored) = &blob.content else {
            return Ok(blob.clone());
        };
        let key = Self::new_key();
        tokio::fs::copy(self.path(&stored.key), self.path(&key)).await?;
        Ok(Blob {
            size: blob.size,
            content: Content::Stored(Box::new(Stored {
                key,
                ..(**stored).clone()
            })),
        })
    }

    /// Streams `body` into a new blob and hashes it; at most `limit` bytes.
    pub(crate) async fn write_body(&self, body: Body, limit: u64) -> Result<Blob, WriteError> {
        let key = Self::new_key();
        let path = self.path(&key);
        let written = match std::fs::File::create(&path) {
            Ok(file) => append_body(file, body, limit).await,
            Err(e) => Err(WriteError::Io(e)),
        };
        let hashed = match written {
            Ok(len) => HashBehind::default()
                .finish(&path, len)
                .await
                .map_err(WriteError::Io),
            Err(e) => Err(e),
        };
        if hashed.is_err() {
            self.remove(&key);
        }
        hashed.map(|h| h.finish(key))
    }
}

/// Bytes gathered before one write to the blob file.
const WRITE_BATCH: usize = 1 << 20;

/// Appends `body` to `file` (at its current position) in batches written on the blocking pool,
/// one batch in flight while the next arrives; fails when more than `limit` bytes arrive.
/// Returns the number of bytes written. Every write has ended when it returns, failed or not,
/// so a caller may cut the file back.
pub(crate) async fn append_body(
    file: std::fs::File,
    body: Body,
    limit: u64,
) -> Result<u64, WriteError> {
    let mut writer = BatchWriter::new(file);
    let copied = copy_body(body, limit, &mut writer).await;
    let settled = writer.finish(copied.is_ok()).await;
    let written = copied?;
    settled?;
    Ok(written)
}

async fn copy_body(body: Body, limit: u64, writer: &mut BatchWriter) -> Result<u64, WriteError> {
    let mut stream = body.into_data_stream();
    let mut written = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| WriteError::Body(e.to_string()))?;
        written += chunk.len() as u64;
        if written > limit {
            return Err(WriteError::TooLarge);
        }
        writer.push(chunk).await?;
    }
    Ok(written)
}

/// A file written by batches on the blocking pool.
struct BatchWriter {
    /// The file, while no write is in flight.
    file: Option<std::fs::File>,
    in_flight: Option<tokio::task::JoinHandle<io::Result<std::fs::File>>>,
    batch: Vec<Bytes>,
    batched: usize,
}

impl BatchWriter {
    fn new(file: std::fs::File) -> Self {
        BatchWriter {
            file: Some(file),
            in_flight: None,
            batch: Vec::new(),
            batched: 0,
        }
    }

    /// Adds a chunk; a full batch goes to the file once the previous one is written.
    async fn push(&mut self, chunk: Bytes) -> Result<(), WriteError> {
        self.batched += chunk.len();
        self.batch.push(chunk);
        if self.batched >= WRITE_BATCH {
            self.flush_batch().await?;
        }
        Ok(())
    }

    async fn flush_batch(&mut self) -> Result<(), WriteError> {
        let mut file = match (self.file.take(), self.in_flight.take()) {
            (Some(f), _) => f,
            (None, Some(h)) => joined(h.await)?,
            (None, None) => return Err(WriteError::Io(io::Error::other("no file"))),
        };
        let batch = std::mem::take(&mut self.batch);
        self.batched = 0;
        self.in_flight = Some(tokio::task::spawn_blocking(move || {
            for chunk in batch {
                file.write_all(&chunk)?;
            }
            Ok(file)
        }));
        Ok(())
    }

    /// Writes what is left (when `rest`) and waits for every write.
    async fn finish(mut self, rest: bool) -> Result<(), WriteError> {
        if rest && !self.batch.is_empty() {
            self.flush_batch().await?;
        }
        if let Some(h) = self.in_flight.take() {
            joined(h.await)?;
        }
        Ok(())
    }
}

fn joined(
    r: Result<io::Result<std::fs::File>, tokio::task::JoinError>,
) -> Result<std::fs::File, WriteError> {
    r.map_err(|e| WriteError::Io(io::Error::other(e)))?
        .map_err(WriteError::Io)
}
