//! File versions and thumbnails (graph-api.md §4, §6, §13).
//!
//! A replaced file keeps its earlier contents as versions (at most [`MAX_VERSIONS`](super::store::MAX_VERSIONS)):
//! `…/versions` lists them newest first, the current content first with the next number;
//! `…/versions/{id}/content` answers 302 to a pre-authenticated URL; `…/restoreVersion` makes
//! a copy of that version the current content (so the replaced one becomes a version too).
//! `…/thumbnails` answers one set (`small`, `medium`, `large`) for images and an empty list
//! otherwise; the emulator does not scale images, so every size serves the file itself.

use std::sync::Arc;

use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::Shared;
use super::content::{check_signature, serve_blob};
use super::drives::identity;
use super::items::{resolve, resolve_write};
use super::path::{ItemPath, VersionOp};
use super::render::{mime_type, tempauth};
use super::resp::{ApiError, ApiResult, ok};
use super::store::{Node, Store, next_version};

/// The pre-authenticated URL of version `vid` (or `thumbnail`) of item `n`.
fn content_url(shared: &Shared, n: u64, vid: &str) -> String {
    let what = format!("{n}/{vid}");
    format!(
        "{}/version/{what}?tempauth={}",
        shared.urls.content_origin,
        tempauth(shared, &format!("v{what}"))
    )
}

fn redirect(url: String) -> ApiResult {
    Ok((StatusCode::FOUND, [(header::LOCATION, url)]).into_response())
}

/// `GET …/thumbnails[/{set}[/{size}[/content]]]`.
pub(crate) fn thumbnails(shared: &Shared, p: &ItemPath, parts: &[String]) -> ApiResult {
    let n = resolve(shared, p)?;
    let image = {
        let s = shared.lock_store();
        let node = s.node(n)?;
        node.is_file() && mime_type(&node.name).starts_with("image/")
    };
    let url = content_url(shared, n, "thumbnail");
    let sizes = [("small", 96), ("medium", 176), ("large", 800)];
    let set = |name: &str| -> Option<Value> {
        let (_, px) = sizes.iter().find(|(k, _)| *k == name)?;
        Some(json!({"height": px, "width": px, "url": url}))
    };
    let mut whole = json!({"id": "0"});
    for (k, _) in sizes {
        whole[k] = set(k).unwrap_or(Value::Null);
    }
    match parts {
        [] if image => ok(&json!({"value": [whole]})),
        [] => ok(&json!({"value": []})),
        [id] if image && id == "0" => ok(&whole),
        [id, size] if image && id == "0" => ok(&set(size).ok_or_else(ApiError::not_found)?),
        [id, size, c] if image && id == "0" && c == "content" && set(size).is_some() => {
            redirect(url.clone())
        }
        _ => Err(ApiError::not_found()),
    }
}

fn version_json(s: &Store, node: &Node, id: &str) -> Option<Value> {
    let (size, modified, by) = if id == current_id(node) {
        (node.blob.as_ref()?.size, &node.fs_modified, node.by[1])
    } else {
        let v = node.versions().iter().find(|v| v.id == id)?;
        (v.blob.size, &v.modified, v.by)
    };
    Some(json!({"id": id, "size": size,
        "lastModifiedDateTime": modified.show(s.profile),
        "lastModifiedBy": identity(s, by)}))
}

fn current_id(node: &Node) -> String {
    format!("{}.0", next_version(node.versions()))
}

/// `…/versions`, `…/versions/{id}`, `…/versions/{id}/content`, `…/restoreVersion`.
pub(crate) async fn versions(
    shared: &Shared,
    p: &ItemPath,
    id: Option<String>,
    op: VersionOp,
    m: &Method,
) -> ApiResult {
    if (op == VersionOp::Restore) != (m == Method::POST)
        || !matches!(*m, Method::GET | Method::POST)
    {
        return Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "invalidRequest",
            "Unsupported method for versions",
        ));
    }
    let n = match op {
        VersionOp::Restore => resolve_write(shared, p)?,
        _ => resolve(shared, p)?,
    };
    let Some(id) = id else {
        let s = shared.lock_store();
        let node = s.node(n)?.clone();
        if !node.is_file() {
            return ok(&json!({"value": []}));
        }
        let mut value = vec![version_json(&s, &node, &current_id(&node))];
        value.extend(
            node.versions()
                .iter()
                .rev()
                .map(|v| version_json(&s, &node, &v.id)),
        );
        return ok(&json!({"value": value}));
    };
    let blob = {
        let s = shared.lock_store();
        let node = s.node(n)?;
        let v = version_json(&s, node, &id).ok_or_else(ApiError::not_found)?;
        match op {
            VersionOp::Get => return ok(&v),
            VersionOp::Content => return redirect(content_url(shared, n, &id)),
            VersionOp::Restore => node
                .versions()
                .iter()
                .find(|v| v.id == id)
                .map(|v| v.blob.clone()),
        }
    };
    let Some(blob) = blob else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let copy = shared.blobs.duplicate(&blob).await?;
    let dropped = shared.mutate_as(p.user, |s| s.set_content(n, copy));
    shared.blobs.remove_all(dropped);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /version/{n}/{id}?tempauth=…` on the content listener: a version's (or a
/// thumbnail's) bytes.
pub(crate) async fn download(
    shared: &Arc<Shared>,
    m: &Method,
    what: &str,
    query: &[(String, String)],
    headers: &HeaderMap,
) -> ApiResult {
    check_signature(shared, &format!("v{what}"), query)?;
    let (n, vid) = what.split_once('/').ok_or_else(ApiError::not_found)?;
    let n: u64 = n.parse().map_err(|_| ApiError::not_found())?;
    let (blob, name) = {
        let s = shared.lock_store();
        let node = s.node(n)?;
        let blob = if vid == "thumbnail" || vid == current_id(node) {
            node.blob.clone()
        } else {
            node.versions()
                .iter()
                .find(|v| v.id == vid)
                .map(|v| v.blob.clone())
        };
        (blob.ok_or_else(ApiError::not_found)?, node.name.to_string())
    };
    serve_blob(shared, m, &blob, &name, headers).await
}
