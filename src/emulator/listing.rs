//! Collections (graph-api.md §3): `$top` (default 200, at most 1000), `$skiptoken` paging with
//! an absolute `@odata.nextLink`, `$orderby` and `$select`, shared by children, search and
//! recent.

use serde_json::{Map, Value, json};

use super::Shared;
use super::render::item_value;
use super::resp::{ApiError, ApiResult, ok};
use super::routes::Ctx;
use super::store::Store;

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
            .ok_or_else(|| {
                ApiError::bad_request("Invalid paging token.").inner("invalidStartIndex")
            }),
    }
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
    let value: Vec<Value> = nums
        .iter()
        .skip(offset)
        .take(top)
        .map(|n| {
            let mut v = item_value(shared, s, *n, select);
            if let Value::Object(m) = &mut v {
                decorate(m);
            }
            v
        })
        .collect();
    let mut body = json!({"@odata.context": format!("{}/$metadata#Collection(driveItem)", shared.urls.graph_base), "value": value});
    if offset + top < nums.len() {
        body["@odata.nextLink"] = json!(link_with(
            shared,
            ctx,
            "$skiptoken",
            &skip_token(offset + top)
        ));
    }
    ok(&body)
}
