//! Unit tests of `store`.
use super::*;
use crate::emulator::blob::{Content, Stored};

fn world() -> Store {
    let mut s = Store::new(Profile::Personal);
    s.add_drive("ABCDEF0123456789", "personal", "OneDrive", 0);
    s
}

#[test]
fn names_are_unique_ignoring_case_and_normalisation() {
    let mut s = world();
    let a = s.insert(ROOT, "Hello.doc", None);
    assert_eq!(s.child(ROOT, "hello.DOC"), Some(a));
    assert_eq!(s.free_name(ROOT, "hello.doc"), "hello 1.doc");
    s.insert(ROOT, "hello 1.doc", None);
    assert_eq!(s.free_name(ROOT, "Hello.doc"), "Hello 2.doc");
    assert_eq!(s.free_name(ROOT, "New Folder"), "New Folder");
    let nfc = s.insert(ROOT, "caf\u{e9}", None);
    assert_eq!(s.child(ROOT, "cafe\u{301}"), Some(nfc));
    assert_eq!(s.child(ROOT, "CAFE\u{301}"), Some(nfc));
}

#[test]
fn remove_is_recursive_and_leaves_tombstones() {
    let mut s = world();
    let a = s.insert(ROOT, "A", None);
    let b = s.insert(a, "B", None);
    let a_id = s.id_of(a);
    s.remove(a);
    assert!(s.get(b).is_none() && s.child(ROOT, "a").is_none());
    assert_eq!(s.tombstones.len(), 2);
    assert_eq!(s.parse_id(0, &a_id), None);
    assert_eq!(s.parse_id(0, "root"), Some(ROOT));
}

#[test]
fn replaced_content_becomes_a_version() {
    let mut s = world();
    let blob = |k: &str| Blob {
        size: 1,
        content: Content::Stored(Box::new(Stored {
            key: k.into(),
            quick_xor: String::new(),
            sha256: String::new(),
        })),
    };
    let f = s.insert(ROOT, "f", Some(blob("a")));
    for i in 0..MAX_VERSIONS + 1 {
        s.set_content(f, blob(&format!("b{i}")));
    }
    let node = s.get(f).unwrap();
    assert_eq!(node.versions().len(), MAX_VERSIONS);
    assert_eq!(node.versions()[0].blob.key(), Some("b0"));
}
