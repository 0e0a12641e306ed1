//! The library's one download rule: content refused for good before its first byte (403, 404,
//! 410) leaves nothing behind, neither `.NAME.part` nor `.NAME.part.json`, with or without
//! `resume`; partial files stay only where a resume can finish them. And the one address rule:
//! a path through a shortcut reaches the shared folder, learnt by a client that never saw it.

use std::sync::Arc;

use skydrive::emulator::{Emulator, EmulatorOptions, Profile, Seed};
use skydrive::{DownloadOptions, GraphClient, ItemRef, StaticToken};

async fn kinds(profile: Profile) -> (Emulator, GraphClient) {
    let emu = Emulator::start(EmulatorOptions {
        seed: Seed::Kinds,
        profile,
        ..EmulatorOptions::default()
    })
    .await
    .unwrap();
    let client =
        GraphClient::new(emu.graph_url(), Arc::new(StaticToken(emu.access_token()))).unwrap();
    (emu, client)
}

fn hidden(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[tokio::test]
async fn content_refused_for_good_leaves_no_partial_file() {
    for profile in [Profile::Personal, Profile::Business] {
        let (_emu, c) = kinds(profile).await;
        let dir = tempfile::tempdir().unwrap();
        // A listing that did not say the file is flagged: the server's 403 `malwareDetected`.
        let mut flagged = c
            .item(&ItemRef::path("Documents/flagged.exe"))
            .await
            .unwrap();
        flagged.malware = None;
        // A notebook listed as a file: its `/content` answers 404.
        let mut notebook = c.item(&ItemRef::path("Documents/Notebook")).await.unwrap();
        notebook.package = None;
        notebook.file = Some(Default::default());
        // A file removed since it was listed: 404.
        let gone = c.item(&ItemRef::path("Pics/image1.jpg")).await.unwrap();
        c.delete(&ItemRef::path("Pics/image1.jpg")).await.unwrap();
        for resume in [false, true] {
            for (meta, status) in [(&flagged, 403), (&notebook, 404), (&gone, 404)] {
                let dest = dir.path().join(&meta.name);
                let opts = DownloadOptions {
                    resume,
                    ..DownloadOptions::default()
                };
                let err = c
                    .download_item_to_file(meta.clone(), &dest, &opts)
                    .await
                    .unwrap_err();
                assert_eq!(
                    err.status(),
                    Some(status),
                    "{profile:?} {}: {err}",
                    meta.name
                );
                assert!(
                    hidden(dir.path()).is_empty(),
                    "{profile:?}: {:?}",
                    hidden(dir.path())
                );
            }
        }
        // A partial file an earlier run left is useless once the content is gone: removed.
        std::fs::write(dir.path().join(".image1.jpg.part"), b"abc").unwrap();
        let opts = DownloadOptions {
            resume: true,
            ..DownloadOptions::default()
        };
        let dest = dir.path().join("image1.jpg");
        assert!(
            c.download_item_to_file(gone.clone(), &dest, &opts)
                .await
                .is_err()
        );
        assert!(hidden(dir.path()).is_empty(), "{:?}", hidden(dir.path()));
    }
}

#[tokio::test]
async fn a_path_through_a_shortcut_is_learnt_once_and_sent_to_its_drive() {
    for profile in [Profile::Personal, Profile::Business] {
        let (emu, c) = kinds(profile).await;
        // A fresh client knows no shortcut: the 404 of `root:/Shared Folder/sub/a.txt:` makes
        // it look at `Shared Folder` once, and it asks Robin's drive from then on.
        let deep = ItemRef::path("Shared Folder/sub/a.txt");
        let a = c.item(&deep).await.unwrap();
        assert_eq!(a.name, "a.txt");
        let other = emu.other_drive_id();
        assert!(
            matches!(c.resolve(&deep, None), ItemRef::OnDrive { ref drive, .. } if skydrive::graph::same_drive(drive, &other)),
            "{profile:?}: {:?}",
            c.resolve(&deep, None)
        );
        emu.clear_request_log();
        let kids = c.children(&ItemRef::path("Shared Folder")).await.unwrap();
        let names: Vec<_> = kids.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(names, ["notes.txt", "sub"]);
        let sent: Vec<String> = emu.request_log().into_iter().map(|r| r.path).collect();
        assert_eq!(
            sent.len(),
            1,
            "one request, straight to Robin's drive: {sent:?}"
        );
        assert!(
            sent[0].contains("/drives/") && sent[0].contains("/children"),
            "{sent:?}"
        );
        // The shortcut itself is an item of your drive: shown, renamed, removed there.
        let shortcut = c.item(&ItemRef::path("Shared Folder")).await.unwrap();
        assert!(shortcut.remote().is_some() && shortcut.kind().is_folder());
        let renamed = c
            .rename(&ItemRef::path("Shared Folder"), "Robin's")
            .await
            .unwrap();
        assert_eq!(renamed.name, "Robin's");
        let below = c.item(&ItemRef::path("Robin's/notes.txt")).await.unwrap();
        assert_eq!(below.name, "notes.txt");
        // A personal drive id is one id in either case (business ids are base64: as given).
        let drive = match profile {
            Profile::Personal => other.to_lowercase(),
            Profile::Business => other.clone(),
        };
        let rooted = c.rooted_at(&drive, &shortcut.remote().unwrap().id);
        let names: Vec<_> = rooted
            .children(&ItemRef::Root)
            .await
            .unwrap()
            .into_iter()
            .map(|k| k.name)
            .collect();
        assert_eq!(names, ["notes.txt", "sub"]);
    }
}
