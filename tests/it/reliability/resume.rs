//! Crashes and resumes through the real binary: `skydrive-cli` killed with SIGKILL in the
//! middle of a session `put` or a `get`, then `put -c` / `get -c` finish the job without
//! re-sending what the server already has (proven from the request log); tokens expiring in
//! the middle of transfers; two shells refreshing one config over and over.
//!
//! Sizes are small enough for `cargo test` (21-30 MiB); bench/ runs the 200 MiB version.
//! Library-level versions: library::transfer (interrupted_session_resumes_in_a_later_run,
//! cancelled_download_resumes_in_a_later_run) and library::auth
//! (two_processes_refreshing_one_config_both_go_on: two processes, one simultaneous refresh).

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

use serde_json::Value;

use super::faults::{Emu, cli, final_names, pattern, signal, wait_for};

pub(super) const MIB: usize = 1 << 20;

/// A temp dir with `work/` (the cli's working directory) and `work/out/`.
pub(super) fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("work/out")).unwrap();
    dir
}

/// Starts `skydrive-cli -c SCRIPT` in the background (to be killed).
fn spawn(dir: &Path, emu: &Emu, script: &str) -> Child {
    spawn_with(dir, emu, script, Stdio::null)
}

/// [`spawn`] with its stdout and stderr going to `out()`.
pub(super) fn spawn_with(dir: &Path, emu: &Emu, script: &str, out: fn() -> Stdio) -> Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("skydrive-cli"))
        .env_clear()
        .env("HOME", dir)
        .env("SKYDRIVE_CONFIG", &emu.config)
        .env("SKYDRIVE_HOME", dir.join("home"))
        .current_dir(dir.join("work"))
        .args(["-c", script])
        .stdin(Stdio::null())
        .stdout(out())
        .stderr(out())
        .spawn()
        .unwrap()
}

/// SIGKILL, and reap.
fn kill9(mut child: Child) {
    signal(child.id(), "KILL");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), None, "killed by a signal, not finished");
}

/// Fragment PUTs in `log` (from index `from`) as (Content-Range start, status).
pub(super) fn fragments(log: &[Value], from: usize) -> Vec<(u64, u64)> {
    log[from..]
        .iter()
        .filter(|r| r["method"] == "PUT" && r["listener"] == "content")
        .filter_map(|r| {
            let range = r["range"].as_str()?.strip_prefix("bytes ")?;
            let start = range.split('-').next()?.parse().ok()?;
            Some((start, r["status"].as_u64()?))
        })
        .collect()
}

/// The upload state file `put` saved in the data dir (`SKYDRIVE_HOME`, see [`spawn`]).
pub(super) fn saved_upload(dir: &Path) -> Option<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(dir.join("home/uploads"))
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".upload.json"))
        .collect();
    assert!(found.len() <= 1, "{found:?}");
    found.pop()
}

/// The first byte the upload session saved in `state` still expects (asked without a token).
fn next_expected(state: &Path) -> u64 {
    let saved: Value = serde_json::from_slice(&std::fs::read(state).unwrap()).unwrap();
    let url = saved["upload_url"].as_str().unwrap().to_owned();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let status: Value =
        rt.block_on(async { reqwest::get(&url).await.unwrap().json().await.unwrap() });
    let first = status["nextExpectedRanges"][0].as_str().unwrap();
    first.split('-').next().unwrap().parse().unwrap()
}

/// Runs a session `put` of 4 fragments (10 MiB each, the last smaller) slowed by latency and
/// kills it once the server stored the 2nd. Returns the emulator, the file's bytes, the log
/// length at the kill and where the server's session stands.
pub(super) fn put_killed_mid_way(dir: &Path) -> (Emu, Vec<u8>, usize, u64) {
    let data = pattern(30 * MIB + 4321, 7);
    std::fs::write(dir.join("work/big.bin"), &data).unwrap();
    let emu = Emu::start(dir, &["--empty", "--latency", "700ms"]);
    let child = spawn(dir, &emu, "put big.bin /");
    wait_for(Duration::from_secs(60), || {
        fragments(&emu.requests(), 0)
            .iter()
            .filter(|f| f.1 == 202)
            .count()
            >= 2
    });
    kill9(child);
    // The fragment the killed run had on the wire is logged (400, a truncated body) once the
    // 700 ms latency has passed: count from after that.
    std::thread::sleep(Duration::from_secs(2));
    let at_kill = emu.requests().len();
    assert!(
        !dir.join("work/.big.bin.upload.json").exists(),
        "nothing written beside the source"
    );
    let state = saved_upload(dir).expect("the session was saved for a resume");
    let next = next_expected(&state);
    assert!(
        next >= 20 * MIB as u64 && next < data.len() as u64,
        "killed mid-way: {next}"
    );
    (emu, data, at_kill, next)
}

#[test]
fn put_c_after_sigkill_sends_only_what_the_server_lacks() {
    let dir = workspace();
    let (emu, data, at_kill, next) = put_killed_mid_way(dir.path());
    cli(dir.path(), &emu)
        .args(["-c", "put -c big.bin /"])
        .assert()
        .success();
    let after = fragments(&emu.requests(), at_kill);
    assert!(!after.is_empty());
    assert_eq!(after[0].0, next, "continued where the server stood");
    assert!(
        after.iter().all(|&(start, _)| start >= next),
        "no stored fragment sent again: {after:?}"
    );
    let needed = (data.len() as u64 - next).div_ceil(10 * MIB as u64) as usize;
    assert_eq!(
        after.len(),
        needed,
        "each missing fragment sent once: {after:?}"
    );
    assert!(after.iter().all(|f| f.1 == 202 || f.1 == 201), "{after:?}");
    assert_eq!(
        saved_upload(dir.path()),
        None,
        "the state is gone once done"
    );
    let out = cli(dir.path(), &emu)
        .args(["-c", "cat big.bin"])
        .output()
        .unwrap();
    assert!(out.stdout == data, "remote bytes equal the local file");
}

#[test]
fn put_without_c_after_sigkill_starts_over() {
    let dir = workspace();
    let (emu, data, at_kill, _) = put_killed_mid_way(dir.path());
    started_over(dir.path(), &emu, "put big.bin /", at_kill, &data);
}

/// Runs `script` (a `put` of big.bin after [`put_killed_mid_way`]) and checks that it
/// cancelled the saved session and sent `data` from byte 0 in a new one.
pub(super) fn started_over(dir: &Path, emu: &Emu, script: &str, at_kill: usize, data: &[u8]) {
    cli(dir, emu).args(["-c", script]).assert().success();
    let log = emu.requests();
    let after = fragments(&log, at_kill);
    assert_eq!(
        after.first().map(|f| f.0),
        Some(0),
        "a new session from byte 0: {after:?}"
    );
    assert!(
        log[at_kill..]
            .iter()
            .any(|r| r["method"] == "DELETE" && r["listener"] == "content"),
        "the old session was cancelled"
    );
    let out = cli(dir, emu).args(["-c", "cat big.bin"]).output().unwrap();
    assert!(out.stdout == data);
}

/// The newcomer's case: `put ro/big6.bin` from a folder that takes no new file failed with
/// "Permission denied" on the session state written beside the source. The tests run as root,
/// for whom a mode 555 folder is no obstacle: `/proc/PID/fd` takes no new file even for root.
#[cfg(target_os = "linux")]
#[test]
fn put_from_a_folder_that_takes_no_new_file() {
    use std::os::fd::AsRawFd;
    let dir = workspace();
    let data = pattern(6 * MIB + 5, 9);
    let real = dir.path().join("big6.bin");
    std::fs::write(&real, &data).unwrap();
    let open = std::fs::File::open(&real).unwrap();
    let source = format!("/proc/{}/fd/{}", std::process::id(), open.as_raw_fd());
    let emu = Emu::start(dir.path(), &["--empty"]);
    cli(dir.path(), &emu)
        .args(["-c", &format!("mkdir Tmp; put {source} Tmp")])
        .assert()
        .success();
    let name = source.rsplit('/').next().unwrap();
    let out = cli(dir.path(), &emu)
        .args(["-c", &format!("cat Tmp/{name}")])
        .output()
        .unwrap();
    assert!(out.stdout == data, "remote bytes equal the local file");
    assert_eq!(saved_upload(dir.path()), None);
}

/// Writes `work/big.bin` (`len` bytes of pattern `seed`) and uploads it to an emulator whose
/// drive stays in `dir` (stopped again); returns the bytes.
fn uploaded(dir: &Path, len: usize, seed: u32) -> Vec<u8> {
    let data = pattern(len, seed);
    std::fs::write(dir.join("work/big.bin"), &data).unwrap();
    let mut emu = Emu::start(dir, &["--empty"]);
    cli(dir, &emu)
        .args(["-c", "put big.bin /"])
        .assert()
        .success();
    emu.stop();
    data
}

#[test]
fn get_c_after_sigkill_continues_with_range() {
    let dir = workspace();
    let data = uploaded(dir.path(), 20 * MIB + 999, 8);
    let mut slow = Emu::start(dir.path(), &["--download-rate", "8192"]);
    let out = dir.path().join("work/out");
    let part = out.join(".big.bin.part");
    let child = spawn(dir.path(), &slow, "get big.bin out/big.bin");
    wait_for(Duration::from_secs(60), || {
        assert!(
            final_names(&out).is_empty(),
            "no final name while downloading"
        );
        std::fs::metadata(&part).is_ok_and(|m| m.len() >= 4 * MIB as u64)
    });
    kill9(child);
    slow.stop();
    assert!(
        final_names(&out).is_empty(),
        "no partial file under the final name"
    );
    let kept = std::fs::metadata(&part).unwrap().len();
    assert!(kept > 0 && kept < data.len() as u64, "{kept}");
    let emu = Emu::start(dir.path(), &[]);
    cli(dir.path(), &emu)
        .args(["-c", "get -c big.bin out/big.bin"])
        .assert()
        .success();
    let ranges: Vec<String> = emu
        .requests()
        .iter()
        .filter(|r| r["listener"] == "content" && r["method"] == "GET")
        .map(|r| r["range"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(ranges, [format!("bytes={kept}-")], "one ranged request");
    assert!(std::fs::read(out.join("big.bin")).unwrap() == data);
    assert_eq!(final_names(&out), ["big.bin"]);
    assert!(!part.exists() && !out.join(".big.bin.part.json").exists());
}

/// The spans a download in several ranges saved in its `.part.json`.
fn saved_spans(state: &Path) -> Vec<(u64, u64)> {
    let Ok(bytes) = std::fs::read(state) else {
        return Vec::new();
    };
    let saved: Value = serde_json::from_slice(&bytes).unwrap_or_default();
    saved["done"]
        .as_array()
        .map(|spans| {
            spans
                .iter()
                .map(|s| (s[0].as_u64().unwrap(), s[1].as_u64().unwrap()))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn get_c_after_sigkill_of_a_download_in_ranges_fetches_only_what_is_missing() {
    let dir = workspace();
    let data = uploaded(dir.path(), 24 * MIB + 777, 10);
    // 1 MiB/s per connection, 4 connections: the spans are saved every 2 s.
    let mut slow = Emu::start(dir.path(), &["--download-rate", "1024"]);
    let out = dir.path().join("work/out");
    let state = out.join(".big.bin.part.json");
    let child = spawn(
        dir.path(),
        &slow,
        "get --cutoff 1M --streams 4 big.bin out/big.bin",
    );
    let total = |spans: &[(u64, u64)]| spans.iter().map(|(a, b)| b - a).sum::<u64>();
    wait_for(Duration::from_secs(60), || {
        total(&saved_spans(&state)) >= 4 * MIB as u64
    });
    kill9(child);
    slow.stop();
    assert!(final_names(&out).is_empty(), "nothing under the final name");
    let spans = saved_spans(&state);
    let kept = total(&spans);
    assert!(kept < data.len() as u64, "{spans:?}");
    let emu = Emu::start(dir.path(), &[]);
    cli(dir.path(), &emu)
        .args(["-c", "get -c --cutoff 1M big.bin out/big.bin"])
        .assert()
        .success();
    let asked: Vec<(u64, u64)> = emu
        .requests()
        .iter()
        .filter(|r| r["listener"] == "content" && r["method"] == "GET")
        .map(|r| {
            let range = r["range"]
                .as_str()
                .expect("ranged")
                .strip_prefix("bytes=")
                .unwrap();
            let (a, b) = range.split_once('-').unwrap();
            (a.parse().unwrap(), b.parse::<u64>().unwrap() + 1)
        })
        .collect();
    for (a, b) in &asked {
        assert!(
            spans.iter().all(|(sa, sb)| b <= sa || a >= sb),
            "asked again for saved bytes: {a}-{b} of {spans:?}"
        );
    }
    assert_eq!(
        total(&asked),
        data.len() as u64 - kept,
        "only the missing bytes"
    );
    assert!(std::fs::read(out.join("big.bin")).unwrap() == data);
    assert_eq!(final_names(&out), ["big.bin"]);
    assert!(!state.exists() && !out.join(".big.bin.part").exists());
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn tokens_expiring_mid_transfer_are_refreshed_and_saved() {
    let dir = workspace();
    let data = pattern(21 * MIB, 9);
    std::fs::write(dir.path().join("work/big.bin"), &data).unwrap();
    std::fs::write(dir.path().join("work/small.txt"), b"small\n").unwrap();
    let mut emu = Emu::start(dir.path(), &["--empty"]);
    cli(dir.path(), &emu)
        .args(["-c", "put small.txt /"])
        .assert()
        .success();
    emu.stop();
    // Tokens live 1 s. The put's 3 fragments take over 1 s and the answer to the last one is
    // lost, so the client needs Graph (and a fresh token) to learn the item; the get is the
    // 2nd download, dropped half-way after more than 1 s, so its continuation needs a new
    // download URL from Graph.
    let emu = Emu::start(
        dir.path(),
        &[
            "--token-ttl",
            "1s",
            "--latency",
            "400ms",
            "--lose-fragment-every",
            "3",
            "--drop-every",
            "2",
            "--download-rate",
            "8192",
        ],
    );
    let refresh_token = || skydrive::Config::load(&emu.config).unwrap().refresh_token;
    let before = refresh_token();
    cli(dir.path(), &emu)
        .args([
            "-c",
            "put big.bin /; cat small.txt; get big.bin out/big.bin",
        ])
        .assert()
        .success()
        .stdout("small\n");
    assert!(std::fs::read(dir.path().join("work/out/big.bin")).unwrap() == data);
    let log = emu.requests();
    let at = |pred: &dyn Fn(&Value) -> bool| log.iter().position(pred).unwrap();
    let lost = at(&|r| r["status"] == 500);
    let dropped =
        at(&|r| r["listener"] == "content" && r["range"].is_string() && r["method"] == "GET");
    let refreshed = |from: usize, to: usize| log[from..to].iter().any(|r| r["listener"] == "login");
    assert!(refreshed(0, lost), "refreshed during the put");
    assert!(
        refreshed(lost, dropped),
        "refreshed between the drop and the continuation"
    );
    assert_ne!(refresh_token(), before, "the rotated tokens were saved");
    assert_eq!(mode(&emu.config), 0o600);
    let out = cli(dir.path(), &emu)
        .args(["-c", "cat big.bin"])
        .output()
        .unwrap();
    assert!(out.status.success() && out.stdout == data, "remote bytes");
}

#[cfg(unix)]
#[test]
fn two_shells_refreshing_one_config_over_and_over_both_go_on() {
    let dir = workspace();
    // Every request is slow enough that each shell's four commands outlive several 1 s tokens,
    // so the two refresh again and again, interleaved, through one config file.
    let emu = Emu::start(dir.path(), &["--token-ttl", "1s", "--latency", "150ms"]);
    let script = "ls; tree; cat Documents/README.txt; ls Pics; tree Pics; ls Documents";
    let shells: Vec<_> = (0..2)
        .map(|_| {
            let mut c = cli(dir.path(), &emu);
            c.args(["-c", script]);
            std::thread::spawn(move || c.output().unwrap())
        })
        .collect();
    for s in shells {
        let out = s.join().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("image2.jpg"));
    }
    let logins = emu
        .requests()
        .iter()
        .filter(|r| r["listener"] == "login")
        .count();
    assert!(logins >= 4, "both shells refreshed repeatedly: {logins}");
    assert_eq!(mode(&emu.config), 0o600);
    // A third run with what the file holds works (refreshing with the saved refresh token).
    std::thread::sleep(Duration::from_millis(1100));
    cli(dir.path(), &emu).args(["-c", "ls"]).assert().success();
    assert_eq!(mode(&emu.config), 0o600);
}
