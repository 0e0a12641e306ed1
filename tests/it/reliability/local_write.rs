//! Local write failures through the real binary: a file size limit (`ulimit -f`) hit in the
//! middle of a `get`, and destinations that cannot be created. Each is reported naming the
//! path, with exit 1 (3 for a missing folder, design.md §4) and no file under the final name.
//!
//! `skydrive-cli` replaces the default action of SIGXFSZ (which would kill it silently), so the
//! write fails with EFBIG and the error is reported; without `-c` the partial file is removed
//! too, since it only holds the space that ran out.

use std::path::Path;

use super::faults::{Emu, cli, pattern};

/// A drive holding `big.bin` (3 MiB) and a local `work/` with `out/` and a regular file `afile`.
fn setup() -> (tempfile::TempDir, Emu, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir_all(work.join("out")).unwrap();
    std::fs::write(work.join("afile"), b"a regular file\n").unwrap();
    let data = pattern(3 << 20, 11);
    std::fs::write(work.join("big.bin"), &data).unwrap();
    let emu = Emu::start(dir.path(), &["--empty"]);
    cli(dir.path(), &emu)
        .args(["-c", "put big.bin /"])
        .assert()
        .success();
    std::fs::remove_file(work.join("big.bin")).unwrap();
    (dir, emu, data)
}

/// All names in `dir`, hidden ones included, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}

/// Runs `skydrive-cli -c SCRIPT` under `ulimit -f 2048` (1 or 2 MiB, by the shell's unit).
fn limited(dir: &Path, emu: &Emu, script: &str) -> std::process::Output {
    let mut sh = std::process::Command::new("sh");
    sh.env_clear()
        .env("HOME", dir)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("SKYDRIVE_CONFIG", &emu.config)
        .env("SKYDRIVE_HOME", dir.join("home"))
        .env("SKYDRIVE_BIN", assert_cmd::cargo::cargo_bin("skydrive-cli"))
        .env("SCRIPT", script)
        .current_dir(dir.join("work"))
        .args([
            "-c",
            r#"ulimit -f 2048 && exec "$SKYDRIVE_BIN" -c "$SCRIPT""#,
        ]);
    sh.output().unwrap()
}

#[cfg(unix)]
#[test]
fn a_file_size_limit_is_reported_and_leaves_no_partial_file() {
    let (dir, emu, _) = setup();
    let out = limited(dir.path(), &emu, "get big.bin out/big.bin");
    assert_eq!(
        out.status.code(),
        Some(1),
        "reported, not killed by SIGXFSZ"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("file size limit") && err.contains("out/.big.bin.part"),
        "{err}"
    );
    assert!(
        names(&dir.path().join("work/out")).is_empty(),
        "nothing left"
    );
}

#[cfg(unix)]
#[test]
fn with_c_the_partial_file_is_kept_and_a_later_get_c_completes_it() {
    let (dir, emu, data) = setup();
    let out = limited(dir.path(), &emu, "get -c big.bin out/big.bin");
    assert_eq!(out.status.code(), Some(1));
    let dest = dir.path().join("work/out");
    assert_eq!(names(&dest), [".big.bin.part", ".big.bin.part.json"]);
    let kept = std::fs::metadata(dest.join(".big.bin.part")).unwrap().len();
    assert!(kept > 0 && kept < data.len() as u64, "{kept}");
    cli(dir.path(), &emu)
        .args(["-c", "get -c big.bin out/big.bin"])
        .assert()
        .success();
    assert!(std::fs::read(dest.join("big.bin")).unwrap() == data);
    assert_eq!(names(&dest), ["big.bin"]);
    let resumed = emu
        .requests()
        .iter()
        .any(|r| r["range"].as_str() == Some(&format!("bytes={kept}-")));
    assert!(resumed, "continued from the kept bytes");
}

#[test]
fn destinations_that_cannot_be_created_are_named() {
    let (dir, emu, _) = setup();
    let work = dir.path().join("work");
    let before = names(&work);
    for (dest, code, says) in [
        ("afile/big.bin", 1, "afile: not a folder"),
        ("afile/sub/big.bin", 1, "afile/sub: Not a directory"),
        ("nodir/big.bin", 3, "nodir: no such file or folder"),
    ] {
        let out = cli(dir.path(), &emu)
            .args(["-c", &format!("get big.bin {dest}")])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{dest}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{dest}: {err}");
        assert_eq!(names(&work), before, "{dest}: nothing created");
    }
    assert_eq!(
        std::fs::read(work.join("afile")).unwrap(),
        b"a regular file\n"
    );
}
