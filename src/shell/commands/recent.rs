//! `recent`: recently used files (`GET /me/drive/recent`). Like `search`, it finds the parts
//! of a OneNote notebook (its sections, `.one`, and its table of contents, `.onetoc2`), which
//! the server lists as files: they are shown as `section`s, never as files of their own, since
//! `ls` and `get` treat the notebook as one item (its kind, `DriveItem::kind`, is the parent's).

use std::collections::{HashMap, HashSet};

use futures_util::stream::{self, StreamExt};

use crate::graph::{DriveItem, ItemRef};
use crate::shell::error::CmdResult;
use crate::shell::items;
use crate::shell::session::Session;

/// List recently used files.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `recent`.
pub async fn run(sess: &mut Session, _args: Args) -> CmdResult {
    let drive = sess.tree_drive().await?;
    let found = items::with_paths(sess.client.recent().await?, drive.as_deref());
    let sections = notebook_parts(sess, &found).await;
    items::print_found_in(sess.settings.format, &found, &sections)
}

/// The ids of the items of `found` that lie inside a notebook or other package: only OneNote's
/// own parts (by name) are looked at, one request per distinct parent folder, 4 at a time; a
/// parent that cannot be read leaves its items as they are.
pub(super) async fn notebook_parts(
    sess: &Session,
    found: &[(DriveItem, String)],
) -> HashSet<String> {
    let mut by_parent: HashMap<(String, String), Vec<String>> = HashMap::new();
    for (item, _) in found {
        let lower = item.name.to_ascii_lowercase();
        let part = lower.ends_with(".one") || lower.ends_with(".onetoc2");
        if let (true, Some(parent)) = (part, item.parent_reference.as_ref()) {
            let (Some(drive), Some(id)) = (&parent.drive_id, &parent.id) else {
                continue;
            };
            by_parent
                .entry((drive.clone(), id.clone()))
                .or_default()
                .push(item.id.clone());
        }
    }
    let client = &sess.client;
    let packages: Vec<Vec<String>> = stream::iter(by_parent)
        .map(|((drive, id), ids)| async move {
            let item = ItemRef::OnDrive {
                drive,
                id,
                path: None,
            };
            let package = client
                .item(&item)
                .await
                .is_ok_and(|parent| parent.kind().is_package());
            if package { ids } else { Vec::new() }
        })
        .buffer_unordered(4)
        .collect()
        .await;
    packages.into_iter().flatten().collect()
}
