//! The listing cache behind Tab completion, `cd` checks and glob expansion (README,
//! "Completion").
//!
//! Listings are keyed by folder id and kept with a lower-cased, sorted index of their names, so
//! a case-insensitive prefix lookup is a binary search (well under a millisecond for 10,000
//! entries). A path index maps lower-cased absolute paths to folder ids. Entries expire after
//! the TTL (60 s); our own writes update them in place; `cache flush` clears everything. `ls`
//! always asks the server and refreshes its entry, so listings never show stale data.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use std::sync::Mutex;

use futures_util::StreamExt;

use super::error::{CmdResult, CommandError, exit};
use crate::graph::model::Page;
use crate::graph::{DriveItem, GraphClient, ItemRef, ListOptions};

/// Default time a listing stays valid.
pub const DEFAULT_TTL: Duration = Duration::from_secs(60);

/// One cached folder listing.
#[derive(Debug, Clone)]
pub struct Listing {
    /// The children, sorted by lower-cased name.
    items: Vec<DriveItem>,
    /// Lower-cased names, parallel to `items`.
    lower: Vec<String>,
    fetched: Instant,
}

impl Listing {
    fn new(mut items: Vec<DriveItem>) -> Self {
        items.sort_by_cached_key(|i| i.name.to_lowercase());
        let lower = items.iter().map(|i| i.name.to_lowercase()).collect();
        Listing {
            items,
            lower,
            fetched: Instant::now(),
        }
    }

    /// All children, sorted by name ignoring case.
    pub fn items(&self) -> &[DriveItem] {
        &self.items
    }

    /// Children whose name starts with `prefix`, ignoring case.
    pub fn with_prefix(&self, prefix: &str) -> &[DriveItem] {
        let p = prefix.to_lowercase();
        let start = self.lower.partition_point(|n| n.as_str() < p.as_str());
        let len = self.lower[start..]
            .iter()
            .take_while(|n| n.starts_with(&p))
            .count();
        &self.items[start..start + len]
    }

    /// The child named `name`, ignoring case.
    pub fn get(&self, name: &str) -> Option<&DriveItem> {
        let n = name.to_lowercase();
        self.lower.binary_search(&n).ok().map(|i| &self.items[i])
    }

    fn upsert(&mut self, item: DriveItem) {
        let n = item.name.to_lowercase();
        match self.lower.binary_search(&n) {
            Ok(i) => self.items[i] = item,
            Err(i) => {
                self.lower.insert(i, n);
                self.items.insert(i, item);
            }
        }
    }

    fn remove_id(&mut self, id: &str) {
        if let Some(i) = self.items.iter().position(|it| it.id == id) {
            self.items.remove(i);
            self.lower.remove(i);
        }
    }
}

/// Listings by folder id, plus a lower-cased path → folder id index.
#[derive(Debug)]
pub struct DirCache {
    listings: HashMap<String, Listing>,
    paths: HashMap<String, String>,
    ttl: Duration,
    hits: u64,
    misses: u64,
}

impl Default for DirCache {
    fn default() -> Self {
        DirCache::new(DEFAULT_TTL)
    }
}

/// Counters for `cache stat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheStat {
    /// Cached folders.
    pub folders: usize,
    /// Cached items across all folders.
    pub items: usize,
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Lookups that needed the server.
    pub misses: u64,
}

impl DirCache {
    /// An empty cache whose listings expire after `ttl`.
    pub fn new(ttl: Duration) -> Self {
        DirCache {
            listings: HashMap::new(),
            paths: HashMap::new(),
            ttl,
            hits: 0,
            misses: 0,
        }
    }

    /// Stores a fresh listing of folder `id` at absolute `path`.
    pub fn store(&mut self, id: &str, path: &str, items: Vec<DriveItem>) {
        for child in items.iter().filter(|i| i.is_folder()) {
            self.paths
                .insert(child_key(path, &child.name), child.id.clone());
        }
        self.paths.insert(path.to_lowercase(), id.to_owned());
        self.listings.insert(id.to_owned(), Listing::new(items));
    }

    /// The item at absolute `path` as its parent's listing shows it, when that listing is
    /// cached and younger than the TTL (not counted as a hit or miss).
    pub fn entry(&self, path: &str) -> Option<DriveItem> {
        let trimmed = path.trim_end_matches('/');
        let (parent, name) = trimmed.rsplit_once('/')?;
        let parent = if parent.is_empty() { "/" } else { parent };
        let listing = self.listings.get(self.folder_id(parent)?)?;
        (listing.fetched.elapsed() < self.ttl)
            .then(|| listing.get(name).cloned())
            .flatten()
    }

    /// The folder id cached for an absolute path, if any.
    pub fn folder_id(&self, path: &str) -> Option<&str> {
        self.paths.get(&path.to_lowercase()).map(String::as_str)
    }

    /// The listing of folder `id` if it is cached and younger than the TTL (counts hits).
    pub fn fresh(&mut self, id: &str) -> Option<&Listing> {
        let ttl = self.ttl;
        match self.listings.get(id) {
            Some(l) if l.fetched.elapsed() < ttl => {
                self.hits += 1;
                self.listings.get(id)
            }
            _ => {
                self.misses += 1;
                None
            }
        }
    }

    /// Our own write added or replaced `item` in folder `parent_id`.
    pub fn upsert(&mut self, parent_id: &str, parent_path: &str, item: DriveItem) {
        if item.is_folder() {
            self.paths
                .insert(child_key(parent_path, &item.name), item.id.clone());
        }
        if let Some(l) = self.listings.get_mut(parent_id) {
            l.upsert(item);
        }
    }

    /// Our own write removed item `id` (at absolute `path`) from folder `parent_id`; a removed
    /// folder's cached listings below it are dropped too.
    pub fn remove(&mut self, parent_id: &str, id: &str, path: &str) {
        if let Some(l) = self.listings.get_mut(parent_id) {
            l.remove_id(id);
        }
        let key = path.to_lowercase();
        let below = format!("{}/", key.trim_end_matches('/'));
        let gone: Vec<String> = self
            .paths
            .iter()
            .filter(|(p, _)| **p == key || p.starts_with(&below))
            .map(|(_, v)| v.clone())
            .collect();
        self.paths
            .retain(|p, _| *p != key && !p.starts_with(&below));
        for g in gone {
            self.listings.remove(&g);
        }
        self.listings.remove(id);
    }

    /// Forgets the folder at absolute `path` and everything cached below it (a 404 said it is
    /// gone, so its id and listings are stale).
    pub fn forget(&mut self, path: &str) {
        let id = self.folder_id(path).map(str::to_owned).unwrap_or_default();
        self.remove("", &id, path);
    }

    /// Clears everything (`cache flush`).
    pub fn flush(&mut self) {
        self.listings.clear();
        self.paths.clear();
    }

    /// Sizes and counters (`cache stat`).
    pub fn stat(&self) -> CacheStat {
        CacheStat {
            folders: self.listings.len(),
            items: self.listings.values().map(|l| l.items.len()).sum(),
            hits: self.hits,
            misses: self.misses,
        }
    }
}

/// Locks a cache; a poisoned lock only means a panicking completer, the data is still sound.
pub fn lock(cache: &Mutex<DirCache>) -> std::sync::MutexGuard<'_, DirCache> {
    cache.lock().unwrap_or_else(|p| p.into_inner())
}

/// The children of the folder at absolute `path` and its id: from the cache when fresh,
/// otherwise fetched (and stored).
pub async fn cached_listing(
    client: &GraphClient,
    cache: &Mutex<DirCache>,
    path: &str,
) -> Result<(String, Vec<DriveItem>), CommandError> {
    {
        let mut c = lock(cache);
        if let Some(id) = c.folder_id(path).map(str::to_owned)
            && let Some(l) = c.fresh(&id)
        {
            return Ok((id, l.items().to_vec()));
        }
    }
    fetch_listing(client, cache, path).await
}

/// Fetches the folder at absolute `path` and its children, and stores them in the cache.
pub async fn fetch_listing(
    client: &GraphClient,
    cache: &Mutex<DirCache>,
    path: &str,
) -> Result<(String, Vec<DriveItem>), CommandError> {
    let known = lock(cache).entry(path);
    let listed = match &known {
        Some(item) => list_item(client, item).await,
        None => list_folder(client, &ItemRef::path(path)).await,
    };
    let (folder, items) = match listed {
        Ok(found) => found,
        Err(e) => {
            if e.code == exit::NOT_FOUND {
                lock(cache).forget(path);
            }
            return Err(e);
        }
    };
    let Some(folder) = folder else {
        return Err(CommandError::new(
            exit::FAILED,
            format!("{path}: not a folder"),
        ));
    };
    lock(cache).store(&folder, path, items.clone());
    Ok((folder, items))
}

/// What a listing found: the folder's id and its children, or, for a target that is no
/// folder (a file, a notebook), `None` and the target itself.
pub type Found = (Option<String>, Vec<DriveItem>);

/// Lists a folder with as few requests as possible: the children first (their parent
/// reference names the folder's id); only an empty answer needs the item itself, to tell an
/// empty folder (`Some(id)`) from a file or a notebook (`None`, with the item as the only
/// entry) and from a shortcut not known yet, whose shared folder is then listed on its drive.
pub async fn list_folder(client: &GraphClient, item: &ItemRef) -> Result<Found, CommandError> {
    list_folder_pages(client, item, |_| Ok(())).await
}

/// [`list_folder`], calling `page` with each page of a folder's children as it arrives (a
/// folder of 100,000 children comes in 100 pages; `ls` prints each at once). An item a page
/// repeats from an earlier one is dropped: a server that pages in a loop is stopped by the
/// paging guard, but only after a few pages, which `page` has seen by then.
pub async fn list_folder_pages(
    client: &GraphClient,
    item: &ItemRef,
    mut page: impl FnMut(&[DriveItem]) -> CmdResult,
) -> Result<Found, CommandError> {
    let mut pages = std::pin::pin!(client.children_pages(item, &by_thousands()));
    let mut items = Vec::new();
    let mut folder = None;
    let mut seen = HashSet::new();
    while let Some(next) = pages.next().await {
        let next = match next {
            Ok(next) => next,
            // A path through a shortcut not known yet: `children` finds the shortcut (and
            // learns it) and lists there, all at once.
            Err(e) if e.is_not_found() && items.is_empty() && folder.is_none() => Page {
                value: client.children(item).await?,
                next_link: None,
                delta_link: None,
            },
            // Only an error answer may mean "a file has no children"; a broken answer is an
            // error, and so is any error after the first page.
            Err(e) if !items.is_empty() || folder.is_some() || !no_children(&e) => {
                return Err(e.into());
            }
            Err(e) => {
                // Graph refuses children of a file on some front-ends: show the file instead.
                let me = client.item(item).await.map_err(|_| CommandError::from(e))?;
                return Ok((None, vec![me]));
            }
        };
        let mut next = next;
        next.value.retain(|i| seen.insert(i.id.clone()));
        client.learn(item, &next.value, true);
        folder = folder.or_else(|| {
            let first = next.value.first()?;
            first.parent_reference.as_ref()?.id.clone()
        });
        page(&next.value)?;
        items.extend(next.value);
    }
    if folder.is_some() {
        return Ok((folder, items));
    }
    let me = client.item(item).await?;
    match me.remote() {
        Some(_) if me.is_folder() => list_item_pages(client, &me, page).await,
        _ if me.is_folder() => Ok((Some(me.id), items)),
        _ => Ok((None, vec![me])),
    }
}

/// True for an error that may only mean that the item has no children to list.
fn no_children(e: &crate::Error) -> bool {
    !(e.is_not_found() || e.is_auth() || e.is_transient() || e.status().is_none())
}

/// Pages of 1,000 items, the most Graph serves (graph-api.md §3).
fn by_thousands() -> ListOptions {
    ListOptions {
        top: Some(1000),
        ..ListOptions::default()
    }
}

/// Lists `item`, whose metadata is known: a folder's children where they are (a shortcut's
/// on the shared folder's drive) with the folder's id there, or the item itself (`None`) when
/// it is no folder (a file, a notebook).
pub async fn list_item(client: &GraphClient, item: &DriveItem) -> Result<Found, CommandError> {
    list_item_pages(client, item, |_| Ok(())).await
}

/// [`list_item`], calling `page` with each page of a folder's children as it arrives.
pub async fn list_item_pages(
    client: &GraphClient,
    item: &DriveItem,
    mut page: impl FnMut(&[DriveItem]) -> CmdResult,
) -> Result<Found, CommandError> {
    if !item.is_folder() {
        return Ok((None, vec![item.clone()]));
    }
    let id = item.remote().map_or_else(|| item.id.clone(), |t| t.id);
    let at = ItemRef::content_of(item);
    let mut pages = std::pin::pin!(client.children_pages(&at, &by_thousands()));
    let mut items = Vec::new();
    let mut seen = HashSet::new();
    while let Some(next) = pages.next().await {
        let mut next = next?;
        next.value.retain(|i| seen.insert(i.id.clone()));
        page(&next.value)?;
        items.extend(next.value);
    }
    Ok((Some(id), items))
}

/// The path-index key of child `name` of folder `parent` (both absolute).
fn child_key(parent: &str, name: &str) -> String {
    format!("{}/{}", parent.trim_end_matches('/'), name).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, name: &str, folder: bool) -> DriveItem {
        DriveItem {
            id: id.into(),
            name: name.into(),
            folder: folder.then(Default::default),
            ..Default::default()
        }
    }

    #[test]
    fn prefix_lookup_ignores_case_and_keeps_server_case() {
        let mut c = DirCache::default();
        c.store(
            "r",
            "/",
            vec![
                item("1", "Pics", true),
                item("2", "pizza.txt", false),
                item("3", "Documents", true),
            ],
        );
        let l = c.fresh("r").unwrap();
        let names: Vec<&str> = l
            .with_prefix("PI")
            .iter()
            .map(|i| i.name.as_str())
            .collect();
        assert_eq!(names, ["Pics", "pizza.txt"]);
        assert_eq!(c.folder_id("/pics"), Some("1"));
    }

    #[test]
    fn writes_update_in_place_and_remove_subtrees() {
        let mut c = DirCache::default();
        c.store("r", "/", vec![item("1", "A", true)]);
        c.store("1", "/A", vec![item("2", "x", false)]);
        c.upsert("r", "/", item("9", "b.txt", false));
        assert_eq!(c.fresh("r").unwrap().items().len(), 2);
        c.remove("r", "1", "/A");
        assert!(c.fresh("1").is_none());
        assert_eq!(c.folder_id("/a"), None);
        assert_eq!(c.fresh("r").unwrap().items().len(), 1);
        c.store("5", "/B", vec![]);
        c.forget("/b");
        assert_eq!(c.folder_id("/B"), None);
        assert!(c.fresh("5").is_none());
    }

    /// The speed of this lookup is measured in `bench/micro.rs`, not here.
    #[test]
    fn prefix_in_ten_thousand_entries_ignores_case() {
        let mut c = DirCache::default();
        let items = (0..10_000)
            .map(|i| item(&i.to_string(), &format!("File {i:05}.txt"), false))
            .collect();
        c.store("r", "/", items);
        let l = c.fresh("r").unwrap();
        let hits = l.with_prefix("file 0999");
        assert_eq!(hits.len(), 10);
        assert!(hits.iter().all(|h| h.name.starts_with("File 0999")));
    }

    #[test]
    fn entries_expire() {
        let mut c = DirCache::new(Duration::ZERO);
        c.store("r", "/", vec![]);
        assert!(c.fresh("r").is_none());
        assert_eq!(c.stat().misses, 1);
    }
}
