//! Local files that change under a transfer, through the real binary: a file rewritten,
//! appended to or cut while `put` (or `put -r`) sends it is never committed (the session is
//! cancelled before its last fragment, the earlier remote version stays); `put -c` starts over
//! for a file changed in place with its mtime put back, and says what the remote holds when
//! the change is beyond what it can see; two `get` of one file into one folder do not share
//! the partial file. The emulator's `--latency` and `--download-rate` keep the first
//! transfer busy while the test changes the file or starts the second one.

use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::process::{Child, Output, Stdio};
use std::time::Duration;

use super::faults::{Emu, cli, pattern, wait_for};
use super::resume::{
    MIB, fragments, put_killed_mid_way, saved_upload, spawn_with, started_over, workspace,
};

/// Starts `skydrive-cli -c SCRIPT` in the background, its output captured.
fn start(dir: &Path, emu: &Emu, script: &str) -> Child {
    spawn_with(dir, emu, script, Stdio::piped)
}

/// The remote file's bytes (`cat`).
fn remote(dir: &Path, emu: &Emu, path: &str) -> Vec<u8> {
    let out = cli(dir, emu)
        .args(["-c", &format!("cat {path}")])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    out.stdout
}

/// How the local file changes while it is sent.
#[derive(Clone, Copy, Debug)]
enum Change {
    /// 1 MiB rewritten at 2 MiB, the size unchanged (`dd conv=notrunc`).
    Rewrite,
    /// 5 MiB appended.
    Append,
    /// Cut to 12 MiB (the last fragment can no longer be read).
    Truncate,
}

fn apply(path: &Path, change: Change) {
    let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    match change {
        Change::Rewrite => {
            f.seek(SeekFrom::Start(2 * MIB as u64)).unwrap();
            f.write_all(&pattern(MIB, 99)).unwrap();
        }
        Change::Append => {
            f.seek(SeekFrom::End(0)).unwrap();
            f.write_all(&pattern(5 * MIB, 98)).unwrap();
        }
        Change::Truncate => f.set_len(12 * MIB as u64).unwrap(),
    }
}

/// An older `g.bin` is on the drive; a 25 MiB `g.bin` (3 fragments) goes up with `script`
/// and changes once its session is open. Returns the failed run's output and the emulator.
fn changed_during_put(dir: &Path, script: &str, change: Change) -> (Output, Emu) {
    let old = b"the earlier version".to_vec();
    let local = dir.join("work/up/g.bin");
    std::fs::create_dir_all(local.parent().unwrap()).unwrap();
    std::fs::write(&local, &old).unwrap();
    let emu = Emu::start(dir, &["--empty", "--latency", "500ms"]);
    cli(dir, &emu)
        .args(["-c", "mkdir /up; put up/g.bin /up"])
        .assert()
        .success();
    std::fs::write(&local, pattern(25 * MIB, 5)).unwrap();
    let child = start(dir, &emu, script);
    // Saved right after the session is made: 3 fragments at 500 ms each are still to go.
    wait_for(Duration::from_secs(60), || saved_upload(dir).is_some());
    apply(&local, change);
    let out = child.wait_with_output().unwrap();
    let log = emu.requests();
    let sent = fragments(&log, 0);
    assert!(!sent.is_empty(), "the upload was under way: {log:?}");
    assert!(
        sent.iter()
            .all(|&(start, status)| start < 20 * MIB as u64 && status == 202),
        "the last fragment was never sent, nothing committed: {sent:?}"
    );
    assert!(
        log.iter()
            .any(|r| r["method"] == "DELETE" && r["listener"] == "content"),
        "the session was cancelled"
    );
    assert_eq!(saved_upload(dir), None, "no session left to resume");
    assert_eq!(
        remote(dir, &emu, "/up/g.bin"),
        old,
        "the earlier version stays"
    );
    (out, emu)
}

fn put_of_a_changing_file_commits_nothing(change: Change) {
    let dir = workspace();
    let (out, _emu) = changed_during_put(dir.path(), "put up/g.bin /up", change);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{change:?}: {stderr}");
    assert!(
        stderr.contains("g.bin: changed while it was being uploaded; nothing was replaced"),
        "{change:?}: {stderr}"
    );
}

#[test]
fn put_of_a_file_rewritten_during_the_upload_commits_nothing() {
    put_of_a_changing_file_commits_nothing(Change::Rewrite);
}

#[test]
fn put_of_a_file_appended_to_during_the_upload_commits_nothing() {
    put_of_a_changing_file_commits_nothing(Change::Append);
}

#[test]
fn put_of_a_file_cut_during_the_upload_commits_nothing() {
    put_of_a_changing_file_commits_nothing(Change::Truncate);
}

#[test]
fn put_r_of_a_folder_whose_file_changes_commits_nothing() {
    let dir = workspace();
    let (out, _emu) = changed_during_put(dir.path(), "put -r up /", Change::Append);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("changed while it was being uploaded; nothing was replaced"),
        "{stderr}"
    );
}

/// Writes `bytes` at `offset` of `path` and puts its mtime back.
fn rewrite_keeping_mtime(path: &Path, offset: u64, bytes: &[u8]) {
    let mtime = std::fs::metadata(path).unwrap().modified().unwrap();
    let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.seek(SeekFrom::Start(offset)).unwrap();
    f.write_all(bytes).unwrap();
    f.set_modified(mtime).unwrap();
}

#[test]
fn put_c_of_a_file_changed_in_place_starts_over() {
    let dir = workspace();
    let (emu, mut data, at_kill, _) = put_killed_mid_way(dir.path());
    let local = dir.path().join("work/big.bin");
    let new = pattern(1000, 77);
    rewrite_keeping_mtime(&local, 100, &new);
    data[100..1100].copy_from_slice(&new);
    started_over(dir.path(), &emu, "put -c big.bin /", at_kill, &data);
}

#[test]
fn put_c_that_cannot_see_the_change_says_what_the_remote_holds() {
    let dir = workspace();
    let (emu, mut data, _, _) = put_killed_mid_way(dir.path());
    let local = dir.path().join("work/big.bin");
    // Already sent, and outside the first and last MiB that identify the file.
    let new = pattern(1000, 78);
    rewrite_keeping_mtime(&local, 5 * MIB as u64, &new);
    data[5 * MIB..5 * MIB + 1000].copy_from_slice(&new);
    let out = cli(dir.path(), &emu)
        .args(["-c", "put -c big.bin /"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "the remote big.bin now holds content that is not this file's; run `put` again to \
             replace it"
        ),
        "{stderr}"
    );
    cli(dir.path(), &emu)
        .args(["-c", "put big.bin /"])
        .assert()
        .success();
    assert!(remote(dir.path(), &emu, "big.bin") == data, "the fix works");
}

#[test]
fn two_gets_of_one_file_into_one_folder_do_not_share_the_partial_file() {
    let dir = workspace();
    let data = pattern(3 * MIB + 17, 4);
    std::fs::write(dir.path().join("work/d.bin"), &data).unwrap();
    let emu = Emu::start(dir.path(), &["--empty", "--download-rate", "1000000"]);
    cli(dir.path(), &emu)
        .args(["-c", "put d.bin /"])
        .assert()
        .success();
    std::fs::remove_file(dir.path().join("work/d.bin")).unwrap();
    let first = start(dir.path(), &emu, "get d.bin");
    // Written once the partial file is locked.
    wait_for(Duration::from_secs(60), || {
        dir.path().join("work/.d.bin.part.json").exists()
    });
    let second = cli(dir.path(), &emu)
        .args(["-c", "get d.bin"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(7), "{stderr}");
    assert!(
        stderr
            .contains("another download is writing d.bin (its partial file .d.bin.part is in use)"),
        "{stderr}"
    );
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success(), "{first:?}");
    assert!(
        std::fs::read(dir.path().join("work/d.bin")).unwrap() == data,
        "the first download is whole"
    );
}
