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
