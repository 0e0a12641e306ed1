//! The streaming walk: folders handed out one at a time, in depth-first order, while the
//! requests for the folders that come next run ahead, at most `concurrency` at a time.
//!
//! The plan is a stack of folders still to hand out, the next on top: handing out a folder
//! pushes the folders it holds, first sister last, so the top is always the next folder in
//! depth-first name order. Each planned folder is a job (a listing, or a delta enumeration of
//! its whole subtree) or a folder inside a subtree a finished enumeration brought. Jobs start
//! in the plan's order (a stack of their own), so the folders needed soonest are asked for
//! first; results that arrive early wait, at most 16 jobs and 16,384 items per concurrent
//! request, so memory holds the folders in flight and not the tree.
//!
//! An enumeration whose first page shows that more follow is split when nothing else is
//! waiting and requests are idle: the folder is listed instead and each of its folders gets an
//! enumeration of its own, which run side by side. A delta is one request per 1,000 items
//! however many folders they are in, but its pages come one after another; split once, a
//! million items in fifty folders come in fifty streams at once.
//!
//! This file keeps the plan and hands folders out; `walker/schedule.rs` runs the requests.

mod schedule;

use std::collections::{HashMap, HashSet};

use futures_util::stream::FuturesUnordered;

use super::index_file::{NO_PARENT, Tee};
use super::jobs::Running;
use super::record::Record;
use super::subtree::Subtree;
use super::{Folder, WalkOptions, join_rel};
use crate::error::{Error, Result};
use crate::graph::{DriveItem, GraphClient, ItemRef};

/// How a job asks for a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum How {
    /// Lists it; its folders get a delta enumeration each when `delta_below`.
    List { delta_below: bool },
    /// One delta enumeration of its subtree; with `auto`, split when that is faster (see the
    /// module docs), and listed instead when the server refuses delta there.
    Delta { auto: bool },
}

/// A job: which folder (its content's address and the id delta names it by) and how.
#[derive(Debug, Clone)]
struct Spec {
    at: ItemRef,
    id: String,
    how: How,
}

enum State<R> {
    Planned,
    Running,
    Done(Result<Output<R>>),
    Taken,
}

enum Output<R> {
    Listed(Vec<R>),
    Tree(Subtree<R>),
}

impl<R> Output<R> {
    /// The items it holds.
    fn len(&self) -> usize {
        match self {
            Output::Listed(v) => v.len(),
            Output::Tree(t) => t.len(),
        }
    }
}

/// A folder still to hand out.
struct Pending {
    path: String,
    depth: usize,
    under_unsafe: bool,
    from: From,
    /// Its record's number in the index being written, if it is written.
    indexed: u32,
}

/// Where a pending folder's children come from.
#[derive(Clone, Copy)]
enum From {
    Job(usize),
    /// The subtree of a finished job, at a slot.
    Tree(usize, u32),
}

/// A streaming walk of everything below a folder; see the module docs and [`super::Walk`]'s
/// use in [`super::Visits`].
pub struct Walk<'a, R: Record> {
    client: &'a GraphClient,
    opts: WalkOptions,
    root: DriveItem,
    plan: Vec<Pending>,
    queue: Vec<usize>,
    jobs: Vec<(Spec, State<R>)>,
    running: FuturesUnordered<Running<'a, R>>,
    trees: HashMap<usize, Subtree<R>>,
    seen: HashSet<String>,
    /// Jobs done and not handed out, and the items they hold.
    done: usize,
    waiting: usize,
    /// The index this walk writes as it goes, if any.
    tee: Option<Box<Tee>>,
}

impl<'a, R: Record> Walk<'a, R> {
    /// A walk below the folder `root` (already fetched), its own children asked for `how`,
    /// writing the index `tee` as it goes.
    pub(super) fn new(
        client: &'a GraphClient,
        root: DriveItem,
        opts: WalkOptions,
        how: How,
        tee: Option<Box<Tee>>,
    ) -> Self {
        let key = root.remote().map_or_else(|| root.id.clone(), |t| t.id);
        let spec = Spec {
            at: ItemRef::content_of(&root),
            id: key.clone(),
            how,
        };
        Walk {
            client,
            opts,
            root,
            plan: vec![Pending {
                path: String::new(),
                depth: 0,
                under_unsafe: false,
                from: From::Job(0),
                indexed: if tee.is_some() { 0 } else { NO_PARENT },
            }],
            queue: vec![0],
            jobs: vec![(spec, State::Planned)],
            running: FuturesUnordered::new(),
            trees: HashMap::new(),
            seen: HashSet::from([key]),
            done: 0,
            waiting: 0,
            tee,
        }
    }

    /// A walk below the folder in `slot` of `tree` (an index brought up to date).
    pub(super) fn in_tree(
        client: &'a GraphClient,
        root: DriveItem,
        opts: WalkOptions,
        tree: Subtree<R>,
        slot: u32,
    ) -> Self {
        let mut walk = Walk::new(client, root, opts, How::List { delta_below: false }, None);
        walk.queue.clear();
        walk.jobs[0].1 = State::Taken;
        walk.trees.insert(0, tree);
        if let Some(t) = walk.trees.get_mut(&0) {
            t.left = 1;
        }
        walk.plan[0].from = From::Tree(0, slot);
        walk
    }

    /// The folder the walk started at.
    pub fn root(&self) -> &DriveItem {
        &self.root
    }

    /// The next folder with its children, in depth-first order: each folder before the
    /// folders it holds, sisters in the walk's order; `None` after the last. Cancel-safe:
    /// dropped while it waits, nothing is lost.
    ///
    /// # Errors
    ///
    /// Those of the listing or enumeration that brought the folder's children.
    pub async fn next_folder(&mut self) -> Option<Result<Folder<R>>> {
        if let From::Job(n) = self.plan.last()?.from
            && let Err(e) = self.wait_for(n).await
        {
            return Some(Err(self.fail(e)));
        }
        let here = self.plan.pop()?;
        let folder = self.hand_out(here).map_err(|e| self.fail(e));
        self.fill();
        // Every folder has been handed out, so the index written on the way is whole.
        if self.plan.is_empty()
            && let Some(tee) = self.tee.take()
        {
            tee.finish(&self.root.id);
        }
        Some(folder)
    }

    /// Ends the walk with `e`: nothing more is handed out, and no index is written.
    fn fail(&mut self, e: Error) -> Error {
        self.plan.clear();
        self.tee = None;
        e
    }

    /// The folder `here` with its children (its job must be done).
    fn hand_out(&mut self, here: Pending) -> Result<Folder<R>> {
        let (kids, tree, below) = match here.from {
            From::Job(n) => {
                let state = std::mem::replace(&mut self.jobs[n].1, State::Taken);
                self.done = self.done.saturating_sub(1);
                if let State::Done(Ok(output)) = &state {
                    self.waiting = self.waiting.saturating_sub(output.len());
                }
                let below = self.jobs[n].0.how == How::List { delta_below: true };
                match state {
                    State::Done(Ok(Output::Listed(v))) => {
                        (v.into_iter().map(|r| (None, r)).collect(), None, below)
                    }
                    State::Done(Ok(Output::Tree(mut t))) => {
                        let kids = t.take_children(t.root);
                        t.left = 0;
                        self.trees.insert(n, t);
                        (wrap(kids), Some(n), false)
                    }
                    State::Done(Err(e)) => return Err(e),
                    _ => return Err(Error::decode("walk", "a folder was handed out twice")),
                }
            }
            From::Tree(n, slot) => {
                let kids = self
                    .trees
                    .get_mut(&n)
                    .map(|t| {
                        t.left = t.left.saturating_sub(1);
                        t.take_children(slot)
                    })
                    .unwrap_or_default();
                (wrap(kids), Some(n), false)
            }
        };
        let folder = self.build(here, kids, tree, below);
        if let Some(n) = tree
            && self.trees.get(&n).is_some_and(|t| t.left == 0)
        {
            self.trees.remove(&n);
        }
        Ok(folder)
    }

    /// Sorts the children of `here` and plans the folders among them.
    fn build(
        &mut self,
        here: Pending,
        mut kids: Vec<(Option<u32>, R)>,
        tree: Option<usize>,
        delta_below: bool,
    ) -> Folder<R> {
        let order = self.opts.order;
        kids.sort_by(|a, b| order.compare(a.1.name(), b.1.name()));
        let deeper = self.opts.max_depth.is_none_or(|m| here.depth + 1 < m);
        let mut entered = vec![false; kids.len()];
        let mut planned = Vec::new();
        for (i, (slot, r)) in kids.iter().enumerate() {
            let indexed = match &mut self.tee {
                Some(tee) if here.indexed != NO_PARENT => tee.write(here.indexed, r),
                _ => NO_PARENT,
            };
            if !r.is_folder() || !deeper {
                continue;
            }
            let remote = r.remote();
            let from = match (tree, slot, &remote) {
                (Some(t), Some(s), None) => {
                    if let Some(t) = self.trees.get_mut(&t) {
                        t.left += 1;
                    }
                    From::Tree(t, *s)
                }
                _ => {
                    let key = remote
                        .as_ref()
                        .map_or_else(|| r.id().to_owned(), |t| t.id.clone());
                    if !self.seen.insert(key) {
                        continue;
                    }
                    let how = match remote {
                        None if delta_below => How::Delta { auto: true },
                        _ => How::List { delta_below: false },
                    };
                    let spec = Spec {
                        at: r.content(),
                        id: r.id().to_owned(),
                        how,
                    };
                    self.jobs.push((spec, State::Planned));
                    From::Job(self.jobs.len() - 1)
                }
            };
            entered[i] = true;
            planned.push(Pending {
                path: join_rel(&here.path, r.name()),
                depth: here.depth + 1,
                under_unsafe: here.under_unsafe || r.unsafe_name(),
                from,
                indexed: if remote.is_some() { NO_PARENT } else { indexed },
            });
        }
        for p in planned.into_iter().rev() {
            if let From::Job(n) = p.from {
                self.queue.push(n);
            }
            self.plan.push(p);
        }
        Folder {
            path: here.path,
            depth: here.depth,
            under_unsafe: here.under_unsafe,
            children: kids.into_iter().map(|(_, r)| r).collect(),
            entered,
        }
    }
}

fn wrap<R>(kids: Vec<(u32, R)>) -> Vec<(Option<u32>, R)> {
    kids.into_iter().map(|(s, r)| (Some(s), r)).collect()
}
