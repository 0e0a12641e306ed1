//! Pairing the paths of both sides the way OneDrive names them. OneDrive takes names that
//! differ only in case or Unicode normalisation for one name (`café` typed in NFC and in NFD,
//! `File.txt` and `file.txt`; docs/graph-api.md §1.4, §13), while a Linux file system keeps them
//! apart. Compared spelling by spelling, `café` on one side and `cafe\u{301}` on the other
//! would be two items that can never meet, and every run would fail on both.
//!
//! So before the comparison, each target item is filed under the source's spelling of its
//! name when that is the only one the source has and the target has no item of exactly that
//! spelling; the item keeps its own path in [`Entry::real`], so the target keeps its spelling
//! while its content is compared and mirrored (renaming it would be a change the source never
//! made, and OneDrive keeps the first spelling anyway). What cannot be paired is reported:
//! - two source names that are one OneDrive name: both refused (rename one), and the target's
//!   items of that name left alone;
//! - a target holding several other spellings of one source name: the source item refused,
//!   the target's spellings left alone.

use std::collections::{HashMap, HashSet};

use super::side::{Entry, Tree, key, name_of, parent_of};
use crate::drive::walk::join_rel;

/// The target filed under the source's spellings, and what could not be paired.
pub(crate) struct Aligned {
    /// The target's items by the path the comparison uses (the source's spelling where the
    /// two differ only in case or Unicode form).
    pub target: Tree,
    /// Source paths that cannot be mirrored for their name, with why.
    pub refused: HashMap<String, String>,
    /// Target paths (as filed in `target`) to leave alone.
    pub stopped: HashSet<String>,
}

/// Pairs `target` with `source` (see the module docs).
pub(crate) fn align(source: &Tree, target: &Tree) -> Aligned {
    let mut by_key: HashMap<String, Vec<&String>> = HashMap::new();
    for path in source.keys() {
        by_key.entry(key(path)).or_default().push(path);
    }
    let mut refused = HashMap::new();
    for group in by_key.values().filter(|g| g.len() > 1) {
        for p in group {
            let others: Vec<String> = group
                .iter()
                .filter(|o| o != &p)
                .map(|o| format!("{o:?}"))
                .collect();
            let why = format!(
                "{:?} and {} are one name on OneDrive (it ignores case and Unicode form); \
                 rename one",
                p,
                others.join(", ")
            );
            refused.insert((*p).clone(), why);
        }
    }
    let mut out = Aligned {
        target: Tree::new(),
        refused,
        stopped: HashSet::new(),
    };
    // Filed paths of the target's folders, by their own path (parents come first: a path
    // sorts before the paths below it).
    let mut filed: HashMap<&str, String> = HashMap::new();
    for (own, entry) in target {
        let parent = parent_of(own);
        let filed_parent = filed.get(parent).map_or(parent, String::as_str);
        let mut path = join_rel(filed_parent, name_of(own));
        let k = key(&path);
        match by_key.get(&k).map(Vec::as_slice) {
            Some([spelling]) if **spelling != path => {
                let exact = join_rel(parent, name_of(spelling));
                if !target.contains_key(&exact) {
                    path = (*spelling).clone();
                }
            }
            Some([_, _, ..]) => {
                out.stopped.insert(path.clone());
            }
            _ => {}
        }
        if out.target.contains_key(&path) {
            // A second spelling filed under the same source name: neither can be the one.
            let first = out.target.get(&path).and_then(|e| e.real.clone());
            let first = first.unwrap_or_else(|| path.clone());
            let why = format!(
                "the target has it as {first:?} and {own:?}, one name on OneDrive; rename one there"
            );
            out.refused.insert(path.clone(), why);
            path = join_rel(filed_parent, name_of(own));
            out.stopped.insert(path.clone());
        }
        if path != *own {
            filed.insert(own, path.clone());
        }
        let real = (path != *own).then(|| own.clone());
        let entry = Entry {
            real,
            ..entry.clone()
        };
        out.target.insert(path, entry);
    }
    out
}

/// The target-side path of `path` (as filed by [`align`]): the item's own path when the target
/// has it, else its parent's own path and its name (a new item below a folder filed under
/// another spelling lands in that folder).
pub(crate) fn real_path(target: &Tree, path: &str) -> String {
    if let Some(e) = target.get(path) {
        return e.real.clone().unwrap_or_else(|| path.to_owned());
    }
    if path.is_empty() || !path.contains('/') {
        return path.to_owned();
    }
    join_rel(&real_path(target, parent_of(path)), name_of(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drive::mirror::side::Kind;

    fn tree(paths: &[&str]) -> Tree {
        paths
            .iter()
            .map(|p| ((*p).to_owned(), Entry::local(Kind::Folder)))
            .collect()
    }

    #[test]
    fn one_spelling_on_each_side_is_one_item_filed_under_the_source_spelling() {
        let nfc = "caf\u{e9}";
        let nfd = "cafe\u{301}";
        let source = tree(&[nfc, &format!("{nfc}/x"), "Doc.txt"]);
        let target = tree(&[nfd, &format!("{nfd}/x"), "doc.TXT", "other"]);
        let a = align(&source, &target);
        assert!(a.refused.is_empty() && a.stopped.is_empty());
        let filed: Vec<&str> = a.target.keys().map(String::as_str).collect();
        assert_eq!(filed, ["Doc.txt", nfc, &format!("{nfc}/x"), "other"]);
        assert_eq!(a.target[nfc].real.as_deref(), Some(nfd));
        assert_eq!(
            real_path(&a.target, &format!("{nfc}/x")),
            format!("{nfd}/x")
        );
        assert_eq!(
            real_path(&a.target, &format!("{nfc}/new")),
            format!("{nfd}/new")
        );
        assert_eq!(real_path(&a.target, "other"), "other");
    }

    #[test]
    fn clashes_are_refused_and_the_exact_spelling_wins() {
        let source = tree(&["A", "a", "b"]);
        let target = tree(&["a", "B", "b"]);
        let a = align(&source, &target);
        let mut refused: Vec<&str> = a.refused.keys().map(String::as_str).collect();
        refused.sort_unstable();
        assert_eq!(refused, ["A", "a"]);
        assert!(
            a.stopped.contains("a"),
            "the target's item of a clash stays"
        );
        assert!(
            a.target.contains_key("B") && a.target.contains_key("b"),
            "b is exact"
        );

        let both = align(&tree(&["e\u{301}"]), &tree(&["\u{e9}", "\u{c9}"]));
        assert!(both.refused.contains_key("e\u{301}"), "{:?}", both.refused);
        assert!(both.stopped.len() == 1 && both.target.len() == 2);
    }
}
