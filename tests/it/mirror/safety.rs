//! What keeps a mirror from destroying what the user did not point it at: no default target
//! that is the current folder, local deletions only where an earlier run is recorded (or
//! forced), a dry run that is exactly the real run, and `--overwrite` across kinds.

use super::{Pair, local_files, mirrored, seed, write_at, writes};

#[test]
fn a_source_without_a_name_has_no_default_target() {
    let p = Pair::new(&[]);
    seed(&p);
    p.write("precious.txt", b"keep\n", 1_700_000_000);
    let before = local_files(&p.work());
    for script in [
        "mirror -e /",
        "mirror -e .",
        "cd /R; mirror -e ..",
        "mirror -R -e /",
    ] {
        let (code, err, reqs) = p.counted(script);
        assert_eq!(code, 2, "{script}: {err}");
        assert!(
            err.contains("has no name to give the target"),
            "{script}: {err}"
        );
        assert!(err.contains("name the target: `mirror"), "{script}: {err}");
        assert!(writes(&reqs).is_empty(), "{script}: {reqs:?}");
        assert_eq!(local_files(&p.work()), before, "{script}");
    }
    // A named source still gets its name here, as in lftp.
    p.ok("mirror /R");
    assert_eq!(local_files(&p.work().join("R")).len(), 5);
}

#[test]
fn local_deletions_need_a_recorded_run_or_force() {
    let p = Pair::new(&[]);
    seed(&p);
    p.write("L/precious.txt", b"keep\n", 1_700_000_000);
    p.write("L/old/notes.txt", b"keep too\n", 1_700_000_000);
    let (code, out, err) = p.run("mirror --dry-run -e /R L");
    assert_eq!(code, 6, "{err}");
    assert!(
        !out.contains("rm "),
        "held deletions are not in the plan: {out}"
    );
    assert!(
        err.contains("3 deletions not done: no earlier mirror"),
        "{err}"
    );
    let (code, _, err) = p.run("mirror -e /R L");
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("run again with --force"), "{err}");
    let got = local_files(&p.work().join("L"));
    assert_eq!(got["precious.txt"], b"keep\n");
    assert_eq!(got["a.txt"], b"file a.txt\n", "the transfers happened");

    // Once a run is recorded, a deletion on the source is carried out.
    p.ok("rm /R/a.txt");
    let (code, out, _) = p.run("mirror --dry-run -e --force /R L");
    assert_eq!(code, 0);
    for line in ["rm a.txt", "rm old (2 items)", "rm precious.txt"] {
        assert!(out.lines().any(|l| l == line), "{line}: {out}");
    }
    let err = p.ok("mirror -e --force /R L");
    assert!(err.contains("deleted 4 items"), "{err}");
    assert_eq!(local_files(&p.work().join("L")).len(), 4);
    p.ok("rm /R/b.bin");
    let err = p.ok("mirror -e /R L");
    assert!(err.contains("deleted 1 items"), "recorded now: {err}");
}

#[test]
fn the_dry_run_is_exactly_what_the_run_does() {
    let p = mirrored();
    p.ok("rm /R/b.bin");
    p.write("up/a.txt", b"remote edit\n", 1_800_000_000);
    p.ok("put up/a.txt /R");
    write_at(&p.work().join("L/a.txt"), b"local edit\n", 1_800_000_500);
    let (code, out, err) = p.run("mirror --dry-run -e /R L");
    assert_eq!(code, 6, "{err}");
    assert_eq!(out, "", "a conflict holds the deletion back: {out}");
    assert!(
        err.contains("1 deletions not done: 1 items failed or are in conflict"),
        "{err}"
    );
    assert!(err.contains("would delete 0 items"), "{err}");
    let (code, _, err) = p.run("mirror -e /R L");
    assert_eq!(code, 6, "{err}");
    assert!(
        p.work().join("L/b.bin").exists(),
        "and the run does not delete it"
    );

    let (code, out, _) = p.run("mirror --dry-run -e --max-delete 0 --overwrite /R L");
    assert_eq!(code, 6);
    assert_eq!(out.lines().collect::<Vec<_>>(), ["get a.txt (12)"], "{out}");
}

#[test]
fn overwrite_replaces_a_file_facing_a_folder_in_both_directions() {
    let p = mirrored();
    // Remote: the folder g becomes a file g; local: the file a.txt becomes a folder a.txt.
    p.ok("rm -rf /R/g");
    p.write("up/g", b"now a file\n", 1_700_000_000);
    p.ok("put up/g /R");
    let (code, _, err) = p.run("mirror -e /R L");
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("g: conflict: a file on one side, a folder on the other"),
        "{err}"
    );
    assert!(
        err.contains("deletions not done") || !err.contains("deleted 1"),
        "{err}"
    );
    let err = p.ok("mirror -e --overwrite /R L");
    assert!(
        err.contains("deleted 2 items"),
        "the folder g and g/h.txt: {err}"
    );
    assert_eq!(
        std::fs::read(p.work().join("L/g")).unwrap(),
        b"now a file\n"
    );
    p.ok("mirror /R L");

    std::fs::remove_file(p.work().join("L/a.txt")).unwrap();
    p.write("L/a.txt/inside.txt", b"inside\n", 1_700_000_000);
    let (code, _, err) = p.run("mirror -R L /R");
    assert_eq!(code, 6, "{err}");
    let err = p.ok("mirror -R --overwrite L /R");
    assert!(
        err.contains("copied 1 files") && err.contains("created 1 folders"),
        "{err}"
    );
    assert_eq!(p.remote_bytes("/R/a.txt/inside.txt"), b"inside\n");
    let (code, err, reqs) = p.counted("mirror -R L /R");
    assert_eq!(code, 0, "{err}");
    assert!(writes(&reqs).is_empty(), "{reqs:?}");
}

#[test]
fn partial_downloads_whose_file_is_gone_are_removed_with_delete() {
    let p = mirrored();
    let state = br#"{"id":"X","tag":null,"size":9}"#;
    p.write("L/.gone.txt.part", b"half", 1_700_000_000);
    p.write("L/.gone.txt.part.json", state, 1_700_000_000);
    p.write("L/d/.c.txt.part.json", state, 1_700_000_000);
    p.write(
        "L/.someone.part",
        b"not ours: no .json beside it",
        1_700_000_000,
    );
    let (code, out, _) = p.run("check L /R");
    assert_eq!(code, 6);
    for path in [
        ".gone.txt.part",
        ".gone.txt.part.json",
        "d/.c.txt.part.json",
    ] {
        assert!(
            out.contains(&format!("! {path}: a partial download")),
            "{path}: {out}"
        );
    }
    let err = p.ok("mirror /R L");
    assert!(!err.contains("partial"), "kept without -e: {err}");
    let (_, out, _) = p.run("mirror --dry-run -e /R L");
    assert!(
        out.contains("rm .gone.txt.part (partial download)"),
        "{out}"
    );
    let err = p.ok("mirror -e /R L");
    assert!(err.contains("3 partial downloads removed"), "{err}");
    let left = local_files(&p.work().join("L"));
    assert!(left.contains_key(".someone.part"), "{left:?}");
    assert_eq!(left.len(), 6, "{left:?}");
}
