//! Tree walks (`tree`, `find`, `du`, `ls -R`, `get -r`, `check`): everything below a folder,
//! with paths, streamed folder by folder in a fixed order while the requests for what comes
//! next run ahead ([`Walk`], [`Visits`]).
//!
//! Order: depth first, each folder's children sorted by name ([`NameOrder`]), each folder
//! before what it holds. It is the order a sorted `find` prints, and it can be streamed: a
//! folder's line needs only the folders above it. (`du` prints each folder after what it holds
//! ([`Visit::Done`]).) The collecting functions ([`walk`], [`walk_by_listing`],
//! [`walk_by_delta`]) return entries sorted by path, as they always have.
//!
//! Two ways to ask. Listing folder by folder costs one round trip per folder, so listings run
//! ahead of the output, at most `concurrency` at a time, each folder listed once (by id). A
//! folder-scoped delta (graph-api.md §8) returns a whole subtree as one stream of pages, about
//! one round trip per 1,000 items however many folders they are in, but one page after
//! another. On personal drives, where delta works on any folder, [`Walk::start`] enumerates
//! the walk's folder with delta and, when the first page shows more than one page's worth,
//! lists the folder and enumerates each of its folders side by side instead (the scheduler's
//! docs in `walker.rs` say when); a folder where the server refuses delta is listed. A delta
//! walk can hand out a subtree's folders only when its last page is in (any page may hold
//! another child of any folder), so the subtrees in flight are held, compactly
//! ([`Listed`]); splitting keeps them small. Business drives allow delta on the root only
//! (`400 notSupported` elsewhere), so they list, as do walks limited in depth.
//!
//! Every kind of item is walked the one way [`crate::graph::DriveItem::kind`] says: folders
//! and shortcuts to folders are entered, a shortcut by listing the folder it points to on its
//! own drive (a drive's delta does not include what its shortcuts point to, graph-api.md §8);
//! notebooks and other packages are entries, never entered (their sections are no files);
//! deleted items are dropped.

mod index;
mod index_file;
mod jobs;
mod listed;
mod record;
mod subtree;
mod visit;
mod walker;

use std::cmp::Ordering;
use std::path::PathBuf;

pub use listed::{Listed, media_type, modified};
pub use record::Record;
pub use visit::{Visit, Visits};
pub use walker::Walk;

use walker::How;

use crate::error::Result;
use crate::graph::{DriveItem, GraphClient, ItemRef, same_drive};

/// One item found by a walk, with the record `R` the walk keeps ([`DriveItem`] for the
/// collecting functions, [`Listed`] for streaming ones).
#[derive(Debug, Clone)]
pub struct WalkEntry<R = DriveItem> {
    /// Path relative to the walk's root, `/`-separated (`Docs/a.txt`).
    pub path: String,
    /// Depth below the root (direct children: 1).
    pub depth: usize,
    /// The item.
    pub item: R,
    /// A folder above this entry has a name that is no safe local path component (see
    /// [`DriveItem::local_name`]), so `path` must not be used to place it locally.
    pub under_unsafe: bool,
}

/// One folder as a [`Walk`] hands it out: its place and its children, sorted.
#[derive(Debug)]
pub struct Folder<R> {
    /// Path relative to the walk's root (`""` for the root).
    pub path: String,
    /// Depth below the root (the root: 0).
    pub depth: usize,
    /// The folder's path (the folder included) holds a name that is no safe local path
    /// component: so do its children's ([`WalkEntry::under_unsafe`]).
    pub under_unsafe: bool,
    /// The children, in the walk's [`NameOrder`].
    pub children: Vec<R>,
    /// Which children the walk enters: their folders are handed out later.
    entered: Vec<bool>,
}

impl<R: Record> Folder<R> {
    /// True when the walk enters child `i` (a folder within the depth limit, listed once).
    pub fn enters(&self, i: usize) -> bool {
        self.entered.get(i).copied().unwrap_or(false)
    }

    /// The children as entries.
    pub fn into_entries(self) -> impl Iterator<Item = WalkEntry<R>> {
        let (path, depth, under_unsafe) = (self.path, self.depth, self.under_unsafe);
        self.children.into_iter().map(move |item| WalkEntry {
            path: join_rel(&path, item.name()),
            depth: depth + 1,
            item,
            under_unsafe,
        })
    }
}

/// The order of sister names in a walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NameOrder {
    /// By code point (`Pics` before `it's`), as `LC_ALL=C ls` sorts: stable in any locale.
    #[default]
    CodePoint,
    /// Ignoring case (`it's` before `Pics`), names equal but for case by code point, as GNU
    /// `ls` sorts in a UTF-8 locale.
    IgnoreCase,
}

impl NameOrder {
    /// Compares two names.
    pub fn compare(self, a: &str, b: &str) -> Ordering {
        match self {
            NameOrder::CodePoint => a.cmp(b),
            NameOrder::IgnoreCase => {
                let (x, y) = (
                    a.chars().flat_map(char::to_lowercase),
                    b.chars().flat_map(char::to_lowercase),
                );
                x.cmp(y).then_with(|| a.cmp(b))
            }
        }
    }
}

/// How a walk asks for folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// The fastest the drive allows (see the module docs).
    #[default]
    Auto,
    /// Folder by folder.
    Listing,
    /// One delta enumeration of the whole folder, never split, no listing instead.
    Delta,
}

/// How to walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkOptions {
    /// Requests at once.
    pub concurrency: usize,
    /// Levels to descend (`Some(1)`: the children only); `None`: all.
    pub max_depth: Option<usize>,
    /// The order of sisters.
    pub order: NameOrder,
    /// How folders are asked for.
    pub strategy: Strategy,
    /// The walk's files are to be downloaded: its records keep what that needs
    /// ([`Listed::new`]).
    pub download: bool,
    /// Where the indexes of personal drives live (the data directory's `index/`): walks of
    /// such a drive's own folders read and update its index, and a walk of its root writes
    /// one (see `index.rs`). `None`: no index.
    pub index: Option<PathBuf>,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            concurrency: 8,
            max_depth: None,
            order: NameOrder::CodePoint,
            strategy: Strategy::Auto,
            download: false,
            index: None,
        }
    }
}

impl<'a, R: Record> Walk<'a, R> {
    /// A walk of everything below `root` (not `root` itself), as `opts` says; its first
    /// request, for `root` itself, is made here.
    ///
    /// # Errors
    ///
    /// Those of that request (a missing `root` is not found).
    pub async fn start(client: &'a GraphClient, root: &ItemRef, opts: WalkOptions) -> Result<Self> {
        let start = client.item(root).await?;
        let how = match opts.strategy {
            Strategy::Listing => How::List { delta_below: false },
            Strategy::Delta => How::Delta { auto: false },
            Strategy::Auto if delta_allowed(client, root, &start, &opts).await? => {
                How::Delta { auto: true }
            }
            Strategy::Auto => How::List { delta_below: false },
        };
        let mut tee = None;
        if let (How::Delta { auto: true }, Some(dir), false) = (how, &opts.index, opts.download) {
            match index::open(client, &start, dir).await? {
                index::Opened::Walk(tree, slot) => {
                    return Ok(Walk::in_tree(client, start, opts, tree, slot));
                }
                index::Opened::Write(t) => tee = Some(t),
                index::Opened::Skip => {}
            }
        }
        Ok(Walk::new(client, start, opts, how, tee))
    }

    /// A walk below `start`, an item already fetched, by one delta enumeration.
    pub fn by_delta(client: &'a GraphClient, start: DriveItem, opts: WalkOptions) -> Self {
        Walk::new(client, start, opts, How::Delta { auto: false }, None)
    }
}

/// True when `start`, the item `root` names, may be walked by delta: a folder of a personal
/// drive that the client addresses (not a shared folder, entered by a shortcut or by id),
/// walked to any depth.
async fn delta_allowed(
    client: &GraphClient,
    root: &ItemRef,
    start: &DriveItem,
    opts: &WalkOptions,
) -> Result<bool> {
    let personal = start
        .parent_reference
        .as_ref()
        .and_then(|p| p.drive_type.as_deref())
        == Some("personal");
    if !personal
        || opts.max_depth.is_some()
        || !start.is_folder()
        || client.rooted().is_some()
        || start.remote().is_some()
    {
        return Ok(false);
    }
    match client.resolve(root, None) {
        ItemRef::OnDrive { drive, .. } if !client.through_shortcut(root) => {
            Ok(same_drive(&drive, &client.drive_id().await?))
        }
        ItemRef::OnDrive { .. } => Ok(false),
        _ => Ok(true),
    }
}

/// Lists everything below `root` (not `root` itself) down to `max_depth` levels (`None`:
/// unlimited), by the fastest strategy the drive allows (see the module docs); requests run
/// at most `concurrency` at a time. Entries come sorted by path.
pub async fn walk(
    client: &GraphClient,
    root: &ItemRef,
    concurrency: usize,
    max_depth: Option<usize>,
) -> Result<Vec<WalkEntry>> {
    let opts = options(concurrency, max_depth, Strategy::Auto);
    collect(Walk::start(client, root, opts).await?).await
}

/// [`walk`] by listing each folder (each once, by id), at most `concurrency` at a time.
pub async fn walk_by_listing(
    client: &GraphClient,
    root: &ItemRef,
    concurrency: usize,
    max_depth: Option<usize>,
) -> Result<Vec<WalkEntry>> {
    let opts = options(concurrency, max_depth, Strategy::Listing);
    collect(Walk::start(client, root, opts).await?).await
}

/// [`walk`] by one folder-scoped delta enumeration of the folder `start`. Items are rebuilt
/// into a tree by parent id (delta need not send paths); an item repeated in the stream counts
/// by its last occurrence, and deleted items are dropped. Shortcuts in the tree are entered by
/// listing (the delta of a drive holds none of what they point to).
pub async fn walk_by_delta(
    client: &GraphClient,
    start: &DriveItem,
    max_depth: Option<usize>,
) -> Result<Vec<WalkEntry>> {
    let opts = options(SHORTCUT_LISTINGS, max_depth, Strategy::Delta);
    collect(Walk::by_delta(client, start.clone(), opts)).await
}

/// Listings at once when a delta walk enters the shortcuts it found (as many as `tree` and
/// `find` run).
const SHORTCUT_LISTINGS: usize = 8;

fn options(concurrency: usize, max_depth: Option<usize>, strategy: Strategy) -> WalkOptions {
    WalkOptions {
        concurrency,
        max_depth,
        strategy,
        ..WalkOptions::default()
    }
}

/// Every entry of a walk, sorted by path.
async fn collect(mut walk: Walk<'_, DriveItem>) -> Result<Vec<WalkEntry>> {
    let mut out = Vec::new();
    while let Some(folder) = walk.next_folder().await {
        out.extend(folder?.into_entries());
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// `prefix/name`, or `name` at the top (`prefix` empty): walk paths are relative.
pub(crate) fn join_rel(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}/{name}")
    }
}
