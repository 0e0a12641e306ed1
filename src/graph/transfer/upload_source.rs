//! The local file being uploaded, and the one guard every upload (`put`, `put -r`,
//! `mirror -R`) goes through against a file that changes while it is sent.
//!
//! An upload reads the file over many seconds, fragment by fragment; an editor saving it or a
//! log appending to it in that time would leave a remote file that matches no version of the
//! local one. Like rclone ("source file is being updated"), we record the file's size, mtime
//! and identity (device and inode) when the upload starts and check them again just before
//! the request that makes the server commit the file: the last fragment of a session, or the
//! one request of a simple upload. Every byte sent was read between those two looks, so an
//! unchanged file means the bytes are one version of it. A changed one fails the upload
//! before the commit (the session is cancelled) and the earlier remote version stays.
//!
//! A saved session (`put -c` in a later run) also keeps a short fingerprint of the file's
//! content, a hash of its first and last MiB, with its size, mtime and inode: a file that was
//! rewritten in place with its mtime put back is caught there too, and the upload starts over
//! instead of committing bytes from two versions.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::partial::hash_file;
use super::state;
use crate::error::{Error, Result};
use crate::graph::quickxor::QuickXorHash;

/// The local file being uploaded, as it was when the upload started.
pub(super) struct Source {
    pub(super) path: PathBuf,
    pub(super) size: u64,
    /// The mtime as RFC 3339 (what `fileSystemInfo` takes and state files keep).
    pub(super) mtime: String,
    /// The file's identity on its file system: (device, inode) on Unix.
    pub(super) inode: Option<(u64, u64)>,
    modified: SystemTime,
}

impl Source {
    /// Records `path` as it is now.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::Io`] when it cannot be read.
    pub(super) async fn open(path: &Path) -> Result<Source> {
        let meta = tokio::fs::metadata(path)
            .await
            .map_err(|e| Error::io(path, e))?;
        let modified = meta.modified().map_err(|e| Error::io(path, e))?;
        Ok(Source {
            path: path.to_owned(),
            size: meta.len(),
            mtime: state::rfc3339(modified),
            inode: inode(&meta),
            modified,
        })
    }

    /// `Ok` when the file still has the size, mtime and inode it had when the upload
    /// started; else the refusal to commit it (see the module docs).
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::Refused`] (not a conflict: exit 1) "NAME changed while it was
    /// being uploaded; nothing was replaced", also when the file is gone.
    pub(super) async fn check_unchanged(&self) -> Result<()> {
        let same = tokio::fs::metadata(&self.path).await.is_ok_and(|m| {
            m.len() == self.size
                && m.modified().is_ok_and(|t| t == self.modified)
                && inode(&m) == self.inode
        });
        if same {
            Ok(())
        } else {
            Err(Error::refused(
                self.path.display().to_string(),
                "changed while it was being uploaded; nothing was replaced (upload it again \
                 once it is no longer being written)",
                false,
            ))
        }
    }

    /// `e` (a failed read of the file), or the refusal of [`Source::check_unchanged`] when
    /// the file changed: a file that shrank fails its read.
    pub(super) async fn explain(&self, e: Error) -> Error {
        self.check_unchanged().await.err().unwrap_or(e)
    }

    /// A fingerprint of the content: the quickXorHash (base64) of the first and the last MiB
    /// (the whole file when smaller), read now. Two reads of 1 MiB whatever the size.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::Io`] when the file cannot be read.
    pub(super) async fn sample(&self) -> Result<String> {
        const MIB: u64 = 1 << 20;
        let mut hasher = QuickXorHash::new();
        let head = self.size.min(MIB);
        hash_file(&self.path, 0, head, &mut hasher).await?;
        let tail = self.size.saturating_sub(head).min(MIB);
        hash_file(&self.path, self.size - tail, tail, &mut hasher).await?;
        Ok(hasher.finish_base64())
    }
}

#[cfg(unix)]
fn inode(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn inode(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}
