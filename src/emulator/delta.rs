//! Change tracking and queries (graph-api.md §8): delta with nextLink/deltaLink and 410 on a
//! bad token, search and recent. Every change bumps its drive's sequence; a delta token is
//! the sequence it was issued at, so a later call returns what changed since. Delta items
//! carry no `parentReference.path`; a shortcut appears as itself, never with its target's
//! content (that lives on another drive). Business drives answer delta only on the root
//! (400 `notSupported` on a folder, as the service historically did).

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::Shared;
use super::drives::{select, shown_id};
use super::ids::{self, Profile};
use super::items::resolve;
use super::listing::{page, top};
use super::path::{DriveSel, ItemPath};
use super::render::{Form, apply_select, item, item_value};
use super::resp::{ApiError, ApiResult, ErrorHeaders, ok};
use super::routes::Ctx;
use super::store::{ROOT, Stamp, Store, Tombstone};

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
    let drive = s.node(folder)?.drive;
    check_scope(&s, folder)?;
    let seq = s.drives[drive].seq;
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
            shown_id(&s, drive),
            s.id_of(folder)
        )
    };
    let token = path_token.or_else(|| ctx.q("token").map(str::to_owned));
    let (from, snap, offset) = match parse_token(token.as_deref(), seq) {
        Some(Token::Start) => (0, seq, 0),
        Some(Token::Page { from, snap, offset }) => (from, snap, offset),
        Some(Token::Latest) => {
            return ok(&json!({"value": [], "@odata.deltaLink": link(format!("aD{seq}"))}));
        }
        None => return Err(resync(link(String::new()))),
    };
    let changes = changes(&s, folder, from, snap);
    let top = top(ctx)?;
    let select = ctx.q("$select");
    let value: Vec<Value> = changes
        .iter()
        .skip(offset)
        .take(top)
        .map(|c| c.render(shared, &s, select))
        .collect();
    let mut body = json!({"value": value});
    if offset + top < changes.len() {
        body["@odata.nextLink"] = json!(link(format!("aD{from}.{snap}.{}", offset + top)));
    } else {
        body["@odata.deltaLink"] = json!(link(format!("aD{snap}")));
    }
    ok(&body)
}

/// Business drives answer delta only on the root (graph-api.md §8).
fn check_scope(s: &Store, folder: u64) -> Result<(), ApiError> {
    if s.profile == Profile::Business && s.node(folder)?.parent.is_some() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "notSupported",
            "view.delta can only be called on the root.",
        ));
    }
    Ok(())
}

/// `410 resyncRequired` for a bad token, with a fresh start in `Location`.
fn resync(fresh: String) -> ApiError {
    let e = ApiError::new(
        StatusCode::GONE,
        "resyncRequired",
        "The delta token is invalid or expired; resync.",
    )
    .inner("resyncChangesApplyDifferences");
    e.with_headers(ErrorHeaders {
        location: Some(fresh),
        ..ErrorHeaders::default()
    })
}

/// One entry of a delta answer, rendered only when its page is served.
enum Change<'a> {
    /// A live item, by number.
    Item(u64),
    /// A deleted item.
    Deleted(&'a Tombstone),
}

impl Change<'_> {
    fn render(&self, shared: &Shared, s: &Store, select: Option<&str>) -> Value {
        match self {
            Change::Item(n) => apply_select(
                item(shared, s, *n, Form::Delta).unwrap_or(Value::Null),
                select,
            ),
            Change::Deleted(t) => {
                let facet = if t.folder { "folder" } else { "file" };
                let d = &s.drives[t.drive];
                let id = ids::item_id(s.profile, &d.id, t.n, false);
                let parent = match s.get(t.parent) {
                    Some(_) => s.id_of(t.parent),
                    None => ids::item_id(s.profile, &d.id, t.parent, false),
                };
                let mut v = json!({"id": id, "deleted": {}, facet: {},
                    "parentReference": {"driveId": d.id, "driveType": d.kind, "id": parent}});
                if s.profile == Profile::Personal {
                    v["name"] = json!(t.name);
                }
                v
            }
        }
    }
}

/// Items under `folder` changed in `(from, snap]`, parents first, then deletions. Only the
/// numbers are collected here: rendering an item costs far more (folder sizes, paths), so each
/// page renders just its own slice.
fn changes(s: &Store, folder: u64, from: u64, snap: u64) -> Vec<Change<'_>> {
    let drive = s.get(folder).map_or(0, |x| x.drive);
    let root = s.drives.get(drive).map_or(ROOT, |d| d.root);
    let in_window = |seq: u64| seq > from && seq <= snap;
    let mut nums: Vec<u64> = std::iter::once(folder)
        .chain(s.descendants(folder))
        .filter(|n| s.get(*n).is_some_and(|x| from == 0 || in_window(x.seq)))
        .collect();
    nums.sort_by_cached_key(|n| s.names_of(*n).len());
    let mut out: Vec<Change<'_>> = nums.into_iter().map(Change::Item).collect();
    if from > 0 {
        out.extend(
            s.tombstones
                .iter()
                .filter(|t| t.drive == drive && in_window(t.seq))
                .filter(|t| folder == root || s.is_within(t.parent, folder))
                .map(Change::Deleted),
        );
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

/// `GET /me/drive/recent`: the most recently modified files of the drive.
pub(crate) fn recent(shared: &Shared, ctx: &Ctx, sel: &DriveSel) -> ApiResult {
    let s = shared.lock_store();
    let drive = select(&s, sel, ctx.user)?;
    let mut files: Vec<(Stamp, u64)> = s
        .all()
        .filter(|x| x.is_file() && x.drive == drive)
        .map(|x| (x.modified, x.n))
        .collect();
    files.sort_by(|a, b| b.cmp(a));
    let value: Vec<Value> = files
        .iter()
        .take(top(ctx)?.min(25))
        .map(|(_, n)| item_value(shared, &s, *n, ctx.q("$select")))
        .collect();
    ok(&json!({"value": value}))
}
