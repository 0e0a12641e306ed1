//! The hashes of blob contents: [`Hashers`] (quickXorHash and SHA-256 as the bytes go by) and
//! [`HashBehind`], which reads a blob file back behind its writer so that hashing stays off
//! the request path (see the parent module's docs).

use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use base64::Engine;
use sha2::{Digest, Sha256};

use super::{Blob, Content, Stored, WRITE_BATCH};
use crate::graph::quickxor::QuickXorHash;

/// Running hashes of content being written.
#[derive(Clone, Debug, Default)]
pub(crate) struct Hashers {
    qx: QuickXorHash,
    sha: Sha256,
    pub(super) len: u64,
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
            size: self.len,
            content: Content::Stored(Box::new(Stored {
                key,
                quick_xor: base64::engine::general_purpose::STANDARD.encode(self.qx.finish()),
                sha256: sha,
            })),
        }
    }
}

/// The running hashes of a blob file, fed from the file itself behind the writer (see the
/// module docs): `catch_up` hashes from where it stopped to a given length.
#[derive(Clone, Debug, Default)]
pub(crate) struct HashBehind(Arc<Mutex<Hashers>>);

impl HashBehind {
    /// Hashes `path` up to `upto` bytes on the blocking pool, in the background.
    pub(crate) fn catch_up(&self, path: PathBuf, upto: u64) {
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.catch_up_now(&path, upto));
    }

    /// Hashes `path` up to `len` bytes (waiting for catch-ups in flight) and returns the
    /// hashes of exactly those bytes.
    pub(crate) async fn finish(&self, path: &Path, len: u64) -> io::Result<Hashers> {
        let (this, path) = (self.clone(), path.to_owned());
        tokio::task::spawn_blocking(move || {
            this.catch_up_now(&path, len)?;
            let h = this.0.lock().unwrap_or_else(|p| p.into_inner());
            if h.len != len {
                return Err(io::Error::other("the blob file is shorter than its bytes"));
            }
            Ok(h.clone())
        })
        .await
        .map_err(io::Error::other)?
    }

    /// Blocking: hashes the bytes of `path` from where the hashes stop up to `upto`.
    fn catch_up_now(&self, path: &Path, upto: u64) -> io::Result<()> {
        let mut h = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if h.len >= upto {
            return Ok(());
        }
        let mut file = std::fs::File::open(path)?;
        file.seek(SeekFrom::Start(h.len))?;
        let mut left = file.take(upto - h.len);
        let mut buf = vec![0u8; WRITE_BATCH];
        loop {
            let n = left.read(&mut buf)?;
            if n == 0 {
                return Ok(());
            }
            h.update(&buf[..n]);
        }
    }
}
