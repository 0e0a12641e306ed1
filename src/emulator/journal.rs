//! One line of the journal of [`super::persist`]: what one committed change did to the store
//! (the items it added or changed, whole; the items it removed; drive sequences; tombstones;
//! links; grants) and to the tokens, and how to replay it on another process's copy.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::auth::Auth;
use super::node::NodeRepr;
use super::store::{Changes, DriveMeta, Grant, Node, Store, Tombstone};
use crate::graph::model::Permission;

/// One committed change.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Record {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    nodes: Vec<NodeRepr>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    gone: Vec<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    drives: Vec<(usize, DriveMeta)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tombstones: Vec<Tombstone>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    perms: Vec<(u64, Option<Vec<Permission>>)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    grants: Option<Vec<Grant>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user_tokens: Option<HashMap<String, usize>>,
    #[serde(default)]
    next: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    auth: Option<Value>,
}

impl Record {
    /// The record of `changes` made to `s` (and the tokens, when they changed).
    pub(crate) fn new(s: &Store, changes: Changes, auth: Option<&Auth>) -> Record {
        let from = changes.tombstones_from.unwrap_or(s.tombstones.len());
        Record {
            nodes: changes
                .nodes
                .iter()
                .filter_map(|n| s.get(*n).map(NodeRepr::from))
                .collect(),
            gone: changes.gone.into_iter().collect(),
            drives: changes
                .drives
                .iter()
                .filter_map(|d| Some((*d, s.drives.get(*d)?.clone())))
                .collect(),
            tombstones: s.tombstones.get(from..).unwrap_or_default().to_vec(),
            perms: changes
                .perms
                .iter()
                .map(|n| (*n, s.permissions.get(n).cloned()))
                .collect(),
            grants: changes.other.then(|| s.grants.clone()),
            user_tokens: changes.other.then(|| s.user_tokens.clone()),
            next: s.next,
            auth: auth.and_then(|a| serde_json::to_value(a).ok()),
        }
    }

    /// Whether the record says nothing.
    pub(crate) fn is_empty(&self) -> bool {
        self.nodes.is_empty()
            && self.gone.is_empty()
            && self.drives.is_empty()
            && self.perms.is_empty()
            && self.grants.is_none()
            && self.auth.is_none()
    }

    /// Replays the record on `s` and `auth`.
    pub(crate) fn apply(self, s: &mut Store, auth: &mut Auth) {
        for n in self.gone {
            unlink(s, n);
            s.nodes.remove(&n);
        }
        let mut linked = Vec::with_capacity(self.nodes.len());
        for node in self.nodes {
            let mut node = Node::from(node);
            unlink(s, node.n);
            if let Some(old) = s.nodes.remove(&node.n) {
                node.children = old.children;
            }
            linked.push((node.parent, node.n));
            s.nodes.insert(node.n, node);
        }
        for (parent, n) in linked {
            if let Some(p) = parent {
                s.nodes.link(p, n);
            }
        }
        for (i, meta) in self.drives {
            match s.drives.get_mut(i) {
                Some(d) => *d = meta,
                None => s.drives.push(meta),
            }
        }
        s.tombstones.extend(self.tombstones);
        for (n, perms) in self.perms {
            match perms {
                Some(p) => s.permissions.insert(n, p),
                None => s.permissions.remove(&n),
            };
        }
        if let Some(g) = self.grants {
            s.grants = g;
        }
        if let Some(t) = self.user_tokens {
            s.user_tokens = t;
        }
        s.next = s.next.max(self.next);
        if let Some(theirs) = self.auth {
            merge_value(auth, theirs);
        }
    }
}

/// Removes item `n` from its parent's children (when it is there).
fn unlink(s: &mut Store, n: u64) {
    if let Some(p) = s.nodes.get(&n).and_then(|node| node.parent) {
        s.nodes.unlink(p, n);
    }
}

/// Adds the tokens of `theirs` (another process's) to ours: both sets stay valid.
pub(crate) fn merge_auth(auth: &mut Auth, theirs: &Auth) {
    if let Ok(v) = serde_json::to_value(theirs) {
        merge_value(auth, v);
    }
}

fn merge_value(auth: &mut Auth, theirs: Value) {
    let Ok(mut ours) = serde_json::to_value(&*auth) else {
        return;
    };
    let before = ours.clone();
    union(&mut ours, theirs);
    // Rebuilding the tables drops what is never saved (codes in flight): only when needed.
    if ours != before
        && let Ok(merged) = serde_json::from_value(ours)
    {
        *auth = merged;
    }
}

/// `a` ∪ `b`: objects key by key, arrays without duplicates, other values from `b` unless null.
fn union(a: &mut Value, b: Value) {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(&k) {
                    Some(mine) => union(mine, v),
                    None => {
                        a.insert(k, v);
                    }
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for v in b {
                if !a.contains(&v) {
                    a.push(v);
                }
            }
        }
        (_, Value::Null) => {}
        (a, b) => *a = b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn union_keeps_both_sides() {
        let mut a = json!({"access": {"t1": null}, "refresh": ["r1"], "primary": "t1"});
        union(
            &mut a,
            json!({"access": {"t2": 5}, "refresh": ["r1", "r2"], "primary": null}),
        );
        assert_eq!(
            a,
            json!({"access": {"t1": null, "t2": 5}, "refresh": ["r1", "r2"], "primary": "t1"})
        );
    }

    #[test]
    fn a_record_replays_on_another_copy() {
        use super::super::ids::Profile;
        use super::super::store::ROOT;
        let world = || {
            let mut s = Store::new(Profile::Personal);
            s.add_drive("ABCDEF0123456789", "personal", "OneDrive", 0);
            s.take_changes();
            s
        };
        let (mut mine, mut theirs) = (world(), world());
        let a = mine.insert(ROOT, "A", None);
        mine.insert(a, "B", None);
        let changes = mine.take_changes();
        let rec = Record::new(&mine, changes, None);
        let line = serde_json::to_string(&rec).unwrap();
        let rec: Record = serde_json::from_str(&line).unwrap();
        rec.apply(&mut theirs, &mut Auth::default());
        let b = theirs.child(a, "b").unwrap();
        assert_eq!(theirs.names_of(b), ["A", "B"]);
        mine.relocate(b, ROOT, "C");
        mine.remove(a);
        let changes = mine.take_changes();
        Record::new(&mine, changes, None).apply(&mut theirs, &mut Auth::default());
        assert_eq!(theirs.children(ROOT), [b]);
        assert_eq!(theirs.child(ROOT, "c"), Some(b));
        assert_eq!(theirs.drives[0].seq, mine.drives[0].seq);
        assert_eq!(theirs.tombstones.len(), 2, "B leaving A, and A");
        assert!(theirs.tombstones[0].moved && !theirs.tombstones[1].moved);
    }
}
