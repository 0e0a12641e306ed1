//! `PATCH` of an item (graph-api.md §6): rename, move within its drive (`parentReference.id`
//! must be a real id, not the alias `root`), and the client-settable `fileSystemInfo` times.

use axum::body::Body;
use axum::http::StatusCode;
use serde_json::Value;

use super::Shared;
use super::drives::check;
use super::items::{check_if_match, resolve_write};
use super::names::{check_name, check_path_len, check_root_folder};
use super::path::ItemPath;
use super::render::item_value;
use super::resp::{ApiError, ApiResult, ok};
use super::routes::{Ctx, json_body};
use super::store::{Stamp, Store};

/// What a PATCH asks for.
struct Patch {
    name: Option<String>,
    parent: Option<u64>,
    created: Option<Stamp>,
    modified: Option<Stamp>,
}

impl Patch {
    /// Reads and checks a PATCH body (ids are read on the item's drive).
    fn parse(shared: &Shared, p: &ItemPath, body: &Value) -> Result<Patch, ApiError> {
        let fs = body.get("fileSystemInfo");
        let time = |k: &str| fs.and_then(|f| f.get(k)).map(parse_time).transpose();
        let parent_id = body
            .get("parentReference")
            .and_then(|r| r.get("id"))
            .and_then(Value::as_str);
        let s = shared.lock_store();
        let parent = match parent_id {
            Some("root") => {
                return Err(ApiError::bad_request(
                    "parentReference.id must be an item id, not the alias 'root'",
                ));
            }
            Some(id) => Some(s.parse_id(p.drive, id).ok_or_else(ApiError::not_found)?),
            None => None,
        };
        let name = body.get("name").and_then(Value::as_str).map(str::to_owned);
        if let Some(name) = &name {
            check_name(s.profile, name)?;
        }
        Ok(Patch {
            name,
            parent,
            created: time("createdDateTime")?,
            modified: time("lastModifiedDateTime")?,
        })
    }

    /// Applies the patch to item `n` on behalf of `user`.
    fn apply(&self, s: &mut Store, n: u64, user: usize) -> Result<(), ApiError> {
        let node = s.node(n)?;
        if node.parent.is_none() && (self.name.is_some() || self.parent.is_some()) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "accessDenied",
                "The root cannot be moved or renamed.",
            ));
        }
        let (cur_parent, cur_name) = (node.parent.unwrap_or(n), node.name.clone());
        let parent = self.parent.unwrap_or(cur_parent);
        let name = self.name.clone().unwrap_or_else(|| cur_name.to_string());
        if s.get(parent).is_none_or(|x| !x.is_container()) || s.is_within(parent, n) {
            return Err(ApiError::bad_request("The target folder is invalid"));
        }
        if (parent, name.as_str()) != (cur_parent, cur_name.as_str()) {
            check(s, user, parent, true)?;
            if s.child(parent, &name).is_some_and(|c| c != n) {
                return Err(ApiError::name_exists(&name));
            }
            if s.node(parent)?.parent.is_none() && s.node(n)?.is_folder() {
                check_root_folder(s.profile, &name)?;
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
    let n = resolve_write(shared, p)?;
    check_if_match(shared, ctx, n)?;
    let patch = Patch::parse(shared, p, &body)?;
    shared.mutate_as(p.user, |s| patch.apply(s, n, p.user))?;
    let s = shared.lock_store();
    ok(&item_value(shared, &s, n, None))
}

/// Reads a client-sent RFC 3339 time (kept to the millisecond).
pub(crate) fn parse_time(v: &Value) -> Result<Stamp, ApiError> {
    let bad = || {
        ApiError::bad_request("Invalid date-time in fileSystemInfo").inner("invalidParameterFormat")
    };
    let t = v.as_str().ok_or_else(bad)?;
    let t = time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
        .map_err(|_| bad())?;
    Ok(Stamp::from_time(t))
}
