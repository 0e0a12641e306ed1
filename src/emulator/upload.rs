//! Simple uploads (graph-api.md §5.1): PUT up to 4 MiB (413 above), conflictBehavior from the
//! query (default `replace`), missing parent folders created. Also the commit step shared with
//! upload sessions. Bodies are streamed to blob files while hashing, never held in memory.

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};

use super::Shared;
use super::blob::{Blob, WriteError};
use super::drives::check;
use super::items::{Target, check_conflict, make_parents, resolve, target_in, write_target};
use super::path::ItemPath;
use super::render::item_value;
use super::resp::{ApiError, ApiResult, json_response};
use super::routes::Ctx;

/// Largest simple upload.
pub(crate) const SIMPLE_LIMIT: u64 = 4 * 1024 * 1024;
/// Where and how a finished upload is stored.
pub(crate) struct Commit<'a> {
    pub(crate) user: usize,
    pub(crate) base: u64,
    pub(crate) rel: &'a [String],
    pub(crate) conflict: &'a str,
    pub(crate) fs: (Option<super::store::Stamp>, Option<super::store::Stamp>),
}

/// Stores `blob` at the target; returns the item number and whether it was created.
pub(crate) fn commit(shared: &Shared, c: &Commit<'_>, blob: Blob) -> Result<(u64, bool), ApiError> {
    let res = shared.mutate_as(c.user, |s| {
        let target = target_in(s, c.base, c.rel)?;
        let at = match &target {
            Target::Existing(n) => *n,
            Target::New { parent, .. } => *parent,
        };
        check(s, c.user, at, true)?;
        let (n, created, old) = match target {
            Target::Existing(n) if !s.node(n)?.is_file() || c.conflict == "fail" => {
                return Err(ApiError::name_exists(&s.node(n)?.name));
            }
            Target::Existing(n) if c.conflict == "rename" => {
                let parent = s.node(n)?.parent.unwrap_or(n);
                let name = s.free_name(parent, &s.node(n)?.name);
                (s.insert(parent, &name, Some(blob)), true, Vec::new())
            }
            Target::Existing(n) => (n, false, s.set_content(n, blob)),
            Target::New {
                parent,
                missing,
                name,
            } => {
                let parent = make_parents(s, parent, &missing);
                (s.insert(parent, &name, Some(blob)), true, Vec::new())
            }
        };
        if let Some(node) = s.node_mut(n) {
            if let Some(t) = &c.fs.0 {
                node.fs_created = t.clone();
            }
            if let Some(t) = &c.fs.1 {
                node.fs_modified = t.clone();
            }
        }
        Ok((n, created, old))
    });
    res.map(|(n, created, old)| {
        shared.blobs.remove_all(old);
        (n, created)
    })
}

pub(crate) fn item_answer(shared: &Shared, n: u64, created: bool) -> ApiResult {
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let s = shared.lock_store();
    Ok(json_response(status, &item_value(shared, &s, n, None)))
}

/// The declared body length; a body with neither length nor chunked encoding is empty.
pub(crate) fn content_length(headers: &HeaderMap) -> Option<u64> {
    match headers.get(header::CONTENT_LENGTH) {
        Some(v) => v.to_str().ok()?.parse().ok(),
        None if headers.contains_key(header::TRANSFER_ENCODING) => None,
        None => Some(0),
    }
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "invalidRequest",
        "Simple uploads are limited to 4 MiB; use an upload session.",
    )
    .inner("maxFileSizeExceeded")
}

pub(crate) fn write_error(e: WriteError) -> ApiError {
    match e {
        WriteError::TooLarge => too_large(),
        WriteError::Body(m) => ApiError::bad_request(format!("Reading the body failed: {m}")),
        WriteError::Io(e) => e.into(),
    }
}

/// `PUT .../content`: simple upload (conflictBehavior from the query, default `replace`).
pub(crate) async fn simple_put(shared: &Shared, ctx: &Ctx, p: &ItemPath, body: Body) -> ApiResult {
    let conflict = check_conflict(
        ctx.q("@microsoft.graph.conflictBehavior")
            .unwrap_or("replace"),
    )?;
    let len = content_length(&ctx.headers).ok_or_else(|| {
        ApiError::new(
            StatusCode::LENGTH_REQUIRED,
            "invalidRequest",
            "Content-Length is required.",
        )
    })?;
    if len > SIMPLE_LIMIT {
        return Err(too_large());
    }
    let target = write_target(shared, p)?;
    if let Target::Existing(n) = target {
        let s = shared.lock_store();
        let node = s.node(n)?;
        if !node.is_file() || conflict == "fail" {
            return Err(ApiError::name_exists(&node.name));
        }
    }
    let base = resolve(shared, &p.with(p.base.clone(), Vec::new()))?;
    let blob = shared
        .blobs
        .write_body(body, SIMPLE_LIMIT)
        .await
        .map_err(write_error)?;
    let key = blob.key().map(str::to_owned).unwrap_or_default();
    let c = Commit {
        user: p.user,
        base,
        rel: &p.rel,
        conflict: &conflict,
        fs: (None, None),
    };
    match commit(shared, &c, blob) {
        Ok((n, created)) => item_answer(shared, n, created),
        Err(e) => {
            shared.blobs.remove(&key);
            Err(e)
        }
    }
}
