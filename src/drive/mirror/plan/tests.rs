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
        max_delete: None,
        local_deletes_vouched: true,
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
        max_delete: None,
        local_deletes_vouched: true,
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
        max_delete: None,
        local_deletes_vouched: true,
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
fn names_one_on_onedrive_are_refused_or_paired() {
    let source = tree(&[
        ("A.txt", file(1, 1_000)),
        ("a.TXT", file(1, 1_000)),
        ("e\u{301}", file(1, 1_000)),
        ("Dir", folder()),
        ("Dir/f", file(1, 1_000)),
        ("Dir/g", file(1, 1_000)),
    ]);
    let target = tree(&[
        ("a.txt", file(1, 1_000)),
        ("\u{e9}", file(2, 1_000)),
        ("dir", folder()),
        ("dir/f", file(1, 1_000)),
    ]);
    let p = run(&source, &target, &BTreeMap::new(), true);
    assert_eq!(paths(&p.refused, |r| &r.0), ["A.txt", "a.TXT"]);
    assert!(p.deletes.is_empty(), "the target's a.txt is left alone");
    assert_eq!(paths(&p.transfers, |t| &t.path), ["Dir/g", "e\u{301}"]);
    assert_eq!(p.same, ["Dir/f"], "dir/f is Dir/f");
    assert!(p.mkdirs.is_empty(), "dir is Dir");
    assert_eq!(p.target["e\u{301}"].real.as_deref(), Some("\u{e9}"));
}

#[test]
fn a_file_facing_a_folder_is_a_conflict_or_replaced_with_overwrite() {
    let source = tree(&[("x", file(1, 1_000)), ("y", folder()), ("y/z", file(1, 1))]);
    let target = tree(&[("x", folder()), ("x/in", file(1, 1)), ("y", file(1, 1_000))]);
    let p = run(&source, &target, &BTreeMap::new(), true);
    assert_eq!(paths(&p.conflicts, |c| &c.0), ["x", "y"]);
    assert!(p.transfers.is_empty() && p.deletes.is_empty());
    let rules = Rules {
        base: &BTreeMap::new(),
        source_is_local: false,
        delete: true,
        overwrite: true,
        checksum: false,
        filter: None,
        max_delete: None,
        local_deletes_vouched: true,
    };
    let p = plan(&source, &target, &rules);
    assert!(p.conflicts.is_empty() && p.deletes.is_empty(), "{p:?}");
    let replaced: Vec<(&str, usize)> = p
        .replaced
        .iter()
        .map(|d| (d.path.as_str(), d.items))
        .collect();
    assert_eq!(replaced, [("x", 2), ("y", 1)]);
    assert_eq!(p.mkdirs, ["y"]);
    assert_eq!(paths(&p.transfers, |t| &t.path), ["x", "y/z"]);
}

#[test]
fn deletions_are_held_on_failure_above_max_delete_and_unrecorded_locally() {
    let source = tree(&[]);
    let target = tree(&[("a", folder()), ("a/b", file(1, 1)), ("a/c", file(1, 1))]);
    let mut rules = Rules {
        base: &BTreeMap::new(),
        source_is_local: false,
        delete: true,
        overwrite: false,
        checksum: false,
        filter: None,
        max_delete: None,
        local_deletes_vouched: true,
    };
    let p = plan(&source, &target, &rules);
    assert!(p.hold(0).is_none());
    assert!(p.hold(1).unwrap().contains("1 items failed"));
    rules.max_delete = Some(3);
    assert!(plan(&source, &target, &rules).hold(0).is_none());
    rules.max_delete = Some(2);
    let held = plan(&source, &target, &rules).hold(0).unwrap();
    assert!(held.contains("--max-delete 2"), "{held}");
    rules.max_delete = None;
    rules.local_deletes_vouched = false;
    let held = plan(&source, &target, &rules).hold(0).unwrap();
    assert!(held.contains("--force"), "{held}");
    rules.source_is_local = true;
    assert!(
        plan(&source, &target, &rules).hold(0).is_none(),
        "remote ones go to the bin"
    );
    assert!(
        plan(&source, &tree(&[]), &rules).hold(1).is_none(),
        "nothing to hold"
    );
}

#[test]
fn unreadable_items_fail_on_either_side_and_are_left_alone() {
    let no = || Entry::local(Kind::Unreadable("cannot be read: denied".into()));
    let source = tree(&[
        ("s", no()),
        ("both", file(1, 1)),
        ("d", folder()),
        ("d/x", file(1, 1)),
    ]);
    let target = tree(&[("s", file(1, 1)), ("both", no()), ("extra", no())]);
    let kept = run(&source, &target, &BTreeMap::new(), false);
    assert_eq!(paths(&kept.unreadable, |u| &u.0), ["both", "s"]);
    assert_eq!(kept.kept, 1, "an unreadable extra is kept without --delete");
    let p = run(&source, &target, &BTreeMap::new(), true);
    assert_eq!(paths(&p.unreadable, |u| &u.0), ["both", "extra", "s"]);
    assert!(p.deletes.is_empty());
}

#[test]
fn partial_downloads_go_with_delete_unless_their_file_is_still_to_come() {
    let part = || Entry::local(Kind::Partial);
    let source = tree(&[
        ("coming", file(5, 9_000)),
        ("done", file(1, 1_000)),
        ("d", folder()),
        ("d/x", file(1, 1)),
    ]);
    let target = tree(&[
        (".coming.part", part()),
        (".coming.part.json", part()),
        ("done", file(1, 1_000)),
        (".done.part.json", part()),
        (".gone.part", part()),
        ("d", folder()),
        ("d/x", file(1, 1)),
        ("d/.x.part.json", part()),
        ("old", folder()),
        ("old/.y.part", part()),
    ]);
    let p = run(&source, &target, &BTreeMap::new(), true);
    assert_eq!(
        p.partials,
        [".done.part.json", ".gone.part", "d/.x.part.json"]
    );
    let deletes: Vec<(&str, usize)> = p
        .deletes
        .iter()
        .map(|d| (d.path.as_str(), d.items))
        .collect();
    assert_eq!(deletes, [("old", 1)], "old goes whole, its partial with it");
    assert!(
        run(&source, &target, &BTreeMap::new(), false)
            .partials
            .is_empty()
    );
}

#[test]
fn with_a_filter_only_folders_that_receive_a_file_are_created() {
    let source = tree(&[
        ("pics", folder()),
        ("pics/a.jpg", file(1, 1)),
        ("docs", folder()),
        ("docs/a.txt", file(1, 1)),
        ("empty", folder()),
    ]);
    let filter: Filter = Arc::new(|p: &str, dir: bool| dir || p.ends_with(".jpg"));
    let rules = Rules {
        base: &BTreeMap::new(),
        source_is_local: false,
        delete: false,
        overwrite: false,
        checksum: false,
        filter: Some(&filter),
        max_delete: None,
        local_deletes_vouched: true,
    };
    let p = plan(&source, &tree(&[]), &rules);
    assert_eq!(p.mkdirs, ["pics"]);
    assert_eq!(
        run(&source, &tree(&[]), &BTreeMap::new(), false)
            .mkdirs
            .len(),
        3
    );
}
