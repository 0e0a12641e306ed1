//! The item table: nodes by number, and each folder's children in name order.
//!
//! Numbers are handed out in sequence, so a vector indexed by number holds the nodes with no
//! per-item cost beyond the node itself (a hash map would add its keys and up to half of its
//! buckets again). Children are a vector of numbers sorted by [`name_key`] of the children's
//! names: a lookup is a binary search, and a listing can resume after any name (see `listing`
//! and `preorder`), at 8 bytes per child. Saved as a map from number to node, as it always
//! was, leaving out the items of a synthetic tree that are as they were made (they are made
//! again on load, see `tree`).

use std::cmp::Ordering;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::node::{Node, cmp_key, name_key};
use super::tree::Planted;

/// Nodes by number.
#[derive(Debug, Default)]
pub(crate) struct Nodes {
    slots: Vec<Option<Node>>,
    /// The synthetic tree made in the table, if any (its untouched items are not saved).
    planted: Option<Planted>,
}

impl Nodes {
    fn slot(n: u64) -> Option<usize> {
        usize::try_from(n).ok()
    }

    /// The node numbered `n`.
    pub(crate) fn get(&self, n: &u64) -> Option<&Node> {
        self.slots.get(Self::slot(*n)?)?.as_ref()
    }

    /// The node numbered `n`, for changing.
    pub(crate) fn get_mut(&mut self, n: &u64) -> Option<&mut Node> {
        self.slots.get_mut(Self::slot(*n)?)?.as_mut()
    }

    /// Stores `node` as number `n`; returns the node it replaced.
    pub(crate) fn insert(&mut self, n: u64, node: Node) -> Option<Node> {
        let i = Self::slot(n)?;
        if i >= self.slots.len() {
            self.slots.resize_with(i + 1, || None);
        }
        self.slots[i].replace(node)
    }

    /// Takes node `n` out.
    pub(crate) fn remove(&mut self, n: &u64) -> Option<Node> {
        self.slots.get_mut(Self::slot(*n)?)?.take()
    }

    /// Room for numbers up to `n` without growing.
    pub(crate) fn reserve_to(&mut self, n: u64) {
        if let Some(i) = Self::slot(n) {
            self.slots.reserve(i.saturating_sub(self.slots.len()) + 1);
        }
    }

    /// Notes the synthetic tree made in the table.
    pub(crate) fn set_planted(&mut self, p: Option<Planted>) {
        self.planted = p;
    }

    /// Every node, in number order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &Node> {
        self.slots.iter().flatten()
    }

    /// Every node, taken out.
    pub(crate) fn into_values(self) -> impl Iterator<Item = Node> {
        self.slots.into_iter().flatten()
    }

    /// Every node, for changing.
    pub(crate) fn values_mut(&mut self) -> impl Iterator<Item = &mut Node> {
        self.slots.iter_mut().flatten()
    }

    /// Where a child keyed `key` is (`Ok`) or would go (`Err`) among `parent`'s children.
    pub(crate) fn position(&self, parent: u64, key: &str) -> Result<usize, usize> {
        let Some(p) = self.get(&parent) else {
            return Err(0);
        };
        p.children.binary_search_by(|c| self.cmp_child(*c, key))
    }

    /// The index of the first child of `parent` whose key sorts after `key`.
    pub(crate) fn after(&self, parent: u64, key: &str) -> usize {
        self.get(&parent).map_or(0, |p| {
            p.children
                .partition_point(|c| self.cmp_child(*c, key) != Ordering::Greater)
        })
    }

    fn cmp_child(&self, c: u64, key: &str) -> Ordering {
        self.get(&c)
            .map_or(Ordering::Less, |x| cmp_key(&x.name, key))
    }

    /// The child of `parent` keyed `key`.
    pub(crate) fn find_child(&self, parent: u64, key: &str) -> Option<u64> {
        let i = self.position(parent, key).ok()?;
        self.get(&parent)?.children.get(i).copied()
    }

    /// Lists `n` among `parent`'s children under its current name (replacing a child of
    /// the same name, which the caller has ruled out).
    pub(crate) fn link(&mut self, parent: u64, n: u64) {
        let Some(key) = self.get(&n).map(|x| name_key(&x.name)) else {
            return;
        };
        let pos = self.position(parent, &key);
        let Some(p) = self.get_mut(&parent) else {
            return;
        };
        match pos {
            Ok(i) => p.children[i] = n,
            Err(i) => p.children.insert(i, n),
        }
    }

    /// Takes `n` off `parent`'s children (looked up under `n`'s current name).
    pub(crate) fn unlink(&mut self, parent: u64, n: u64) {
        let key = self.get(&n).map(|x| name_key(&x.name));
        let pos = key.and_then(|k| self.position(parent, &k).ok());
        let Some(p) = self.get_mut(&parent) else {
            return;
        };
        match pos {
            Some(i) if p.children[i] == n => {
                p.children.remove(i);
            }
            _ => p.children.retain(|c| *c != n),
        }
    }

    /// Rebuilds every folder's children from the parents, and the folder sizes from the
    /// files (after loading).
    pub(crate) fn reindex(&mut self) {
        let links: Vec<(u64, u64)> = self
            .values()
            .filter_map(|x| Some((x.parent?, x.n)))
            .collect();
        for node in self.values_mut() {
            node.children.clear();
            node.bytes = 0;
        }
        for (p, n) in links {
            if let Some(parent) = self.get_mut(&p) {
                parent.children.push(n);
            }
        }
        self.sort_children();
        let files: Vec<(u64, u64)> = self
            .values()
            .filter_map(|x| Some((x.parent?, x.blob.as_ref()?.size)))
            .collect();
        for (parent, size) in files {
            self.add_bytes(Some(parent), size, 0);
        }
    }

    /// Adds `add` and takes `sub` from the sizes of `from` and every folder above it.
    pub(crate) fn add_bytes(&mut self, from: Option<u64>, add: u64, sub: u64) {
        let mut cur = from;
        while let Some(p) = cur {
            let Some(node) = self.get_mut(&p) else {
                break;
            };
            node.bytes = node.bytes.saturating_add(add).saturating_sub(sub);
            cur = node.parent;
        }
    }

    /// Sorts every child list by name key (after loading, when children were pushed in any
    /// order).
    fn sort_children(&mut self) {
        let parents: Vec<u64> = self
            .values()
            .filter(|x| x.children.len() > 1)
            .map(|x| x.n)
            .collect();
        for p in parents {
            let Some(node) = self.get_mut(&p) else {
                continue;
            };
            let mut kids = std::mem::take(&mut node.children);
            kids.sort_by_cached_key(|c| self.get(c).map(|x| name_key(&x.name)));
            if let Some(node) = self.get_mut(&p) {
                node.children = kids;
            }
        }
    }
}

impl FromIterator<(u64, Node)> for Nodes {
    fn from_iter<I: IntoIterator<Item = (u64, Node)>>(iter: I) -> Self {
        let mut nodes = Nodes::default();
        for (n, node) in iter {
            nodes.insert(n, node);
        }
        nodes
    }
}

impl Serialize for Nodes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let saved = |x: &&Node| !self.planted.is_some_and(|p| p.untouched(x));
        s.collect_map(self.values().filter(saved).map(|x| (x.n, x)))
    }
}

impl<'de> Deserialize<'de> for Nodes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Map;
        impl<'de> Visitor<'de> for Map {
            type Value = Nodes;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map from item number to item")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Nodes, A::Error> {
                let mut nodes = Nodes::default();
                while let Some((n, node)) = map.next_entry::<u64, Node>()? {
                    nodes.insert(n, node);
                }
                Ok(nodes)
            }
        }
        d.deserialize_map(Map)
    }
}
