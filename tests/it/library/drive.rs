//! The convenience layer: mkdir -p, concurrent walks (each folder once), parallel recursive
//! get and put with byte-exact results and per-file failure reports.

use std::collections::HashMap;
use std::path::Path;

use skydrive::ItemRef;
use skydrive::drive::{self, TreeOptions};
use skydrive::emulator::Listener;

use super::{empty_env, pattern};

fn build_remote_tree(emu: &skydrive::emulator::Emulator) -> Vec<(String, Vec<u8>)> {
    let files: Vec<(String, Vec<u8>)> = [
        "top.txt",
        "A/a1.bin",
        "A/a2.bin",
        "A/Deep/Deeper/d.bin",
        "B/b1.bin",
        "B/Sub/s.bin",
        "C/c.bin",
    ]
    .iter()
    .enumerate()
    .map(|(i, p)| (p.to_string(), pattern(10_000 + i * 70_001, i as u32)))
    .collect();
    for (p, d) in &files {
        emu.put_file(&format!("Tree/{p}"), d);
    }
    emu.mkdir_p("Tree/Empty");
    files
}

#[tokio::test]
async fn mkdir_p_creates_missing_parents_once() {
    let env = empty_env().await;
    let deep = drive::mkdir_p(&env.client, "/x/y/z").await.unwrap();
    assert_eq!(deep.name, "z");
    let again = drive::mkdir_p(&env.client, "x/y/z").await.unwrap();
    assert_eq!(again.id, deep.id);
    env.emu.put_file("x/file", b"f");
    let err = drive::mkdir_p(&env.client, "x/file/sub").await.unwrap_err();
    assert!(err.is_conflict(), "{err}");
    let resolved = drive::resolve(&env.client, "x/y").await.unwrap();
    assert!(resolved.is_folder());
}

#[tokio::test]
async fn walk_lists_each_folder_once() {
    let env = empty_env().await;
    let files = build_remote_tree(&env.emu);
    env.emu.clear_request_log();
    let entries = drive::walk_by_listing(&env.client, &ItemRef::path("Tree"), 3, None)
        .await
        .unwrap();
    let paths: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
    for (p, _) in &files {
        assert!(paths.contains(&p.as_str()), "{p} missing from {paths:?}");
    }
    assert!(paths.contains(&"Empty") && paths.contains(&"A/Deep/Deeper"));
    let mut listings: HashMap<String, usize> = HashMap::new();
    for l in env.log(Listener::Graph) {
        if l.contains("/children") {
            *listings.entry(l).or_default() += 1;
        }
    }
    assert_eq!(listings.len(), 8, "Tree and its 7 folders: {listings:?}");
    assert!(listings.values().all(|n| *n == 1), "{listings:?}");
    let shallow = drive::walk(&env.client, &ItemRef::path("Tree"), 3, Some(1))
        .await
        .unwrap();
    assert!(shallow.iter().all(|e| e.depth == 1));
}

#[tokio::test]
async fn walk_on_a_personal_drive_is_one_delta_stream_with_the_same_entries() {
    let env = empty_env().await;
    build_remote_tree(&env.emu);
    env.emu.put_file("Outside/x.bin", b"not below Tree");
    let listed = drive::walk_by_listing(&env.client, &ItemRef::path("Tree"), 3, None)
        .await
        .unwrap();
    env.emu.clear_request_log();
    let walked = drive::walk(&env.client, &ItemRef::path("Tree"), 3, None)
        .await
        .unwrap();
    let log = env.log(Listener::Graph);
    assert!(log.iter().all(|l| !l.contains("/children")), "{log:?}");
    assert_eq!(
        log.iter().filter(|l| l.contains("/delta")).count(),
        1,
        "{log:?}"
    );
    let key = |e: &drive::WalkEntry| (e.path.clone(), e.depth, e.item.id.clone());
    assert_eq!(
        walked.iter().map(key).collect::<Vec<_>>(),
        listed.iter().map(key).collect::<Vec<_>>()
    );
}

fn assert_local_tree(root: &Path, files: &[(String, Vec<u8>)]) {
    for (p, d) in files {
        assert_eq!(&std::fs::read(root.join(p)).unwrap(), d, "{p}");
    }
}

#[tokio::test]
async fn recursive_get_and_put_in_parallel_are_byte_exact() {
    let env = empty_env().await;
    let files = build_remote_tree(&env.emu);
    let local = env.dir.path().join("Tree");
    let opts = TreeOptions {
        parallel: 3,
        ..TreeOptions::default()
    };
    env.emu.clear_request_log();
    let got = drive::get_tree(&env.client, &ItemRef::path("Tree"), &local, &opts)
        .await
        .unwrap();
    assert_eq!(got.files, files.len());
    assert!(got.failed.is_empty());
    // Per file: the /content redirect and the download; the walk's metadata is reused.
    let graph = env.log(Listener::Graph);
    let contents = graph.iter().filter(|r| r.ends_with("/content")).count();
    assert_eq!(contents, files.len(), "{graph:#?}");
    assert_eq!(env.log(Listener::Content).len(), files.len());
    let item_gets = graph.iter().filter(|r| {
        let path = r.split('?').next().unwrap_or(r);
        path.contains("/items/") && !path.ends_with("/content") && !path.contains("/delta")
    });
    assert_eq!(item_gets.count(), 0, "{graph:#?}");
    assert!(local.join("Empty").is_dir());
    assert_local_tree(&local, &files);

    let target = drive::mkdir_p(&env.client, "Copy").await.unwrap();
    let put = drive::put_tree(&env.client, &local, &ItemRef::Id(target.id), &opts)
        .await
        .unwrap();
    assert_eq!(put.files, files.len());
    assert_eq!(
        put.bytes,
        files.iter().map(|(_, d)| d.len() as u64).sum::<u64>()
    );
    for (p, d) in &files {
        assert_eq!(&env.emu.file_bytes(&format!("Copy/{p}")).unwrap(), d, "{p}");
    }
    assert!(
        drive::resolve(&env.client, "Copy/Empty")
            .await
            .unwrap()
            .is_folder()
    );
}

#[tokio::test]
async fn a_failing_file_is_reported_and_the_rest_arrive() {
    let env = empty_env().await;
    let local = env.dir.path().join("up");
    std::fs::create_dir_all(&local).unwrap();
    std::fs::write(local.join("good.txt"), b"good").unwrap();
    // A name taken on the server, uploaded with `fail`: that file alone fails (a name OneDrive
    // would refuse fails the whole tree up front instead, see reliability::names).
    std::fs::write(local.join("taken.txt"), b"new").unwrap();
    env.emu.put_file("taken.txt", b"old");
    let opts = TreeOptions {
        conflict: skydrive::graph::endpoints::Conflict::Fail,
        ..TreeOptions::default()
    };
    let report = drive::put_tree(&env.client, &local, &ItemRef::Root, &opts)
        .await
        .unwrap();
    assert_eq!(report.files, 1);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].0, "taken.txt");
    assert!(report.failed[0].1.is_conflict());
    assert_eq!(env.emu.file_bytes("taken.txt").unwrap(), b"old");
    assert_eq!(env.emu.file_bytes("good.txt").unwrap(), b"good");
}

#[tokio::test]
async fn mv_cp_rm_follow_unix_semantics() {
    let env = empty_env().await;
    let c = &env.client;
    env.emu.put_file("a.txt", b"a");
    env.emu.put_file("Dir/inner.txt", b"i");
    env.emu.mkdir_p("Box");
    // Into an existing folder, keeping the name; then to a new name.
    drive::mv(c, &ItemRef::path("a.txt"), "Box").await.unwrap();
    assert_eq!(env.emu.file_bytes("Box/a.txt").unwrap(), b"a");
    drive::mv(c, &ItemRef::path("Box/a.txt"), "/b.txt")
        .await
        .unwrap();
    assert_eq!(env.emu.file_bytes("b.txt").unwrap(), b"a");
    let err = drive::mv(c, &ItemRef::path("b.txt"), "Dir/inner.txt")
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    let err = drive::mv(c, &ItemRef::path("b.txt"), "Nope/x")
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    drive::cp(c, &ItemRef::path("Dir"), "Box/Dir2")
        .await
        .unwrap();
    assert_eq!(env.emu.file_bytes("Box/Dir2/inner.txt").unwrap(), b"i");
    let err = drive::rm(c, &ItemRef::path("Dir"), false)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("-r"), "{err}");
    drive::rm(c, &ItemRef::path("Dir"), true).await.unwrap();
    drive::rm(c, &ItemRef::path("b.txt"), false).await.unwrap();
    assert!(env.emu.file_bytes("b.txt").is_none() && env.emu.file_bytes("Dir/inner.txt").is_none());
    assert!(drive::rm(c, &ItemRef::Root, true).await.is_err());
}
