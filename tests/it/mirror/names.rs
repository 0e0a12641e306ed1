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
