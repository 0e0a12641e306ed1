//! Listed sizes that are not the content's (graph-api.md §13: OneDrive lists some Office files
//! a few bytes off): the emulator's `--listed-size-delta` shifts every listed size while
//! downloads and quickXorHashes stay true. One rule (`drive::mirror::likeness`) serves `mirror`
//! and `check`: equal hashes make equal files, whatever the listed size.

use super::{Pair, seed};

/// The content requests (downloads) and the writes among `reqs`.
fn transfers(reqs: &[serde_json::Value]) -> usize {
    reqs.iter()
        .filter(|r| r["listener"] == "content" || r["method"] == "PUT")
        .count()
}

#[test]
fn files_listed_with_another_size_but_the_same_hash_are_not_copied_again() {
    let p = Pair::new(&["--listed-size-delta", "7"]);
    seed(&p);
    let err = p.ok("mirror /R L");
    assert!(err.contains("copied 5 files"), "{err}");
    assert_eq!(
        std::fs::read(p.work().join("L/d/c.txt")).unwrap(),
        b"file d/c.txt\n"
    );

    for (script, notes, what) in [
        (
            "mirror /R L",
            0,
            "an incremental download (the record vouches)",
        ),
        ("mirror -R L /R", 0, "an upload (the record vouches)"),
        (
            "mirror /R L2",
            1,
            "a download into a copy (no record: the hashes decide)",
        ),
    ] {
        if script.ends_with("L2") {
            copy_tree(&p.work().join("L"), &p.work().join("L2"));
        }
        let (code, err, reqs) = p.counted(script);
        assert_eq!(code, 0, "{what}: {err}");
        assert_eq!(transfers(&reqs), 0, "{what}: nothing moves: {reqs:?}");
        assert!(
            err.contains("copied 0 files") && err.contains("5 unchanged"),
            "{what}: {err}"
        );
        let said = err
            .matches("listed by OneDrive with a size other than")
            .count();
        assert_eq!(said, notes, "{what}: {err}");
    }

    let (code, out, err) = p.run("check L /R");
    assert_eq!(code, 0, "the hashes agree: {out} {err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("5 identical"), "{err}");
    assert_eq!(
        err.matches("listed by OneDrive with a size other than")
            .count(),
        1,
        "said once: {err}"
    );
}

#[test]
fn without_hashes_a_size_that_differs_is_a_difference_said_to_be_maybe_the_listing() {
    let p = Pair::new(&["--listed-size-delta", "7", "--hostile", "no-hashes"]);
    for (i, rel) in ["a.txt", "b.bin", "d/c.txt", "d/e/f.txt", "g/h.txt"]
        .iter()
        .enumerate()
    {
        let data = format!("file {rel}\n");
        p.write(
            &format!("L/{rel}"),
            data.as_bytes(),
            1_700_000_000 + i as u64,
        );
    }
    let err = p.ok("mirror -R L /R");
    assert!(err.contains("copied 5 files"), "{err}");
    let (code, err, reqs) = p.counted("mirror -R L /R");
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        transfers(&reqs),
        0,
        "the last run's record vouches for both sides: {reqs:?}"
    );
    let (code, out, err) = p.run("check L /R");
    assert_eq!(code, 6, "{out} {err}");
    assert_eq!(out.lines().count(), 5, "{out}");
    assert!(
        out.contains("* a.txt: size 11 here, 18 on OneDrive"),
        "{out}"
    );
    assert_eq!(
        err.matches("OneDrive lists some files").count(),
        1,
        "the listed-size quirk is said once: {err}"
    );
}

/// Copies the files below `from` to `to`, keeping mtimes.
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    for (rel, data) in super::local_files(from) {
        if rel.starts_with('.') || rel.contains("/.") {
            continue;
        }
        let src = from.join(&rel);
        let secs = std::fs::metadata(&src)
            .unwrap()
            .modified()
            .unwrap()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        super::write_at(&to.join(&rel), &data, secs);
    }
}
