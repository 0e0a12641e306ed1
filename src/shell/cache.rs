//! The listing cache behind Tab completion, `cd` checks and glob expansion (README,
//! "Completion").
//!
//! Listings are keyed by folder id and kept with a lower-cased, sorted index of their names, so
//! a case-insensitive prefix lookup is a binary search (well under a millisecond for 10,000
//! entries). A path index maps lower-cased absolute paths to folder ids. Entries expire after
//! the TTL (60 s); our own writes update them in place; `cache flush` clears everything. `ls`
//! always asks the server and refreshes its entry, so listings never show stale data.
//! Listings under way are known too ([`Flight`]), so a Tab waits for the one in flight
//! instead of asking again, and not at all for a big one (`cache/flight.rs`).

mod child;
mod flight;
mod listing;

pub use child::Child;
pub use flight::Flight;
pub use listing::{Found, list_folder_pages, list_item_pages};

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::error::{CommandError, exit};
use crate::graph::model::ItemReference;
use crate::graph::{DriveItem, GraphClient, ItemRef};

/// Default time a listing stays valid.
pub const DEFAULT_TTL: Duration = Duration::from_secs(60);

/// One folder listing: its children as compact records ([`Child`]), sorted by lower-cased
/// name, with the parentReference they share kept once. Built page by page
/// ([`Listing::extend`], then [`Listing::sorted`]): about 160 bytes a plain child (a 140-byte
/// record and its index entry), 16 MB for 100,000 (bench/results.md, section 9).
#[derive(Debug, Clone)]
pub struct Listing {
    /// The children, sorted by lower-cased name once [`Listing::sorted`].
    children: Vec<Child>,
    /// The parentReference of the first child, which its compact siblings share.
    parent: Option<ItemReference>,
    fetched: Instant,
}

impl Default for Listing {
    fn default() -> Self {
        Listing {
            children: Vec::new(),
            parent: None,
            fetched: Instant::now(),
        }
    }
}

impl From<Vec<DriveItem>> for Listing {
    fn from(items: Vec<DriveItem>) -> Self {
        let mut listing = Listing::default();
        listing.extend(items);
        listing.sorted()
    }
}

impl Listing {
    /// Adds a page of children, in the server's order.
    pub fn extend(&mut self, page: Vec<DriveItem>) {
        if self.children.is_empty() && self.parent.is_none() {
            self.parent = page.first().and_then(|i| i.parent_reference.clone());
        }
        let parent = self.parent.as_ref();
        self.children
            .extend(page.into_iter().map(|i| Child::new(i, parent)));
    }

    /// The listing sorted by lower-cased name, its spare capacity given back.
    pub fn sorted(mut self) -> Self {
        self.children.sort_by(|a, b| a.lower().cmp(b.lower()));
        self.children.shrink_to_fit();
        self
    }

    /// All children, sorted by name ignoring case.
    pub fn children(&self) -> &[Child] {
        &self.children
    }

    /// `child` (one of this listing's) as the driveItem the listing gave ([`Child::to_item`]).
    pub fn item(&self, child: &Child) -> DriveItem {
        child.to_item(self.parent.as_ref())
    }

    /// The children whose name `keep` accepts, as driveItems ([`Listing::item`]), sorted by
    /// name ignoring case: only those are made whole, so a pattern in a folder of 100,000
    /// names costs what it matches.
    pub fn items_where(&self, keep: impl Fn(&str) -> bool) -> Vec<DriveItem> {
        self.children
            .iter()
            .filter(|c| keep(c.name()))
            .map(|c| self.item(c))
            .collect()
    }

    /// Children whose name starts with `prefix`, ignoring case.
    pub fn with_prefix(&self, prefix: &str) -> &[Child] {
        let p = prefix.to_lowercase();
        let start = self.children.partition_point(|c| c.lower() < p.as_str());
        let len = self.children[start..]
            .iter()
            .take_while(|c| c.lower().starts_with(&p))
            .count();
        &self.children[start..start + len]
    }

    /// The child named `name`, ignoring case.
    pub fn get(&self, name: &str) -> Option<&Child> {
        let n = name.to_lowercase();
        self.find(&n).ok().map(|i| &self.children[i])
    }

    fn find(&self, lower: &str) -> Result<usize, usize> {
        self.children.binary_search_by(|c| c.lower().cmp(lower))
    }

    fn upsert(&mut self, item: DriveItem) {
        let child = Child::new(item, self.parent.as_ref());
        match self.find(child.lower()) {
            Ok(i) => self.children[i] = child,
            Err(i) => self.children.insert(i, child),
        }
    }

    fn remove_id(&mut self, id: &str) {
        if let Some(i) = self.children.iter().position(|c| c.id() == id) {
            self.children.remove(i);
        }
    }
}

/// Listings by folder id, plus a lower-cased path → folder id index.
#[derive(Debug)]
pub struct DirCache {
    listings: HashMap<String, Listing>,
    paths: HashMap<String, String>,
    /// Listings under way, by lower-cased absolute path.
    flights: HashMap<String, Arc<Flight>>,
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
            flights: HashMap::new(),
            ttl,
            hits: 0,
            misses: 0,
        }
    }

    /// Stores a fresh listing of folder `id` at absolute `path` (a sorted one:
    /// [`Listing::sorted`], or made `From` a `Vec<DriveItem>`).
    pub fn store(&mut self, id: &str, path: &str, mut listing: Listing) {
        for child in listing.children().iter().filter(|c| c.is_folder()) {
            self.paths
                .insert(child_key(path, child.name()), child.id().to_owned());
        }
        self.paths.insert(path.to_lowercase(), id.to_owned());
        listing.fetched = Instant::now();
        self.listings.insert(id.to_owned(), listing);
    }

    /// The item at absolute `path` as its parent's listing shows it, when that listing is
    /// cached and younger than the TTL (not counted as a hit or miss).
    pub fn entry(&self, path: &str) -> Option<DriveItem> {
        let trimmed = path.trim_end_matches('/');
        let (parent, name) = trimmed.rsplit_once('/')?;
        let parent = if parent.is_empty() { "/" } else { parent };
        let listing = self.listings.get(self.folder_id(parent)?)?;
        (listing.fetched.elapsed() < self.ttl)
            .then(|| listing.get(name).map(|c| listing.item(c)))
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

    /// The listing of the folder at absolute `path` under way, if one is. A flight only the
    /// cache still holds has no fetch behind it (one dropped before it ran): none.
    pub fn flight(&self, path: &str) -> Option<Arc<Flight>> {
        let flight = self.flights.get(&path.to_lowercase())?;
        (Arc::strong_count(flight) > 1).then(|| flight.clone())
    }

    /// Notes a listing of the folder at absolute `path` starting (the newest is the one a Tab
    /// waits for); [`fetch_in_flight`] reports to it and lands it.
    pub fn depart(&mut self, path: &str) -> Arc<Flight> {
        let flight = Arc::new(Flight::default());
        self.flights.insert(path.to_lowercase(), flight.clone());
        flight
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
            items: self.listings.values().map(|l| l.children.len()).sum(),
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
/// otherwise fetched (and stored). Only the children whose name `keep` accepts are returned
/// ([`Listing::items_where`]).
pub async fn cached_listing(
    client: &GraphClient,
    cache: &Mutex<DirCache>,
    path: &str,
    keep: impl Fn(&str) -> bool,
) -> Result<(String, Vec<DriveItem>), CommandError> {
    {
        let mut c = lock(cache);
        if let Some(id) = c.folder_id(path).map(str::to_owned)
            && let Some(l) = c.fresh(&id)
        {
            return Ok((id, l.items_where(keep)));
        }
    }
    let id = fetch_listing(client, cache, path).await?;
    let items = lock(cache).listings.get(&id).map(|l| l.items_where(keep));
    Ok((id, items.unwrap_or_default()))
}

/// Fetches the folder at absolute `path` and its children, and stores them in the cache;
/// returns the folder's id. Others see it under way ([`DirCache::flight`]).
pub async fn fetch_listing(
    client: &GraphClient,
    cache: &Mutex<DirCache>,
    path: &str,
) -> Result<String, CommandError> {
    let flight = lock(cache).depart(path);
    fetch_in_flight(client, cache, path, flight).await
}

/// [`fetch_listing`] of a listing already noted as `flight` ([`DirCache::depart`]): each page
/// is counted on it, and it lands when the listing is stored or has failed (or the fetch is
/// dropped).
pub async fn fetch_in_flight(
    client: &GraphClient,
    cache: &Mutex<DirCache>,
    path: &str,
    flight: Arc<Flight>,
) -> Result<String, CommandError> {
    let landing = Landing {
        cache,
        path,
        flight,
    };
    let page = |_: &[DriveItem]| {
        landing.flight.page();
        Ok(())
    };
    let known = lock(cache).entry(path);
    let listed = match &known {
        Some(item) => list_item_pages(client, item, page).await,
        None => list_folder_pages(client, &ItemRef::path(path), page).await,
    };
    match listed {
        Ok(Found::Folder { id, children }) => {
            lock(cache).store(&id, path, children);
            Ok(id)
        }
        Ok(Found::Item(_)) => Err(CommandError::new(
            exit::FAILED,
            format!("{path}: not a folder"),
        )),
        Err(e) => {
            if e.code == exit::NOT_FOUND {
                lock(cache).forget(path);
            }
            Err(e)
        }
    }
}

/// Lands a [`Flight`] when its fetch ends, however it ends.
struct Landing<'a> {
    cache: &'a Mutex<DirCache>,
    path: &'a str,
    flight: Arc<Flight>,
}

impl Drop for Landing<'_> {
    fn drop(&mut self) {
        let mut c = lock(self.cache);
        let key = self.path.to_lowercase();
        if c.flights
            .get(&key)
            .is_some_and(|f| Arc::ptr_eq(f, &self.flight))
        {
            c.flights.remove(&key);
        }
        drop(c);
        self.flight.land();
    }
}

/// The path-index key of child `name` of folder `parent` (both absolute).
fn child_key(parent: &str, name: &str) -> String {
    format!("{}/{}", parent.trim_end_matches('/'), name).to_lowercase()
}

#[cfg(test)]
pub(super) mod tests;
