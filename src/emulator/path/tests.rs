//! Unit tests of `path`.
use super::*;

fn item(raw: &str) -> (ItemPath, Action) {
    match parse(raw).unwrap() {
        Route::Item(p, a) => (p, a),
        other => panic!("{other:?}"),
    }
}

#[test]
fn path_forms_parse() {
    let (p, a) = item("/me/drive/root:/a%20b/c%2Fd.txt:/content");
    assert_eq!(p.rel, ["a b", "c", "d.txt"]);
    assert_eq!(a, Action::Content);
    let (p, a) = item("/drives/abc/items/ABC!12:/x:");
    assert_eq!(p.base, Base::Id("ABC!12".into()));
    assert_eq!((p.rel.as_slice(), a), (&["x".to_owned()][..], Action::Item));
    let (_, a) = item("/drive/root/search(q='it''s%20a:b')");
    assert_eq!(a, Action::Search("it's a:b".into()));
    let (p, _) = item("/me/drive/root:/Docs");
    assert_eq!(p.rel, ["Docs"]);
    assert_eq!(
        parse("/drives/X").unwrap(),
        Route::Drive(DriveSel::Id("X".into()))
    );
    assert_eq!(
        parse("/sites/s%2C1/drive").unwrap(),
        Route::Drive(DriveSel::Site("s,1".into()))
    );
    assert_eq!(parse("/me").unwrap(), Route::Me);
    let (p, a) = item("/drives/d/items/D!103:/");
    assert_eq!((p.rel.len(), a), (0, Action::Item));
    let share = parse("/shares/u!aHR0cA/driveItem/content").unwrap();
    assert_eq!(
        share,
        Route::Share {
            id: "u!aHR0cA".into(),
            content: true
        }
    );
}

#[test]
fn forms_real_clients_send_parse() {
    let (p, a) = item("/me/drive/root/");
    assert_eq!((p.rel.len(), a), (0, Action::Item));
    let (p, _) = item("/me/drive/root:/./Big%20Tree/a:");
    assert_eq!(p.rel, ["Big Tree", "a"]);
    let (p, _) = item("/me/drive/root:/.%2FBig%20Tree:");
    assert_eq!(p.rel, ["Big Tree"]);
    let (p, a) = item("/drives/d/items/root%3A%2FDocuments%3A");
    assert_eq!(
        (p.base, p.rel, a),
        (
            Base::Id("root".into()),
            vec!["Documents".to_owned()],
            Action::Item
        )
    );
    let (p, a) = item("/drives/d/items/X%21s1%3A%2Fa%2525.txt%3A/content");
    assert_eq!(
        (p.base, p.rel, a),
        (
            Base::Id("X!s1".into()),
            vec!["a%25.txt".to_owned()],
            Action::Content
        )
    );
    let (_, a) = item("/me/drive/root/delta()");
    assert_eq!(a, Action::Delta(None));
    assert_eq!(
        parse("/me/drive/recent()").unwrap(),
        Route::Recent(DriveSel::Me)
    );
    assert_eq!(
        parse("/me/drive/sharedWithMe()").unwrap(),
        Route::SharedWithMe
    );
    let (_, a) = item("/me/drive/items/X/versions/2.0/restoreVersion");
    assert_eq!(a, Action::Versions(Some("2.0".into()), VersionOp::Restore));
}

#[test]
fn bad_paths_are_rejected() {
    assert_eq!(
        parse("/me/drive/root:/a:/b:/c").unwrap_err().code,
        "invalidRequest"
    );
    assert_eq!(
        parse("/me/drive/root:").unwrap_err().inner,
        Some("invalidPath")
    );
    assert_eq!(parse("/me/drive/nothing").unwrap_err().code, "itemNotFound");
}
