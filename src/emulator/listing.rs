//! Collections (graph-api.md §3): `$top` (default 200, at most 1000), `$skiptoken` paging with
//! an absolute `@odata.nextLink`, `$orderby` and `$select`, shared by children, search and
//! recent.
//!
//! A folder's children in name order page by cursor: the skip token names the last child
//! served (`k1.` and its name key in base64url), and the next page starts at a binary search
//! for it, so a page of a 100,000-child folder costs O(page), and children added or removed
//! meanwhile shift nothing (issue 15). Other collections (`$orderby`, search) page by offset
//! (`s1.N`) over the sorted list.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::Shared;
use super::render::item_value;
use super::resp::{ApiError, ApiResult, ok_collection};
use super::routes::Ctx;
use super::store::{Store, name_key};

/// Default page size.
pub(crate) const DEFAULT_TOP: usize = 200;
/// Largest page size.
pub(crate) const MAX_TOP: usize = 1000;

/// The page size asked for.
pub(crate) fn top(ctx: &Ctx) -> Result<usize, ApiError> {
    match ctx.q("$top") {
        None => Ok(DEFAULT_TOP),
        Some(t) => match t.parse::<usize>() {
            Ok(0) | Err(_) => Err(ApiError::bad_request(format!("Invalid $top value: {t}"))
                .inner("invalidQueryOption")),
            Ok(n) => Ok(n.min(MAX_TOP)),
        },
    }
}

/// The offset encoded in `$skiptoken` (0 when absent).
pub(crate) fn skip(ctx: &Ctx) -> Result<usize, ApiError> {
    match ctx.q("$skiptoken") {
        None => Ok(0),
        Some(t) => t
            .strip_prefix("s1.")
            .and_then(|n| n.parse().ok())
            .ok_or_else(bad_token),
    }
}

fn bad_token() -> ApiError {
    ApiError::bad_request("Invalid paging token.").inner("invalidStartIndex")
}

/// One page of `folder`'s children (see the module docs for its skip token).
pub(crate) fn children_page(shared: &Shared, ctx: &Ctx, s: &Store, folder: u64) -> ApiResult {
    let token = ctx.q("$skiptoken");
    if ctx.q("$orderby").is_some() || token.is_some_and(|t| t.starts_with("s1.")) {
        return page(shared, ctx, s, s.children(folder), |_| {});
    }
    let start = match token {
        None => 0,
        Some(t) => {
            let key = t
                .strip_prefix("k1.")
                .and_then(|k| URL_SAFE_NO_PAD.decode(k).ok());
            let key = key
                .and_then(|k| String::from_utf8(k).ok())
                .ok_or_else(bad_token)?;
            s.nodes.after(folder, &key)
        }
    };
    let kids = s.kids(folder);
    let end = kids.len().min(start + top(ctx)?);
    let select = ctx.q("$select");
    let value = kids[start.min(end)..end]
        .iter()
        .map(|n| item_value(shared, s, *n, select));
    let next = match kids[..end].last().and_then(|n| s.get(*n)) {
        Some(last) if end < kids.len() => {
            let token = format!("k1.{}", URL_SAFE_NO_PAD.encode(name_key(&last.name)));
            Some(link_with(shared, ctx, "$skiptoken", &token))
        }
        _ => None,
    };
    collection(shared, value, next)
}

/// A collection answer of `value`, with `next` as its nextLink.
fn collection(
    shared: &Shared,
    value: impl Iterator<Item = Value>,
    next: Option<String>,
) -> ApiResult {
    let context = format!("{}/$metadata#Collection(driveItem)", shared.urls.graph_base);
    let mut fields = vec![("@odata.context", context.as_str())];
    if let Some(next) = &next {
        fields.push(("@odata.nextLink", next));
    }
    ok_collection(&fields, value)
}

/// The skip token for `offset`.
pub(crate) fn skip_token(offset: usize) -> String {
    format!("s1.{offset}")
}

/// This request's URL with `key` replaced by `value` (absolute, for `@odata.nextLink`).
pub(crate) fn link_with(shared: &Shared, ctx: &Ctx, key: &str, value: &str) -> String {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    let bare = key.trim_start_matches('$');
    for (k, v) in &ctx.query {
        if !k.trim_start_matches('$').eq_ignore_ascii_case(bare) {
            ser.append_pair(k, v);
        }
    }
    ser.append_pair(key, value);
    format!("{}{}?{}", shared.urls.graph_base, ctx.path, ser.finish())
}

/// Sorts item numbers by `$orderby` (`name`, `size`, `lastModifiedDateTime`, ` asc|desc`).
pub(crate) fn order(ctx: &Ctx, s: &Store, nums: &mut [u64]) -> Result<(), ApiError> {
    let Some(spec) = ctx.q("$orderby") else {
        return Ok(());
    };
    let mut words = spec.split_whitespace();
    let field = words.next().unwrap_or("").to_lowercase();
    let desc = match words.next().map(str::to_lowercase).as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "Invalid $orderby direction: {other}"
            )));
        }
    };
    let name = |n: &u64| s.get(*n).map(|x| x.name.to_lowercase()).unwrap_or_default();
    match field.as_str() {
        "name" => nums.sort_by_key(name),
        "size" => nums.sort_by_key(|n| s.size(*n)),
        "lastmodifieddatetime" => {
            nums.sort_by_key(|n| s.get(*n).map(|x| x.modified.clone()).unwrap_or_default())
        }
        _ => {
            return Err(
                ApiError::bad_request(format!("Unsupported $orderby: {spec}"))
                    .inner("invalidQueryOption"),
            );
        }
    }
    if desc {
        nums.reverse();
    }
    Ok(())
}

/// One page of items as a collection answer; `decorate` adds per-item extras.
pub(crate) fn page(
    shared: &Shared,
    ctx: &Ctx,
    s: &Store,
    mut nums: Vec<u64>,
    decorate: impl Fn(&mut Map<String, Value>),
) -> ApiResult {
    order(ctx, s, &mut nums)?;
    let (top, offset) = (top(ctx)?, skip(ctx)?);
    let select = ctx.q("$select");
    let value = nums.iter().skip(offset).take(top).map(|n| {
        let mut v = item_value(shared, s, *n, select);
        if let Value::Object(m) = &mut v {
            decorate(m);
        }
        v
    });
    let next = (offset + top < nums.len())
        .then(|| link_with(shared, ctx, "$skiptoken", &skip_token(offset + top)));
    collection(shared, value, next)
}
