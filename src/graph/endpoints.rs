//! Thin wrappers, one per Graph call: they build the URL, send, decode, and add no policy.
//!
//! Collections come back as streams of pages that follow `@odata.nextLink` verbatim (the
//! server's paging tokens are opaque); the `Vec` helpers simply drain those streams. Every
//! paged call goes through [`GraphClient::pages`], which is also the one guard against a
//! server that pages forever (graph-api.md §13, "Paging"): it stops with an error when a
//! next-page link repeats one it already followed, or when [`MAX_IDLE_PAGES`] pages in a row
//! bring no item it has not seen.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use futures_util::Stream;
use futures_util::stream::{self, TryStreamExt};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::error::{Error, Result};
use crate::graph::answer::request_label;
use crate::graph::client::GraphClient;
use crate::graph::locator::{ItemRef, encode_segment};
use crate::graph::model::{Drive, DriveItem, Page, PageItem, Permission, User};
use crate::graph::names::{check_name, check_path};
use crate::graph::placed::{Asked, Parent};

/// What to do when a name is already taken (`@microsoft.graph.conflictBehavior`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Conflict {
    /// Refuse with 409 `nameAlreadyExists`.
    #[default]
    Fail,
    /// Replace the existing item.
    Replace,
    /// Pick a new name (`name 1`, `name 2`, ...).
    Rename,
}

impl Conflict {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Conflict::Fail => "fail",
            Conflict::Replace => "replace",
            Conflict::Rename => "rename",
        }
    }
}

/// OData query options for collections and items.
#[derive(Debug, Clone, Default)]
pub struct ListOptions {
    /// `$select`: comma-separated properties.
    pub select: Option<String>,
    /// `$top`: page size (the server may cap it).
    pub top: Option<u32>,
    /// `$orderby`, e.g. `name desc`.
    pub order_by: Option<String>,
}

impl ListOptions {
    /// The query string (without `?`), empty when no option is set.
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = &self.select {
            parts.push(format!("$select={}", encode_segment(s)));
        }
        if let Some(t) = self.top {
            parts.push(format!("$top={t}"));
        }
        if let Some(o) = &self.order_by {
            parts.push(format!("$orderby={}", encode_segment(o)));
        }
        parts.join("&")
    }

    fn apply(&self, path: String) -> String {
        let q = self.query();
        if q.is_empty() {
            path
        } else {
            format!("{path}?{q}")
        }
    }
}

/// The options of a sharing link (`createLink`).
#[derive(Debug, Clone, Default)]
pub struct LinkOptions {
    /// `view`, `edit` or `embed`.
    pub link_type: String,
    /// `anonymous`, `organization` or `users`; `None` for the tenant default.
    pub scope: Option<String>,
    /// Expiry, RFC 3339 (`2026-12-31T00:00:00Z`).
    pub expiration: Option<String>,
    /// Link password (personal drives only).
    pub password: Option<String>,
}

/// Pages in a row that may bring no new item (empty, or only items seen on earlier pages)
/// before a paged call stops: the service may send an empty page now and then, a loop sends
/// them forever.
pub const MAX_IDLE_PAGES: u32 = 3;

/// What [`GraphClient::pages`] remembers to tell progress from a loop: the links followed and
/// a 64-bit hash of each item's key (8 bytes per item, whatever the key's length).
struct Paging {
    next: Option<String>,
    label: String,
    links: HashSet<String>,
    keys: HashSet<u64>,
    pages: usize,
    idle: u32,
}

impl Paging {
    /// Takes in a page; an error when its next link or its lack of news shows a loop.
    fn check<T: PageItem>(&mut self, page: &Page<T>) -> Result<()> {
        self.pages += 1;
        let fresh = page
            .value
            .iter()
            .filter(|i| {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                i.page_key().hash(&mut h);
                self.keys.insert(h.finish())
            })
            .count();
        self.idle = if fresh == 0 { self.idle + 1 } else { 0 };
        let Some(next) = &page.next_link else {
            return Ok(());
        };
        let why = if !self.links.insert(next.clone()) {
            "its next-page link repeats one already followed"
        } else if self.idle >= MAX_IDLE_PAGES {
            "its last pages brought no item not seen before"
        } else {
            return Ok(());
        };
        Err(Error::decode(
            self.label.clone(),
            format!(
                "the server pages in a loop: {why}; stopped after {} pages and {} items",
                self.pages,
                self.keys.len()
            ),
        ))
    }
}

impl GraphClient {
    /// Streams the pages of a collection starting at `first` (a Graph path or absolute URL),
    /// following each `@odata.nextLink` verbatim.
    ///
    /// # Errors
    ///
    /// Those of [`GraphClient::get_json`], and a [`crate::ErrorKind::Decode`] naming the
    /// first request when the server pages in a loop: a next link that repeats one already
    /// followed, or [`MAX_IDLE_PAGES`] pages in a row without an item not seen before.
    pub fn pages<'a, T: DeserializeOwned + PageItem + 'a>(
        &'a self,
        first: String,
    ) -> impl Stream<Item = Result<Page<T>>> + 'a {
        let first = self.url(&first);
        let paging = Paging {
            label: request_label(&Method::GET, &first),
            links: HashSet::from([first.clone()]),
            next: Some(first),
            keys: HashSet::new(),
            pages: 0,
            idle: 0,
        };
        stream::try_unfold(paging, move |mut paging| async move {
            let Some(url) = paging.next.take() else {
                return Ok(None);
            };
            let page: Page<T> = self.get_json(&url).await?;
            paging.check(&page)?;
            paging.next = page.next_link.clone();
            Ok(Some((page, paging)))
        })
    }

    async fn collect_pages<T: DeserializeOwned + PageItem>(&self, first: String) -> Result<Vec<T>> {
        let pages: Vec<Page<T>> = self.pages(first).try_collect().await?;
        Ok(pages.into_iter().flat_map(|p| p.value).collect())
    }

    /// `GET /me/drive`: the drive, with its quota.
    pub async fn drive(&self) -> Result<Drive> {
        self.get_json(self.drive_prefix()).await
    }

    /// `GET /me/drives`: every drive the user can reach.
    pub async fn drives(&self) -> Result<Vec<Drive>> {
        self.collect_pages("/me/drives".to_owned()).await
    }

    /// `GET /me`: the signed-in user.
    pub async fn me(&self) -> Result<User> {
        self.get_json("/me").await
    }

    /// `GET {item}`: one item's metadata.
    pub async fn item(&self, item: &ItemRef) -> Result<DriveItem> {
        let found: DriveItem = self
            .at(
                item,
                None,
                |_, path| async move { self.get_json(&path).await },
            )
            .await?;
        self.learn(item, std::slice::from_ref(&found), false);
        Ok(found)
    }

    /// `GET {item}/children`, one page after another, following `@odata.nextLink` verbatim.
    /// The path goes through the shortcuts this client knows ([`GraphClient::resolve`]) but
    /// learns none: [`GraphClient::children`] does.
    pub fn children_pages<'a>(
        &'a self,
        item: &ItemRef,
        opts: &ListOptions,
    ) -> impl Stream<Item = Result<Page<DriveItem>>> + 'a {
        self.pages(opts.apply(self.item_path(item, Some("children"))))
    }

    /// All children of a folder, in the server's order. For a shortcut's own id this is not
    /// the shared folder's content: list [`ItemRef::content_of`] the shortcut instead.
    pub async fn children(&self, item: &ItemRef) -> Result<Vec<DriveItem>> {
        let opts = ListOptions {
            top: Some(1000),
            ..ListOptions::default()
        };
        let opts = &opts;
        let found = self
            .at(item, Some("children"), |_, path| async move {
                self.collect_pages(opts.apply(path)).await
            })
            .await?;
        self.learn(item, &found, true);
        Ok(found)
    }

    /// `POST {parent}/children`: creates folder `name` (refused before any request when
    /// OneDrive would refuse the name, see [`crate::graph::names`]). An answer that names
    /// another name or folder is [`crate::ErrorKind::Misplaced`].
    pub async fn create_folder(
        &self,
        parent: &ItemRef,
        name: &str,
        conflict: Conflict,
    ) -> Result<DriveItem> {
        check_new_name(parent, name)?;
        let body = &json!({"name": name, "folder": {},
            "@microsoft.graph.conflictBehavior": conflict.as_str()});
        self.at(parent, Some("children"), |at, path| async move {
            let made = self.request_json(Method::POST, &path, Some(body)).await?;
            Asked::child(&at, name, conflict).check(&made)?;
            Ok(made)
        })
        .await
    }

    /// `PATCH {item}` with `changes` (only the properties to change). A new `name` is checked
    /// first, so renames and moves refuse bad names before any request; an answer that names
    /// another name or parent than `changes` asked for is [`crate::ErrorKind::Misplaced`].
    pub async fn update(&self, item: &ItemRef, changes: &serde_json::Value) -> Result<DriveItem> {
        let name = changes.get("name").and_then(|n| n.as_str());
        if let Some(name) = name {
            check_name(name)?;
        }
        let updated: DriveItem = self
            .at(item, None, |_, path| async move {
                self.request_json(Method::PATCH, &path, Some(changes)).await
            })
            .await?;
        if let Some(target) = updated.remote() {
            self.forget_mount(&target);
        }
        let parent = changes
            .pointer("/parentReference/id")
            .and_then(|p| p.as_str());
        let asked = Asked {
            parent: parent.map_or(Parent::Unknown, Parent::id),
            name,
            conflict: Conflict::Fail,
        };
        asked.check(&updated)?;
        Ok(updated)
    }

    /// Renames an item in place.
    pub async fn rename(&self, item: &ItemRef, new_name: &str) -> Result<DriveItem> {
        self.update(item, &json!({"name": new_name})).await
    }

    /// Moves an item under the folder with id `parent_id` (the real id, not `root`),
    /// optionally renaming it.
    pub async fn move_item(
        &self,
        item: &ItemRef,
        parent_id: &str,
        new_name: Option<&str>,
    ) -> Result<DriveItem> {
        let mut body = json!({"parentReference": {"id": parent_id}});
        if let Some(n) = new_name {
            body["name"] = json!(n);
        }
        self.update(item, &body).await
    }

    /// `DELETE {item}` (to the recycle bin; folders with their contents; a shortcut alone,
    /// its folder stays with its owner).
    pub async fn delete(&self, item: &ItemRef) -> Result<()> {
        self.at(item, None, |_, path| async move {
            self.request(Method::DELETE, &path, None).await
        })
        .await?;
        Ok(())
    }

    /// `POST {item}/createLink`: a sharing link (an existing one of that type may come back).
    pub async fn create_link(&self, item: &ItemRef, opts: &LinkOptions) -> Result<Permission> {
        let mut body = json!({"type": opts.link_type});
        if let Some(s) = &opts.scope {
            body["scope"] = json!(s);
        }
        if let Some(e) = &opts.expiration {
            body["expirationDateTime"] = json!(e);
        }
        if let Some(p) = &opts.password {
            body["password"] = json!(p);
        }
        let body = &body;
        self.at(item, Some("createLink"), |_, path| async move {
            self.request_json(Method::POST, &path, Some(body)).await
        })
        .await
    }

    /// `GET {item}/permissions`.
    pub async fn permissions(&self, item: &ItemRef) -> Result<Vec<Permission>> {
        self.at(item, Some("permissions"), |_, path| async move {
            self.collect_pages(path).await
        })
        .await
    }

    /// `GET /me/drive/recent` (deprecated by Microsoft, still served).
    pub async fn recent(&self) -> Result<Vec<DriveItem>> {
        self.collect_pages(format!("{}/recent", self.drive_prefix()))
            .await
    }

    /// `GET /me/drive/sharedWithMe`: what others shared with the signed-in user, whatever
    /// drive this client addresses (items carry `remoteItem`: open them with
    /// [`ItemRef::content_of`] or [`GraphClient::rooted_at`]).
    pub async fn shared_with_me(&self) -> Result<Vec<DriveItem>> {
        self.collect_pages("/me/drive/sharedWithMe".to_owned())
            .await
    }

    /// `GET /me/drive/special/{name}` (`documents`, `photos`, `cameraroll`, `approot`, `music`).
    pub async fn special(&self, name: &str) -> Result<DriveItem> {
        let path = format!("{}/special/{}", self.drive_prefix(), encode_segment(name));
        self.get_json(&path).await
    }

    /// `GET /me/drive/root/search(q='...')` (below the item a rooted client is rooted at),
    /// all pages.
    pub async fn search(&self, query: &str, opts: &ListOptions) -> Result<Vec<DriveItem>> {
        let q = encode_segment(&query.replace('\'', "''"));
        let first = opts.apply(self.item_path(&ItemRef::Root, Some(&format!("search(q='{q}')"))));
        self.collect_pages(first).await
    }

    /// One delta round: from `link` (a stored deltaLink) or, when `None`, a full enumeration of
    /// `item`. Returns every change (latest state per item, in server order) and the deltaLink
    /// for the next round. A 410 (`resyncRequired`) comes back as an error; start over then.
    pub async fn delta(&self, item: &ItemRef, link: Option<&str>) -> Result<Delta> {
        let pages: Vec<Page<DriveItem>> = match link {
            Some(l) => self.pages(l.to_owned()).try_collect().await?,
            None => {
                self.at(item, Some("delta"), |_, first| async move {
                    self.pages(first).try_collect().await
                })
                .await?
            }
        };
        let delta_link = pages.iter().rev().find_map(|p| p.delta_link.clone());
        let items = pages.into_iter().flat_map(|p| p.value).collect();
        let delta_link =
            delta_link.ok_or_else(|| Error::decode("delta", "last page has no deltaLink"))?;
        Ok(Delta { items, delta_link })
    }
}

/// Checks the name of a new child of `parent`, and its whole path when the parent is addressed
/// by path (an id hides the path, so only the name's own rules apply then).
pub(crate) fn check_new_name(parent: &ItemRef, name: &str) -> Result<()> {
    check_name(name)?;
    match parent {
        ItemRef::Path(p) | ItemRef::IdPath(_, p) => check_path(&format!("{p}/{name}")),
        ItemRef::OnDrive { path: Some(p), .. } => check_path(&format!("{p}/{name}")),
        ItemRef::Root | ItemRef::Id(_) | ItemRef::OnDrive { path: None, .. } => Ok(()),
    }
}

/// The result of one [`GraphClient::delta`] round.
#[derive(Debug, Clone)]
pub struct Delta {
    /// Changed (or, on the first round, all) items; deleted ones carry `deleted`.
    pub items: Vec<DriveItem>,
    /// The URL to call for the next round of changes.
    pub delta_link: String,
}
