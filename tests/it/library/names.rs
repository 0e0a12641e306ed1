//! Names OneDrive treats as one (issue 13): a tree whose names clash is refused before any
//! request, and a write whose answer names another item than asked fails naming both.

use skydrive::emulator::{Faults, Hostile, Seed};
use skydrive::graph::transfer::UploadOptions;
use skydrive::{Conflict, ErrorKind, ItemRef};

use super::{empty_env, env_with};

#[tokio::test]
async fn put_tree_refuses_names_that_are_one_on_onedrive_before_any_request() {
    let env = empty_env().await;
    let local = env.dir.path().join("src");
    for (path, body) in [
        ("File.txt", "upper"),
        ("file.txt", "lower"),
        ("sub/a.txt", "a"),
        ("SUB/b.txt", "b"),
        ("deep/caf\u{e9}", "nfc"),
        ("deep/cafe\u{301}", "nfd"),
        ("fine/x.txt", "x"),
    ] {
        let p = local.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    env.emu.clear_request_log();
    let err = skydrive::drive::put_tree(&env.client, &local, &ItemRef::Root, &Default::default())
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    let text = err.to_string();
    for pair in [
        "\"File.txt\" and \"file.txt\"",
        "\"SUB\" and \"sub\"",
        // Debug quoting shows the combining accent, which is what tells the two apart.
        "\"deep/cafe\\u{301}\" and \"deep/caf\u{e9}\"",
    ] {
        assert!(text.contains(pair), "{pair}: {text}");
    }
    assert!(text.contains("3 names cannot be used"), "{text}");
    assert!(env.emu.request_log().is_empty(), "nothing sent");
    let found = skydrive::drive::invalid_local_names(&local, "").unwrap();
    assert_eq!(found.len(), 3);
    assert!(
        found
            .iter()
            .all(|e| matches!(e.kind(), ErrorKind::NameClash { .. }))
    );
}

/// A drive behind a front-end that decodes paths twice, with `Docs/` in it.
async fn double_decoding() -> super::Env {
    let env = env_with(Seed::Empty, Faults::default()).await;
    env.emu.mkdir_p("Docs");
    env.emu.put_file("Docs/plain.txt", b"p");
    env.emu.set_faults(Faults {
        hostile: vec![Hostile::DoubleDecode],
        ..Faults::default()
    });
    env
}

/// `err` is a misplaced write naming `asked` and `answered`.
fn assert_misplaced(what: &str, err: &skydrive::Error, asked: &str, answered: &str) {
    let ErrorKind::Misplaced {
        asked: a,
        answered: b,
    } = err.kind()
    else {
        panic!("{what}: {err:?}");
    };
    assert_eq!((a.as_str(), b.as_str()), (asked, answered), "{what}");
    assert!(!err.is_transient() && !err.is_conflict(), "{what}: exit 1");
}

#[tokio::test]
async fn writes_whose_answer_names_another_item_fail_naming_both() {
    let env = double_decoding().await;
    let c = &env.client;
    let docs = ItemRef::path("Docs");
    let err = c
        .create_folder(&docs, "x%41", Conflict::Fail)
        .await
        .unwrap_err();
    assert_misplaced("mkdir", &err, "/Docs/x%41", "/Docs/xA");
    let local = env.dir.path().join("y.txt");
    std::fs::write(&local, "y").unwrap();
    let err = c
        .upload_file(&docs, "y%41.txt", &local, &UploadOptions::default())
        .await
        .unwrap_err();
    assert_misplaced("put", &err, "/Docs/y%41.txt", "/Docs/yA.txt");
    let session = UploadOptions {
        simple_limit: 0,
        ..UploadOptions::default()
    };
    let err = c
        .upload_file(&docs, "z%41.bin", &local, &session)
        .await
        .unwrap_err();
    assert_misplaced("session put", &err, "/Docs/z%41.bin", "/Docs/zA.bin");
    let plain = ItemRef::path("Docs/plain.txt");
    let err = c.rename(&plain, "r%41.txt").await.unwrap_err();
    assert_misplaced("rename", &err, "/Docs/r%41.txt", "/Docs/rA.txt");
    let root = c.item(&ItemRef::Root).await.unwrap();
    let err = c
        .move_item(&ItemRef::path("Docs/r%41.txt"), &root.id, Some("m%41.txt"))
        .await
        .unwrap_err();
    assert_misplaced("mv", &err, "/m%41.txt", "/mA.txt");
}

#[tokio::test]
async fn writes_without_percent_sequences_pass_the_same_front_end() {
    let env = double_decoding().await;
    let c = &env.client;
    let docs = ItemRef::path("Docs");
    c.create_folder(&docs, "new 100 %", Conflict::Fail)
        .await
        .unwrap();
    let local = env.dir.path().join("y.txt");
    std::fs::write(&local, "y").unwrap();
    let item = c
        .upload_file(&docs, "y.txt", &local, &UploadOptions::default())
        .await
        .unwrap();
    assert_eq!(item.name, "y.txt");
    let renamed = UploadOptions {
        conflict: Conflict::Rename,
        ..UploadOptions::default()
    };
    let again = c
        .upload_file(&docs, "y.txt", &local, &renamed)
        .await
        .unwrap();
    assert_eq!(again.name, "y 1.txt", "the name OneDrive picks passes");
    c.rename(&ItemRef::path("Docs/plain.txt"), "PLAIN.txt")
        .await
        .unwrap();
}

#[tokio::test]
async fn a_move_to_another_spelling_of_its_own_name_renames_in_place() {
    let env = env_with(Seed::Demo, Faults::default()).await;
    let c = &env.client;
    let before = c
        .item(&ItemRef::path("Documents/README.txt"))
        .await
        .unwrap();
    // Once refused as "already exists": OneDrive takes both spellings for one name.
    let renamed = skydrive::drive::mv(
        c,
        &ItemRef::path("Documents/README.txt"),
        "/Documents/readme.TXT",
    )
    .await
    .unwrap();
    assert_eq!(
        (renamed.id.as_str(), renamed.name.as_str()),
        (before.id.as_str(), "readme.TXT")
    );
    // A folder, by id: renamed, not moved into itself.
    let docs = c.item(&ItemRef::path("Documents")).await.unwrap();
    let folder = skydrive::drive::mv(c, &ItemRef::Id(docs.id.clone()), "/DOCUMENTS")
        .await
        .unwrap();
    assert_eq!((folder.id, folder.name.as_str()), (docs.id, "DOCUMENTS"));
    // Another item of another name still goes into an existing folder, with no extra request.
    env.emu.clear_request_log();
    let moved = skydrive::drive::mv(c, &ItemRef::path("Pics/image1.jpg"), "/DOCUMENTS")
        .await
        .unwrap();
    assert_eq!(
        moved.parent_reference.unwrap().path.as_deref(),
        Some("/drive/root:/DOCUMENTS")
    );
    assert_eq!(
        env.emu.request_log().len(),
        2,
        "the destination, then the move"
    );
    // A copy onto itself is still a conflict.
    let err = skydrive::drive::cp(
        c,
        &ItemRef::path("DOCUMENTS/readme.TXT"),
        "/DOCUMENTS/README.txt",
    )
    .await
    .unwrap_err();
    assert!(err.is_conflict(), "{err}");
}
