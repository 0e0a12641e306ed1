//! Upload sessions: resumable within and across runs.
//!
//! Fragments are multiples of 320 KiB; the next fragment is read and hashed on the blocking
//! pool while the current one is on the wire, so at most two fragments are in memory and the
//! sending never waits for the disk or the hash. After a lost answer (5xx, network error)
//! or a 416 we ask the session which ranges it still expects and continue from there; a
//! session that is gone (404) or refuses every fragment is replaced. The session URL is kept
//! in a state file with what identifies the local file, so a later run continues the same
//! session if the file has not changed and [`UploadOptions::resume`] is set (`put -c`); a run
//! without it cancels the saved session and starts over. "Not changed" is decided by the
//! size, mtime, inode and a hash of the first and last MiB ([`Source::sample`]); the last
//! fragment, which makes the server commit the file, is only sent once
//! [`Source::check_unchanged`] says the file has not changed during this run. The state file
//! lives in the data directory, never beside the source (see [`super::state`]).

use std::path::{Path, PathBuf};

use bytes::Bytes;
use reqwest::StatusCode;

use super::state::{self, UploadState};
use super::upload::{FRAGMENT_UNIT, Fragment, UploadOptions, read_fragment};
use super::upload_hash::RunningHash;
use super::upload_source::Source;
use super::{Cancel, report};
use crate::error::{Error, ErrorKind, Result};
use crate::graph::answer::{decode_json, error_from_response, host_of, network_error};
use crate::graph::client::GraphClient;
use crate::graph::locator::ItemRef;
use crate::graph::model::{DriveItem, UploadSession};
use crate::graph::placed::Asked;

/// The answer to one fragment.
enum Ack {
    Done(Box<DriveItem>),
    Next(Option<u64>),
}

/// One session upload: where it goes, what it sends, where its state lives.
struct Job<'a> {
    target: &'a ItemRef,
    /// The target's URL path, stored in the state file to recognise the same upload.
    key: String,
    src: &'a Source,
    /// [`Source::sample`] of the file, kept in the state file to recognise it.
    sample: String,
    /// Where the session is saved for a later run; `None`: nowhere to keep it.
    state_path: Option<PathBuf>,
    opts: &'a UploadOptions,
}

/// How to go on after a failed fragment.
enum Recovery {
    /// Send from this offset.
    Continue(u64),
    /// Replace the session.
    Restart,
}

impl GraphClient {
    pub(super) async fn upload_session(
        &self,
        target: &ItemRef,
        src: &Source,
        opts: &UploadOptions,
    ) -> Result<DriveItem> {
        let key = self.item_path(target, None);
        let job = Job {
            target,
            state_path: self.upload_state_path(src, &key, opts)?,
            key,
            src,
            sample: src.sample().await?,
            opts,
        };
        let (mut url, mut offset) = self.open_session(&job).await?;
        let frag = (opts.fragment_size / FRAGMENT_UNIT).max(1) * FRAGMENT_UNIT;
        let mut hash = RunningHash::default();
        let (mut failures, mut restarts) = (0u32, 0u32);
        let mut ahead: Option<Fragment> = None;
        // Fragment buffers sent and back (reused: fresh 10 MiB buffers on the blocking pool's
        // threads grew the peak memory by a third).
        let mut spare: Vec<Vec<u8>> = Vec::new();
        loop {
            opts.cancel.check()?;
            if offset >= src.size {
                // Everything arrived, only the final answer was lost: the item exists.
                let item = self.item(target).await?;
                return self.finished(&job, item, &hash).await;
            }
            let len = frag.min(src.size - offset);
            let now = match ahead.take() {
                Some(f) if f.offset == offset && f.data.len() as u64 == len => Ok(f),
                _ => read_fragment(&src.path, offset, len, take(&mut spare)).await,
            };
            let now = self.guard(&job, &url, now).await?;
            hash.add(&src.path, &now).await?;
            let sent = now.data.clone();
            let ack;
            (ack, ahead) = tokio::join!(
                self.put_cancellable(&url, offset, now.data, src.size, &opts.cancel),
                read_ahead(&src.path, offset + len, frag, src.size, take(&mut spare))
            );
            if let Ok(back) = sent.try_into_mut() {
                spare.push(back.into());
            }
            match ack {
                Ok(Ack::Done(item)) => {
                    return self.finished(&job, *item, &hash).await;
                }
                Ok(Ack::Next(n)) => {
                    offset = n.unwrap_or(src.size);
                    failures = 0;
                    report(&opts.progress, offset, src.size);
                }
                Err(e) => {
                    failures += 1;
                    match self.recover(e, failures, &url, src.size).await? {
                        Recovery::Continue(next) => offset = next,
                        Recovery::Restart => {
                            (restarts, failures) = (restarts + 1, 0);
                            (url, offset) = self.replace_session(&job, &url, restarts).await?;
                        }
                    }
                }
            }
        }
    }

    /// The fragment to send, once [`Source::check_unchanged`] allows it when it is the last
    /// one (whose arrival commits the file); a changed file (also one that shrank and failed
    /// its read) cancels the session and forgets it, so nothing is committed.
    async fn guard(&self, job: &Job<'_>, url: &str, read: Result<Fragment>) -> Result<Fragment> {
        let checked = match read {
            Ok(f) if f.offset + f.data.len() as u64 >= job.src.size => {
                job.src.check_unchanged().await.map(|()| f)
            }
            Ok(f) => return Ok(f),
            Err(e) => Err(job.src.explain(e).await),
        };
        if let Err(e) = &checked
            && matches!(e.kind(), ErrorKind::Refused { .. })
        {
            let _ = self.http().delete(url).send().await;
            remove_state(job).await;
        }
        checked
    }

    /// Cancels a dead session and opens a new one (at most twice per upload).
    async fn replace_session(
        &self,
        job: &Job<'_>,
        dead: &str,
        restarts: u32,
    ) -> Result<(String, u64)> {
        if restarts > 2 {
            return Err(Error::graph(
                404,
                "uploadSessionFailed",
                "the upload session was lost again and again",
            ));
        }
        let _ = self.http().delete(dead).send().await;
        remove_state(job).await;
        self.open_session(job).await
    }

    /// After a failed fragment: wait, then ask the session where to continue; or decide that
    /// the session is dead (gone, or refusing every fragment) and must be replaced.
    async fn recover(&self, e: Error, failures: u32, url: &str, size: u64) -> Result<Recovery> {
        let max = self.retry_policy().max_retries;
        let status = e.status();
        if status == Some(404) || (status == Some(416) && failures > max) {
            return Ok(Recovery::Restart);
        }
        if !(status == Some(416) || e.is_transient()) || failures > max {
            return Err(e);
        }
        let host =
            reqwest::Url::parse(url).map_or_else(|_| "upload session".into(), |u| host_of(&u));
        self.retry_policy()
            .sleep(failures - 1, e.retry_after(), &host, status)
            .await?;
        match self.resume_point(url).await {
            Ok(next) => Ok(Recovery::Continue(next.unwrap_or(size))),
            Err(e) if e.status() == Some(404) => Ok(Recovery::Restart),
            Err(e) => Err(e),
        }
    }

    /// Completes a session upload: state file removed, the item the answer names checked
    /// against the target, size and hash checked ([`RunningHash::check`]).
    async fn finished(
        &self,
        job: &Job<'_>,
        item: DriveItem,
        hash: &RunningHash,
    ) -> Result<DriveItem> {
        let src = job.src;
        remove_state(job).await;
        report(&job.opts.progress, src.size, src.size);
        let asked = self.resolve(job.target, Some("content"));
        Asked::target(&asked, job.opts.conflict).check(&item)?;
        hash.check(&item, src.size)?;
        Ok(item)
    }

    /// Continues the session saved in the state file when resuming is asked for, the local
    /// file is unchanged and the session still answers; else creates a new one and saves it.
    async fn open_session(&self, job: &Job<'_>) -> Result<(String, u64)> {
        let src = job.src;
        let saved = match &job.state_path {
            Some(path) => state::load::<UploadState>(path).await,
            None => None,
        };
        if let Some(saved) = saved {
            let same = saved.target == job.key
                && (saved.size, &saved.mtime) == (src.size, &src.mtime)
                && (saved.inode, saved.sample.as_ref()) == (src.inode, Some(&job.sample));
            if job.opts.resume
                && same
                && let Ok(offset) = self.resume_point(&saved.upload_url).await
            {
                return Ok((saved.upload_url, offset.unwrap_or(src.size)));
            }
            // Not resuming, the file changed or the session is gone: cancel the old session,
            // since the server refuses a second open session for one file.
            let url = saved.upload_url;
            let _ = self.http().delete(&url).send().await;
            remove_state(job).await;
        }
        let session = self
            .create_upload_session(job.target, job.opts.conflict, &src.mtime)
            .await?;
        let url = session
            .upload_url
            .ok_or_else(|| Error::decode("createUploadSession", "no uploadUrl"))?;
        let saved = UploadState {
            upload_url: url.clone(),
            target: job.key.clone(),
            size: src.size,
            mtime: src.mtime.clone(),
            inode: src.inode,
            sample: Some(job.sample.clone()),
        };
        if let Some(path) = &job.state_path {
            state::save(path, &saved).await?;
        }
        Ok((url, 0))
    }

    /// The first byte the session still expects (`None`: it has everything).
    async fn resume_point(&self, url: &str) -> Result<Option<u64>> {
        let status = self.upload_session_status(url).await?;
        first_expected(&status)
    }

    async fn put_cancellable(
        &self,
        url: &str,
        offset: u64,
        data: Bytes,
        total: u64,
        cancel: &Cancel,
    ) -> Result<Ack> {
        tokio::select! {
            r = self.put_fragment(url, offset, data, total) => r,
            () = cancel.cancelled() => Err(ErrorKind::Cancelled.into()),
        }
    }

    /// One `PUT {uploadUrl}` with `Content-Range`, no token and no retry of its own.
    async fn put_fragment(&self, url: &str, offset: u64, data: Bytes, total: u64) -> Result<Ack> {
        let end = offset + data.len() as u64 - 1;
        let resp = self
            .http()
            .put(url)
            .header(
                reqwest::header::CONTENT_RANGE,
                format!("bytes {offset}-{end}/{total}"),
            )
            .body(data)
            .send()
            .await
            .map_err(network_error)?;
        match resp.status() {
            StatusCode::OK | StatusCode::CREATED => {
                Ok(Ack::Done(Box::new(decode_json(resp, "upload").await?)))
            }
            StatusCode::ACCEPTED => {
                let s: UploadSession = decode_json(resp, "upload session").await?;
                Ok(Ack::Next(first_expected(&s)?))
            }
            _ => Err(error_from_response(resp).await),
        }
    }
}

/// The start of the first range the session still expects; `None` when it expects nothing.
fn first_expected(s: &UploadSession) -> Result<Option<u64>> {
    let Some(first) = s.next_expected_ranges.first() else {
        return Ok(None);
    };
    first
        .split('-')
        .next()
        .and_then(|n| n.trim().parse().ok())
        .map(Some)
        .ok_or_else(|| Error::decode("upload session", format!("bad range {first:?}")))
}

/// Reads and hashes the fragment at `next` (if any) while the current one is on the wire; a
/// failed read is retried later.
async fn read_ahead(
    path: &Path,
    next: u64,
    frag: u64,
    size: u64,
    buf: Vec<u8>,
) -> Option<Fragment> {
    if next >= size {
        return None;
    }
    let len = frag.min(size - next);
    read_fragment(path, next, len, buf).await.ok()
}

/// A spare buffer, or a new one.
fn take(spare: &mut Vec<Vec<u8>>) -> Vec<u8> {
    spare.pop().unwrap_or_default()
}

impl GraphClient {
    /// The state file of uploading `src` to `key` (see [`state::upload_state_file`]): named by
    /// this client's Graph URL, the target and the source's absolute path.
    fn upload_state_path(
        &self,
        src: &Source,
        key: &str,
        opts: &UploadOptions,
    ) -> Result<Option<PathBuf>> {
        let name = src
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| Error::io(&src.path, std::io::ErrorKind::InvalidInput.into()))?;
        let Some(dir) = opts.state_dir.clone().or_else(state::default_upload_dir) else {
            return Ok(None);
        };
        let source = std::path::absolute(&src.path).map_err(|e| Error::io(&src.path, e))?;
        let identity = format!("{}\n{key}\n{}", self.url(""), source.display());
        Ok(Some(state::upload_state_file(&dir, name, &identity)))
    }
}

/// Forgets the saved session of `job`.
async fn remove_state(job: &Job<'_>) {
    if let Some(path) = &job.state_path {
        state::remove(path).await;
    }
}
