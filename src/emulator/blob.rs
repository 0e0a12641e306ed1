//! File contents live as files in a blob directory, never in memory: request bodies are
//! written chunk by chunk while being hashed, downloads are streamed from the file. This keeps
//! the emulator's memory flat for multi-GiB transfers.

use std::io;
use std::path::PathBuf;

use axum::body::Body;
use base64::Engine;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::resp::random_hex;
use crate::graph::quickxor::QuickXorHash;

/// The stored content of one file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Blob {
    /// File name in the blob directory.
    pub(crate) key: String,
    /// Bytes.
    pub(crate) size: u64,
    /// Base64 quickXorHash.
    pub(crate) quick_xor: String,
    /// Uppercase hex SHA-256.
    pub(crate) sha256: String,
}

/// Running hashes of content being written.
#[derive(Clone, Debug, Default)]
pub(crate) struct Hashers {
    qx: QuickXorHash,
    sha: Sha256,
    len: u64,
}

impl Hashers {
    /// Feeds more content.
    pub(crate) fn update(&mut self, data: &[u8]) {
        self.qx.update(data);
        self.sha.update(data);
        self.len += data.len() as u64;
    }

    /// The blob record for content stored under `key`.
    pub(crate) fn finish(self, key: String) -> Blob {
        let sha: String = self
            .sha
            .finalize()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        Blob {
            key,
            size: self.len,
            quick_xor: base64::engine::general_purpose::STANDARD.encode(self.qx.finish()),
            sha256: sha,
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

    /// Deletes the files of `blobs`.
    pub(crate) fn remove_all(&self, blobs: impl IntoIterator<Item = Blob>) {
        for b in blobs {
            self.remove(&b.key);
        }
    }

    /// Copies a blob to a new key.
    pub(crate) async fn duplicate(&self, blob: &Blob) -> io::Result<Blob> {
        let key = Self::new_key();
        tokio::fs::copy(self.path(&blob.key), self.path(&key)).await?;
        Ok(Blob {
            key,
            ..blob.clone()
        })
    }

    /// Streams `body` into a new blob, hashing as it goes; at most `limit` bytes.
    pub(crate) async fn write_body(&self, body: Body, limit: u64) -> Result<Blob, WriteError> {
        let key = Self::new_key();
        let path = self.path(&key);
        let mut file = tokio::fs::File::create(&path)
            .await
            .map_err(WriteError::Io)?;
        let mut h = Hashers::default();
        let res = append_body(&mut file, &mut h, body, limit).await;
        if res.is_err() {
            drop(file);
            self.remove(&key);
        }
        res.map(|_| h.finish(key))
    }
}

/// Appends `body` to `file`, hashing it; fails when more than `limit` bytes arrive.
pub(crate) async fn append_body(
    file: &mut tokio::fs::File,
    h: &mut Hashers,
    body: Body,
    limit: u64,
) -> Result<u64, WriteError> {
    let mut stream = body.into_data_stream();
    let mut written = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| WriteError::Body(e.to_string()))?;
        written += chunk.len() as u64;
        if written > limit {
            return Err(WriteError::TooLarge);
        }
        h.update(&chunk);
        file.write_all(&chunk).await.map_err(WriteError::Io)?;
    }
    file.flush().await.map_err(WriteError::Io)?;
    Ok(written)
}
