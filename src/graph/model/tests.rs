//! DriveItem and friends against JSON shaped like the service's answers.

use super::*;

#[test]
fn error_body_accepts_both_inner_error_spellings() {
    let a: ErrorBody = serde_json::from_str(
        r#"{"error":{"code":"invalidRequest","message":"m","innererror":{"code":"pathIsTooLong"}}}"#,
    )
    .unwrap();
    assert_eq!(a.error.most_specific_code(), "pathIsTooLong");
    let b: ErrorBody = serde_json::from_str(
        r#"{"error":{"code":"itemNotFound","message":"m","innerError":{"date":"d","request-id":"r1"}}}"#,
    )
    .unwrap();
    assert_eq!(b.error.most_specific_code(), "itemNotFound");
    assert_eq!(b.error.request_id(), Some("r1"));
}

#[test]
fn only_plain_names_are_local_names() {
    let named = |n: &str| DriveItem {
        name: n.into(),
        ..Default::default()
    };
    for bad in [
        "", ".", "..", "../x", "a/b", "a\\b", "/etc/x", "a\0", "a\x1b[2J", "a\r",
    ] {
        assert!(named(bad).local_name().is_err(), "{bad:?}");
    }
    for good in ["a", "..a", "a b.txt", "é", ".hidden"] {
        assert_eq!(named(good).local_name().unwrap(), good);
    }
}

#[test]
fn drive_item_ignores_unknown_fields_and_reads_download_url() {
    let item: DriveItem = serde_json::from_str(
        r#"{"id":"A!1","name":"a.txt","size":3,"file":{"hashes":{"quickXorHash":"x"}},
           "unknownFacet":{"x":1},"@microsoft.graph.downloadUrl":"http://127.0.0.1/d"}"#,
    )
    .unwrap();
    assert!(item.is_file() && !item.is_folder());
    assert_eq!(item.quick_xor_hash(), Some("x"));
    assert_eq!(item.download_url.as_deref(), Some("http://127.0.0.1/d"));
}

fn item(json: &str) -> DriveItem {
    serde_json::from_str(json).unwrap()
}

#[test]
fn kinds_from_service_shaped_answers() {
    let shortcut = item(
        r#"{"id":"A!9","name":"Shared Folder","size":0,
            "remoteItem":{"id":"B!5","size":1234,"folder":{"childCount":2},
                          "parentReference":{"driveId":"b0000000000000b2","driveType":"personal"}}}"#,
    );
    assert_eq!(shortcut.kind(), ItemKind::Folder);
    assert!(shortcut.kind().is_folder() && !shortcut.kind().is_downloadable());
    let target = shortcut.remote().unwrap();
    assert_eq!(
        (target.drive_id.as_str(), target.id.as_str()),
        ("b0000000000000b2", "B!5")
    );
    assert_eq!(shortcut.shown_size(), 1234);

    let remote_file = item(
        r#"{"id":"A!8","name":"f.txt","remoteItem":{"id":"B!6","file":{},
            "parentReference":{"driveId":"b2"}}}"#,
    );
    assert_eq!(remote_file.kind(), ItemKind::File);
    assert!(remote_file.remote().is_some());

    let notebook =
        item(r#"{"id":"A!7","name":"Notebook","size":9999,"package":{"type":"oneNote"}}"#);
    assert_eq!(notebook.kind(), ItemKind::Notebook);
    assert!(notebook.kind().is_package() && !notebook.kind().is_folder());
    assert_eq!(notebook.shown_size(), 0);
    assert_eq!(notebook.kind().label(), "notebook");

    let flagged = item(
        r#"{"id":"A!6","name":"x.exe","size":5,"file":{},"malware":{"description":"Trojan"}}"#,
    );
    assert_eq!(flagged.kind(), ItemKind::Flagged);
    assert!(
        flagged
            .kind()
            .why_not_downloadable()
            .unwrap()
            .contains("malware")
    );

    let other = item(r#"{"id":"A!5","name":"p","package":{"type":"something"}}"#);
    assert_eq!(other.kind(), ItemKind::Package("something".into()));
    assert_eq!(
        item(r#"{"id":"A!4","deleted":{}}"#).kind(),
        ItemKind::Deleted
    );
    assert_eq!(
        item(r#"{"id":"A!3","root":{},"folder":{}}"#).kind(),
        ItemKind::Folder
    );
    assert_eq!(
        item(r#"{"id":"A!2","name":"a","file":{}}"#).kind(),
        ItemKind::File
    );
    assert!(
        item(r#"{"id":"A!2","name":"a","file":{}}"#)
            .remote()
            .is_none()
    );
}
