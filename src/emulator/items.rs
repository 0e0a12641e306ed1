//! Item addressing and the metadata endpoints: `/me`, drives, GET/DELETE of items,
//! `/children` listing and folder creation (graph-api.md §1, §3, §6).
//!
//! Every handler finds its item through [`resolve`] (read) or [`resolve_write`] /
//! [`write_target`] (write), which also check that the user may do that
//! ([`super::drives::check`]). A path never passes through a shortcut: `root:/Shortcut/sub:`
//! answers 404 as on the service; the shortcut's content is addressed on its own drive
//! (`/drives/{remote drive}/items/{remote id}:/sub:`).

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::Shared;
use super::drives::{self, check};
use super::listing::children_page;
use super::names::{check_name, check_path_len, check_root_folder};
use super::path::{Base, DriveSel, ItemPath};
use super::render::{ctag, etag, item_value, tag_matches};
use super::resp::{ApiError, ApiResult, json_response, ok};
use super::routes::{Ctx, json_body};
use super::store::Store;

/// Where a write lands: an existing item, or a new one (with any missing folders above it).
#[derive(Debug, Clone)]
pub(crate) enum Target {
    /// The item exists.
    Existing(u64),
    /// Create `name` under `parent`, after creating `missing` folders below `parent`.
    New {
        parent: u64,
        missing: Vec<String>,
        name: String,
    },
}

/// `GET /me`.
pub(crate) fn me(shared: &Shared, user: usize) -> ApiResult {
    ok(&drives::me(&shared.lock_store(), user))
}

/// `GET /me/drive`, `/drives/{id}`, `/sites/{id}/drive`.
pub(crate) fn drive(shared: &Shared, sel: &DriveSel, user: usize) -> ApiResult {
    let s = shared.lock_store();
    let d = drives::select(&s, sel, user)?;
    check(&s, user, s.drives[d].root, false).or_else(|e| {
        // Someone else's drive: the drive resource is visible when something on it is shared.
        let shared_here = s
            .grants
            .iter()
            .any(|g| g.user == user && s.get(g.item).is_some_and(|x| x.drive == d));
        if shared_here { Ok(()) } else { Err(e) }
    })?;
    ok(&drives::drive_json(&s, d))
}

/// `GET /me/drives`.
pub(crate) fn drive_list(shared: &Shared, user: usize) -> ApiResult {
    ok(&drives::list(&shared.lock_store(), user))
}

/// The special folders (graph-api.md §1.3) and where they live.
fn special_path(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "documents" => &["Documents"],
        "photos" => &["Pictures"],
        "cameraroll" => &["Pictures", "Camera Roll"],
        "approot" => &["Apps", "skydrive-cli"],
        "music" => &["Music"],
        _ => return None,
    })
}

/// The number of the item before the first colon (special folders are created on demand).
fn base_of(shared: &Shared, p: &ItemPath) -> Result<u64, ApiError> {
    match &p.base {
        Base::Id(id) => shared
            .lock_store()
            .parse_id(p.drive, id)
            .ok_or_else(ApiError::not_found),
        Base::Special(name) => {
            let path = special_path(name).ok_or_else(ApiError::not_found)?;
            shared.mutate_as(p.user, |s| {
                let root = s.drives[p.drive].root;
                check(s, p.user, root, true)?;
                let n = path.iter().fold(root, |cur, seg| match s.child(cur, seg) {
                    Some(n) => n,
                    None => s.insert(cur, seg, None),
                });
                if let Some(node) = s.node_mut(n)
                    && node.special().is_none()
                {
                    node.extra_mut().special = Some(name.clone());
                }
                Ok(n)
            })
        }
    }
}

/// Walks `rel` down from `base`; 404 when a name is missing (a shortcut has no children).
fn walk(s: &Store, base: u64, rel: &[String]) -> Result<u64, ApiError> {
    rel.iter()
        .try_fold(base, |cur, name| s.child(cur, name))
        .ok_or_else(ApiError::not_found)
}

/// Resolves an existing item the user may read (`404 itemNotFound`, `403 accessDenied`).
pub(crate) fn resolve(shared: &Shared, p: &ItemPath) -> Result<u64, ApiError> {
    resolve_for(shared, p, false)
}

/// Resolves an existing item the user may change.
pub(crate) fn resolve_write(shared: &Shared, p: &ItemPath) -> Result<u64, ApiError> {
    resolve_for(shared, p, true)
}

fn resolve_for(shared: &Shared, p: &ItemPath, write: bool) -> Result<u64, ApiError> {
    let base = base_of(shared, p)?;
    let s = shared.lock_store();
    let n = walk(&s, base, &p.rel)?;
    check(&s, p.user, n, write)?;
    Ok(n)
}

/// Resolves where a write to `p` lands, checking new names, the path length and access.
pub(crate) fn write_target(shared: &Shared, p: &ItemPath) -> Result<Target, ApiError> {
    let base = base_of(shared, p)?;
    let s = shared.lock_store();
    let t = target_in(&s, base, &p.rel)?;
    let n = match &t {
        Target::Existing(n) => *n,
        Target::New { parent, .. } => *parent,
    };
    check(&s, p.user, n, true)?;
    Ok(t)
}

/// [`write_target`] on a locked store, without the access check.
pub(crate) fn target_in(s: &Store, base: u64, rel: &[String]) -> Result<Target, ApiError> {
    if !rel.is_empty() && s.node(base)?.is_file() {
        return Err(ApiError::bad_request("A path can only follow a folder").inner("invalidPath"));
    }
    let mut cur = base;
    for (i, name) in rel.iter().enumerate() {
        match s.child(cur, name) {
            Some(n) if i + 1 == rel.len() => return Ok(Target::Existing(n)),
            Some(n) if s.get(n).is_some_and(|x| x.is_container()) => cur = n,
            Some(n) if s.get(n).is_some_and(|x| x.remote().is_some()) => {
                return Err(ApiError::not_found());
            }
            Some(_) => return Err(ApiError::name_exists(name)),
            None if !s.node(cur)?.is_container() => return Err(ApiError::not_found()),
            None => {
                let (missing, last) = rel[i..].split_at(rel.len() - i - 1);
                let mut names = s.names_of(cur);
                for m in rel[i..].iter() {
                    check_name(s.profile, m)?;
                    names.push(m);
                }
                if s.node(cur)?.parent.is_none() {
                    check_root_folder(s.profile, &rel[i])?;
                }
                check_path_len(&names)?;
                return Ok(Target::New {
                    parent: cur,
                    missing: missing.to_vec(),
                    name: last[0].clone(),
                });
            }
        }
    }
    Ok(Target::Existing(cur))
}

/// Creates the missing folders of a [`Target::New`]; returns the parent to create in.
pub(crate) fn make_parents(s: &mut Store, parent: u64, missing: &[String]) -> u64 {
    missing
        .iter()
        .fold(parent, |cur, name| match s.child(cur, name) {
            Some(n) => n,
            None => s.insert(cur, name, None),
        })
}

/// Checks `If-Match` against the item's eTag and cTag (`412 resourceModified` on mismatch).
pub(crate) fn check_if_match(shared: &Shared, ctx: &Ctx, n: u64) -> Result<(), ApiError> {
    let Some(want) = ctx.header(header::IF_MATCH) else {
        return Ok(());
    };
    let s = shared.lock_store();
    if want.trim() == "*" || has_tag(&s, n, want)? {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::PRECONDITION_FAILED,
        "resourceModified",
        "ETag does not match current item's value",
    )
    .inner("entityTagDoesNotMatch"))
}

/// Whether `want` is the eTag or cTag of item `n`.
fn has_tag(s: &Store, n: u64, want: &str) -> Result<bool, ApiError> {
    let node = s.node(n)?;
    Ok(tag_matches(want, &etag(s, node)) || ctag(s, node).is_some_and(|c| tag_matches(want, &c)))
}

/// `GET` an item, with `$select`, `$expand=children` and `If-None-Match`.
pub(crate) fn get(shared: &Shared, ctx: &Ctx, p: &ItemPath) -> ApiResult {
    let n = resolve(shared, p)?;
    let s = shared.lock_store();
    if let Some(tag) = ctx.header(header::IF_NONE_MATCH)
        && has_tag(&s, n, tag)?
    {
        return Ok(StatusCode::NOT_MODIFIED.into_response());
    }
    let mut v = item_value(shared, &s, n, ctx.q("$select"));
    if let Some(expand) = ctx.q("$expand")
        && expand.starts_with("children")
    {
        let inner = expand
            .strip_prefix("children(")
            .and_then(|r| r.strip_suffix(')'))
            .and_then(|r| r.trim_start_matches('$').strip_prefix("select="));
        let kids: Vec<Value> = s
            .children(n)
            .into_iter()
            .take(200)
            .map(|c| item_value(shared, &s, c, inner))
            .collect();
        v["children"] = json!(kids);
    }
    ok(&v)
}

/// `GET .../children`.
pub(crate) fn children(shared: &Shared, ctx: &Ctx, p: &ItemPath) -> ApiResult {
    let n = resolve(shared, p)?;
    let s = shared.lock_store();
    children_page(shared, ctx, &s, n)
}

/// The `@microsoft.graph.conflictBehavior` of a JSON body (also the legacy `@name.` form).
pub(crate) fn body_conflict(body: &Value, default: &'static str) -> Result<String, ApiError> {
    let v = body
        .get("@microsoft.graph.conflictBehavior")
        .or_else(|| body.get("@name.conflictBehavior"))
        .and_then(Value::as_str)
        .unwrap_or(default);
    check_conflict(v)
}

/// Only `fail`, `replace` and `rename` are valid.
pub(crate) fn check_conflict(v: &str) -> Result<String, ApiError> {
    match v {
        "fail" | "replace" | "rename" => Ok(v.to_owned()),
        _ => Err(ApiError::bad_request(format!(
            "Invalid conflictBehavior: {v}"
        ))),
    }
}

/// `POST .../children`: create a folder (conflictBehavior default `fail`).
pub(crate) async fn create_folder(shared: &Shared, p: &ItemPath, body: Body) -> ApiResult {
    let body = json_body(body).await?;
    let parent = resolve_write(shared, p)?;
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if body.get("folder").is_none() {
        return Err(ApiError::bad_request(
            "Only folders can be created here; upload files with PUT",
        ));
    }
    let conflict = body_conflict(&body, "fail")?;
    let (n, blobs) = shared.mutate_as(p.user, |s| {
        let target = target_in(s, parent, std::slice::from_ref(&name))?;
        let mut blobs = Vec::new();
        let name = match (target, conflict.as_str()) {
            (Target::New { .. }, _) => name.clone(),
            (Target::Existing(_), "fail") => return Err(ApiError::name_exists(&name)),
            (Target::Existing(_), "rename") => s.free_name(parent, &name),
            (Target::Existing(old), _) => {
                blobs = s.remove(old);
                name.clone()
            }
        };
        Ok((s.insert(parent, &name, None), blobs))
    })?;
    shared.blobs.remove_all(blobs);
    let s = shared.lock_store();
    Ok(json_response(
        StatusCode::CREATED,
        &item_value(shared, &s, n, None),
    ))
}

/// `DELETE` an item (recursive for folders).
pub(crate) fn delete(shared: &Shared, ctx: &Ctx, p: &ItemPath) -> ApiResult {
    let n = resolve_write(shared, p)?;
    if shared.lock_store().node(n)?.parent.is_none() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "accessDenied",
            "The root cannot be deleted.",
        ));
    }
    check_if_match(shared, ctx, n)?;
    let blobs = shared.mutate_as(p.user, |s| s.remove(n));
    shared.blobs.remove_all(blobs);
    Ok(StatusCode::NO_CONTENT.into_response())
}
