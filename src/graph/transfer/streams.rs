//! Downloads in several ranges at once (lftp's `pget -n`, rclone's multi-thread streams): a
//! file at or above [`super::DownloadOptions::multi_stream_cutoff`] is cut into pieces of at
//! most 64 MiB (`spans::pieces`), and `streams` workers each take the next piece and fetch it
//! with `Range: bytes=a-b` from the one pre-authenticated URL, writing into the one `.part`
//! through the writer thread (positioned writes). Real servers limit each connection, so the
//! ranges go over connections of their own (HTTP/1.1, never multiplexed into one).
//!
//! A piece whose connection drops goes on from its last byte (bounded by the retry policy,
//! counted without progress). The `.part.json` records the spans written, saved every two
//! seconds and when the download stops, so a later `get -c` fetches only what is missing.
//! Each piece is hashed as it arrives (quickXorHash is position-dependent, not
//! order-dependent: `QuickXorHash::at_offset`), the pieces' states are merged, and the whole
//! file's hash is checked at the end by the caller as for one stream.
//!
//! A server that answers a range with the whole file (200), or whose `Content-Range` total
//! differs from the listed size (graph-api.md §13: listed sizes can be wrong), cannot be
//! downloaded this way: [`Ranged::NotRanged`] tells the caller to start over with one stream.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::future::join_all;
use reqwest::StatusCode;

use super::body::Out;
use super::partial::{hash_file, open_part};
use super::spans::{Spans, pieces};
use super::state::{self, DownloadState};
use super::writer::{Gather, RangeWriter};
use super::{Cancel, DownloadOptions, report};
use crate::error::{Error, ErrorKind, Result};
use crate::graph::answer::{error_from_response, host_of, network_error};
use crate::graph::client::{GraphClient, http_builder};
use crate::graph::locator::ItemRef;
use crate::graph::model::DriveItem;
use crate::graph::quickxor::QuickXorHash;

/// How often the spans written are saved for a later `get -c`.
const SAVE_EVERY: Duration = Duration::from_secs(2);

/// How a download in ranges ended.
pub(super) enum Ranged {
    /// Every byte is in the `.part`: their hash, to be checked.
    Done(QuickXorHash),
    /// The server does not serve these ranges; the `.part` and its state are removed.
    NotRanged,
}

/// Why a worker stopped.
enum Stop {
    Failed(Error),
    NotRanged,
    /// Another worker stopped the download.
    Halted,
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Stop::Failed(e)
    }
}

/// One download in ranges: what its workers share.
struct Job<'a> {
    client: &'a GraphClient,
    /// HTTP/1.1 only: one connection per range.
    http: reqwest::Client,
    id: ItemRef,
    size: u64,
    url: tokio::sync::Mutex<Option<String>>,
    queue: Mutex<VecDeque<(u64, u64)>>,
    writer: RangeWriter,
    hash: Mutex<QuickXorHash>,
    moved: AtomicU64,
    opts: &'a DownloadOptions,
    /// Set when a worker fails: the others write what they hold and stop.
    halt: Cancel,
}

impl GraphClient {
    /// Fills `part` with the content of `meta` (of `want.size` bytes) in `streams` ranges at
    /// once; see the module docs.
    ///
    /// # Errors
    ///
    /// A range that fails beyond the retry policy, a local write error, cancellation; the
    /// spans written so far are saved first.
    pub(super) async fn download_ranges(
        &self,
        meta: &DriveItem,
        part: &Path,
        state_path: &Path,
        want: &DownloadState,
        opts: &DownloadOptions,
    ) -> Result<Ranged> {
        let size = want.size;
        let (done, hash) = resumed_spans(opts.resume, part, state_path, want).await?;
        save_spans(state_path, want, &done).await?;
        let already = done.total();
        let file = open_part(part, size)?;
        let todo = pieces(&done.missing(size), opts.streams);
        let job = Job {
            client: self,
            http: range_client(self)?,
            id: ItemRef::of_item(meta),
            size,
            url: tokio::sync::Mutex::new(None),
            queue: Mutex::new(todo.into()),
            writer: RangeWriter::start(file, part, done)?,
            hash: Mutex::new(hash),
            moved: AtomicU64::new(already),
            opts,
            halt: Cancel::new(),
        };
        let workers = (0..opts.streams.max(1)).map(|_| job.work());
        let ran = tokio::select! {
            r = join_all(workers) => first_stop(r),
            e = job.save_now_and_then(state_path, want) => Err(Stop::Failed(e)),
        };
        let Job { writer, hash, .. } = job;
        let (kept, written) = writer.finish().await;
        match (ran, written) {
            (Err(Stop::NotRanged), _) => {
                let _ = tokio::fs::remove_file(part).await;
                state::remove(state_path).await;
                Ok(Ranged::NotRanged)
            }
            // A failed write is the cause of whatever the streams saw of it.
            (Err(stop), written) => {
                let _ = save_spans(state_path, want, &kept).await;
                written?;
                Err(match stop {
                    Stop::Failed(e) => e,
                    _ => ErrorKind::Cancelled.into(),
                })
            }
            (Ok(()), written) => {
                written?;
                if !kept.covers(size) {
                    return Err(Error::decode("download", "the ranges left bytes unwritten"));
                }
                Ok(Ranged::Done(
                    hash.into_inner().unwrap_or_else(|p| p.into_inner()),
                ))
            }
        }
    }
}

impl Job<'_> {
    /// Saves the spans written every [`SAVE_EVERY`]; ends only when a save fails.
    async fn save_now_and_then(&self, state_path: &Path, want: &DownloadState) -> Error {
        loop {
            tokio::time::sleep(SAVE_EVERY).await;
            if let Err(e) = save_spans(state_path, want, &self.writer.written()).await {
                return e;
            }
        }
    }

    /// One stream: fetches pieces until none is left; a failure stops the other streams.
    async fn work(&self) -> std::result::Result<(), Stop> {
        let done = self.pieces().await;
        if done.is_err() {
            self.halt.cancel();
        }
        done
    }

    async fn pieces(&self) -> std::result::Result<(), Stop> {
        loop {
            let next = self
                .queue
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .pop_front();
            let Some((start, end)) = next else {
                return Ok(());
            };
            self.piece(start, end).await?;
        }
    }

    /// Fetches `[start, end)`, going on from the last byte after a dropped connection: at
    /// once when the connection had brought bytes, else as the retry policy allows.
    async fn piece(&self, start: u64, end: u64) -> std::result::Result<(), Stop> {
        let mut at = start;
        let mut hasher = QuickXorHash::at_offset(start);
        let mut failures = 0;
        let policy = self.client.retry_policy();
        while at < end {
            self.opts.cancel.check()?;
            if self.halt.is_cancelled() {
                return Err(Stop::Halted);
            }
            let from = at;
            let outcome = self.fetch(&mut at, end, &mut hasher).await;
            if at > from {
                failures = 0;
                if let Err(Attempt::Stop(stop)) = outcome {
                    return Err(stop);
                }
                continue;
            }
            failures += 1;
            match outcome {
                Err(Attempt::Stop(stop)) => return Err(stop),
                Err(Attempt::NewUrl(e)) if failures > policy.max_retries => return Err(e.into()),
                Err(Attempt::NewUrl(_)) => {}
                Err(Attempt::Again(e)) => policy.pause(failures - 1, e, &self.host().await).await?,
                Ok(()) => {
                    let e = Error::decode("download", "a range answer brought no bytes");
                    policy.pause(failures - 1, e, &self.host().await).await?;
                }
            }
        }
        let mut all = self.hash.lock().unwrap_or_else(|p| p.into_inner());
        all.combine(&hasher);
        Ok(())
    }

    /// One request for `[at, end)`: moves `at` past the bytes received and handed to the
    /// writer, even when the connection drops half-way.
    async fn fetch(
        &self,
        at: &mut u64,
        end: u64,
        hasher: &mut QuickXorHash,
    ) -> std::result::Result<(), Attempt> {
        let url = self.url().await.map_err(Attempt::stop)?;
        let range = format!("bytes={}-{}", *at, end - 1);
        let sent = self
            .http
            .get(&url)
            .header(reqwest::header::RANGE, range)
            .send()
            .await;
        let mut resp = match sent {
            Ok(r) => self.check_answer(r, *at).await?,
            Err(e) => return Err(Attempt::Again(network_error(e))),
        };
        let mut out = Gather::new(&self.writer, *at);
        let got = loop {
            let chunk = tokio::select! {
                biased;
                () = self.opts.cancel.cancelled() => break Err(Attempt::stop(ErrorKind::Cancelled.into())),
                () = self.halt.cancelled() => break Err(Attempt::Stop(Stop::Halted)),
                c = resp.chunk() => c,
            };
            let bytes = match chunk {
                Ok(Some(b)) => b,
                Ok(None) => break Ok(()),
                Err(e) => break Err(Attempt::Again(network_error(e))),
            };
            // More than asked for is not ours to write.
            let take = bytes
                .len()
                .min(usize::try_from(end - *at).unwrap_or(usize::MAX));
            hasher.update(&bytes[..take]);
            if let Err(e) = out.put(&bytes[..take]).await {
                break Err(Attempt::stop(e));
            }
            *at += take as u64;
            let moved = self.moved.fetch_add(take as u64, Ordering::Relaxed) + take as u64;
            report(&self.opts.progress, moved, self.size);
            if *at >= end {
                break Ok(());
            }
        };
        // What arrived is good even when the connection dropped: it goes to the file.
        out.flush().await.map_err(Attempt::stop)?;
        got
    }

    /// A range answer must be a `206` starting at `at` of a content of the listed size;
    /// anything else is an error to retry or give up on, or a server that cannot do this.
    async fn check_answer(
        &self,
        resp: reqwest::Response,
        at: u64,
    ) -> std::result::Result<reqwest::Response, Attempt> {
        match resp.status() {
            StatusCode::PARTIAL_CONTENT => {}
            StatusCode::OK | StatusCode::RANGE_NOT_SATISFIABLE => {
                return Err(Attempt::Stop(Stop::NotRanged));
            }
            // The pre-authenticated URL expired: ask Graph for a new one.
            StatusCode::UNAUTHORIZED | StatusCode::NOT_FOUND | StatusCode::GONE => {
                *self.url.lock().await = None;
                return Err(Attempt::NewUrl(error_from_response(resp).await));
            }
            _ => {
                let e = error_from_response(resp).await;
                return Err(if e.is_transient() {
                    Attempt::Again(e)
                } else {
                    Attempt::stop(e)
                });
            }
        }
        if content_range(&resp) != Some((at, self.size)) {
            return Err(Attempt::Stop(Stop::NotRanged));
        }
        Ok(resp)
    }

    /// The content URL, asked of Graph once and again after a refusal.
    async fn url(&self) -> Result<String> {
        let mut url = self.url.lock().await;
        if let Some(u) = url.as_ref() {
            return Ok(u.clone());
        }
        let fresh = self.client.content_url(&self.id).await?;
        *url = Some(fresh.clone());
        Ok(fresh)
    }

    /// The content host, for wait notices.
    async fn host(&self) -> String {
        let url = self.url.lock().await.clone().unwrap_or_default();
        reqwest::Url::parse(&url).map_or_else(|_| "the download host".into(), |u| host_of(&u))
    }
}

/// How one request for a range ended, when not with bytes up to its end.
enum Attempt {
    /// Worth another request from where it stopped (as the retry policy allows).
    Again(Error),
    /// The URL was refused: another request with a new one.
    NewUrl(Error),
    Stop(Stop),
}

impl Attempt {
    fn stop(e: Error) -> Self {
        Attempt::Stop(Stop::Failed(e))
    }
}

/// What the workers' ends say together: a server that cannot do ranges first, then the first
/// failure, else a stop one of them asked for.
fn first_stop(ends: Vec<std::result::Result<(), Stop>>) -> std::result::Result<(), Stop> {
    let mut first = Ok(());
    for end in ends {
        match (end, &first) {
            (Err(Stop::NotRanged), _) => return Err(Stop::NotRanged),
            (Err(Stop::Failed(e)), Ok(()) | Err(Stop::Halted)) => first = Err(Stop::Failed(e)),
            (Err(Stop::Halted), Ok(())) => first = Err(Stop::Halted),
            _ => {}
        }
    }
    first
}

/// `(start, total)` of a `Content-Range: bytes a-b/total`.
fn content_range(resp: &reqwest::Response) -> Option<(u64, u64)> {
    let value = resp
        .headers()
        .get(reqwest::header::CONTENT_RANGE)?
        .to_str()
        .ok()?;
    let (span, total) = value.strip_prefix("bytes ")?.split_once('/')?;
    let start = span.split_once('-')?.0.trim().parse().ok()?;
    Some((start, total.trim().parse().ok()?))
}

/// The spans a matching earlier run left in `part` (from its state; a one-stream `.part`
/// counts from 0 to its length), with their hash read back from the file; none when not
/// resuming.
async fn resumed_spans(
    resume: bool,
    part: &Path,
    state_path: &Path,
    want: &DownloadState,
) -> Result<(Spans, QuickXorHash)> {
    let mut spans = Spans::default();
    let mut hash = QuickXorHash::new();
    let saved = state::load::<DownloadState>(state_path).await;
    let Some(saved) = saved.filter(|s| resume && s.same_version(want)) else {
        return Ok((spans, hash));
    };
    // Only what the file holds: a `.part` removed or cut since is no base.
    let len = tokio::fs::metadata(part).await.map_or(0, |m| m.len());
    let claimed = saved.done.unwrap_or_else(|| {
        let mut from_start = Spans::default();
        from_start.insert(0, len.min(want.size));
        from_start
    });
    for (a, b) in claimed.iter().filter(|&(_, b)| b <= len) {
        let mut h = QuickXorHash::at_offset(a);
        hash_file(part, a, b - a, &mut h).await?;
        hash.combine(&h);
        spans.insert(a, b);
    }
    Ok((spans, hash))
}

/// Saves the spans written (progress: written without waiting for the disk).
async fn save_spans(state_path: &Path, want: &DownloadState, done: &Spans) -> Result<()> {
    let saved = DownloadState {
        done: Some(done.clone()),
        ..want.clone()
    };
    state::save_progress(state_path, &saved).await
}

/// A client for the ranges: HTTP/1.1 only, so that each range has a connection of its own.
fn range_client(client: &GraphClient) -> Result<reqwest::Client> {
    http_builder(client.base_url())
        .http1_only()
        .read_timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| Error::decode("HTTP client set-up", e))
}
