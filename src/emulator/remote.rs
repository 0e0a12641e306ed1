//! `GET /me/drive/sharedWithMe` (graph-api.md §8, §13): what other users shared with the
//! caller, each entry an item whose `remoteItem` says where it lives (drive, id) and what it
//! is (`folder` or `file`). Opening one goes through its own drive:
//! `/drives/{remoteItem.parentReference.driveId}/items/{remoteItem.id}`.

use serde_json::{Value, json};

use super::Shared;
use super::drives::identity;
use super::render::remote_item;
use super::resp::{ApiResult, ok};
use super::routes::Ctx;
use super::store::Store;

/// `GET /me/drive/sharedWithMe`.
pub(crate) fn shared_with_me(shared: &Shared, ctx: &Ctx) -> ApiResult {
    let s = shared.lock_store();
    let value: Vec<Value> = s
        .grants
        .iter()
        .filter(|g| g.user == ctx.user)
        .filter_map(|g| entry(&s, g.item))
        .collect();
    ok(&json!({"value": value}))
}

/// One shared item (a whole shared library is not listed: it is one of the caller's drives).
fn entry(s: &Store, n: u64) -> Option<Value> {
    let node = s.get(n).filter(|x| x.parent.is_some())?;
    let remote = remote_item(s, n);
    Some(json!({
        "id": s.id_of(n),
        "name": node.name,
        "size": s.size(n),
        "webUrl": remote["webUrl"],
        "createdDateTime": node.created.show(s.profile),
        "lastModifiedDateTime": node.modified.show(s.profile),
        "createdBy": identity(s, node.by[0]),
        "lastModifiedBy": identity(s, node.by[1]),
        "remoteItem": remote,
    }))
}
