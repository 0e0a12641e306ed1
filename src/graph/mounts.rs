//! Paths through shortcuts: the one place that turns a path below a shortcut into an address
//! on the shortcut's own drive, for every endpoint and transfer.
//!
//! A shortcut to a shared folder ("Add shortcut to My files") is an item of your drive whose
//! `remoteItem` names a folder on someone else's drive. OneDrive does not follow it in paths:
//! `root:/Shared Folder/sub/a.txt:` answers 404, and what lies below it is reached only as
//! `/drives/{remoteItem.parentReference.driveId}/items/{remoteItem.id}:/sub/a.txt:`
//! (graph-api.md §1.1, §12, §13; <https://learn.microsoft.com/en-us/graph/api/resources/remoteitem>).
//! So a [`GraphClient`] keeps a table of the shortcuts it has seen (their path from its root,
//! compared the way OneDrive compares names, and their target), and
//! [`GraphClient::resolve`] rewrites every path at or below one before it is sent: at the
//! shortcut itself only for what concerns its content (children, content, uploads, copies),
//! since the item itself (to show, rename or remove the shortcut) is the shortcut.
//!
//! The table is filled from answers that show shortcuts where the path is known (an item
//! fetched by path, the children of a folder listed by path) and, when a path of the client's
//! tree answers 404, by fetching its folders from the top once (`GraphClient::at`): a
//! shortcut among them is learnt and the request sent again below it. Clones of a client share
//! the table; a client for another drive or item ([`GraphClient::for_drive`],
//! [`GraphClient::rooted_at`]) starts its own, since its paths start elsewhere.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use crate::error::Result;
use crate::graph::client::GraphClient;
use crate::graph::locator::ItemRef;
use crate::graph::model::{DriveItem, RemoteTarget};
use crate::graph::names::name_key;

/// Known shortcuts of one client's tree: the key of their path (each name by
/// [`name_key`], joined with `/`) and where they point.
#[derive(Debug, Default)]
pub(crate) struct Mounts(HashMap<String, RemoteTarget>);

/// A client's shortcut table, shared by its clones.
pub(crate) type SharedMounts = Arc<Mutex<Mounts>>;

fn key(segments: &[&str]) -> String {
    segments
        .iter()
        .map(|s| name_key(s))
        .collect::<Vec<_>>()
        .join("/")
}

fn segments(path: &str) -> Vec<&str> {
    path.split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect()
}

impl Mounts {
    /// The deepest shortcut at or above `segs` (at it only with `inclusive`): how many
    /// segments it spans, and its target.
    fn find(&self, segs: &[&str], inclusive: bool) -> Option<(usize, RemoteTarget)> {
        let deepest = if inclusive {
            segs.len()
        } else {
            segs.len().saturating_sub(1)
        };
        (1..=deepest)
            .rev()
            .find_map(|n| self.0.get(&key(&segs[..n])).map(|t| (n, t.clone())))
    }
}

fn lock(m: &Mutex<Mounts>) -> std::sync::MutexGuard<'_, Mounts> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl GraphClient {
    /// `item` as this client sends it when `suffix` (a relationship or action such as
    /// `children` or `content`, `None` for the item itself) follows: a path at or below a known
    /// shortcut becomes an [`ItemRef::OnDrive`] below the shortcut's target (see the module
    /// docs), and in a client rooted at an item ([`GraphClient::rooted_at`]) the root and paths
    /// from it are that item and paths below it.
    pub fn resolve(&self, item: &ItemRef, suffix: Option<&str>) -> ItemRef {
        if let Some(below) = self.via_mount(item, suffix) {
            return below;
        }
        match (self.rooted(), item) {
            (Some(t), ItemRef::Root) => ItemRef::OnDrive {
                drive: t.drive_id.clone(),
                id: t.id.clone(),
                path: None,
            },
            (Some(t), ItemRef::Path(p)) => ItemRef::OnDrive {
                drive: t.drive_id.clone(),
                id: t.id.clone(),
                path: Some(p.clone()),
            },
            _ => item.clone(),
        }
    }

    /// True when `item` is a path below a shortcut this client knows.
    pub(crate) fn through_shortcut(&self, item: &ItemRef) -> bool {
        self.via_mount(item, None).is_some()
    }

    /// `item` below the deepest known shortcut at or above its path, if there is one.
    fn via_mount(&self, item: &ItemRef, suffix: Option<&str>) -> Option<ItemRef> {
        let ItemRef::Path(p) = item else {
            return None;
        };
        let segs = segments(p);
        let (n, t) = lock(self.mounts()).find(&segs, suffix.is_some())?;
        let rest = segs[n..].join("/");
        Some(ItemRef::OnDrive {
            drive: t.drive_id,
            id: t.id,
            path: (!rest.is_empty()).then_some(rest),
        })
    }

    /// The URL path (below the base URL) of `item` and `suffix`, resolved by
    /// [`GraphClient::resolve`].
    pub fn item_path(&self, item: &ItemRef, suffix: Option<&str>) -> String {
        self.resolve(item, suffix)
            .url_path(self.drive_prefix(), suffix)
    }

    /// Runs `call` with `item` resolved for `suffix` and its URL path. When the answer is a
    /// 404 for a path of this client's tree that no known shortcut covers, the folders on the
    /// path are fetched from the top, once, and if one of them is a shortcut `call` runs again
    /// below it (see the module docs). Every endpoint wrapper and transfer goes through here.
    pub(crate) async fn at<T, F, Fut>(
        &self,
        item: &ItemRef,
        suffix: Option<&str>,
        call: F,
    ) -> Result<T>
    where
        F: Fn(ItemRef, String) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let covered = self.via_mount(item, suffix).is_some();
        let resolved = self.resolve(item, suffix);
        let path = resolved.url_path(self.drive_prefix(), suffix);
        match call(resolved, path).await {
            Err(e) if e.is_not_found() && !covered && self.probe(item, suffix).await => {
                let resolved = self.resolve(item, suffix);
                let path = resolved.url_path(self.drive_prefix(), suffix);
                call(resolved, path).await
            }
            done => done,
        }
    }

    /// Fetches the folders on `item`'s path from the top (and the item itself when `suffix`
    /// asks for its content) until one is missing, is no folder, or is a shortcut, which is
    /// learnt; true when one was.
    async fn probe(&self, item: &ItemRef, suffix: Option<&str>) -> bool {
        let ItemRef::Path(p) = item else {
            return false;
        };
        let segs = segments(p);
        let deepest = if suffix.is_some() {
            segs.len()
        } else {
            segs.len().saturating_sub(1)
        };
        for n in 1..=deepest {
            let prefix = ItemRef::Path(segs[..n].join("/"));
            let url = self
                .resolve(&prefix, None)
                .url_path(self.drive_prefix(), None);
            match self.get_json::<DriveItem>(&url).await {
                Ok(found) if found.remote().is_some() && found.kind().is_folder() => {
                    return self.learn(&prefix, std::slice::from_ref(&found), false);
                }
                Ok(found) if found.kind().is_folder() => {}
                _ => return false,
            }
        }
        false
    }

    /// Learns the shortcuts among `items`: the item at `at` itself (`children` false), or
    /// children of the folder at `at` (`children` true), when `at` is a path of this client's
    /// tree. True when one was learnt.
    pub(crate) fn learn(&self, at: &ItemRef, items: &[DriveItem], children: bool) -> bool {
        let base = match at {
            ItemRef::Root => String::new(),
            ItemRef::Path(p) => segments(p).join("/"),
            _ => return false,
        };
        let mut table = lock(self.mounts());
        let mut learnt = false;
        for item in items {
            let (Some(target), true) = (item.remote(), item.kind().is_folder()) else {
                continue;
            };
            let path = if children {
                format!("{base}/{}", item.name)
            } else {
                base.clone()
            };
            let segs = segments(&path);
            if !segs.is_empty() {
                table.0.insert(key(&segs), target);
                learnt = true;
            }
        }
        learnt
    }

    /// Forgets the shortcut pointing to `target` (it was removed, renamed or moved; the next
    /// listing that shows it learns it again).
    pub(crate) fn forget_mount(&self, target: &RemoteTarget) {
        lock(self.mounts()).0.retain(|_, t| !t.same(target));
    }
}

/// A fresh, empty table.
pub(crate) fn new_table() -> SharedMounts {
    Arc::new(Mutex::new(Mounts::default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deepest_shortcut_above_a_path_wins_and_names_compare_as_on_onedrive() {
        let mut m = Mounts::default();
        let t = |id: &str| RemoteTarget {
            drive_id: "d".into(),
            id: id.into(),
        };
        m.0.insert(key(&["Shared Folder"]), t("1"));
        m.0.insert(key(&["Shared Folder", "Inner"]), t("2"));
        let found = m.find(&["shared folder", "INNER", "a.txt"], false);
        assert_eq!(found, Some((2, t("2"))));
        assert_eq!(m.find(&["Shared Folder"], false), None);
        assert_eq!(m.find(&["Shared Folder"], true), Some((1, t("1"))));
        assert_eq!(m.find(&["Other", "x"], true), None);
    }
}
