//! A walk item by item ([`Visits`]): each folder's children in order, each folder followed by
//! everything below it (pre-order, as `find` and `tree` print), and a [`Visit::Done`] when a
//! folder's last descendant has been visited (post-order, as `du` sums). Only the children of
//! the folders on the path from the root to the current item are held.

use super::record::Record;
use super::walker::Walk;
use super::{WalkEntry, join_rel};
use crate::error::Result;

/// One step of [`Visits`].
#[derive(Debug)]
pub enum Visit<R> {
    /// An item; `last` when no sister follows it (among folders only, for a walk of folders
    /// only).
    Item {
        /// The item, its path and depth.
        entry: WalkEntry<R>,
        /// No sister follows.
        last: bool,
    },
    /// Everything below the folder at `path` (`""`: the walk's root, last of all) has been
    /// visited; comes for every folder, entered or not.
    Done {
        /// The folder's path below the walk's root.
        path: String,
        /// Its depth (the root 0).
        depth: usize,
    },
}

/// The children of one folder on the current path, not yet visited.
struct Frame<R> {
    path: String,
    depth: usize,
    under_unsafe: bool,
    kids: std::vec::IntoIter<(R, bool)>,
}

/// A walk, item by item (see the module docs).
pub struct Visits<'a, R: Record> {
    walk: Walk<'a, R>,
    frames: Vec<Frame<R>>,
    /// The next folder of the walk is due: at the start, and after an entered folder.
    enter: bool,
    /// A folder not entered was just visited: its `Done` is due.
    done: Option<(String, usize)>,
    folders_only: bool,
}

impl<'a, R: Record> Visits<'a, R> {
    /// Visits the items of `walk`; of folders only when `folders_only` (`tree -d`).
    pub fn new(walk: Walk<'a, R>, folders_only: bool) -> Self {
        Visits {
            walk,
            frames: Vec::new(),
            enter: true,
            done: None,
            folders_only,
        }
    }

    /// The folder the walk started at.
    pub fn root(&self) -> &crate::graph::DriveItem {
        self.walk.root()
    }

    /// The next step; `None` after the root's [`Visit::Done`].
    ///
    /// # Errors
    ///
    /// Those of the walk, when a folder's children could not be listed.
    pub async fn next(&mut self) -> Option<Result<Visit<R>>> {
        if let Some((path, depth)) = self.done.take() {
            return Some(Ok(Visit::Done { path, depth }));
        }
        if self.enter {
            self.enter = false;
            match self.walk.next_folder().await? {
                Ok(f) => self.frames.push(Frame {
                    path: f.path,
                    depth: f.depth,
                    under_unsafe: f.under_unsafe,
                    kids: f
                        .children
                        .into_iter()
                        .zip(f.entered)
                        .filter(|(r, _)| !self.folders_only || r.is_folder())
                        .collect::<Vec<_>>()
                        .into_iter(),
                }),
                Err(e) => return Some(Err(e)),
            }
        }
        let top = self.frames.last_mut()?;
        let Some((item, entered)) = top.kids.next() else {
            let f = self.frames.pop()?;
            return Some(Ok(Visit::Done {
                path: f.path,
                depth: f.depth,
            }));
        };
        let last = top.kids.len() == 0;
        let entry = WalkEntry {
            path: join_rel(&top.path, item.name()),
            depth: top.depth + 1,
            item,
            under_unsafe: top.under_unsafe,
        };
        if entered {
            self.enter = true;
        } else if entry.item.is_folder() {
            self.done = Some((entry.path.clone(), entry.depth));
        }
        Some(Ok(Visit::Item { entry, last }))
    }
}
