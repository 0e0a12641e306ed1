//! The order a delta enumeration serves a folder's subtree in, and the cursor its nextLink
//! carries (graph-api.md §8; issue 15). The order is depth first, each folder before its
//! children and children in name order, so parents always come first. The cursor is the path
//! from the folder down to the last item visited (numbers and name keys): a page resumes with
//! one binary search per level, so it costs O(page), not O(drive) as collecting and sorting the
//! whole subtree for every page did (quadratic over an enumeration).
//!
//! Changes made while a client pages: an item added before the cursor, and any item changed,
//! comes in the next round (its sequence is past the enumeration's); a deleted one comes as a
//! deletion. A folder on the cursor's path that was moved, renamed or deleted meanwhile (or the
//! last item, when it is a folder the walk would still enter) would make the walk skip or
//! repeat a subtree: such a cursor is refused, and delta answers 410 `resyncRequired`, as the
//! service does when a token cannot go on.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::store::{Node, Store, name_key};

/// A walk of a folder's subtree for one delta round: items changed in `(from, snap]`, or
/// every item when `from` is 0. Subtrees without such changes are not entered.
pub(crate) struct Walk<'a> {
    s: &'a Store,
    scope: u64,
    from: u64,
    snap: u64,
    /// The folder itself is still to be visited.
    fresh: bool,
    /// The folders being walked, each with the index of its next child to visit.
    stack: Vec<(u64, usize)>,
}

impl<'a> Walk<'a> {
    /// A walk of `scope` and everything below it.
    pub(crate) fn start(s: &'a Store, scope: u64, from: u64, snap: u64) -> Self {
        Walk {
            s,
            scope,
            from,
            snap,
            fresh: true,
            stack: Vec::new(),
        }
    }

    /// The walk after the item `cursor` (from [`Walk::cursor`]) names; `None` when the tree
    /// changed so that it cannot go on (see the module docs).
    pub(crate) fn resume(
        s: &'a Store,
        scope: u64,
        from: u64,
        snap: u64,
        cursor: &str,
    ) -> Option<Self> {
        let mut w = Walk::start(s, scope, from, snap);
        w.fresh = false;
        let steps = parse(cursor)?;
        if steps.is_empty() && w.enters(s.get(scope)?) {
            w.stack.push((scope, 0));
        }
        let mut cur = scope;
        for (i, (n, key)) in steps.iter().enumerate() {
            let last = i + 1 == steps.len();
            match s.nodes.position(cur, key) {
                Ok(at) if s.kids(cur)[at] == *n => {
                    w.stack.push((cur, at + 1));
                    let node = s.get(*n)?;
                    if !last {
                        cur = *n;
                    } else if w.enters(node) {
                        w.stack.push((*n, 0));
                    }
                }
                Ok(at) | Err(at) if last => {
                    if s.get(*n).is_some_and(|x| w.enters(x)) {
                        return None;
                    }
                    w.stack.push((cur, at));
                }
                _ => return None,
            }
        }
        Some(w)
    }

    /// Whether the round reports `x`.
    fn reports(&self, x: &Node) -> bool {
        self.from == 0 || (x.seq > self.from && x.seq <= self.snap)
    }

    /// Whether the walk goes below `x`.
    fn enters(&self, x: &Node) -> bool {
        x.is_container() && (self.from == 0 || x.cseq > self.from)
    }

    fn visit(&mut self, n: u64, out: &mut Vec<u64>) {
        if let Some(x) = self.s.get(n) {
            if self.reports(x) {
                out.push(n);
            }
            if self.enters(x) {
                self.stack.push((n, 0));
            }
        }
    }

    /// The next items to report, at most `top`, visiting at most `budget` items (a round of
    /// few changes may end a page early, with fewer items).
    pub(crate) fn take(&mut self, top: usize, budget: usize) -> Vec<u64> {
        let mut out = Vec::new();
        if std::mem::take(&mut self.fresh) {
            self.visit(self.scope, &mut out);
        }
        let mut visited = 0;
        while out.len() < top && visited < budget {
            let Some((folder, next)) = self.stack.last_mut() else {
                break;
            };
            let Some(&child) = self.s.kids(*folder).get(*next) else {
                self.stack.pop();
                continue;
            };
            *next += 1;
            visited += 1;
            self.visit(child, &mut out);
        }
        out
    }

    /// Whether every item has been visited.
    pub(crate) fn done(&self) -> bool {
        !self.fresh && self.stack.is_empty()
    }

    /// Where the walk stands: the path to the last item visited, `number:key` steps (keys in
    /// base64url) joined by `~`; empty right after the folder itself.
    pub(crate) fn cursor(&self) -> String {
        let steps: Vec<String> = self
            .stack
            .iter()
            .filter(|(_, next)| *next > 0)
            .filter_map(|(folder, next)| {
                let n = *self.s.kids(*folder).get(next - 1)?;
                let name = &self.s.get(n)?.name;
                Some(format!("{n}:{}", URL_SAFE_NO_PAD.encode(name_key(name))))
            })
            .collect();
        steps.join("~")
    }
}

/// The steps of a cursor.
fn parse(cursor: &str) -> Option<Vec<(u64, String)>> {
    if cursor.is_empty() {
        return Some(Vec::new());
    }
    cursor
        .split('~')
        .map(|step| {
            let (n, key) = step.split_once(':')?;
            let key = String::from_utf8(URL_SAFE_NO_PAD.decode(key).ok()?).ok()?;
            Some((n.parse().ok()?, key))
        })
        .collect()
}
