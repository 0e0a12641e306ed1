//! Item addressing and the metadata endpoints: `/me`, drives, GET/PATCH/DELETE of items,
//! `/children` listing and folder creation (graph-api.md §1, §3, §6).

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::Shared;
use super::listing::page;
use super::path::{Base, ItemPath, check_name, check_path_len};
use super::render::{drive as drive_json, item, item_value};
use super::resp::{ApiError, ApiResult, json_response, ok};
use super::routes::{Ctx, json_body};
use super::store::{ROOT, Store};

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
pub(crate) fn me(shared: &Shared) -> ApiResult {
    let id = shared.lock_store().drive_id.to_lowercase();
    ok(
        &json!({"id": id, "displayName": "Demo User", "userPrincipalName": "demo@example.invalid",
        "mail": "demo@example.invalid"}),
    )
}

/// `GET /me/drive`.
pub(crate) fn drive(shared: &Shared) -> ApiResult {
    ok(&drive_json(&shared.lock_store()))
}

/// `GET /me/drives`.
pub(crate) fn drives(shared: &Shared) -> ApiResult {
    ok(&json!({"value": [drive_json(&shared.lock_store())]}))
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
fn base_of(shared: &Shared, base: &Base) -> Result<u64, ApiError> {
    match base {
        Base::Id(id) => shared
            .lock_store()
            .parse_id(id)
            .ok_or_else(ApiError::not_found),
        Base::Special(name) => {
            let path = special_path(name).ok_or_else(ApiError::not_found)?;
            Ok(shared.mutate(|s| {
                let n = path.iter().fold(ROOT, |cur, seg| match s.child(cur, seg) {
                    Some(n) => n,
                    None => s.insert(cur, seg, None),
                });
                if let Some(node) = s.node_mut(n)
                    && node.special.is_none()
                {
                    node.special = Some(name.clone());
                }
                n
            }))
        }
    }
}

/// Resolves an existing item (`404 itemNotFound` otherwise).
pub(crate) fn resolve(shared: &Shared, p: &ItemPath) -> Result<u64, ApiError> {
    let base = base_of(shared, &p.base)?;
    let s = shared.lock_store();
    p.rel
        .iter()
        .try_fold(base, |cur, name| s.child(cur, name))
        .ok_or_else(ApiError::not_found)
}

/// Resolves where a write to `p` lands, checking new names and the path length.
pub(crate) fn write_target(shared: &Shared, p: &ItemPath) -> Result<Target, ApiError> {
    let base = base_of(shared, &p.base)?;
    let s = shared.lock_store();
    target_in(&s, base, &p.rel)
}

/// [`write_target`] on a locked store.
pub(crate) fn target_in(s: &Store, base: u64, rel: &[String]) -> Result<Target, ApiError> {
    if !rel.is_empty() && s.node(base)?.blob.is_some() {
        return Err(ApiError::bad_request("A path can only follow a folder").inner("invalidPath"));
    }
    let mut cur = base;
    for (i, name) in rel.iter().enumerate() {
        match s.child(cur, name) {
            Some(n) if i + 1 == rel.len() => return Ok(Target::Existing(n)),
            Some(n) if s.get(n).is_some_and(|x| x.is_folder()) => cur = n,
            Some(_) => return Err(ApiError::name_exists(name)),
            None => {
                let (missing, last) = rel[i..].split_at(rel.len() - i - 1);
                let mut names = s.names_of(cur);
                for m in rel[i..].iter() {
                    check_name(m)?;
                    names.push(m);
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
    let it = item(shared, &s, n).ok_or_else(ApiError::not_found)?;
    let want = want.trim().trim_matches('"');
    if want == "*" || Some(want) == it.e_tag.as_deref() || Some(want) == it.c_tag.as_deref() {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::PRECONDITION_FAILED,
        "resourceModified",
        "ETag does not match current item's value",
    )
    .inner("entityTagDoesNotMatch"))
}

/// `GET` an item, with `$select`, `$expand=children` and `If-None-Match`.
pub(crate) fn get(shared: &Shared, ctx: &Ctx, p: &ItemPath) -> ApiResult {
    let n = resolve(shared, p)?;
    let s = shared.lock_store();
    let mut v = item_value(shared, &s, n, ctx.q("$select"));
    if let Some(tag) = ctx.header(header::IF_NONE_MATCH) {
        let tag = tag.trim().trim_matches('"');
        let it = item(shared, &s, n).ok_or_else(ApiError::not_found)?;
        if Some(tag) == it.e_tag.as_deref() || Some(tag) == it.c_tag.as_deref() {
            return Ok(StatusCode::NOT_MODIFIED.into_response());
        }
    }
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
    page(shared, ctx, &s, s.children(n), |_| {})
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
    let parent = resolve(shared, p)?;
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    check_name(&name)?;
    if body.get("folder").is_none() {
        return Err(ApiError::bad_request(
            "Only folders can be created here; upload files with PUT",
        ));
    }
    let conflict = body_conflict(&body, "fail")?;
    let (n, blobs) = shared.mutate(|s| {
        if s.get(parent).is_none_or(|x| !x.is_folder()) {
            return Err(ApiError::not_found());
        }
        let mut names = s.names_of(parent);
        names.push(&name);
        check_path_len(&names)?;
        let mut blobs = Vec::new();
        let name = match (s.child(parent, &name), conflict.as_str()) {
            (None, _) => name.clone(),
            (Some(_), "fail") => return Err(ApiError::name_exists(&name)),
            (Some(_), "rename") => s.free_name(parent, &name),
            (Some(old), _) => {
                blobs = s.remove(old);
                name.clone()
            }
        };
        Ok((s.insert(parent, &name, None), blobs))
    })?;
    for b in blobs {
        shared.blobs.remove(&b.key);
    }
    let s = shared.lock_store();
    Ok(json_response(
        StatusCode::CREATED,
        &item_value(shared, &s, n, None),
    ))
}

/// What a PATCH asks for.
struct Patch {
    name: Option<String>,
    parent: Option<u64>,
    created: Option<String>,
    modified: Option<String>,
}

impl Patch {
    /// Reads and checks a PATCH body.
    fn parse(shared: &Shared, body: &Value) -> Result<Patch, ApiError> {
        let fs = body.get("fileSystemInfo");
        let time = |k: &str| fs.and_then(|f| f.get(k)).map(parse_time).transpose();
        let parent_id = body
            .get("parentReference")
            .and_then(|r| r.get("id"))
            .and_then(Value::as_str);
        let parent = match parent_id {
            Some("root") => {
                return Err(ApiError::bad_request(
                    "parentReference.id must be an item id, not the alias 'root'",
                ));
            }
            Some(id) => Some(
                shared
                    .lock_store()
                    .parse_id(id)
                    .ok_or_else(ApiError::not_found)?,
            ),
            None => None,
        };
        let name = body.get("name").and_then(Value::as_str).map(str::to_owned);
        if let Some(name) = &name {
            check_name(name)?;
        }
        Ok(Patch {
            name,
            parent,
            created: time("createdDateTime")?,
            modified: time("lastModifiedDateTime")?,
        })
    }

    /// Applies the patch to item `n`.
    fn apply(&self, s: &mut Store, n: u64) -> Result<(), ApiError> {
        if n == ROOT && (self.name.is_some() || self.parent.is_some()) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "accessDenied",
                "The root cannot be moved or renamed.",
            ));
        }
        let node = s.node(n)?;
        let (cur_parent, cur_name) = (node.parent.unwrap_or(ROOT), node.name.clone());
        let parent = self.parent.unwrap_or(cur_parent);
        let name = self.name.clone().unwrap_or_else(|| cur_name.clone());
        if s.get(parent).is_none_or(|x| !x.is_folder()) || s.is_within(parent, n) {
            return Err(ApiError::bad_request("The target folder is invalid"));
        }
        if (parent, name.as_str()) != (cur_parent, cur_name.as_str()) {
            if s.child(parent, &name).is_some_and(|c| c != n) {
                return Err(ApiError::name_exists(&name));
            }
            let mut names = s.names_of(parent);
            names.push(&name);
            check_path_len(&names)?;
            s.relocate(n, parent, &name);
        }
        if let Some(node) = s.node_mut(n) {
            if let Some(c) = &self.created {
                node.fs_created = c.clone();
            }
            if let Some(m) = &self.modified {
                node.fs_modified = m.clone();
            }
        }
        s.touch(n, false);
        Ok(())
    }
}

/// `PATCH` an item: rename, move (`parentReference.id`, a real id), `fileSystemInfo`.
pub(crate) async fn update(shared: &Shared, ctx: &Ctx, p: &ItemPath, body: Body) -> ApiResult {
    let body = json_body(body).await?;
    let n = resolve(shared, p)?;
    check_if_match(shared, ctx, n)?;
    let patch = Patch::parse(shared, &body)?;
    shared.mutate(|s| patch.apply(s, n))?;
    let s = shared.lock_store();
    ok(&item_value(shared, &s, n, None))
}

/// Parses a client-sent time and normalizes it to RFC 3339 UTC with milliseconds.
pub(crate) fn parse_time(v: &Value) -> Result<String, ApiError> {
    let bad = || {
        ApiError::bad_request("Invalid date-time in fileSystemInfo").inner("invalidParameterFormat")
    };
    let t = v.as_str().ok_or_else(bad)?;
    let t = time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
        .map_err(|_| bad())?
        .to_offset(time::UtcOffset::UTC);
    let t = t
        .replace_nanosecond(t.millisecond() as u32 * 1_000_000)
        .unwrap_or(t);
    t.format(&time::format_description::well_known::Rfc3339)
        .map_err(|_| bad())
}

/// `DELETE` an item (recursive for folders).
pub(crate) fn delete(shared: &Shared, ctx: &Ctx, p: &ItemPath) -> ApiResult {
    let n = resolve(shared, p)?;
    if n == ROOT {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "accessDenied",
            "The root cannot be deleted.",
        ));
    }
    check_if_match(shared, ctx, n)?;
    let blobs = shared.mutate(|s| s.remove(n));
    for b in blobs {
        shared.blobs.remove(&b.key);
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
