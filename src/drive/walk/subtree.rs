//! A folder's whole subtree from one delta enumeration (graph-api.md §8), rebuilt by parent
//! id: delta sends no paths, an item may come more than once (its last occurrence counts),
//! removed items carry `deleted`, and parents usually, but not surely, come before their
//! children.
//!
//! Held compactly, for subtrees of any size: the records in one vector, a parent index per
//! record while the pages come, and then each folder's children as a slice of one index
//! vector. Items are found by a 64-bit hash of their id (ids are 20 to 60 characters; a hash
//! table of ids would double the memory), checked against the id itself, so two ids with one
//! hash are still told apart.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{DefaultHasher, Hash, Hasher};

use super::record::Record;
use crate::graph::{DriveItem, ItemKind};

/// No parent (outside the subtree, or not said).
const NONE: u32 = u32::MAX;
/// Removed (delta's `deleted`).
const GONE: u32 = u32::MAX - 1;

/// A subtree being read from delta pages.
pub(super) struct Builder<R> {
    records: Vec<Option<R>>,
    parent: Vec<u32>,
    by_hash: HashMap<u64, u32>,
    /// Ids whose hash another id took first.
    collided: HashMap<Box<str>, u32>,
    /// Ids named as a parent before their own item came.
    waiting: HashMap<u32, Box<str>>,
    /// Records for a download ([`Record::from_item`]).
    download: bool,
    /// Items are found by a scan, not by `by_hash` ([`Builder::from_parts`]).
    scan: bool,
}

impl<R: Record> Builder<R> {
    pub(super) fn new(download: bool) -> Self {
        Builder {
            download,
            scan: false,
            records: Vec::new(),
            parent: Vec::new(),
            by_hash: HashMap::new(),
            collided: HashMap::new(),
            waiting: HashMap::new(),
        }
    }

    /// A subtree read back ([`super::index`]): each record with its parent's slot. Items are
    /// found by a scan until [`Builder::index_ids`] makes the table.
    pub(super) fn from_parts(records: Vec<Option<R>>, parent: Vec<u32>) -> Self {
        Builder {
            records,
            parent,
            scan: true,
            ..Builder::new(false)
        }
    }

    /// Makes the table that finds an item by id.
    pub(super) fn index_ids(&mut self) {
        self.scan = false;
        for s in 0..self.records.len() {
            let s = u32::try_from(s).unwrap_or(NONE);
            let Some(id) = self.id_of(s).map(str::to_owned) else {
                continue;
            };
            match self.by_hash.entry(hash_of(&id)) {
                Entry::Occupied(_) => drop(self.collided.insert(id.into(), s)),
                Entry::Vacant(v) => drop(v.insert(s)),
            }
        }
    }

    /// The slot of the item with `id`, if it came.
    pub(super) fn find(&self, id: &str) -> Option<u32> {
        if self.scan {
            let n = u32::try_from(self.records.len()).unwrap_or(NONE);
            return (0..n).find(|s| self.id_of(*s) == Some(id));
        }
        if let Some(s) = self.collided.get(id) {
            return Some(*s);
        }
        let s = *self.by_hash.get(&hash_of(id))?;
        (self.id_of(s) == Some(id)).then_some(s)
    }

    /// Takes in one item of a delta page.
    pub(super) fn add(&mut self, item: DriveItem) {
        let at = self.slot(&item.id);
        let parent = match item.parent_reference.as_ref().and_then(|p| p.id.as_deref()) {
            _ if item.kind() == ItemKind::Deleted => GONE,
            Some(p) if p != item.id => self.slot(p),
            _ => NONE,
        };
        self.parent[at as usize] = parent;
        self.records[at as usize] = Some(R::from_item(item, self.download));
        self.waiting.remove(&at);
    }

    /// The subtree of the folder with id `root`, once every page is in.
    pub(super) fn finish(mut self, root: &str) -> Subtree<R> {
        let root = self.slot(root);
        let n = self.records.len();
        let live = |s: usize| self.records[s].is_some() && (self.parent[s] as usize) < n;
        let mut start = vec![0u32; n + 1];
        for s in (0..n).filter(|s| live(*s)) {
            start[self.parent[s] as usize + 1] += 1;
        }
        for i in 1..=n {
            start[i] += start[i - 1];
        }
        let mut next = start.clone();
        let mut kids = vec![0u32; start[n] as usize];
        for s in (0..n).filter(|s| live(*s)) {
            let p = self.parent[s] as usize;
            kids[next[p] as usize] = s as u32;
            next[p] += 1;
        }
        Subtree {
            records: self.records,
            start,
            kids,
            root,
            left: 1,
        }
    }

    /// The slot of the item with `id`, made (waiting for its item) when new.
    fn slot(&mut self, id: &str) -> u32 {
        if self.scan {
            return self.find(id).unwrap_or_else(|| self.push(id));
        }
        if let Some(s) = self.collided.get(id) {
            return *s;
        }
        let hash = hash_of(id);
        match self.by_hash.get(&hash).copied() {
            Some(s) if self.id_of(s) == Some(id) => s,
            Some(_) => {
                let s = self.push(id);
                self.collided.insert(id.into(), s);
                s
            }
            None => {
                let s = self.push(id);
                self.by_hash.insert(hash, s);
                s
            }
        }
    }

    fn push(&mut self, id: &str) -> u32 {
        let s = u32::try_from(self.records.len()).unwrap_or(NONE);
        self.records.push(None);
        self.parent.push(NONE);
        self.waiting.insert(s, id.into());
        s
    }

    fn id_of(&self, s: u32) -> Option<&str> {
        match self.records.get(s as usize) {
            Some(Some(r)) => Some(r.id()),
            _ => self.waiting.get(&s).map(|id| &**id),
        }
    }
}

fn hash_of(id: &str) -> u64 {
    let mut h = DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// A complete subtree: each folder's children, handed out once each.
pub(super) struct Subtree<R> {
    records: Vec<Option<R>>,
    start: Vec<u32>,
    kids: Vec<u32>,
    /// The slot of the folder the enumeration ran on.
    pub(super) root: u32,
    /// Folders whose children are still to be handed out.
    pub(super) left: usize,
}

impl<R> Subtree<R> {
    /// The items it holds, handed out or not.
    pub(super) fn len(&self) -> usize {
        self.records.len()
    }

    /// The record in `slot`, unless handed out.
    pub(super) fn record(&self, slot: u32) -> Option<&R> {
        self.records.get(slot as usize)?.as_ref()
    }

    /// The children of the folder in `slot` not handed out, with their slots.
    pub(super) fn children(&self, slot: u32) -> impl Iterator<Item = (u32, &R)> {
        let f = slot as usize;
        let (from, to) = match (self.start.get(f), self.start.get(f + 1)) {
            (Some(a), Some(b)) => (*a as usize, *b as usize),
            _ => (0, 0),
        };
        let slots = self.kids.get(from..to).unwrap_or(&[]);
        slots.iter().filter_map(|s| Some((*s, self.record(*s)?)))
    }

    /// Hands out the children of the folder in slot `folder`, each with its own slot (a
    /// child already handed out, as a repeated folder would be, is not handed out again).
    pub(super) fn take_children(&mut self, folder: u32) -> Vec<(u32, R)> {
        let slots: Vec<u32> = self.children(folder).map(|(s, _)| s).collect();
        slots
            .into_iter()
            .filter_map(|s| Some((s, self.records.get_mut(s as usize)?.take()?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, parent: &str, deleted: bool) -> DriveItem {
        serde_json::from_value(serde_json::json!({
            "id": id, "name": id, "parentReference": {"id": parent},
            "deleted": if deleted { Some(serde_json::json!({})) } else { None },
        }))
        .unwrap()
    }

    #[test]
    fn children_come_by_parent_with_repeats_and_removals_applied() {
        let mut b: Builder<DriveItem> = Builder::new(false);
        b.add(item("c", "b", false)); // before its parent
        b.add(item("b", "root", false));
        b.add(item("d", "root", false));
        b.add(item("e", "b", false));
        b.add(item("e", "root", false)); // moved: the last occurrence counts
        b.add(item("d", "root", true));
        b.add(item("root", "above", false));
        let mut t = b.finish("root");
        let names = |v: Vec<(u32, DriveItem)>| {
            let mut n: Vec<String> = v.into_iter().map(|(_, i)| i.id).collect();
            n.sort();
            n
        };
        let top = t.take_children(t.root);
        let b_slot = top.iter().find(|(_, i)| i.id == "b").unwrap().0;
        assert_eq!(names(top), ["b", "e"]);
        assert_eq!(names(t.take_children(b_slot)), ["c"]);
        assert!(t.take_children(t.root).is_empty(), "handed out once");
    }

    #[test]
    fn ids_of_one_hash_stay_apart() {
        let mut b: Builder<DriveItem> = Builder::new(false);
        b.add(item("x", "root", false));
        // Force a collision: file "y" under the hash of "x".
        let y = b.push("y");
        b.collided.insert("y".into(), y);
        b.add(item("y", "root", false));
        let mut t = b.finish("root");
        assert_eq!(t.take_children(t.root).len(), 2);
    }
}
