//! Downloads: follow the `/content` 302 without the token, stream the body chunk by chunk,
//! resume with `Range` after a dropped connection, verify the quickXorHash. A file of at
//! least [`DownloadOptions::multi_stream_cutoff`] comes in several ranges at once
//! ([`super::streams`]); a resumed download goes on in the way its `.part.json` says it was
//! made (a one-stream `.part` is taken up by several streams; spans left by several streams
//! are started over by one).
//!
//! The bytes land in a hidden `.NAME.part` and are renamed over `NAME` only once verified, so
//! no half-written file ever carries the final name. We do not fsync before the rename, like
//! curl, cp and rclone: on this machine an fsync of 1 GiB cost 3.7 s, more than the download
//! itself (bench/results.md); after a power loss the worst case is a final name whose data
//! the kernel had not written yet, which the next `get -c` replaces.
//!
//! When a download is done is decided in one place, for `get`, `get -r` and `cat` alike: the
//! transfer's own framing says when the bytes are all there (a body that delivered its whole
//! `Content-Length`, up to the total its `Content-Range` names, or a `416` to a `Range` that
//! starts where the bytes end), and then the quickXorHash decides whether they are right. The
//! size the item's metadata lists is advice: the service is known to list sizes that differ
//! from the bytes it serves while the hash matches them (graph-api.md §13), which earns one
//! [`Notice::SizeDiffers`] and no failure. Only an item without a hash is judged by its listed
//! size. Bytes that fail the check are an integrity error and the `.part` is discarded, since
//! no resume could complete it; a server that keeps answering without progress is bounded by
//! the retry policy.

use std::path::Path;

use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::body::{BodyError, Out, Plain, Sink, check, copy_body};
use super::partial::{DiscardPartial, check_local_dir, lock_part, open_part, resume_offset};
use super::source::refused_for_good;
use super::spans::Spans;
use super::state::{self, DownloadState};
use super::streams::Ranged;
use super::writer::{Gather, RangeWriter};
use super::{Cancel, Progress};
use crate::error::{Error, ErrorKind, Result};
use crate::graph::answer::host_of;
use crate::graph::client::GraphClient;
use crate::graph::locator::ItemRef;
use crate::graph::model::DriveItem;
use crate::graph::quickxor::QuickXorHash;
use crate::graph::wait::Notice;

/// Streams for one big file by default (rclone's `--multi-thread-streams`).
pub const DEFAULT_STREAMS: usize = 4;
/// Files of at least this many bytes are fetched in several streams by default (256 MiB,
/// rclone's `--multi-thread-cutoff`).
pub const DEFAULT_MULTI_STREAM_CUTOFF: u64 = 256 << 20;

/// How to download.
#[derive(Clone)]
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
    /// Byte ranges fetched at once for a file of at least
    /// [`DownloadOptions::multi_stream_cutoff`] bytes, each over a connection of its own
    /// (lftp's `pget -n`; rclone's `--multi-thread-streams`); 1 (or 0): one stream. Only
    /// downloads to a file use several.
    pub streams: usize,
    /// The smallest file (bytes) fetched in several streams (rclone's
    /// `--multi-thread-cutoff`).
    pub multi_stream_cutoff: u64,
}

impl Default for DownloadOptions {
    fn default() -> Self {
        DownloadOptions {
            resume: false,
            progress: None,
            cancel: Cancel::new(),
            discard_partial: false,
            streams: DEFAULT_STREAMS,
            multi_stream_cutoff: DEFAULT_MULTI_STREAM_CUTOFF,
        }
    }
}

impl std::fmt::Debug for DownloadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloadOptions")
            .field("resume", &self.resume)
            .field("streams", &self.streams)
            .field("multi_stream_cutoff", &self.multi_stream_cutoff)
            .finish_non_exhaustive()
    }
}

impl GraphClient {
    /// Downloads a file to `dest`: bytes go to `.NAME.part` beside it, which is renamed to
    /// `dest` only once complete and verified (see the module docs). Returns the item's
    /// metadata, its `size` set to the bytes received.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Integrity`] when the bytes do not match the item's quickXorHash (or, for an
    /// item without one, its listed size); [`ErrorKind::Io`] for local write failures;
    /// transient errors once the retry policy gives up; any Graph error of the requests.
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
        let meta = self.downloadable(meta).await?;
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
            done: None,
        };
        // Before anything reads, cuts or removes the partial files; dropped after `discard`.
        let _lock = lock_part(&part, name)?;
        let mut discard = DiscardPartial {
            files: [part.clone(), state_path.clone()],
            armed: opts.discard_partial,
        };
        let result = self
            .download_part(&meta, dest, &part, &state_path, want, opts)
            .await;
        // Kept armed only when cancelled or when writing locally failed (a full disk or a file
        // size limit: the partial file only takes up the space that ran out). A dropped future
        // never gets here and discards too. Content refused for good (403, 404, 410: flagged,
        // gone, no content) is discarded whatever the options say: no resume can finish it.
        let refused = matches!(&result, Err(e) if refused_for_good(e));
        discard.armed = refused
            || discard.armed
                && matches!(&result, Err(e) if e.is_cancelled() || matches!(e.kind(), ErrorKind::Io { .. }));
        let got = result?;
        Ok(DriveItem {
            size: Some(got),
            ..meta
        })
    }

    /// The body of [`GraphClient::download_to_file`]: fills `part` (in several ranges when the
    /// file is big enough, else in one stream), verifies it, renames it; returns the number of
    /// bytes.
    async fn download_part(
        &self,
        meta: &DriveItem,
        dest: &Path,
        part: &Path,
        state_path: &Path,
        want: DownloadState,
        opts: &DownloadOptions,
    ) -> Result<u64> {
        let ranged = match meta.size {
            Some(size) if opts.streams > 1 && size > 0 && size >= opts.multi_stream_cutoff => {
                self.download_ranges(meta, part, state_path, &want, opts)
                    .await
            }
            _ => Ok(Ranged::NotRanged),
        };
        let fetched = match ranged {
            Ok(Ranged::Done(hasher)) => Ok((want.size, hasher)),
            Ok(Ranged::NotRanged) => {
                self.download_stream(meta, part, state_path, want, opts)
                    .await
            }
            Err(e) => Err(e),
        };
        let checked = fetched.and_then(|(total, hasher)| {
            self.verify(meta, total, &hasher)?;
            Ok(total)
        });
        let total = match checked {
            Ok(total) => total,
            Err(e) => {
                // Bytes that contradict the server's own hash or size are no base for a resume.
                if matches!(e.kind(), ErrorKind::Integrity { .. }) {
                    let _ = tokio::fs::remove_file(&part).await;
                    state::remove(state_path).await;
                }
                return Err(named(e, &meta.name));
            }
        };
        tokio::fs::rename(&part, dest)
            .await
            .map_err(|e| Error::io(dest, e))?;
        state::remove(state_path).await;
        Ok(total)
    }

    /// Fills `part` in one stream (going on from a matching `.part` when resuming); returns
    /// the bytes it holds and their hash, unchecked.
    async fn download_stream(
        &self,
        meta: &DriveItem,
        part: &Path,
        state_path: &Path,
        want: DownloadState,
        opts: &DownloadOptions,
    ) -> Result<(u64, QuickXorHash)> {
        let mut hasher = QuickXorHash::new();
        let offset = resume_offset(opts.resume, part, state_path, &want, &mut hasher).await?;
        if offset == 0 {
            state::save(state_path, &want).await?;
        }
        // A `.part` an earlier run completed needs no request (a Range would only get 416).
        let complete =
            offset > 0 && Some(offset) == meta.size && check(meta, offset, &hasher).is_ok();
        let writer = RangeWriter::start(open_part(part, offset)?, part, Spans::default())?;
        let mut sink = Sink {
            out: Gather::new(&writer, offset),
            hasher,
            offset,
            total: meta.size.unwrap_or(0),
        };
        let id = ItemRef::of_item(meta);
        let streamed = if complete {
            Ok(())
        } else {
            self.stream_content(&id, &mut sink, opts).await
        };
        // Written even on failure: a resume trusts the `.part` length.
        let flushed = sink.out.flush().await;
        let (total, hasher) = (sink.offset, sink.hasher);
        // A failed write is the cause of whatever the stream saw of it.
        let (_, written) = writer.finish().await;
        written.and(streamed).and(flushed).map(|()| (total, hasher))
    }

    /// Streams a file's content into `out` (stdout, a pipe, ...) and verifies it at the end
    /// by the same rules as [`GraphClient::download_to_file`]. Returns the number of bytes
    /// written. The bytes are out before the check: a failed check is reported by the error.
    pub async fn download_to_writer<W: AsyncWrite + Unpin>(
        &self,
        item: &ItemRef,
        out: &mut W,
        opts: &DownloadOptions,
    ) -> Result<u64> {
        let meta = self.downloadable(self.item(item).await?).await?;
        let name = Path::new("<output>");
        let mut sink = Sink {
            out: Plain { out, name },
            hasher: QuickXorHash::new(),
            offset: 0,
            total: meta.size.unwrap_or(0),
        };
        let id = ItemRef::of_item(&meta);
        self.stream_content(&id, &mut sink, opts)
            .await
            .map_err(|e| named(e, &meta.name))?;
        sink.out.out.flush().await.map_err(|e| Error::io(name, e))?;
        self.verify(&meta, sink.offset, &sink.hasher)?;
        Ok(sink.offset)
    }

    /// Writes the content from `sink.offset` on until the transfer's framing says it is
    /// complete (see the module docs), re-requesting with `Range` after a dropped connection
    /// (bounded by the retry policy, counted without progress).
    async fn stream_content<O: Out>(
        &self,
        item: &ItemRef,
        sink: &mut Sink<O>,
        opts: &DownloadOptions,
    ) -> Result<()> {
        let mut failures = 0;
        loop {
            opts.cancel.check()?;
            let url = self.content_url(item).await?;
            let from = sink.offset;
            let resp = match self
                .send_unauthenticated(|http| {
                    let req = http.get(&url);
                    if from > 0 {
                        req.header(reqwest::header::RANGE, format!("bytes={from}-"))
                    } else {
                        req
                    }
                })
                .await
            {
                Ok(resp) => resp,
                // Nothing lies at or past `from`: the content ends where our bytes end.
                Err(e) if from > 0 && e.status() == Some(416) => return Ok(()),
                Err(e) => return Err(e),
            };
            let host = host_of(resp.url());
            let (e, progressed) = match copy_body(resp, from, sink, opts).await {
                Ok(()) if sink.offset >= sink.total => return Ok(()),
                // A shorter range than asked for: go on from here.
                Ok(()) => (None, sink.offset > from),
                Err(BodyError::Fatal(e)) => return Err(e),
                Err(BodyError::Dropped(e)) => (Some(e), sink.offset > from),
            };
            failures = if progressed { 0 } else { failures + 1 };
            let give_up = failures > self.retry_policy().max_retries;
            match e {
                Some(e) if give_up => return Err(e),
                None if give_up => {
                    return Err(Error::decode(
                        "download",
                        format!("the server sends no bytes past {from} of {}", sink.total),
                    ));
                }
                _ => {}
            }
            let policy = self.retry_policy();
            policy
                .sleep(failures.saturating_sub(1), None, &host, None)
                .await?;
        }
    }

    /// The completion check (see the module docs): the hash decides, else the listed size; a
    /// listed size the hash proves wrong is announced once.
    fn verify(&self, meta: &DriveItem, got: u64, hasher: &QuickXorHash) -> Result<()> {
        check(meta, got, hasher)?;
        if let Some(listed) = meta.size.filter(|s| *s != got) {
            self.tell(&Notice::SizeDiffers {
                name: meta.name.clone(),
                listed,
                actual: got,
            });
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
