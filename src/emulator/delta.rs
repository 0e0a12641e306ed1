//! Change tracking and queries (graph-api.md §8): delta with nextLink/deltaLink and 410 on a
//! bad token, search, recent and sharedWithMe. Every change bumps the store's sequence; a delta
//! token is the sequence it was issued at, so a later call returns what changed since.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::Shared;
use super::items::resolve;
use super::listing::{page, top};
use super::path::ItemPath;
use super::render::item_value;
use super::resp::{ApiError, ApiResult, ErrorHeaders, ok};
use super::routes::Ctx;
use super::store::{ROOT, Store};

/// What a delta token says.
enum Token {
    /// Enumerate everything.
    Start,
    /// Only the current deltaLink.
    Latest,
    /// Changes after sequence `from`, up to `snap`, starting at `offset`.
    Page { from: u64, snap: u64, offset: usize },
}

fn parse_token(t: Option<&str>, current: u64) -> Option<Token> {
    let Some(t) = t else {
        return Some(Token::Start);
    };
    if t == "latest" {
        return Some(Token::Latest);
    }
    let parts: Vec<u64> = t
        .strip_prefix("aD")?
        .split('.')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let (from, snap, offset) = match parts.as_slice() {
        [from] => (*from, current, 0),
        [from, snap, offset] => (*from, *snap, usize::try_from(*offset).ok()?),
        _ => return None,
    };
    (from <= snap && snap <= current).then_some(Token::Page { from, snap, offset })
}

/// `GET .../delta` (token from `?token=` or `delta(token='..')`).
pub(crate) fn delta(
    shared: &Shared,
    ctx: &Ctx,
    p: &ItemPath,
    path_token: Option<String>,
) -> ApiResult {
    let folder = resolve(shared, p)?;
    let s = shared.lock_store();
    let link = |token: String| {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        if !token.is_empty() {
            ser.append_pair("token", &token);
        }
        for key in ["$select", "$top"] {
            if let Some(v) = ctx.q(key) {
                ser.append_pair(key, v);
            }
        }
        let query = ser.finish();
        let sep = if query.is_empty() { "" } else { "?" };
        format!(
            "{}/drives/{}/items/{}/delta{sep}{query}",
            shared.urls.graph_base,
            s.drive_id.to_lowercase(),
            s.id_of(folder)
        )
    };
    let token = path_token.or_else(|| ctx.q("token").map(str::to_owned));
    let (from, snap, offset) = match parse_token(token.as_deref(), s.seq) {
        Some(Token::Start) => (0, s.seq, 0),
        Some(Token::Page { from, snap, offset }) => (from, snap, offset),
        Some(Token::Latest) => {
            return ok(&json!({"value": [], "@odata.deltaLink": link(format!("aD{}", s.seq))}));
        }
        None => {
            let e = ApiError::new(
                StatusCode::GONE,
                "resyncRequired",
                "The delta token is invalid or expired; resync.",
            )
            .inner("resyncChangesApplyDifferences");
            return Err(e.with_headers(ErrorHeaders {
                location: Some(link(String::new())),
                ..ErrorHeaders::default()
            }));
        }
    };
    let changes = changes(shared, &s, ctx, folder, from, snap);
    let top = top(ctx)?;
    let value: Vec<Value> = changes.iter().skip(offset).take(top).cloned().collect();
    let mut body = json!({"value": value});
    if offset + top < changes.len() {
        body["@odata.nextLink"] = json!(link(format!("aD{from}.{snap}.{}", offset + top)));
    } else {
        body["@odata.deltaLink"] = json!(link(format!("aD{snap}")));
    }
    ok(&body)
}

/// Items under `folder` changed in `(from, snap]`, parents first, then deletions.
fn changes(shared: &Shared, s: &Store, ctx: &Ctx, folder: u64, from: u64, snap: u64) -> Vec<Value> {
    let in_window = |seq: u64| seq > from && seq <= snap;
    let mut nums: Vec<u64> = std::iter::once(folder)
        .chain(s.descendants(folder))
        .filter(|n| s.get(*n).is_some_and(|x| from == 0 || in_window(x.seq)))
        .collect();
    nums.sort_by_key(|n| s.names_of(*n).len());
    let select = ctx.q("$select");
    let mut out: Vec<Value> = nums
        .iter()
        .map(|n| item_value(shared, s, *n, select))
        .collect();
    if from > 0 {
        for t in s.tombstones.iter().filter(|t| in_window(t.seq)) {
            if folder != ROOT && !s.is_within(t.parent, folder) {
                continue;
            }
            let facet = if t.folder { "folder" } else { "file" };
            out.push(json!({"id": s.id_of(t.n), "name": t.name, "deleted": {}, facet: {},
                "parentReference": {"driveId": s.drive_id.to_lowercase(), "driveType": "personal", "id": s.id_of(t.parent)}}));
        }
    }
    out
}

/// `GET .../search(q='..')`: names containing `q` (ignoring case) below the item.
pub(crate) fn search(shared: &Shared, ctx: &Ctx, p: &ItemPath, q: &str) -> ApiResult {
    let folder = resolve(shared, p)?;
    let s = shared.lock_store();
    let q = q.to_lowercase();
    let hits: Vec<u64> = s
        .descendants(folder)
        .into_iter()
        .filter(|n| {
            s.get(*n)
                .is_some_and(|x| x.name.to_lowercase().contains(&q))
        })
        .collect();
    page(shared, ctx, &s, hits, |m| {
        m.insert("searchResult".into(), json!({}));
    })
}

/// `GET /me/drive/recent`: the most recently modified files.
pub(crate) fn recent(shared: &Shared, ctx: &Ctx) -> ApiResult {
    let s = shared.lock_store();
    let mut files: Vec<(String, u64)> = s
        .all()
        .filter(|x| !x.is_folder())
        .map(|x| (x.modified.clone(), x.n))
        .collect();
    files.sort_by(|a, b| b.cmp(a));
    let value: Vec<Value> = files
        .iter()
        .take(top(ctx)?.min(25))
        .map(|(_, n)| item_value(shared, &s, *n, ctx.q("$select")))
        .collect();
    ok(&json!({"value": value}))
}

/// `GET /me/drive/sharedWithMe`: nothing is shared with the emulated user.
pub(crate) fn shared_with_me() -> ApiResult {
    ok(&json!({"value": []}))
}
