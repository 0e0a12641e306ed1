//! Listing one folder with as few requests as possible, page by page: what the cache is
//! filled from, and what `ls` prints as it comes.

use std::collections::HashSet;

use futures_util::StreamExt;

use super::super::error::{CmdResult, CommandError};
use super::Listing;
use crate::graph::model::Page;
use crate::graph::{DriveItem, GraphClient, ItemRef, ListOptions};

/// What a listing found.
#[derive(Debug)]
pub enum Found {
    /// A folder: its id and its children (compact, sorted: [`Listing`]).
    Folder {
        /// The folder's id (a shortcut's: the shared folder's, on its drive).
        id: String,
        /// Its children.
        children: Listing,
    },
    /// A target that is no folder (a file, a notebook): the target itself.
    Item(Box<DriveItem>),
}

/// Lists a folder with as few requests as possible: the children first (their parent
/// reference names the folder's id); only an empty answer needs the item itself, to tell an
/// empty folder ([`Found::Folder`]) from a file or a notebook ([`Found::Item`]) and from a
/// shortcut not known yet, whose shared folder is then listed on its drive.
/// `page` gets each page of a folder's children as it arrives (a
/// folder of 100,000 children comes in 100 pages; `ls` prints each at once). An item a page
/// repeats from an earlier one is dropped: a server that pages in a loop is stopped by the
/// paging guard, but only after a few pages, which `page` has seen by then. Only the compact
/// [`Listing`] is kept of each page once `page` has seen it.
pub async fn list_folder_pages(
    client: &GraphClient,
    item: &ItemRef,
    mut page: impl FnMut(&[DriveItem]) -> CmdResult,
) -> Result<Found, CommandError> {
    let mut pages = std::pin::pin!(client.children_pages(item, &by_thousands()));
    let mut items = Listing::default();
    let mut folder = None;
    let mut seen = HashSet::new();
    while let Some(next) = pages.next().await {
        let next = match next {
            Ok(next) => next,
            // A path through a shortcut not known yet: `children` finds the shortcut (and
            // learns it) and lists there, all at once.
            Err(e) if e.is_not_found() && items.children().is_empty() && folder.is_none() => Page {
                value: client.children(item).await?,
                next_link: None,
                delta_link: None,
            },
            // Only an error answer may mean "a file has no children"; a broken answer is an
            // error, and so is any error after the first page.
            Err(e) if !items.children().is_empty() || folder.is_some() || !no_children(&e) => {
                return Err(e.into());
            }
            Err(e) => {
                // Graph refuses children of a file on some front-ends: show the file instead.
                let me = client.item(item).await.map_err(|_| CommandError::from(e))?;
                return Ok(Found::Item(Box::new(me)));
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
    if let Some(id) = folder {
        let children = items.sorted();
        return Ok(Found::Folder { id, children });
    }
    let me = client.item(item).await?;
    match me.remote() {
        Some(_) if me.is_folder() => list_item_pages(client, &me, page).await,
        _ if me.is_folder() => Ok(Found::Folder {
            id: me.id,
            children: items.sorted(),
        }),
        _ => Ok(Found::Item(Box::new(me))),
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
/// on the shared folder's drive) with the folder's id there, or the item itself
/// ([`Found::Item`]) when it is no folder (a file, a notebook). `page` gets each page of a folder's children as it
/// arrives.
pub async fn list_item_pages(
    client: &GraphClient,
    item: &DriveItem,
    mut page: impl FnMut(&[DriveItem]) -> CmdResult,
) -> Result<Found, CommandError> {
    if !item.is_folder() {
        return Ok(Found::Item(Box::new(item.clone())));
    }
    let id = item.remote().map_or_else(|| item.id.clone(), |t| t.id);
    let at = ItemRef::content_of(item);
    let mut pages = std::pin::pin!(client.children_pages(&at, &by_thousands()));
    let mut items = Listing::default();
    let mut seen = HashSet::new();
    while let Some(next) = pages.next().await {
        let mut next = next?;
        next.value.retain(|i| seen.insert(i.id.clone()));
        page(&next.value)?;
        items.extend(next.value);
    }
    Ok(Found::Folder {
        id,
        children: items.sorted(),
    })
}
