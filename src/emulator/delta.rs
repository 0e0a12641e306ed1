//! Change tracking and queries (graph-api.md §8): delta with nextLink/deltaLink and 410 on a
//! bad token, search and recent. Every change bumps its drive's sequence; a delta token is
//! the sequence it was issued at, so a later call returns what changed since. A round serves
//! the folder's subtree in the order of `preorder` (parents first, resumable from a cursor in
//! the nextLink, so a page costs O(page) on a drive of any size), then the deletions; a
//! folder-scoped delta reports an item moved out of the folder as deleted, as the service
//! does. Delta items
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
use super::preorder::Walk;
use super::render::{Form, apply_select, item, item_value};
use super::resp::{ApiError, ApiResult, ErrorHeaders, ok, ok_collection};
use super::routes::Ctx;
use super::store::{ROOT, Stamp, Store, Tombstone};

/// What a delta token says.
enum Token {
    /// Enumerate everything.
    Start,
    /// Only the current deltaLink.
    Latest,
    /// Changes after sequence `from`, up to `snap`, from `at` on.
    Page { from: u64, snap: u64, at: At },
}

/// Where a page of a delta round starts.
enum At {
    /// At the folder itself.
    Start,
    /// After the item a [`Walk::cursor`] names (`aD{from}.{snap}.i{cursor}`).
    Walk(String),
    /// At this index of the deletions, after the walk (`aD{from}.{snap}.t{index}`).
    Tail(usize),
}

impl At {
    fn token(&self, from: u64, snap: u64) -> String {
        match self {
            At::Start => format!("aD{from}"),
            At::Walk(cursor) => format!("aD{from}.{snap}.i{cursor}"),
            At::Tail(i) => format!("aD{from}.{snap}.t{i}"),
        }
    }
}

fn parse_token(t: Option<&str>, current: u64) -> Option<Token> {
    let Some(t) = t else {
        return Some(Token::Start);
    };
    if t == "latest" {
        return Some(Token::Latest);
    }
    let mut parts = t.strip_prefix("aD")?.splitn(3, '.');
    let from: u64 = parts.next()?.parse().ok()?;
    let (snap, at) = match (parts.next(), parts.next()) {
        (None, _) => (current, At::Start),
        (Some(snap), Some(at)) => (snap.parse().ok()?, parse_at(at)?),
        (Some(_), None) => return None,
    };
    (from <= snap && snap <= current).then_some(Token::Page { from, snap, at })
}

fn parse_at(at: &str) -> Option<At> {
    if let Some(cursor) = at.strip_prefix('i') {
        return Some(At::Walk(cursor.to_owned()));
    }
    at.strip_prefix('t')?.parse().ok().map(At::Tail)
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
    let (from, snap, at) = match parse_token(token.as_deref(), seq) {
        Some(Token::Start) => (0, seq, At::Start),
        Some(Token::Page { from, snap, at }) => (from, snap, at),
        Some(Token::Latest) => {
            return ok(&json!({"value": [], "@odata.deltaLink": link(format!("aD{seq}"))}));
        }
        None => return Err(resync(link(String::new()))),
    };
    let (page, next) = page_at(&s, folder, (from, snap), at, top(ctx)?)
        .ok_or_else(|| resync(link(String::new())))?;
    let select = ctx.q("$select");
    let value = page.iter().map(|c| c.render(shared, &s, select));
    let link = match next {
        Some(at) => ("@odata.nextLink", link(at.token(from, snap))),
        None => ("@odata.deltaLink", link(format!("aD{snap}"))),
    };
    ok_collection(&[(link.0, &link.1)], value)
}

/// Most items a delta page looks at, per item it may return (and at least [`MIN_VISITS`]):
/// a round of few changes in a huge tree ends a page early, with fewer items, rather than
/// scan it all for one answer. At least a 100,000-child folder fits in one page's look, so
/// clients that give up after a few empty pages in a row (ours: 3) never see one there.
const VISITS_PER_ITEM: usize = 200;
/// See [`VISITS_PER_ITEM`] (about 5 ms of work).
const MIN_VISITS: usize = 120_000;

/// Up to `top` changes of the round `(from, snap]` below `folder` from `at` on, and where
/// the next page starts (`None`: the round is complete); `None` when a cursor cannot go on.
fn page_at(
    s: &Store,
    folder: u64,
    (from, snap): (u64, u64),
    at: At,
    top: usize,
) -> Option<(Vec<Change<'_>>, Option<At>)> {
    let mut out = Vec::new();
    let tail_at = match at {
        At::Tail(i) => i,
        At::Start | At::Walk(_) => {
            let mut walk = match at {
                At::Walk(cursor) => Walk::resume(s, folder, from, snap, &cursor)?,
                _ => Walk::start(s, folder, from, snap),
            };
            let items = walk.take(top, (top * VISITS_PER_ITEM).max(MIN_VISITS));
            out.extend(items.into_iter().map(Change::Item));
            if !walk.done() {
                return Some((out, Some(At::Walk(walk.cursor()))));
            }
            0
        }
    };
    let tail = changes(s, folder, from, snap);
    let end = tail.len().min(tail_at + (top - out.len()));
    let more = end < tail.len();
    out.extend(tail.into_iter().take(end).skip(tail_at));
    Some((out, more.then_some(At::Tail(end))))
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

/// What a round reports after the walk of the subtree: items deleted below `folder` in
/// `(from, snap]`. Only references are collected here: each page renders just its own slice.
fn changes(s: &Store, folder: u64, from: u64, snap: u64) -> Vec<Change<'_>> {
    let drive = s.get(folder).map_or(0, |x| x.drive);
    let root = s.drives.get(drive).map_or(ROOT, |d| d.root);
    let in_window = |seq: u64| seq > from && seq <= snap;
    let mut out: Vec<Change<'_>> = Vec::new();
    if from > 0 {
        // An item that left the folder (moved elsewhere) is gone from its point of view, once;
        // one still (or again) below it was listed above as it is now.
        let mut gone = std::collections::HashSet::new();
        out.extend(
            s.tombstones
                .iter()
                .rev()
                .filter(|t| t.drive == drive && in_window(t.seq))
                .filter(|t| folder == root || s.is_within(t.parent, folder))
                .filter(|t| !(t.moved && s.get(t.n).is_some() && s.is_within(t.n, folder)))
                .filter(|t| gone.insert(t.n))
                .map(Change::Deleted)
                .collect::<Vec<_>>()
                .into_iter()
                .rev(),
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
