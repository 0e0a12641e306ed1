//! Mirror on OneDrive for work or school (`skydrive-emu --profile business`), where delta
//! works on the root only (graph-api.md §7): the first run takes the root's `token=latest`
//! link and lists the folder; later runs follow the root's changes filtered to the folder.

use super::{Pair, local_files, seed, write_at, writes};

/// The business drive with the tree of [`seed`] as `/R`, plus an unrelated `/Other`.
fn business() -> Pair {
    let p = Pair::new(&["--profile", "business"]);
    seed(&p);
    p.write("up/other.txt", b"elsewhere\n", 1_700_000_000);
    p.ok("mkdir /Other; put up/other.txt /Other");
    p
}

#[test]
fn a_business_mirror_is_incremental_through_the_roots_delta() {
    let p = business();
    let (code, err, reqs) = p.counted("mirror /R L");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("copied 5 files"), "{err}");
    let paths: Vec<&str> = reqs.iter().filter_map(|r| r["path"].as_str()).collect();
    assert!(
        paths
            .iter()
            .any(|p| p.contains("/root/delta") && p.contains("token=latest")),
        "the root's link first: {paths:?}"
    );
    let info = p.cmd().args(["--json", "-c", "info /R"]).output().unwrap();
    let info: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    let folder_delta = format!("{}/delta", info["id"].as_str().unwrap());
    let no_folder_delta = |reqs: &[serde_json::Value]| {
        reqs.iter()
            .all(|r| !r["path"].as_str().unwrap().contains(&folder_delta))
    };
    assert!(
        no_folder_delta(&reqs),
        "never the folder's delta: {paths:?}"
    );
    assert_eq!(
        std::fs::read(p.work().join("L/d/e/f.txt")).unwrap(),
        b"file d/e/f.txt\n"
    );

    // Unchanged, in either direction: the folder and one round of the root's delta.
    for script in ["mirror /R L", "mirror -R L /R"] {
        let (code, err, reqs) = p.counted(script);
        assert_eq!(code, 0, "{script}: {err}");
        assert_eq!(reqs.len(), 2, "{script}: {reqs:?}");
        assert!(
            reqs[1]["path"].as_str().unwrap().contains("/delta"),
            "{reqs:?}"
        );
        assert!(no_folder_delta(&reqs), "the root's delta: {reqs:?}");
        assert!(err.contains("5 unchanged"), "{script}: {err}");
    }

    // A change outside the folder moves nothing; one inside moves that file alone.
    p.write("up/other.txt", b"changed elsewhere\n", 1_800_000_000);
    p.write("up/a.txt", b"new remote a\n", 1_800_000_000);
    p.ok("put up/other.txt /Other; put up/a.txt /R");
    let (code, err, reqs) = p.counted("mirror /R L");
    assert_eq!(code, 0, "{err}");
    let downloads = reqs.iter().filter(|r| r["listener"] == "content").count();
    assert_eq!(downloads, 1, "{reqs:?}");
    assert!(writes(&reqs).is_empty());
    assert_eq!(
        std::fs::read(p.work().join("L/a.txt")).unwrap(),
        b"new remote a\n"
    );
    assert!(!p.work().join("L/other.txt").exists());

    // A local change goes up.
    write_at(&p.work().join("L/d/c.txt"), b"new local c\n", 1_800_000_100);
    let (code, err, reqs) = p.counted("mirror -R L /R");
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        reqs.iter().filter(|r| r["method"] == "PUT").count(),
        1,
        "{reqs:?}"
    );
    assert_eq!(p.remote_bytes("/R/d/c.txt"), b"new local c\n");
}

#[test]
fn a_business_mirror_follows_deletions() {
    let p = business();
    p.ok("mirror /R L");
    p.ok("rm /R/b.bin; rm -rf /R/g; rm /Other/other.txt");
    let err = p.ok("mirror /R L");
    assert!(err.contains("3 items only on the target kept"), "{err}");
    let (code, err, reqs) = p.counted("mirror -e /R L");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("deleted 3 items"),
        "the file, the folder and its file: {err}"
    );
    assert!(writes(&reqs).is_empty(), "nothing remote changes: {reqs:?}");
    let left: Vec<String> = local_files(&p.work().join("L")).into_keys().collect();
    assert_eq!(left, ["a.txt", "d/c.txt", "d/e/f.txt"], "{left:?}");

    // And the other way: a local deletion goes to the recycle bin.
    std::fs::remove_file(p.work().join("L/a.txt")).unwrap();
    let (code, err, reqs) = p.counted("mirror -R -e L /R");
    assert_eq!(code, 0, "{err}");
    assert_eq!(reqs.iter().filter(|r| r["method"] == "DELETE").count(), 1);
    assert_eq!(
        p.remote_paths("/R"),
        ["/R/d", "/R/d/c.txt", "/R/d/e", "/R/d/e/f.txt"]
    );
}
