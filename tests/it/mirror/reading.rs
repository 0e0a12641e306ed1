//! Local folders that cannot be read: an excluded one is never opened, so it costs nothing;
//! one that takes part is reported as unreadable (exit 6, not "invalid name") while the rest
//! of the run goes on, in `mirror` both ways and in `check`. Run without the root's power to
//! read anything (see `Pair::run_unprivileged`).

use std::os::unix::fs::PermissionsExt;

use super::{Pair, local_files, mirrored};

fn lock(path: &std::path::Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn an_excluded_folder_is_never_read_and_an_unreadable_one_is_reported() {
    let p = Pair::new(&[]);
    p.write("L/ok/a.txt", b"a\n", 1_700_000_000);
    p.write("L/skipme/b.txt", b"b\n", 1_700_000_000);
    p.write("L/locked/c.txt", b"c\n", 1_700_000_000);
    p.write("L/z.txt", b"z\n", 1_700_000_000);
    lock(&p.work().join("L/skipme"), 0o000);
    lock(&p.work().join("L/locked"), 0o000);
    let (code, _, err) = p.run_unprivileged("mirror -R --exclude skipme/ --exclude LOCKED/ L /R");
    assert_eq!(code, 0, "excluded: not read at all: {err}");
    assert_eq!(p.remote_paths("/R"), ["/R/ok", "/R/ok/a.txt", "/R/z.txt"]);
    let (code, _, err) = p.run_unprivileged("check --exclude skipme/ --exclude locked/ L /R");
    assert_eq!(code, 0, "{err}");

    let (code, _, err) = p.run_unprivileged("mirror -R --exclude skipme/ L /R");
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("mirror: locked: the folder cannot be read: Permission denied"),
        "{err}"
    );
    assert!(!err.contains("invalid name"), "{err}");
    let (code, out, _) = p.run_unprivileged("check --exclude skipme/ L /R");
    assert_eq!(code, 6);
    assert!(out.contains("! locked: the folder cannot be read"), "{out}");
    lock(&p.work().join("L/skipme"), 0o755);
    lock(&p.work().join("L/locked"), 0o755);
}

#[test]
fn a_target_folder_that_cannot_be_read_fails_alone() {
    let p = mirrored();
    p.write("up/new.txt", b"new\n", 1_800_000_000);
    p.ok("put up/new.txt /R/d/e; put up/new.txt /R/g");
    lock(&p.work().join("L/d"), 0o000);
    let (code, _, err) = p.run_unprivileged("mirror /R L");
    lock(&p.work().join("L/d"), 0o755);
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("mirror: d: the folder cannot be read"),
        "{err}"
    );
    assert!(
        err.contains("copied 1 files"),
        "g/new.txt still came: {err}"
    );
    assert_eq!(local_files(&p.work().join("L"))["g/new.txt"], b"new\n");
    assert!(!p.work().join("L/d/e/new.txt").exists());
}
