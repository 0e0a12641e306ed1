//! Mirror runs in both directions: the first one, an unchanged second one (its cost from the
//! request log), one change on each side, deletions with and without `-e`, `--max-delete`,
//! an interrupted run continued with `-c`, a dry run, and the fall-backs to a full comparison.

use std::process::Stdio;
use std::time::{Duration, Instant};

use super::{Pair, local_files, mirrored, seed, write_at, writes};
use crate::common::{pattern, signal};

#[test]
fn the_first_mirror_copies_everything_with_the_remote_mtimes() {
    let p = mirrored();
    let got = local_files(&p.work().join("L"));
    let names: Vec<&str> = got.keys().map(String::as_str).collect();
    assert_eq!(names, ["a.txt", "b.bin", "d/c.txt", "d/e/f.txt", "g/h.txt"]);
    assert_eq!(got["d/e/f.txt"], b"file d/e/f.txt\n");
    let mtime = std::fs::metadata(p.work().join("L/d/c.txt"))
        .unwrap()
        .modified()
        .unwrap();
    let secs = mtime
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert_eq!(secs, 1_700_000_002, "the remote file's mtime");
    p.ok("check L /R");
}

#[test]
fn an_unchanged_second_run_costs_two_requests_in_either_direction() {
    let p = mirrored();
    for script in ["mirror /R L", "mirror -R L /R"] {
        let (code, err, reqs) = p.counted(script);
        assert_eq!(code, 0, "{err}");
        assert_eq!(reqs.len(), 2, "the folder and one delta round: {reqs:?}");
        assert!(reqs[1]["path"].as_str().unwrap().contains("delta"));
        assert!(
            err.contains("copied 0 files") && err.contains("5 unchanged"),
            "{err}"
        );
    }
}

#[test]
fn one_change_on_each_side_is_all_that_moves() {
    let p = mirrored();
    p.write("up/a.txt", b"new remote a\n", 1_800_000_000);
    p.ok("put up/a.txt /R");
    let (code, err, reqs) = p.counted("mirror /R L");
    assert_eq!(code, 0, "{err}");
    let downloads = reqs.iter().filter(|r| r["listener"] == "content").count();
    assert_eq!(downloads, 1, "{reqs:?}");
    assert!(writes(&reqs).is_empty());
    assert_eq!(
        std::fs::read(p.work().join("L/a.txt")).unwrap(),
        b"new remote a\n"
    );

    write_at(&p.work().join("L/d/c.txt"), b"new local c\n", 1_800_000_100);
    let (code, err, reqs) = p.counted("mirror -R L /R");
    assert_eq!(code, 0, "{err}");
    let puts: Vec<_> = reqs.iter().filter(|r| r["method"] == "PUT").collect();
    assert_eq!(puts.len(), 1, "{reqs:?}");
    assert!(puts[0]["path"].as_str().unwrap().contains("c.txt"));
    assert_eq!(p.remote_bytes("/R/d/c.txt"), b"new local c\n");
    assert!(err.contains("copied 1 files"), "{err}");
}

#[test]
fn deletions_happen_only_with_delete() {
    let p = mirrored();
    p.ok("rm /R/b.bin /R/g/h.txt");
    let err = p.ok("mirror /R L");
    assert!(err.contains("2 items only on the target kept"), "{err}");
    assert!(p.work().join("L/b.bin").exists());
    let err = p.ok("mirror -e /R L");
    assert!(err.contains("deleted 2 items"), "{err}");
    assert!(!p.work().join("L/b.bin").exists() && !p.work().join("L/g/h.txt").exists());
    assert!(
        p.work().join("L/g").is_dir(),
        "the remote folder g is still there"
    );

    std::fs::remove_dir_all(p.work().join("L/d/e")).unwrap();
    let (code, err, reqs) = p.counted("mirror -R -e L /R");
    assert_eq!(code, 0, "{err}");
    let deletes: Vec<_> = reqs.iter().filter(|r| r["method"] == "DELETE").collect();
    assert_eq!(deletes.len(), 1, "the folder in one request: {reqs:?}");
    assert!(err.contains("deleted 2 items"), "{err}");
    assert_eq!(
        p.remote_paths("/R"),
        ["/R/a.txt", "/R/d", "/R/d/c.txt", "/R/g"]
    );
}

#[test]
fn max_delete_stops_every_deletion_but_not_the_transfers() {
    let p = mirrored();
    p.ok("rm /R/a.txt /R/b.bin; rm -rf /R/g");
    p.write("up/c.txt", b"changed c\n", 1_800_000_000);
    p.ok("put up/c.txt /R/d");
    let (code, _, err) = p.run("mirror -e --max-delete 2 /R L");
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("4 deletions not done: more than --max-delete 2"),
        "{err}"
    );
    let left = local_files(&p.work().join("L"));
    assert_eq!(left.len(), 5, "nothing deleted: {left:?}");
    assert_eq!(
        left["d/c.txt"], b"changed c\n",
        "the transfer still happened"
    );
    let err = p.ok("mirror -e --max-delete 4 /R L");
    assert!(err.contains("deleted 4 items"), "{err}");
    assert_eq!(local_files(&p.work().join("L")).len(), 2);
}

#[test]
fn an_interrupted_mirror_continues_with_range() {
    let p = Pair::new(&["--download-rate", "1024"]);
    let big = pattern(3 << 20, 9);
    p.write("R/big.bin", &big, 1_700_000_000);
    p.write("R/small.txt", b"small\n", 1_700_000_000);
    p.ok("put -r R /");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("skydrive-cli"))
        .env_clear()
        .env("HOME", p.dir.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("SKYDRIVE_CONFIG", p.dir.path().join("emu.lcrc"))
        .env("SKYDRIVE_HOME", p.dir.path().join("home"))
        .current_dir(p.work())
        .args(["-c", "mirror -c /R L"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let part = p.work().join("L/.big.bin.part");
    let start = Instant::now();
    while std::fs::metadata(&part).map_or(0, |m| m.len()) < 512 << 10 {
        assert!(start.elapsed() < Duration::from_secs(60), "no partial file");
        std::thread::sleep(Duration::from_millis(20));
    }
    signal(child.id(), "KILL");
    let _ = child.wait();
    assert!(
        !p.work().join("L/big.bin").exists(),
        "nothing under the final name"
    );
    let kept = std::fs::metadata(&part).unwrap().len();
    let (code, err, reqs) = p.counted("mirror -c /R L");
    assert_eq!(code, 0, "{err}");
    let ranged: Vec<_> = reqs.iter().filter(|r| r["range"].is_string()).collect();
    assert_eq!(ranged.len(), 1, "{reqs:?}");
    let from: u64 = ranged[0]["range"].as_str().unwrap()["bytes=".len()..]
        .trim_end_matches('-')
        .parse()
        .unwrap();
    assert!(
        from >= kept.min(512 << 10) && from > 0,
        "continued at {from}"
    );
    assert_eq!(std::fs::read(p.work().join("L/big.bin")).unwrap(), big);
    assert!(!part.exists());
}

#[test]
fn a_dry_run_changes_nothing_on_either_side() {
    let p = mirrored();
    p.write("up/a.txt", b"new remote a\n", 1_800_000_000);
    p.ok("put up/a.txt /R; rm /R/b.bin");
    write_at(&p.work().join("L/d/c.txt"), b"new local c\n", 1_800_000_100);
    p.write("L/new.txt", b"new\n", 1_800_000_100);
    let local_before = local_files(&p.work().join("L"));
    let state_before = local_files(&p.dir.path().join("home/mirror"));
    let before = p.requests().len();
    let (code, out, err) = p.run("mirror --dry-run -e /R L");
    assert_eq!(code, 0, "{err}");
    for line in ["get a.txt", "get d/c.txt", "rm b.bin", "rm new.txt"] {
        assert!(out.lines().any(|l| l.starts_with(line)), "{line}: {out}");
    }
    let (code, out, err) = p.run("mirror --dry-run -e -R L /R");
    assert_eq!(code, 0, "{err}");
    for line in ["put a.txt", "put b.bin", "put d/c.txt", "put new.txt"] {
        assert!(out.lines().any(|l| l.starts_with(line)), "{line}: {out}");
    }
    assert!(!out.contains("rm "), "{out}");
    assert_eq!(
        writes(&p.requests()).len(),
        writes(&p.requests()[..before]).len()
    );
    assert_eq!(local_files(&p.work().join("L")), local_before);
    assert_eq!(local_files(&p.dir.path().join("home/mirror")), state_before);
    assert_eq!(p.remote_bytes("/R/a.txt"), b"new remote a\n");
    assert!(!p.remote_paths("/R").contains(&"/R/new.txt".to_owned()));
}

#[test]
fn a_refused_or_lost_state_falls_back_to_a_full_comparison() {
    let p = mirrored();
    let dir = p.dir.path().join("home/mirror");
    let state = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|f| f.extension().is_some_and(|x| x == "json"))
        .unwrap();
    let text = std::fs::read_to_string(&state).unwrap();
    let start = text.find("token=").unwrap() + "token=".len();
    let end = start + text[start..].find(['&', '"']).unwrap();
    std::fs::write(&state, format!("{}aDbogus{}", &text[..start], &text[end..])).unwrap();
    p.write("up/a.txt", b"new remote a\n", 1_800_000_000);
    p.ok("put up/a.txt /R");
    let (code, err, reqs) = p.counted("mirror /R L");
    assert_eq!(code, 0, "{err}");
    assert!(reqs.iter().any(|r| r["status"] == 410), "{reqs:?}");
    assert_eq!(
        std::fs::read(p.work().join("L/a.txt")).unwrap(),
        b"new remote a\n"
    );

    std::fs::remove_file(&state).unwrap();
    let (code, err, reqs) = p.counted("mirror /R L");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("copied 0 files") && err.contains("5 unchanged"),
        "{err}"
    );
    assert!(writes(&reqs).is_empty());
    assert_eq!(p.counted("mirror /R L").2.len(), 2, "incremental again");
}

#[test]
fn a_folder_moved_in_from_outside_is_mirrored_whole() {
    let p = mirrored();
    p.write("X/sub/x.txt", b"x\n", 1_700_000_000);
    p.write("X/y.txt", b"y\n", 1_700_000_000);
    p.ok("put -r X /; mv /X /R/X");
    p.ok("mirror /R L");
    let got = local_files(&p.work().join("L"));
    assert_eq!(got["X/sub/x.txt"], b"x\n", "{got:?}");
    assert_eq!(got["X/y.txt"], b"y\n");
}

#[test]
fn an_upload_mirror_creates_the_remote_folder_and_mirrors_back_unchanged() {
    let p = Pair::new(&[]);
    seed(&p);
    p.write("L/one/two.txt", b"two\n", 1_700_000_000);
    p.write("L/three.txt", b"three\n", 1_700_000_000);
    p.ok("mirror -R L /New/Deep");
    assert_eq!(
        p.remote_paths("/New"),
        [
            "/New/Deep",
            "/New/Deep/one",
            "/New/Deep/one/two.txt",
            "/New/Deep/three.txt"
        ]
    );
    let (code, err, reqs) = p.counted("mirror /New/Deep L");
    assert_eq!(code, 0, "{err}");
    assert_eq!(reqs.len(), 2, "{reqs:?}");
}

#[test]
fn items_moved_out_of_the_remote_folder_are_gone_on_the_next_run_both_ways() {
    let p = mirrored();
    p.ok("mkdir /Elsewhere; mv /R/a.txt /R/d /Elsewhere");
    let (code, err, reqs) = p.counted("mirror -e /R L");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("deleted 5 items"),
        "a.txt, d, d/c.txt, d/e, d/e/f.txt: {err}"
    );
    assert!(reqs.len() <= 3, "incremental, no walk: {reqs:?}");
    let left: Vec<String> = local_files(&p.work().join("L")).into_keys().collect();
    assert_eq!(left, ["b.bin", "g/h.txt"]);

    // Upload: the remote side lost g/h.txt to a move; the next run puts it back.
    p.ok("mv /R/g/h.txt /Elsewhere");
    let (code, err, reqs) = p.counted("mirror -R L /R");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("copied 1 files"), "{err}");
    let puts = reqs.iter().filter(|r| r["method"] == "PUT").count();
    assert_eq!(puts, 1, "{reqs:?}");
    assert_eq!(p.remote_bytes("/R/g/h.txt"), b"file g/h.txt\n");
    assert_eq!(p.remote_bytes("/Elsewhere/h.txt"), b"file g/h.txt\n");
}
