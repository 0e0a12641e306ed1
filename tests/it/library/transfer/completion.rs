//! When a download is done (issue 13): the transfer's framing and the quickXorHash decide, the
//! listed size is advice, and only an item without a hash is judged by its size; the same
//! rule for files, writers (`cat`) and trees (`get -r`).

use std::sync::{Arc, Mutex};

use skydrive::emulator::{Faults, Hostile, Listener};
use skydrive::graph::Notice;
use skydrive::graph::transfer::DownloadOptions;
use skydrive::{ErrorKind, ItemRef};

use crate::library::{Env, empty_env, fast_retry, pattern};

/// The example: a file served as 57,814 bytes, listed at 62,671, its hash true.
const REAL: usize = 57_814;
const LISTED: u64 = 62_671;

/// An empty drive holding `Docs/photo.heic` (REAL bytes) whose listing is off by `delta`, and
/// a client whose notices are collected.
async fn listed_wrong(
    delta: i64,
    hostile: Vec<Hostile>,
) -> (Env, Vec<u8>, Arc<Mutex<Vec<Notice>>>) {
    let mut env = empty_env().await;
    let data = pattern(REAL, 7);
    env.emu.put_file("Docs/photo.heic", &data);
    env.emu.set_faults(Faults {
        listed_size_delta: delta,
        hostile,
        ..Faults::default()
    });
    let heard = Arc::new(Mutex::new(Vec::new()));
    let sink = heard.clone();
    let mut policy = fast_retry();
    policy.notify = Some(Arc::new(move |n: &Notice| {
        sink.lock().unwrap().push(n.clone())
    }));
    env.client = env.client.clone().with_retry(policy);
    (env, data, heard)
}

fn content_requests(env: &Env) -> Vec<(u16, Option<String>)> {
    env.emu
        .request_log()
        .into_iter()
        .filter(|r| r.listener == Listener::Content)
        .map(|r| (r.status, r.range))
        .collect()
}

#[tokio::test]
async fn a_listed_size_the_hash_proves_wrong_is_advice_for_files_writers_and_trees() {
    let (env, data, heard) = listed_wrong(LISTED as i64 - REAL as i64, Vec::new()).await;
    let photo = ItemRef::path("Docs/photo.heic");
    assert_eq!(env.client.item(&photo).await.unwrap().size, Some(LISTED));
    env.emu.clear_request_log();
    let dest = env.dir.path().join("photo.heic");
    let opts = DownloadOptions::default();
    let item = env
        .client
        .download_to_file(&photo, &dest, &opts)
        .await
        .unwrap();
    assert_eq!(item.size, Some(REAL as u64), "the bytes received");
    assert_eq!(std::fs::read(&dest).unwrap(), data);
    // One request, no `Range: bytes=57814-` and no 416, no second download.
    assert_eq!(content_requests(&env), [(200, None)]);
    let mut out = Vec::new();
    let n = env
        .client
        .download_to_writer(&photo, &mut out, &opts)
        .await
        .unwrap();
    assert_eq!((n, out), (REAL as u64, data.clone()));
    let tree = env.dir.path().join("tree");
    let report = skydrive::drive::get_tree(&env.client, &ItemRef::Root, &tree, &Default::default())
        .await
        .unwrap();
    assert_eq!((report.files, report.failed.len()), (1, 0));
    assert_eq!(report.bytes, REAL as u64);
    assert_eq!(std::fs::read(tree.join("Docs/photo.heic")).unwrap(), data);
    let heard = heard.lock().unwrap();
    let want = Notice::SizeDiffers {
        name: "photo.heic".into(),
        listed: LISTED,
        actual: REAL as u64,
    };
    assert_eq!(
        *heard,
        [want.clone(), want.clone(), want],
        "one notice per download"
    );
}

#[tokio::test]
async fn a_listed_size_too_small_is_advice_too() {
    let (env, data, heard) = listed_wrong(-1000, Vec::new()).await;
    let dest = env.dir.path().join("photo.heic");
    let photo = ItemRef::path("Docs/photo.heic");
    env.client
        .download_to_file(&photo, &dest, &DownloadOptions::default())
        .await
        .unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), data);
    assert_eq!(heard.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn without_a_hash_the_listed_size_decides_and_nothing_is_left() {
    let (env, _, heard) = listed_wrong(4857, vec![Hostile::NoHashes]).await;
    let photo = ItemRef::path("Docs/photo.heic");
    let item = env.client.item(&photo).await.unwrap();
    assert_eq!(item.quick_xor_hash(), None, "the emulator lies as asked");
    let dest = env.dir.path().join("photo.heic");
    let err = env
        .client
        .download_to_file(&photo, &dest, &DownloadOptions::default())
        .await
        .unwrap_err();
    let ErrorKind::Integrity { name, detail } = err.kind() else {
        panic!("{err:?}");
    };
    assert_eq!(name, "photo.heic");
    assert_eq!(
        detail,
        "expected 62671 bytes, got 57814 (the item has no hash to check instead)"
    );
    let left: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains("photo"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let mut out = Vec::new();
    let err = env
        .client
        .download_to_writer(&photo, &mut out, &DownloadOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Integrity { .. }), "{err}");
    assert!(heard.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_hash_that_differs_fails_whatever_the_sizes_say() {
    let env = empty_env().await;
    // Even item numbers get the wrong hash: create one odd, one even.
    env.emu.put_file("a.bin", &pattern(1000, 1));
    env.emu.put_file("b.bin", &pattern(1000, 2));
    env.emu.set_faults(Faults {
        hostile: vec![Hostile::WrongHashes],
        ..Faults::default()
    });
    let mut failed = Vec::new();
    for name in ["a.bin", "b.bin"] {
        let dest = env.dir.path().join(name);
        let r = env
            .client
            .download_to_file(&ItemRef::path(name), &dest, &DownloadOptions::default())
            .await;
        if let Err(e) = r {
            assert!(
                e.to_string()
                    .contains("quickXorHash differs (1000 bytes received, 1000 listed)"),
                "{e}"
            );
            assert!(!dest.exists());
            failed.push(name);
        }
    }
    assert_eq!(failed.len(), 1, "{failed:?}");
}
