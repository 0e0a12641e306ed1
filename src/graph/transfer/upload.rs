//! Uploads: one PUT up to 4 MiB (mtime set by a PATCH after it), an upload session above
//! (see [`super::session`]). Small files are read whole; that is bounded by the 4 MiB limit.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use reqwest::Method;
use serde_json::json;

use super::upload_source::Source;
use super::{Cancel, Progress, report};
use crate::error::{Error, Result};
use crate::graph::answer::decode_json;
use crate::graph::client::GraphClient;
use crate::graph::endpoints::Conflict;
use crate::graph::locator::ItemRef;
use crate::graph::model::{DriveItem, UploadSession};
use crate::graph::placed::Asked;
use crate::graph::quickxor::QuickXorHash;

/// Non-final session fragments must be a multiple of this (320 KiB).
pub const FRAGMENT_UNIT: u64 = 320 * 1024;
/// The default fragment size (10 MiB rounded to 320 KiB units).
pub const DEFAULT_FRAGMENT: u64 = 32 * FRAGMENT_UNIT;
/// Files up to this size go up in one PUT.
pub const SIMPLE_UPLOAD_LIMIT: u64 = 4 * 1024 * 1024;

/// How to upload.
#[derive(Clone)]
pub struct UploadOptions {
    /// What to do when the name exists (default: replace, like Graph's PUT).
    pub conflict: Conflict,
    /// Session fragment size; rounded down to a multiple of [`FRAGMENT_UNIT`] (at least one).
    pub fragment_size: u64,
    /// Files up to this size are sent with one PUT.
    pub simple_limit: u64,
    /// The folder for upload session state files (`NAME~HASH.upload.json`, so that `put -c`
    /// can continue in a later run); `None`: `uploads` in [`crate::config::data_dir`]. Never
    /// the source's folder, which may be read-only or someone else's.
    pub state_dir: Option<PathBuf>,
    /// Continue the upload session saved by an earlier run when the local file is unchanged
    /// (default). Without it a saved session is cancelled and the upload starts over.
    pub resume: bool,
    /// Called with `(bytes acknowledged, total)`.
    pub progress: Option<Progress>,
    /// Stops the transfer; the session is kept for a resume.
    pub cancel: Cancel,
}

impl Default for UploadOptions {
    fn default() -> Self {
        UploadOptions {
            conflict: Conflict::Replace,
            fragment_size: DEFAULT_FRAGMENT,
            simple_limit: SIMPLE_UPLOAD_LIMIT,
            state_dir: None,
            resume: true,
            progress: None,
            cancel: Cancel::new(),
        }
    }
}

impl std::fmt::Debug for UploadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadOptions")
            .field("conflict", &self.conflict)
            .field("fragment_size", &self.fragment_size)
            .field("state_dir", &self.state_dir)
            .field("resume", &self.resume)
            .finish_non_exhaustive()
    }
}

impl GraphClient {
    /// Uploads `local` as `name` in folder `parent`, with its mtime; returns the new item.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::Refused`] (not a conflict) when `local` changes while it is sent
    /// (its size, mtime or inode differ just before the request that would commit it):
    /// nothing is committed and the earlier remote version stays; [`crate::ErrorKind::Integrity`]
    /// when a resumed session's earlier bytes were not this file's (the remote file then holds
    /// them); those of the requests.
    pub async fn upload_file(
        &self,
        parent: &ItemRef,
        name: &str,
        local: &Path,
        opts: &UploadOptions,
    ) -> Result<DriveItem> {
        crate::graph::endpoints::check_new_name(parent, name)?;
        let src = Source::open(local).await?;
        let target = parent.child(name);
        if src.size <= opts.simple_limit {
            let data = match read_range(&src.path, 0, src.size).await {
                Ok(data) => data,
                Err(e) => return Err(src.explain(e).await),
            };
            src.check_unchanged().await?;
            let item = self.put_simple(&target, data, opts.conflict).await?;
            report(&opts.progress, src.size, src.size);
            let fsi = json!({"fileSystemInfo": {"lastModifiedDateTime": src.mtime}});
            return self.update(&ItemRef::of_item(&item), &fsi).await;
        }
        self.upload_session(&target, &src, opts).await
    }

    /// One `PUT {target}:/content` with the whole body (small files, zero-byte files). An
    /// answer that names another name or folder than `target` is
    /// [`crate::ErrorKind::Misplaced`].
    pub async fn put_simple(
        &self,
        target: &ItemRef,
        data: Bytes,
        conflict: Conflict,
    ) -> Result<DriveItem> {
        // Set explicitly: for an empty body reqwest would send no Content-Length (411).
        let (len, data) = (&data.len().to_string(), &data);
        self.at(target, Some("content"), |at, path| async move {
            let url = self.url(&format!(
                "{path}?@microsoft.graph.conflictBehavior={}",
                conflict.as_str()
            ));
            let resp = self
                .send(|http| {
                    http.put(&url)
                        .header(reqwest::header::CONTENT_LENGTH, len)
                        .body(data.clone())
                })
                .await?;
            let item = decode_json(resp, "upload").await?;
            Asked::target(&at, conflict).check(&item)?;
            Ok(item)
        })
        .await
    }

    /// `POST {target}:/createUploadSession` with the conflict rule and the mtime.
    pub async fn create_upload_session(
        &self,
        target: &ItemRef,
        conflict: Conflict,
        mtime: &str,
    ) -> Result<UploadSession> {
        let body = json!({"item": {
            "@microsoft.graph.conflictBehavior": conflict.as_str(),
            "fileSystemInfo": {"lastModifiedDateTime": mtime},
        }});
        let body = &body;
        self.at(target, Some("createUploadSession"), |_, path| async move {
            self.request_json(Method::POST, &path, Some(body)).await
        })
        .await
    }

    /// `GET {uploadUrl}` (no token): the ranges the session still expects.
    pub async fn upload_session_status(&self, upload_url: &str) -> Result<UploadSession> {
        let resp = self
            .send_unauthenticated(|http| http.get(upload_url))
            .await?;
        decode_json(resp, "upload session").await
    }
}

/// Reads `len` bytes of `path` from `offset` (a whole small file).
pub(super) async fn read_range(path: &Path, offset: u64, len: u64) -> Result<Bytes> {
    Ok(read_fragment(path, offset, len, Vec::new()).await?.data)
}

/// One fragment of a file being uploaded, with the quickXorHash of its bytes at their offset
/// (to be combined into the whole file's).
pub(super) struct Fragment {
    pub(super) offset: u64,
    pub(super) data: Bytes,
    pub(super) hash: QuickXorHash,
}

/// Reads and hashes `len` bytes of `path` from `offset` into `buf` (a buffer to reuse, or an
/// empty one) on the blocking pool: one read into the memory that is sent.
pub(super) async fn read_fragment(
    path: &Path,
    offset: u64,
    len: u64,
    buf: Vec<u8>,
) -> Result<Fragment> {
    let owned = path.to_owned();
    let read = tokio::task::spawn_blocking(move || read_and_hash(&owned, offset, len, buf))
        .await
        .map_err(|e| Error::io(path, std::io::Error::other(e)))?;
    read.map_err(|e| {
        let e = match e.kind() {
            std::io::ErrorKind::UnexpectedEof => std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the file shrank during the upload",
            ),
            _ => e,
        };
        Error::io(path, e)
    })
}

fn read_and_hash(
    path: &Path,
    offset: u64,
    len: u64,
    mut buf: Vec<u8>,
) -> std::io::Result<Fragment> {
    use std::io::{Read, Seek};
    let mut file = std::fs::File::open(path)?;
    file.seek(std::io::SeekFrom::Start(offset))?;
    buf.resize(usize::try_from(len).map_err(std::io::Error::other)?, 0);
    file.read_exact(&mut buf)?;
    let mut hash = QuickXorHash::at_offset(offset);
    hash.update(&buf);
    Ok(Fragment {
        offset,
        data: Bytes::from(buf),
        hash,
    })
}
