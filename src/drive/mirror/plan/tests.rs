use std::sync::Arc;

use super::*;
use crate::drive::mirror::side::Entry;
use crate::drive::mirror::state::Print;

fn file(size: u64, mtime: i64) -> Entry {
    Entry::local(Kind::File(FileInfo {
        size,
        mtime: Some(mtime),
        ..FileInfo::default()
    }))
}

fn folder() -> Entry {
    Entry::local(Kind::Folder)
}

fn tree(items: &[(&str, Entry)]) -> Tree {
    items
        .iter()
        .map(|(p, e)| ((*p).to_owned(), e.clone()))
        .collect()
}

fn synced(local: (u64, i64), remote: (u64, i64)) -> Synced {
    let print = |(size, mtime): (u64, i64)| Print {
        size,
        mtime: Some(mtime),
        hash: None,
    };
    Synced {
        local: print(local),
        remote: print(remote),
    }
}

/// Downloads (the source is remote) with `base`, deleting when `delete`.
fn run(source: &Tree, target: &Tree, base: &BTreeMap<String, Synced>, delete: bool) -> Plan {
    let rules = Rules {
        base,
        source_is_local: false,
        delete,
        overwrite: false,
        checksum: false,
        filter: None,
    };
    plan(source, target, &rules)
}

fn paths<T>(items: &[T], path: impl Fn(&T) -> &str) -> Vec<&str> {
    items.iter().map(path).collect()
}

#[test]
fn new_items_are_created_and_equal_ones_left() {
    let source = tree(&[
        ("d", folder()),
        ("d/a", file(1, 5_000)),
        ("b", file(2, 7_000)),
    ]);
    let target = tree(&[("b", file(2, 7_600))]);
    let p = run(&source, &target, &BTreeMap::new(), false);
    assert_eq!(p.mkdirs, ["d"]);
    assert_eq!(paths(&p.transfers, |t| &t.path), ["d/a"]);
    assert!(p.transfers[0].new);
    assert_eq!(p.same, ["b"], "mtimes within a second are equal");
}

#[test]
fn a_change_on_one_side_is_copied_and_on_both_is_a_conflict() {
    let base: BTreeMap<_, _> = [
        ("src".to_owned(), synced((1, 1_000), (1, 1_000))),
        ("dst".to_owned(), synced((1, 1_000), (1, 1_000))),
        ("both".to_owned(), synced((1, 1_000), (1, 1_000))),
    ]
    .into();
    let source = tree(&[
        ("src", file(2, 9_000)),
        ("dst", file(1, 1_000)),
        ("both", file(3, 9_000)),
    ]);
    let target = tree(&[
        ("src", file(1, 1_000)),
        ("dst", file(5, 9_000)),
        ("both", file(4, 9_000)),
    ]);
    let p = run(&source, &target, &base, false);
    assert_eq!(paths(&p.transfers, |t| &t.path), ["dst", "src"]);
    assert_eq!(paths(&p.conflicts, |c| &c.0), ["both"]);
    let rules = Rules {
        base: &base,
        source_is_local: false,
        delete: false,
        overwrite: true,
        checksum: false,
        filter: None,
    };
    let forced = plan(&source, &target, &rules);
    assert!(forced.conflicts.is_empty());
    assert_eq!(forced.transfers.len(), 3);
}

#[test]
fn without_a_record_a_newer_target_is_a_conflict() {
    let source = tree(&[("old", file(1, 1_000)), ("new", file(1, 9_000))]);
    let target = tree(&[("old", file(2, 5_000)), ("new", file(2, 5_000))]);
    let p = run(&source, &target, &BTreeMap::new(), false);
    assert_eq!(paths(&p.transfers, |t| &t.path), ["new"]);
    assert_eq!(paths(&p.conflicts, |c| &c.0), ["old"]);
}

#[test]
fn extras_are_kept_or_deleted_whole_but_never_a_changed_one() {
    let source = tree(&[("keep", file(1, 1_000))]);
    let target = tree(&[
        ("keep", file(1, 1_000)),
        ("gone", folder()),
        ("gone/a", file(1, 1_000)),
        ("gone/b", folder()),
        ("gone/b/c", file(1, 1_000)),
        ("edited", file(9, 9_000)),
        ("x", file(1, 1_000)),
    ]);
    let base: BTreeMap<_, _> = [("edited".to_owned(), synced((1, 1_000), (1, 1_000)))].into();
    let kept = run(&source, &target, &base, false);
    assert_eq!(kept.kept, 6);
    assert!(kept.deletes.is_empty());
    let p = run(&source, &target, &base, true);
    let units: Vec<(&str, usize)> = p
        .deletes
        .iter()
        .map(|d| (d.path.as_str(), d.items))
        .collect();
    assert_eq!(units, [("gone", 4), ("x", 1)]);
    assert_eq!(paths(&p.conflicts, |c| &c.0), ["edited"]);
}

#[test]
fn excluded_and_skipped_items_are_never_deleted() {
    let source = tree(&[("nb", Entry::local(Kind::Skip("a notebook".into())))]);
    let target = tree(&[
        ("nb", file(1, 1_000)),
        ("d", folder()),
        ("d/x.tmp", file(1, 1_000)),
        ("d/y", file(1, 1_000)),
    ]);
    let filter: Filter = Arc::new(|p: &str, _| !p.ends_with(".tmp"));
    let rules = Rules {
        base: &BTreeMap::new(),
        source_is_local: false,
        delete: true,
        overwrite: false,
        checksum: false,
        filter: Some(&filter),
    };
    let p = plan(&source, &target, &rules);
    let units: Vec<&str> = p.deletes.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(
        units,
        ["d/y"],
        "d stays for the excluded d/x.tmp; nb is protected"
    );
    assert_eq!(paths(&p.skipped, |s| &s.0), ["nb"]);
}

#[test]
fn names_one_on_onedrive_are_refused_and_the_targets_left_alone() {
    let source = tree(&[
        ("A.txt", file(1, 1_000)),
        ("a.TXT", file(1, 1_000)),
        ("e\u{301}", file(1, 1_000)),
        ("Dir", folder()),
        ("Dir/f", file(1, 1_000)),
    ]);
    let target = tree(&[
        ("\u{e9}", file(2, 1_000)),
        ("dir", folder()),
        ("dir/f", file(1, 1_000)),
    ]);
    let p = run(&source, &target, &BTreeMap::new(), true);
    assert_eq!(
        paths(&p.refused, |r| &r.0),
        ["A.txt", "Dir", "a.TXT", "e\u{301}"]
    );
    assert!(p.transfers.is_empty() && p.deletes.is_empty() && p.mkdirs.is_empty());
}

#[test]
fn a_file_facing_a_folder_is_a_conflict() {
    let source = tree(&[("x", file(1, 1_000)), ("y", folder()), ("y/z", file(1, 1))]);
    let target = tree(&[("x", folder()), ("x/in", file(1, 1)), ("y", file(1, 1_000))]);
    let p = run(&source, &target, &BTreeMap::new(), true);
    assert_eq!(paths(&p.conflicts, |c| &c.0), ["x", "y"]);
    assert!(p.transfers.is_empty() && p.deletes.is_empty());
}

#[test]
fn deletions_are_held_on_failure_and_above_max_delete() {
    use crate::drive::mirror::apply::hold;
    let d = [Delete {
        path: "a".into(),
        folder: true,
        items: 3,
    }];
    assert!(hold(0, &d, None).is_none());
    assert!(hold(0, &d, Some(3)).is_none());
    assert!(hold(0, &d, Some(2)).unwrap().contains("--max-delete 2"));
    assert!(hold(1, &d, None).unwrap().contains("1 items failed"));
    assert!(hold(1, &[], Some(0)).is_none());
}
