//! The requests of a walk: a folder's listing (all its pages, graph-api.md §3), and a folder's
//! delta enumeration (§8) in two steps, its first page and then the rest, so that the walk can
//! decide after one page whether a big subtree is better split into listings and smaller
//! enumerations. Items are turned into records page by page, so no page outlives its turn.

use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;

use super::record::Record;
use super::subtree::{Builder, Subtree};
use crate::error::Result;
use crate::graph::model::Page;
use crate::graph::{DriveItem, GraphClient, ItemKind, ItemRef, ListOptions};

/// Items asked for per page (the most Graph serves, graph-api.md §3).
const PAGE: u32 = 1000;

/// The rest of a delta enumeration's pages.
pub(super) type Pages<'a> = BoxStream<'a, Result<Page<DriveItem>>>;

/// What a request of a walk brought.
pub(super) enum Step<'a, R> {
    /// A folder's children.
    Listed(Result<Vec<R>>),
    /// The first page of a folder's delta, with the stream of the rest.
    First(Result<(Page<DriveItem>, Pages<'a>)>),
    /// A folder's whole subtree.
    Rest(Result<Subtree<R>>),
}

/// A request of a walk, with the job it belongs to.
pub(super) type Running<'a, R> = BoxFuture<'a, (usize, Step<'a, R>)>;

fn options<R: Record>(download: bool) -> ListOptions {
    ListOptions {
        select: R::select(download).map(str::to_owned),
        top: Some(PAGE),
        ..ListOptions::default()
    }
}

/// Lists the children of `folder` (`job`'s request), as records for a download or not.
pub(super) fn list<'a, R: Record>(
    client: &'a GraphClient,
    job: usize,
    folder: ItemRef,
    download: bool,
) -> Running<'a, R> {
    Box::pin(async move {
        let opts = options::<R>(download);
        let mut pages = std::pin::pin!(client.children_pages(&folder, &opts));
        let mut out = Vec::new();
        let step = loop {
            match pages.next().await {
                None => break Step::Listed(Ok(out)),
                Some(Err(e)) => break Step::Listed(Err(e)),
                Some(Ok(page)) => out.extend(
                    page.value
                        .into_iter()
                        .filter(|i| i.kind() != ItemKind::Deleted)
                        .map(|i| R::from_item(i, download)),
                ),
            }
        };
        (job, step)
    })
}

/// Fetches the first page of the delta of `folder` (`job`'s first request).
pub(super) fn first<'a, R: Record>(
    client: &'a GraphClient,
    job: usize,
    folder: ItemRef,
    download: bool,
) -> Running<'a, R> {
    Box::pin(async move {
        let url = format!(
            "{}?{}",
            client.item_path(&folder, Some("delta")),
            options::<R>(download).query()
        );
        let mut pages: Pages<'a> = Box::pin(client.pages::<DriveItem>(url));
        let step = match pages.next().await {
            Some(Ok(page)) => Ok((page, pages)),
            Some(Err(e)) => Err(e),
            None => Err(crate::Error::decode("delta", "no page")),
        };
        (job, Step::First(step))
    })
}

/// Reads the rest of a delta enumeration into a subtree of the folder with id `root`.
pub(super) fn rest<'a, R: Record>(
    job: usize,
    mut tree: Builder<R>,
    mut pages: Pages<'a>,
    root: String,
) -> Running<'a, R> {
    Box::pin(async move {
        while let Some(page) = pages.next().await {
            match page {
                Ok(page) => page.value.into_iter().for_each(|i| tree.add(i)),
                Err(e) => return (job, Step::Rest(Err(e))),
            }
        }
        (job, Step::Rest(Ok(tree.finish(&root))))
    })
}
