//! Downloads: follow the `/content` 302 without the token, stream the body chunk by chunk,
//! resume with `Range` after a dropped connection, verify size and quickXorHash.
//!
//! The bytes land in a hidden `.NAME.part` and are renamed over `NAME` only once verified, so
//! no half-written file ever carries the final name. We do not fsync before the rename, like
//! curl, cp and rclone: on this machine an fsync of 1 GiB cost 3.7 s, more than the download
//! itself (bench/results.md); after a power loss the worst case is a final name whose data
//! the kernel had not written yet, which the next `get -c` replaces.
//!
//! A server whose sizes lie cannot make this loop: a resume that asks for a `Range` past the
//! real end (416) or bytes that contradict the announced size or hash end the download with
//! an integrity error and discard the `.part`, which no resume could complete.

use std::path::Path;

use reqwest::StatusCode;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::partial::{
    DiscardPartial, check_local_dir, local_write_error, open_part, resume_offset,
};
use super::state::{self, DownloadState};
use super::{Cancel, Progress, report};
use crate::error::{Error, ErrorKind, Result};
use crate::graph::answer::network_error;
use crate::graph::client::GraphClient;
use crate::graph::locator::ItemRef;
use crate::graph::model::DriveItem;
use crate::graph::quickxor::QuickXorHash;

/// How to download.
#[derive(Clone, Default)]
pub struct DownloadOptions {
    /// Pick up a `.NAME.part` left by an earlier run (if it belongs to the same remote version).
    pub resume: bool,
    /// Called with `(bytes done, total)` as chunks arrive.
    pub progress: Option<Progress>,
    /// Stops the transfer; the partial file is kept for a resume unless `discard_partial`.
    pub cancel: Cancel,
    /// Remove the `.part` files when the download is cancelled or its future dropped (Ctrl-C
    /// without `-c`); without it they stay for a later resume.
    pub discard_partial: bool,
}

impl std::fmt::Debug for DownloadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloadOptions")
            .field("resume", &self.resume)
            .finish_non_exhaustive()
    }
}

impl GraphClient {
    /// The pre-authenticated URL of an item's content: `GET {item}/content` answers 302 and we
    /// take its `Location` instead of following it (so the token never reaches that host).
    pub async fn content_url(&self, item: &ItemRef) -> Result<String> {
        let url = self.url(&item.url_path(self.drive_prefix(), Some("content")));
        let resp = self.send(|http| http.get(&url)).await?;
        resp.headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or_else(|| Error::decode("content", "no redirect to the content URL"))
    }

    /// Downloads a file to `dest`: bytes go to `.NAME.part` beside it, which is renamed to
    /// `dest` only once size and hash are verified. Returns the item's metadata.
    pub async fn download_to_file(
        &self,
        item: &ItemRef,
        dest: &Path,
        opts: &DownloadOptions,
    ) -> Result<DriveItem> {
        check_local_dir(local_dir(dest)).await?;
        let meta = self.item(item).await?;
        self.download_known(meta, dest, opts).await
    }

    /// [`GraphClient::download_to_file`] for an item whose metadata the caller already holds
    /// (from a listing or a tree walk): one request fewer per file. The bytes are checked
    /// against that metadata's size and hash, so a file changed since it was listed fails
    /// verification instead of mixing versions.
    pub async fn download_item_to_file(
        &self,
        meta: DriveItem,
        dest: &Path,
        opts: &DownloadOptions,
    ) -> Result<DriveItem> {
        check_local_dir(local_dir(dest)).await?;
        self.download_known(meta, dest, opts).await
    }

    /// Both of the above, once the metadata is known and the local folder checked.
    async fn download_known(
        &self,
        meta: DriveItem,
        dest: &Path,
        opts: &DownloadOptions,
    ) -> Result<DriveItem> {
        let name = dest
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| Error::io(dest, std::io::ErrorKind::InvalidInput.into()))?;
        let dir = local_dir(dest);
        let part = state::hidden_sibling(dir, name, ".part");
        let state_path = state::hidden_sibling(dir, name, ".part.json");
        let want = DownloadState {
            id: meta.id.clone(),
            tag: meta.c_tag.clone().or_else(|| meta.e_tag.clone()),
            size: meta.size.unwrap_or(0),
        };
        let mut discard = DiscardPartial {
            files: [part.clone(), state_path.clone()],
            armed: opts.discard_partial,
        };
        let result = self
            .download_part(&meta, dest, &part, &state_path, want, opts)
            .await;
        // Kept armed only when cancelled or when writing locally failed (a full disk or a file
        // size limit: the partial file only takes up the space that ran out). A dropped future
        // never gets here and discards too.
        discard.armed &= matches!(&result, Err(e) if e.is_cancelled() || matches!(e.kind(), ErrorKind::Io { .. }));
        result.map(|()| meta)
    }

    /// The body of [`GraphClient::download_to_file`]: fills `part`, verifies it, renames it.
    async fn download_part(
        &self,
        meta: &DriveItem,
        dest: &Path,
        part: &Path,
        state_path: &Path,
        want: DownloadState,
        opts: &DownloadOptions,
    ) -> Result<()> {
        let mut hasher = QuickXorHash::new();
        let offset = resume_offset(opts.resume, part, state_path, &want, &mut hasher).await?;
        if offset == 0 {
            state::save(state_path, &want).await?;
        }
        let mut file = open_part(part, offset).await?;
        let mut sink = Sink {
            out: &mut file,
            name: part,
            hasher,
            offset,
        };
        let id = ItemRef::Id(meta.id.clone());
        let streamed = self.stream_content(&id, want.size, &mut sink, opts).await;
        let (total, hasher) = (sink.offset, sink.hasher);
        // Flush even on failure: tokio writes in the background, and a resume trusts the
        // `.part` length.
        let flushed = file
            .flush()
            .await
            .map_err(|e| Error::io(part, local_write_error(e)));
        drop(file);
        let checked = streamed
            .and(flushed)
            .and_then(|()| verify(meta, total, &hasher));
        if let Err(e) = checked {
            // Bytes that contradict the server's own size or hash are no base for a resume.
            if matches!(e.kind(), ErrorKind::Integrity { .. }) {
                let _ = tokio::fs::remove_file(&part).await;
                state::remove(state_path).await;
            }
            return Err(named(e, &meta.name));
        }
        tokio::fs::rename(&part, dest)
            .await
            .map_err(|e| Error::io(dest, e))?;
        state::remove(state_path).await;
        Ok(())
    }

    /// Streams a file's content into `out` (stdout, a pipe, ...) and verifies it at the end.
    /// Returns the number of bytes written.
    pub async fn download_to_writer<W: AsyncWrite + Unpin>(
        &self,
        item: &ItemRef,
        out: &mut W,
        opts: &DownloadOptions,
    ) -> Result<u64> {
        let meta = self.item(item).await?;
        let name = Path::new("<output>");
        let mut sink = Sink {
            out,
            name,
            hasher: QuickXorHash::new(),
            offset: 0,
        };
        let id = ItemRef::Id(meta.id.clone());
        self.stream_content(&id, meta.size.unwrap_or(0), &mut sink, opts)
            .await
            .map_err(|e| named(e, &meta.name))?;
        sink.out.flush().await.map_err(|e| Error::io(name, e))?;
        verify(&meta, sink.offset, &sink.hasher)?;
        Ok(sink.offset)
    }

    /// Writes the content from `sink.offset` on, re-requesting with `Range` after a dropped
    /// connection (bounded by the retry policy, counted without progress).
    async fn stream_content<W: AsyncWrite + Unpin>(
        &self,
        item: &ItemRef,
        size: u64,
        sink: &mut Sink<'_, W>,
        opts: &DownloadOptions,
    ) -> Result<()> {
        let mut failures = 0;
        // A complete `.part` from an earlier run: nothing to fetch (a Range would get 416).
        while sink.offset < size || (size == 0 && sink.offset == 0) {
            opts.cancel.check()?;
            let url = self.content_url(item).await?;
            let from = sink.offset;
            let resp = self
                .send_unauthenticated(|http| {
                    let req = http.get(&url);
                    if from > 0 {
                        req.header(reqwest::header::RANGE, format!("bytes={from}-"))
                    } else {
                        req
                    }
                })
                .await
                .map_err(|e| past_the_end(e, from, size))?;
            // A 200 to a ranged request means the server ignored Range: skip what we have.
            let skip = if resp.status() == StatusCode::PARTIAL_CONTENT {
                0
            } else {
                from
            };
            match copy_body(resp, skip, size, sink, opts).await {
                Ok(()) => return Ok(()),
                Err(BodyError::Fatal(e)) => return Err(e),
                Err(BodyError::Dropped(e, progressed)) => {
                    failures = if progressed { 0 } else { failures + 1 };
                    if failures > self.retry_policy().max_retries {
                        return Err(e);
                    }
                    tokio::time::sleep(self.backoff(failures, None)).await;
                }
            }
        }
        Ok(())
    }
}

/// The folder `dest` goes into (`.` for a bare file name).
fn local_dir(dest: &Path) -> &Path {
    dest.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A 416 to `Range: bytes={from}-`: the content ends before the size the server announced,
/// which no retry can fix; said plainly instead of as a bad range (the caller names the file,
/// see [`named`]).
fn past_the_end(e: Error, from: u64, size: u64) -> Error {
    if from == 0 || e.status() != Some(416) {
        return e;
    }
    ErrorKind::Integrity {
        name: String::new(),
        detail: format!("the server announced {size} bytes but the content ends at {from}"),
    }
    .into()
}

/// An integrity error about the remote file `name` (other errors unchanged).
fn named(e: Error, name: &str) -> Error {
    match e.kind() {
        ErrorKind::Integrity { detail, .. } => ErrorKind::Integrity {
            name: name.to_owned(),
            detail: detail.clone(),
        }
        .into(),
        _ => e,
    }
}

/// Where downloaded bytes go, with the running hash and position.
struct Sink<'a, W> {
    out: &'a mut W,
    /// For error messages.
    name: &'a Path,
    hasher: QuickXorHash,
    offset: u64,
}

enum BodyError {
    Fatal(Error),
    Dropped(Error, bool),
}

/// Copies one response body into `sink`, chunk by chunk, after skipping `skip` bytes.
async fn copy_body<W: AsyncWrite + Unpin>(
    mut resp: reqwest::Response,
    mut skip: u64,
    size: u64,
    sink: &mut Sink<'_, W>,
    opts: &DownloadOptions,
) -> std::result::Result<(), BodyError> {
    let start = sink.offset;
    loop {
        let chunk = tokio::select! {
            biased;
            () = opts.cancel.cancelled() => return Err(BodyError::Fatal(ErrorKind::Cancelled.into())),
            c = resp.chunk() => c,
        };
        let mut chunk = match chunk {
            Ok(Some(c)) => c,
            Ok(None) if sink.offset < size => {
                let e = Error::decode("download", "connection closed before the end of the file");
                return Err(BodyError::Dropped(e, sink.offset > start));
            }
            Ok(None) => return Ok(()),
            Err(e) => return Err(BodyError::Dropped(network_error(e), sink.offset > start)),
        };
        let n = skip.min(chunk.len() as u64);
        skip -= n;
        let _ = chunk.split_to(n as usize);
        if chunk.is_empty() {
            continue;
        }
        sink.out
            .write_all(&chunk)
            .await
            .map_err(|e| BodyError::Fatal(Error::io(sink.name, local_write_error(e))))?;
        sink.hasher.update(&chunk);
        sink.offset += chunk.len() as u64;
        report(&opts.progress, sink.offset, size.max(sink.offset));
    }
}

fn verify(meta: &DriveItem, total: u64, hasher: &QuickXorHash) -> Result<()> {
    let fail = |detail: String| -> Result<()> {
        Err(ErrorKind::Integrity {
            name: meta.name.clone(),
            detail,
        }
        .into())
    };
    if let Some(size) = meta.size.filter(|s| *s != total) {
        return fail(format!("expected {size} bytes, got {total}"));
    }
    match meta.quick_xor_hash() {
        Some(want) if want != hasher.finish_base64() => fail("quickXorHash differs".into()),
        _ => Ok(()),
    }
}
