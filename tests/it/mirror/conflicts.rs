//! Conflicts: a file changed on both sides since the last run (or, with no record, a target
//! newer than its source) is never overwritten unless `--overwrite` says the source wins; a
//! file deleted on the source but changed on the target is not deleted.

use super::{Pair, local_files, mirrored, seed, write_at, writes};

#[test]
fn a_file_changed_on_both_sides_is_never_overwritten() {
    let p = mirrored();
    p.write("up/a.txt", b"remote edit\n", 1_800_000_000);
    p.ok("put up/a.txt /R");
    write_at(&p.work().join("L/a.txt"), b"local edit\n", 1_800_000_500);
    for script in ["mirror /R L", "mirror -R L /R"] {
        let (code, err, reqs) = p.counted(script);
        assert_eq!(code, 6, "{script}: {err}");
        assert!(
            err.contains("a.txt: conflict: changed on both sides"),
            "{err}"
        );
        assert!(writes(&reqs).is_empty(), "{reqs:?}");
        assert!(reqs.iter().all(|r| r["listener"] != "content"), "{reqs:?}");
        assert_eq!(
            std::fs::read(p.work().join("L/a.txt")).unwrap(),
            b"local edit\n"
        );
        assert_eq!(p.remote_bytes("/R/a.txt"), b"remote edit\n");
    }
    p.ok("mirror --overwrite /R L");
    assert_eq!(
        std::fs::read(p.work().join("L/a.txt")).unwrap(),
        b"remote edit\n"
    );
    let (code, err, _) = p.counted("mirror /R L");
    assert_eq!((code, err.contains("5 unchanged")), (0, true), "{err}");
}

#[test]
fn without_a_record_a_newer_target_is_a_conflict() {
    let p = Pair::new(&[]);
    seed(&p);
    p.write("L/a.txt", b"older local\n", 1_600_000_000);
    p.write("L/b.bin", b"newer local\n", 1_800_000_000);
    let (code, _, err) = p.run("mirror /R L");
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("b.bin: conflict: the target is newer"),
        "{err}"
    );
    let got = local_files(&p.work().join("L"));
    assert_eq!(got["a.txt"], b"file a.txt\n", "an older target is replaced");
    assert_eq!(got["b.bin"], b"newer local\n");
    assert_eq!(got.len(), 5);
}

#[test]
fn a_file_deleted_on_the_source_but_changed_on_the_target_stays() {
    let p = mirrored();
    p.ok("rm /R/b.bin /R/a.txt");
    write_at(&p.work().join("L/b.bin"), b"edited here\n", 1_800_000_000);
    let (code, _, err) = p.run("mirror -e /R L");
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("b.bin: conflict: deleted on the source"),
        "{err}"
    );
    assert!(err.contains("deletions not done"), "{err}");
    let got = local_files(&p.work().join("L"));
    assert!(
        got.contains_key("b.bin") && got.contains_key("a.txt"),
        "{got:?}"
    );
}
