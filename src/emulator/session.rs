//! Resumable upload sessions (graph-api.md §5.2) on the content listener: a constant total in
//! `Content-Range`, sequential fragments each under 60 MiB, 202 with `nextExpectedRanges`, 416
//! on overlap, status GET, cancel DELETE, expiry and the final 201/200 with the item.
//! Fragments are appended to a blob file, so memory stays flat however large the file; the
//! file is hashed behind the fragments as they are committed (`blob::HashBehind`), off the
//! request path.
//!
//! As on the service (graph-api.md §13): a non-final fragment need not be a multiple of
//! 320 KiB (that is advice, not a rule the service enforces per request), and
//! `nextExpectedRanges` is closed (`"26-127"`) once the total size is known, open (`"0-"`)
//! before.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::IntoResponse;
use serde_json::{Value, json};
use std::io::Seek;
use time::OffsetDateTime;

use super::Shared;
use super::blob::{Blobs, HashBehind, WriteError, append_body};
use super::items::{Target, body_conflict, check_if_match, resolve, write_target};
use super::patch::parse_time;
use super::path::ItemPath;
use super::render::QUOTA_TOTAL;
use super::resp::{ApiError, ApiResult, json_response, random_hex};
use super::routes::{Ctx, json_body};
use super::store::name_key;
use super::upload::{Commit, commit, content_length, item_answer, write_error};

/// Each fragment must be smaller than this.
pub(crate) const FRAGMENT_MAX: u64 = 60 * 1024 * 1024;
/// How long a session lives without progress.
const SESSION_TTL: Duration = Duration::from_secs(15 * 60);

/// An open upload session.
#[derive(Debug)]
pub(crate) struct Session {
    user: usize,
    base: u64,
    rel: Vec<String>,
    conflict: String,
    key: String,
    total: Option<u64>,
    received: u64,
    hashes: HashBehind,
    expires: OffsetDateTime,
    busy: bool,
    fs: (Option<super::store::Stamp>, Option<super::store::Stamp>),
    /// Set once committed (the final fragment's answer may have been lost).
    done: Option<u64>,
}

/// `POST .../createUploadSession`.
pub(crate) async fn create_session(
    shared: &Arc<Shared>,
    ctx: &Ctx,
    p: &ItemPath,
    body: Body,
) -> ApiResult {
    let body = json_body(body).await?;
    let item = body.get("item").cloned().unwrap_or_else(|| json!({}));
    let conflict = preflight(shared, ctx, p, &item)?;
    let fs = item.get("fileSystemInfo");
    let fs_time = |k: &str| fs.and_then(|f| f.get(k)).map(parse_time).transpose();
    let base_only = p.with(p.base.clone(), Vec::new());
    let session = Session {
        user: p.user,
        base: resolve(shared, &base_only)?,
        rel: p.rel.clone(),
        conflict,
        key: Blobs::new_key(),
        total: item
            .get("fileSize")
            .and_then(Value::as_u64)
            .filter(|t| *t > 0),
        received: 0,
        hashes: HashBehind::default(),
        expires: OffsetDateTime::now_utc() + SESSION_TTL,
        busy: false,
        fs: (
            fs_time("createdDateTime")?,
            fs_time("lastModifiedDateTime")?,
        ),
        done: None,
    };
    tokio::fs::File::create(shared.blobs.path(&session.key)).await?;
    let mut answer = status(&session);
    let id = register(shared, session)?;
    answer["uploadUrl"] = json!(format!("{}/upload/{id}", shared.urls.content_origin));
    Ok(json_response(StatusCode::OK, &answer))
}

/// Checks target, `If-Match`, conflict behaviour and quota before a session opens; returns
/// the behaviour.
fn preflight(shared: &Shared, ctx: &Ctx, p: &ItemPath, item: &Value) -> Result<String, ApiError> {
    let conflict = body_conflict(item, "replace")?;
    if let Target::Existing(n) = write_target(shared, p)? {
        check_if_match(shared, ctx, n)?;
        let s = shared.lock_store();
        let node = s.node(n)?;
        if !node.is_file() || conflict == "fail" {
            return Err(ApiError::name_exists(&node.name));
        }
    }
    if let Some(size) = item.get("fileSize").and_then(Value::as_u64) {
        let s = shared.lock_store();
        let used = s.size(s.drives[p.drive].root);
        if size > QUOTA_TOTAL.saturating_sub(used) {
            return Err(ApiError::new(
                StatusCode::INSUFFICIENT_STORAGE,
                "quotaLimitReached",
                "Insufficient space.",
            ));
        }
    }
    Ok(conflict)
}

/// Adds a session unless another open one targets the same file; returns its id. Expired
/// sessions are forgotten here (their partial content deleted).
fn register(shared: &Shared, session: Session) -> Result<String, ApiError> {
    let mut sessions = lock(shared);
    let now = OffsetDateTime::now_utc();
    sessions.retain(|_, s| {
        let keep = s.expires > now;
        if !keep && s.done.is_none() {
            shared.blobs.remove(&s.key);
        }
        keep
    });
    let same = |a: &[String], b: &[String]| {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| name_key(x) == name_key(y))
    };
    let clash = sessions.values().any(|s| {
        s.done.is_none() && s.expires > now && s.base == session.base && same(&s.rel, &session.rel)
    });
    if clash {
        shared.blobs.remove(&session.key);
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "nameAlreadyExists",
            "An upload session already exists for this file",
        ));
    }
    let id = random_hex(24);
    sessions.insert(id.clone(), session);
    Ok(id)
}

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
    shared.sessions.lock().unwrap_or_else(|p| p.into_inner())
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Makes every session expire now.
pub(crate) fn expire_all(shared: &Shared) {
    let past = OffsetDateTime::now_utc() - Duration::from_secs(1);
    for s in lock(shared).values_mut() {
        s.expires = past;
    }
}

fn session_gone() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "itemNotFound",
        "The upload session was not found.",
    )
    .inner("uploadSessionNotFound")
}

/// PUT (fragment), GET (status) or DELETE (cancel) on `/upload/{id}`.
pub(crate) async fn session_request(
    shared: &Arc<Shared>,
    m: &Method,
    id: &str,
    headers: &HeaderMap,
    body: Body,
) -> ApiResult {
    {
        let mut sessions = lock(shared);
        let expired = sessions
            .get(id)
            .is_some_and(|s| s.expires <= OffsetDateTime::now_utc());
        if expired && let Some(s) = sessions.remove(id).filter(|s| s.done.is_none()) {
            shared.blobs.remove(&s.key);
        }
        let s = sessions.get(id).ok_or_else(session_gone)?;
        match *m {
            Method::GET => return Ok(json_response(StatusCode::OK, &status(s))),
            Method::DELETE => {
                if let Some(s) = sessions.remove(id).filter(|s| s.done.is_none()) {
                    shared.blobs.remove(&s.key);
                }
                return Ok(StatusCode::NO_CONTENT.into_response());
            }
            Method::PUT => {}
            _ => {
                return Err(ApiError::new(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "invalidRequest",
                    "Use PUT, GET or DELETE",
                ));
            }
        }
    }
    fragment(shared, id, headers, body).await
}

fn status(s: &Session) -> Value {
    let ranges: Vec<String> = match (s.done, s.total) {
        (Some(_), _) => Vec::new(),
        (None, Some(total)) => vec![format!("{}-{}", s.received, total - 1)],
        (None, None) => vec![format!("{}-", s.received)],
    };
    json!({"expirationDateTime": rfc3339(s.expires), "nextExpectedRanges": ranges})
}

/// Parses `bytes a-b/total`.
fn content_range(headers: &HeaderMap) -> Option<(u64, u64, u64)> {
    let v = headers.get(header::CONTENT_RANGE)?.to_str().ok()?;
    let (range, total) = v.trim().strip_prefix("bytes ")?.split_once('/')?;
    let (a, b) = range.split_once('-')?;
    Some((a.parse().ok()?, b.parse().ok()?, total.parse().ok()?))
}

fn mismatch(msg: &str) -> ApiError {
    ApiError::bad_request(msg.to_owned()).inner("fragmentLengthMismatch")
}

fn range_error(inner: &'static str, msg: &str) -> ApiError {
    ApiError::new(
        StatusCode::RANGE_NOT_SATISFIABLE,
        "invalidRange",
        msg.to_owned(),
    )
    .inner(inner)
}

/// Checks a fragment against the session and marks it busy; returns what the write needs.
fn begin_fragment(
    shared: &Shared,
    id: &str,
    headers: &HeaderMap,
) -> Result<(u64, u64, String), ApiError> {
    let (start, end, total) = content_range(headers).ok_or_else(|| {
        ApiError::bad_request("Content-Range bytes a-b/total is required").inner("invalidRange")
    })?;
    let len = end
        .checked_add(1)
        .and_then(|e| e.checked_sub(start))
        .filter(|l| *l > 0)
        .ok_or_else(|| mismatch("The Content-Range is empty or reversed"))?;
    if content_length(headers) != Some(len) {
        return Err(mismatch("Content-Length does not match Content-Range"));
    }
    if len >= FRAGMENT_MAX {
        return Err(
            ApiError::bad_request("Fragments must be smaller than 60 MiB")
                .inner("maxFragmentLengthExceeded"),
        );
    }
    let mut sessions = lock(shared);
    let s = sessions.get_mut(id).ok_or_else(session_gone)?;
    if s.total.is_some_and(|t| t != total) {
        return Err(mismatch("The total size differs from earlier fragments"));
    }
    if end >= total {
        return Err(range_error(
            "invalidRange",
            "The fragment ends past the total size",
        ));
    }
    if start < s.received || s.busy {
        return Err(range_error(
            "fragmentOverlap",
            "The fragment overlaps data already received",
        ));
    }
    if start > s.received {
        return Err(range_error(
            "fragmentOutOfOrder",
            "Fragments must be sent in order",
        ));
    }
    s.busy = true;
    s.total = Some(total);
    Ok((start, len, s.key.clone()))
}

/// Clears a session's `busy` flag if a fragment's handler is dropped mid-write: a client that
/// drops the connection cancels the handler at an await point, and without this the session
/// would refuse every later fragment as an overlap.
struct BusyGuard<'a> {
    shared: &'a Shared,
    id: &'a str,
    armed: bool,
}

impl Drop for BusyGuard<'_> {
    fn drop(&mut self) {
        if self.armed
            && let Some(s) = lock(self.shared).get_mut(self.id)
        {
            s.busy = false;
        }
    }
}

/// Appends one fragment; commits after the last byte.
async fn fragment(shared: &Arc<Shared>, id: &str, headers: &HeaderMap, body: Body) -> ApiResult {
    if let Some(n) = lock(shared).get(id).and_then(|s| s.done) {
        return item_answer(shared, n, false);
    }
    let (start, len, key) = begin_fragment(shared, id, headers)?;
    let mut busy = BusyGuard {
        shared,
        id,
        armed: true,
    };
    let written = write_fragment(shared, &key, start, len, body).await;
    let finished = {
        let mut sessions = lock(shared);
        busy.armed = false;
        let s = sessions.get_mut(id).ok_or_else(session_gone)?;
        s.busy = false;
        written?;
        s.received = start + len;
        s.expires = OffsetDateTime::now_utc() + SESSION_TTL;
        s.hashes.catch_up(shared.blobs.path(&key), s.received);
        (Some(s.received) == s.total).then(|| {
            (
                (s.user, s.base),
                s.rel.clone(),
                s.conflict.clone(),
                s.fs.clone(),
                s.hashes.clone(),
            )
        })
    };
    let lost = shared.faults.lose_fragment();
    let Some(((user, base), rel, conflict, fs, hashes)) = finished else {
        if lost {
            return Err(ApiError::internal("fault: fragment stored, answer lost"));
        }
        let s = lock(shared);
        let s = s.get(id).ok_or_else(session_gone)?;
        return Ok(json_response(StatusCode::ACCEPTED, &status(s)));
    };
    let c = Commit {
        user,
        base,
        rel: &rel,
        conflict: &conflict,
        fs,
    };
    let path = shared.blobs.path(&key);
    let hashers = hashes.finish(&path, start + len).await?;
    let result = commit(shared, &c, hashers.finish(key.clone()));
    match result {
        Ok((n, created)) => {
            if let Some(s) = lock(shared).get_mut(id) {
                s.done = Some(n);
            }
            if lost {
                return Err(ApiError::internal("fault: fragment stored, answer lost"));
            }
            item_answer(shared, n, created)
        }
        Err(e) => {
            lock(shared).remove(id);
            shared.blobs.remove(&key);
            Err(e)
        }
    }
}

/// Writes the body at `start` of the session file; on failure the file is cut back.
async fn write_fragment(
    shared: &Shared,
    key: &str,
    start: u64,
    len: u64,
    body: Body,
) -> Result<(), ApiError> {
    let path = shared.blobs.path(key);
    let file = std::fs::OpenOptions::new().write(true).open(&path)?;
    file.set_len(start)?;
    let mut file = file;
    file.seek(std::io::SeekFrom::Start(start))?;
    let res = append_body(file, body, len).await;
    let cut = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)?
            .set_len(start)
    };
    match res {
        Ok(w) if w == len => Ok(()),
        Ok(_) | Err(WriteError::TooLarge) => {
            cut()?;
            Err(mismatch("The body length does not match Content-Range"))
        }
        Err(e) => {
            cut()?;
            Err(write_error(e))
        }
    }
}
