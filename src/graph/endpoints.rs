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
use std::time::Duration;

use futures_util::Stream;
use futures_util::stream::{self, TryStreamExt};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::error::{Error, Result};
use crate::graph::answer::{decode_json, request_label};
use crate::graph::client::GraphClient;
use crate::graph::locator::{ItemRef, encode_segment};
use crate::graph::model::{AsyncJobStatus, Drive, DriveItem, Page, PageItem, Permission, User};
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

    fn item_path(&self, item: &ItemRef, suffix: Option<&str>) -> String {
        item.url_path(self.drive_prefix(), suffix)
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
        self.get_json(&self.item_path(item, None)).await
    }

    /// `GET {item}/children`, one page after another, following `@odata.nextLink` verbatim.
    pub fn children_pages<'a>(
        &'a self,
        item: &ItemRef,
        opts: &ListOptions,
    ) -> impl Stream<Item = Result<Page<DriveItem>>> + 'a {
        self.pages(opts.apply(self.item_path(item, Some("children"))))
    }

    /// All children of a folder, in the server's order.
    pub async fn children(&self, item: &ItemRef) -> Result<Vec<DriveItem>> {
        let opts = ListOptions {
            top: Some(1000),
            ..ListOptions::default()
        };
        self.collect_pages(opts.apply(self.item_path(item, Some("children"))))
            .await
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
        let body = json!({"name": name, "folder": {},
            "@microsoft.graph.conflictBehavior": conflict.as_str()});
        let path = self.item_path(parent, Some("children"));
        let made = self.request_json(Method::POST, &path, Some(&body)).await?;
        Asked::child(parent, name, conflict).check(&made)?;
        Ok(made)
    }

    /// `PATCH {item}` with `changes` (only the properties to change). A new `name` is checked
    /// first, so renames and moves refuse bad names before any request; an answer that names
    /// another name or parent than `changes` asked for is [`crate::ErrorKind::Misplaced`].
    pub async fn update(&self, item: &ItemRef, changes: &serde_json::Value) -> Result<DriveItem> {
        let name = changes.get("name").and_then(|n| n.as_str());
        if let Some(name) = name {
            check_name(name)?;
        }
        let path = self.item_path(item, None);
        let updated = self
            .request_json(Method::PATCH, &path, Some(changes))
            .await?;
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

    /// `DELETE {item}` (to the recycle bin; folders with their contents).
    pub async fn delete(&self, item: &ItemRef) -> Result<()> {
        let path = self.item_path(item, None);
        self.request(Method::DELETE, &path, None).await?;
        Ok(())
    }

    /// `POST {item}/copy`: starts a copy into folder `parent_id`; returns the monitor URL.
    pub async fn start_copy(
        &self,
        item: &ItemRef,
        parent_id: &str,
        new_name: Option<&str>,
    ) -> Result<String> {
        if let Some(n) = new_name {
            check_name(n)?;
        }
        let mut body = json!({"parentReference": {"id": parent_id}});
        if let Some(n) = new_name {
            body["name"] = json!(n);
        }
        let path = self.item_path(item, Some("copy"));
        let resp = self.request(Method::POST, &path, Some(&body)).await?;
        resp.headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or_else(|| Error::decode("copy", "202 answer without a Location monitor URL"))
    }

    /// Polls a copy monitor (no token) every `poll` until the job ends; returns the new item.
    pub async fn wait_copy(&self, monitor: &str, poll: Duration) -> Result<DriveItem> {
        loop {
            let resp = self.send_unauthenticated(|http| http.get(monitor)).await?;
            if resp.status().is_redirection() {
                let loc = resp
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
                    .ok_or_else(|| Error::decode("copy monitor", "redirect without Location"))?;
                return self.get_json(&loc).await;
            }
            let status: AsyncJobStatus = decode_json(resp, "copy monitor").await?;
            match status.status.as_str() {
                "completed" => {
                    let id = status.resource_id.ok_or_else(|| {
                        Error::decode("copy monitor", "completed without resourceId")
                    })?;
                    return self.item(&ItemRef::Id(id)).await;
                }
                "failed" | "deleteFailed" => {
                    let code = status.error_code.unwrap_or_else(|| "copyFailed".into());
                    return Err(Error::graph(
                        500,
                        code,
                        "the server could not copy the item",
                    ));
                }
                _ => tokio::time::sleep(poll).await,
            }
        }
    }

    /// Copies an item into folder `parent_id` and waits for the copy to finish. A copy that
    /// ends under another name or folder than asked is [`crate::ErrorKind::Misplaced`].
    pub async fn copy(
        &self,
        item: &ItemRef,
        parent_id: &str,
        new_name: Option<&str>,
    ) -> Result<DriveItem> {
        let monitor = self.start_copy(item, parent_id, new_name).await?;
        let copied = self.wait_copy(&monitor, Duration::from_millis(200)).await?;
        let asked = Asked {
            parent: Parent::id(parent_id),
            name: new_name,
            conflict: Conflict::Fail,
        };
        asked.check(&copied)?;
        Ok(copied)
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
        let path = self.item_path(item, Some("createLink"));
        self.request_json(Method::POST, &path, Some(&body)).await
    }

    /// `GET {item}/permissions`.
    pub async fn permissions(&self, item: &ItemRef) -> Result<Vec<Permission>> {
        self.collect_pages(self.item_path(item, Some("permissions")))
            .await
    }

    /// `GET /me/drive/recent` (deprecated by Microsoft, still served).
    pub async fn recent(&self) -> Result<Vec<DriveItem>> {
        self.collect_pages(format!("{}/recent", self.drive_prefix()))
            .await
    }

    /// `GET /me/drive/sharedWithMe` (items carry `remoteItem`).
    pub async fn shared_with_me(&self) -> Result<Vec<DriveItem>> {
        self.collect_pages(format!("{}/sharedWithMe", self.drive_prefix()))
            .await
    }

    /// `GET /me/drive/special/{name}` (`documents`, `photos`, `cameraroll`, `approot`, `music`).
    pub async fn special(&self, name: &str) -> Result<DriveItem> {
        let path = format!("{}/special/{}", self.drive_prefix(), encode_segment(name));
        self.get_json(&path).await
    }

    /// `GET /me/drive/root/search(q='...')`, all pages.
    pub async fn search(&self, query: &str, opts: &ListOptions) -> Result<Vec<DriveItem>> {
        let q = encode_segment(&query.replace('\'', "''"));
        let first = opts.apply(format!("{}/root/search(q='{q}')", self.drive_prefix()));
        self.collect_pages(first).await
    }

    /// One delta round: from `link` (a stored deltaLink) or, when `None`, a full enumeration of
    /// `item`. Returns every change (latest state per item, in server order) and the deltaLink
    /// for the next round. A 410 (`resyncRequired`) comes back as an error; start over then.
    pub async fn delta(&self, item: &ItemRef, link: Option<&str>) -> Result<Delta> {
        let first = match link {
            Some(l) => l.to_owned(),
            None => self.item_path(item, Some("delta")),
        };
        let pages: Vec<Page<DriveItem>> = self.pages(first).try_collect().await?;
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
        ItemRef::Root | ItemRef::Id(_) => Ok(()),
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
