//! Data dirs written by an emulator from before there were several drives: one personal
//! drive with numeric ids. It becomes the signed-in user's drive (its items get today's id
//! forms), and the second user's drive and shares are added.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::auth::Auth;
use super::blob::Blobs;
use super::drives::ME;
use super::ids::Profile;
use super::seed;
use super::store::{DriveMeta, Node, ROOT, Store, Tombstone};
use crate::error::{Error, Result};
use crate::graph::model::Permission;

#[derive(Deserialize)]
struct Legacy {
    store: LegacyStore,
    auth: Auth,
}

#[derive(Deserialize)]
struct LegacyStore {
    drive_id: String,
    nodes: HashMap<u64, Node>,
    next: u64,
    seq: u64,
    tombstones: Vec<Tombstone>,
    permissions: HashMap<u64, Vec<Permission>>,
}

/// Whether a saved snapshot is of the old form.
pub(crate) fn is_legacy(v: &Value) -> bool {
    v["store"].get("drives").is_none()
}

/// The world of an old snapshot `v` (read from `path`).
pub(crate) fn migrate(v: Value, blobs: &Blobs, path: &Path) -> Result<(Store, Auth)> {
    let old: Legacy =
        serde_json::from_value(v).map_err(|e| Error::decode(path.display().to_string(), e))?;
    let o = old.store;
    let mut s = Store::new(Profile::Personal);
    s.drives.push(DriveMeta {
        id: o.drive_id,
        kind: "personal".into(),
        name: "OneDrive".into(),
        owner: ME,
        root: ROOT,
        seq: o.seq,
    });
    s.nodes = o.nodes.into_iter().collect();
    s.next = o.next;
    s.tombstones = o.tombstones;
    s.permissions = o.permissions;
    s.nodes.reindex();
    Ok((seed::add_others(s, blobs)?, old.auth))
}
