//! `check LOCAL REMOTE`: exit 0 when identical; otherwise each kind of difference, rclone's
//! marks, exit 6.

use super::{mirrored, write_at};

#[test]
fn check_finds_each_kind_of_difference() {
    let p = mirrored();
    p.ok("check L /R");
    p.write("L/extra.txt", b"only here\n", 1_700_000_000);
    p.write("up/only.txt", b"only there\n", 1_700_000_000);
    p.write("up/a.txt", b"a longer remote a\n", 1_700_000_000);
    p.ok("put up/only.txt up/a.txt /R");
    let same_size = std::fs::read(p.work().join("L/b.bin")).unwrap().len();
    write_at(
        &p.work().join("L/b.bin"),
        &vec![b'z'; same_size],
        1_700_000_001,
    );
    p.write("L/Case.txt", b"c\n", 1_700_000_000);
    p.write("up/case.txt", b"c\n", 1_700_000_000);
    p.ok("put up/case.txt /R");
    let (code, out, err) = p.run("check L /R");
    assert_eq!(code, 6, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "* a.txt: size 11 here, 18 on OneDrive",
            "* b.bin: quickXorHash differs",
            "+ extra.txt",
            "- only.txt",
        ],
        "{out}"
    );
    assert!(
        err.contains("check: 4 identical, 2 differ, 1 only local, 1 only remote, 0 not compared"),
        "Case.txt and case.txt are one name, and the same file: {err}"
    );
    let json = p
        .cmd()
        .args([
            "--json",
            "-c",
            "check --exclude 'C*' --exclude case.txt L /R",
        ])
        .output()
        .unwrap();
    assert_eq!(json.status.code(), Some(6));
    let out = String::from_utf8(json.stdout).unwrap();
    let first: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(first["path"], "a.txt");
    assert_eq!(first["status"], "differ");
    assert_eq!(out.lines().count(), 4, "{out}");
}
