//! Options and output: patterns refused or ignoring case, folders created only for what they
//! receive, folders a reverse mirror creates counted, sizes by the shell's one rule, problems
//! as JSON lines with `--json`, and what `mirror` skips skipped by `check` too.

use serde_json::Value;

use super::{Pair, local_files, mirrored, seed};

#[test]
fn bad_patterns_are_usage_errors_before_anything_runs() {
    let p = mirrored();
    for (script, says) in [
        ("mkdir /Before; mirror --exclude '[' /R L", "never closed"),
        (
            "mkdir /Before; mirror --include '' /R L",
            "an empty pattern",
        ),
        ("mkdir /Before; check --exclude 'a[b' L /R", "never closed"),
    ] {
        let (code, err, reqs) = p.counted(script);
        assert_eq!(code, 2, "{script}: {err}");
        assert!(err.contains(says), "{script}: {err}");
        assert!(reqs.is_empty(), "checked before anything runs: {reqs:?}");
    }
}

#[test]
fn filters_ignore_case_and_create_only_folders_that_receive_files() {
    let p = Pair::new(&[]);
    for rel in [
        "R/pics/A.JPG",
        "R/pics/b.png",
        "R/docs/c.txt",
        "R/empty/x.TMP",
    ] {
        p.write(rel, b"x\n", 1_700_000_000);
    }
    p.ok("put -r R /");
    let err = p.ok("mirror --include '*.jpg' /R L");
    assert!(
        err.contains("copied 1 files") && err.contains("created 1 folders"),
        "{err}"
    );
    let got: Vec<String> = local_files(&p.work().join("L")).into_keys().collect();
    assert_eq!(got, ["pics/A.JPG"]);
    assert!(!p.work().join("L/docs").exists() && !p.work().join("L/empty").exists());
    let err = p.ok("mirror --exclude '*.tmp' --exclude 'DOCS/' /R M");
    assert!(err.contains("copied 2 files"), "{err}");
    assert!(!p.work().join("M/docs").exists() && !p.work().join("M/empty").exists());
}

#[test]
fn folders_made_for_a_reverse_mirror_are_counted_and_sizes_follow_the_rule() {
    let p = Pair::new(&[]);
    p.write("src/big.bin", &vec![7u8; 5000], 1_700_000_000);
    let (code, out, err) = p.run("mirror -R --dry-run src 'New Dir/a/b'");
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "put big.bin (5000)\n", "exact bytes when piped");
    assert!(err.contains("would copy 1 files (5000)"), "{err}");
    let err = p.ok("mirror -R src 'New Dir/a/b'");
    assert!(
        err.contains("copied 1 files (5000), created 3 folders"),
        "{err}"
    );
    assert_eq!(p.remote_bytes("/New Dir/a/b/big.bin").len(), 5000);
}

#[test]
fn problems_are_json_lines_on_stderr_with_json() {
    let p = mirrored();
    p.ok("rm /R/b.bin");
    p.write("up/a.txt", b"remote edit\n", 1_800_000_000);
    p.ok("put up/a.txt /R");
    super::write_at(&p.work().join("L/a.txt"), b"local edit\n", 1_800_000_500);
    let out = p
        .cmd()
        .args(["--json", "-c", "mirror -e /R L; pwd"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    let err = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<Value> = err
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    let status = |s: &str| lines.iter().filter(|v| v["status"] == s).count();
    assert_eq!((status("conflict"), status("held")), (1, 1), "{err}");
    assert!(
        lines
            .iter()
            .any(|v| v["notice"] == "stopped: 1 command not run"),
        "{err}"
    );
    assert!(
        lines.iter().any(|v| v["code"] == 6),
        "the error itself: {err}"
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["conflicts"], 1);
}

#[test]
fn check_skips_what_mirror_skips() {
    let p = Pair::new(&[]);
    seed(&p);
    p.ok("mirror /R L");
    let fifo = p.work().join("L/pipe");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let (code, _, err) = p.run("mirror -R L /R");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("pipe: skipped: neither a file nor a folder"),
        "{err}"
    );
    let (code, out, err) = p.run("check L /R");
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("check: pipe: skipped:") && err.contains("1 skipped"),
        "{err}"
    );
}
