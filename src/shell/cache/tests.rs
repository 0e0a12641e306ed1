//! The cache's lookups and updates, in memory.

use super::*;

/// A bare child named `name` (a folder when `folder`), as the completer's tests use too.
pub(in crate::shell) fn item(id: &str, name: &str, folder: bool) -> DriveItem {
    DriveItem {
        id: id.into(),
        name: name.into(),
        folder: folder.then(Default::default),
        ..Default::default()
    }
}

#[test]
fn prefix_lookup_ignores_case_and_keeps_server_case() {
    let mut c = DirCache::default();
    c.store(
        "r",
        "/",
        vec![
            item("1", "Pics", true),
            item("2", "pizza.txt", false),
            item("3", "Documents", true),
        ]
        .into(),
    );
    let l = c.fresh("r").unwrap();
    let names: Vec<&str> = l.with_prefix("PI").iter().map(|i| i.name()).collect();
    assert_eq!(names, ["Pics", "pizza.txt"]);
    assert_eq!(c.folder_id("/pics"), Some("1"));
}

#[test]
fn writes_update_in_place_and_remove_subtrees() {
    let mut c = DirCache::default();
    c.store("r", "/", vec![item("1", "A", true)].into());
    c.store("1", "/A", vec![item("2", "x", false)].into());
    c.upsert("r", "/", item("9", "b.txt", false));
    assert_eq!(c.fresh("r").unwrap().children().len(), 2);
    c.remove("r", "1", "/A");
    assert!(c.fresh("1").is_none());
    assert_eq!(c.folder_id("/a"), None);
    assert_eq!(c.fresh("r").unwrap().children().len(), 1);
    c.store("5", "/B", Listing::default());
    c.forget("/b");
    assert_eq!(c.folder_id("/B"), None);
    assert!(c.fresh("5").is_none());
}

/// The speed of this lookup is measured in `bench/micro.rs`, not here.
#[test]
fn prefix_in_ten_thousand_entries_ignores_case() {
    let mut c = DirCache::default();
    let items = (0..10_000)
        .map(|i| item(&i.to_string(), &format!("File {i:05}.txt"), false))
        .collect::<Vec<_>>();
    c.store("r", "/", items.into());
    let l = c.fresh("r").unwrap();
    let hits = l.with_prefix("file 0999");
    assert_eq!(hits.len(), 10);
    assert!(hits.iter().all(|h| h.name().starts_with("File 0999")));
}

#[test]
fn entries_expire() {
    let mut c = DirCache::new(Duration::ZERO);
    c.store("r", "/", Listing::default());
    assert!(c.fresh("r").is_none());
    assert_eq!(c.stat().misses, 1);
}
