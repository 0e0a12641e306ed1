//! Names one side cannot hold are reported and skipped (never mangled), and hold deletions
//! back; items that can never be mirrored (symbolic links) are skipped without failing.

use super::{Pair, seed};

#[test]
fn names_onedrive_refuses_are_reported_and_skipped() {
    let p = Pair::new(&[]);
    seed(&p);
    p.ok("mirror /R L");
    for name in [
        "bad:name.txt",
        "back\\slash.txt",
        "ctl\u{1}.txt",
        "CON",
        "trail.",
        "Case.txt",
        "case.txt",
    ] {
        p.write(&format!("L/{name}"), b"x\n", 1_700_000_000);
    }
    p.write("L/ok.txt", b"ok\n", 1_700_000_000);
    p.ok("rm /R/b.bin");
    std::fs::remove_file(p.work().join("L/a.txt")).unwrap();
    let (code, _, err) = p.run("mirror -R -e L /R");
    assert_eq!(code, 6, "{err}");
    for shown in [
        "bad:name.txt",
        "back\\slash.txt",
        "ctl\\x01.txt",
        "CON",
        "trail.",
        "Case.txt",
        "case.txt",
    ] {
        assert!(
            err.contains(&format!("mirror: {shown}: ")),
            "{shown}: {err}"
        );
    }
    assert!(
        err.contains("1 deletions not done: 7 items failed"),
        "{err}"
    );
    let remote = p.remote_paths("/R");
    assert!(remote.contains(&"/R/ok.txt".to_owned()), "{remote:?}");
    assert!(
        remote.contains(&"/R/a.txt".to_owned()),
        "not deleted: {remote:?}"
    );
    assert!(
        remote.contains(&"/R/b.bin".to_owned()),
        "uploaded again: {remote:?}"
    );
    assert_eq!(remote.len(), 9, "{remote:?}");
}

#[test]
fn symbolic_links_are_skipped_without_failing() {
    let p = Pair::new(&[]);
    p.write("L/real.txt", b"real\n", 1_700_000_000);
    std::os::unix::fs::symlink("real.txt", p.work().join("L/link.txt")).unwrap();
    let (code, _, err) = p.run("mirror -R L /R");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("link.txt: skipped: a symbolic link"), "{err}");
    assert_eq!(p.remote_paths("/R"), ["/R/real.txt"]);
}

/// `café` in NFC and in NFD.
const NFC: &str = "caf\u{e9}2.txt";
const NFD: &str = "cafe\u{301}2.txt";

#[test]
fn one_name_spelled_two_ways_is_one_item_in_both_directions() {
    let p = Pair::new(&[]);
    p.write(&format!("up/{NFD}"), b"remote\n", 1_700_000_000);
    p.ok("mkdir /R; put up/* /R");
    p.write(&format!("L/{NFC}"), b"local, newer\n", 1_800_000_000);
    // Download: the local NFC file is the remote NFD one; with no record, the newer local one
    // is a conflict, not a second file.
    let (code, _, err) = p.run("mirror /R L");
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("conflict: the target is newer"), "{err}");
    p.ok("mirror --overwrite /R L");
    let got = super::local_files(&p.work().join("L"));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[NFC], b"remote\n", "the target keeps its spelling");
    let (code, err, reqs) = p.counted("mirror /R L");
    assert_eq!(code, 0, "{err}");
    assert!(
        super::writes(&reqs).is_empty() && err.contains("1 unchanged"),
        "{err}"
    );
    p.ok("check L /R");

    // Upload: a local change goes into the remote item of the other spelling.
    super::write_at(
        &p.work().join("L").join(NFC),
        b"changed here\n",
        1_900_000_000,
    );
    p.ok("mirror -R L /R");
    assert_eq!(p.remote_paths("/R"), [format!("/R/{NFD}")]);
    assert_eq!(p.remote_bytes(&format!("/R/{NFD}")), b"changed here\n");
    let (code, err, reqs) = p.counted("mirror -R L /R");
    assert_eq!(code, 0, "{err}");
    assert_eq!(reqs.len(), 2, "{reqs:?}");
}

#[test]
fn two_local_spellings_of_one_name_are_named_by_check() {
    let p = Pair::new(&[]);
    p.write(&format!("L/{NFC}"), b"one\n", 1_700_000_000);
    p.write(&format!("L/{NFD}"), b"two\n", 1_700_000_000);
    p.ok("mkdir /R");
    let (code, out, _) = p.run("check L /R");
    assert_eq!(code, 6);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    for line in lines {
        assert!(line.starts_with("! caf"), "{line}");
        assert!(line.contains("are one name on OneDrive"), "{line}");
        assert!(
            line.contains("\\u{301}"),
            "the two spellings are told apart: {line}"
        );
    }
}
