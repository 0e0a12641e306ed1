//! The fault matrix: every fault `skydrive-emu` injects, against every command that moves or
//! lists data, through the real `skydrive-cli`. A cell passes when the command either succeeds
//! with byte-exact results or fails with exit 5, and in both cases nothing partial carries a
//! final name: locally no file but the complete one, remotely a name that is absent or
//! byte-exact. Remote bytes are read back afterwards from a fault-free emulator on the same
//! drive (`--data`), so the check itself never meets the fault.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

pub(super) use support::{Emu, cli, final_names, pattern, signal, wait_for};

/// The commands of the matrix, in the order they run (listings before any change).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Cmd {
    Ls,
    Tree,
    Get,
    PutSmall,
    PutSession,
    Cp,
    Mv,
    Rm,
}

const ALL: [Cmd; 8] = [
    Cmd::Ls,
    Cmd::Tree,
    Cmd::Get,
    Cmd::PutSmall,
    Cmd::PutSession,
    Cmd::Cp,
    Cmd::Mv,
    Cmd::Rm,
];

impl Cmd {
    fn script(self) -> &'static str {
        match self {
            Cmd::Ls => "ls Work",
            Cmd::Tree => "tree",
            Cmd::Get => "get Work/big.bin out/big.bin",
            Cmd::PutSmall => "put up/small.txt Work",
            // Above the 4 MiB simple-upload limit: an upload session of 3 fragments (10 MiB).
            Cmd::PutSession => "put up/session.bin Work",
            Cmd::Cp => "cp Work/cp.txt Work/cp-copy.txt",
            Cmd::Mv => "mv Work/mv.txt Work/mv-renamed.txt",
            Cmd::Rm => "rm Work/rm.txt",
        }
    }
}

/// A drive and local files to run the matrix on, with the fault-free listings.
struct Fixture {
    dir: tempfile::TempDir,
    big: Vec<u8>,
    small: Vec<u8>,
    session: Vec<u8>,
    text: Vec<u8>,
    ls: String,
    tree: String,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let work = dir.path().join("work");
        for d in ["out", "up", "seed"] {
            std::fs::create_dir_all(work.join(d)).unwrap();
        }
        let fx = Fixture {
            big: pattern(3 << 20, 1),
            small: pattern(1000, 2),
            session: pattern((20 << 20) + 12_345, 3),
            text: b"a small text file\n".to_vec(),
            ls: String::new(),
            tree: String::new(),
            dir,
        };
        std::fs::write(work.join("seed/big.bin"), &fx.big).unwrap();
        for n in ["cp.txt", "mv.txt", "rm.txt"] {
            std::fs::write(work.join("seed").join(n), &fx.text).unwrap();
        }
        std::fs::write(work.join("up/small.txt"), &fx.small).unwrap();
        std::fs::write(work.join("up/session.bin"), &fx.session).unwrap();
        let mut emu = Emu::start(fx.dir.path(), &[]);
        cli(fx.dir.path(), &emu)
            .args([
                "-c",
                "mkdir Work; put seed/big.bin seed/cp.txt seed/mv.txt seed/rm.txt Work",
            ])
            .assert()
            .success();
        let listing = |script: &str| {
            let out = cli(fx.dir.path(), &emu)
                .args(["-c", script])
                .output()
                .unwrap();
            assert!(out.status.success());
            String::from_utf8(out.stdout).unwrap()
        };
        let (ls, tree) = (listing(Cmd::Ls.script()), listing(Cmd::Tree.script()));
        emu.stop();
        Fixture { ls, tree, ..fx }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Remote bytes of `path` from a fault-free emulator (`None`: not found).
    fn remote(&self, emu: &Emu, path: &str) -> Option<Vec<u8>> {
        let out = cli(self.path(), emu)
            .args(["-c", &format!("cat {path}")])
            .output()
            .unwrap();
        match out.status.code() {
            Some(0) => Some(out.stdout),
            Some(3) => None,
            other => panic!(
                "cat {path}: {other:?} {}",
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }
}

/// What a column of the matrix must end with.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// An occasional fault: retries must get every command through.
    Success,
    /// A fault on every request: exit 5 after bounded retries.
    Transient,
}

/// What a column leaves to look at.
struct Column {
    /// The fault emulator's request log.
    log: Vec<Value>,
    /// The commands' run time, added up.
    took: Duration,
}

/// One cell's outcome.
struct Ran {
    cmd: Cmd,
    code: i32,
    stdout: String,
    stderr: String,
    took: Duration,
}

/// Runs `cmds` under `fault` (with `env` added), then checks every cell against a fault-free
/// emulator on the same drive.
fn column(fault: &[&str], env: &[(&str, &str)], cmds: &[Cmd], expect: Expect) -> Column {
    column_after(fault, env, None, cmds, expect)
}

/// [`column`], running the script `warm_up` first (to move a fault counter along).
fn column_after(
    fault: &[&str],
    env: &[(&str, &str)],
    warm_up: Option<&str>,
    cmds: &[Cmd],
    expect: Expect,
) -> Column {
    let fx = Fixture::new();
    let mut emu = Emu::start(fx.path(), fault);
    if let Some(script) = warm_up {
        cli(fx.path(), &emu).args(["-c", script]).assert().success();
    }
    let ran: Vec<Ran> = cmds
        .iter()
        .map(|&cmd| {
            let started = Instant::now();
            let out = cli(fx.path(), &emu)
                .envs(env.iter().copied())
                .args(["-c", cmd.script()])
                .output()
                .unwrap();
            Ran {
                cmd,
                code: out.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                took: started.elapsed(),
            }
        })
        .collect();
    let log = emu.requests();
    emu.stop();
    let mut clean = Emu::start(fx.path(), &[]);
    for r in &ran {
        let want = match expect {
            Expect::Success => 0,
            Expect::Transient => 5,
        };
        assert_eq!(r.code, want, "{fault:?} {:?}: {}", r.cmd, r.stderr);
        if r.code == 5 {
            assert!(!r.stderr.trim().is_empty(), "{:?} says why", r.cmd);
            assert!(
                r.took < Duration::from_secs(20),
                "{:?} gave up in time",
                r.cmd
            );
        }
        check(&fx, &clean, r);
    }
    clean.stop();
    Column {
        log,
        took: ran.iter().map(|r| r.took).sum(),
    }
}

/// The invariants of one cell: byte-exact on success, nothing partial under a final name.
fn check(fx: &Fixture, clean: &Emu, r: &Ran) {
    let ok = r.code == 0;
    let remote = |p: &str| fx.remote(clean, p);
    let text = Some(fx.text.clone());
    match r.cmd {
        Cmd::Ls if ok => assert_eq!(r.stdout, fx.ls),
        Cmd::Tree if ok => assert_eq!(r.stdout, fx.tree),
        Cmd::Ls | Cmd::Tree => assert_eq!(r.stdout, "", "no partial listing"),
        Cmd::Get => {
            let out = fx.path().join("work/out");
            if ok {
                assert_eq!(final_names(&out), ["big.bin"]);
                assert!(std::fs::read(out.join("big.bin")).unwrap() == fx.big);
            } else {
                assert!(final_names(&out).is_empty(), "no partial file");
            }
        }
        Cmd::PutSmall | Cmd::PutSession => {
            let (name, want) = if r.cmd == Cmd::PutSmall {
                ("Work/small.txt", &fx.small)
            } else {
                ("Work/session.bin", &fx.session)
            };
            let got = remote(name);
            assert!(
                got.as_ref() == Some(want) || (!ok && got.is_none()),
                "{name}"
            );
        }
        Cmd::Cp => {
            assert_eq!(remote("Work/cp.txt"), text);
            let copy = remote("Work/cp-copy.txt");
            assert!(copy == text || (!ok && copy.is_none()));
        }
        Cmd::Mv => {
            let (src, dst) = (remote("Work/mv.txt"), remote("Work/mv-renamed.txt"));
            if ok {
                assert_eq!((src, dst), (None, text));
            } else {
                assert!((src.is_none() && dst == text) || (src == text && dst.is_none()));
            }
        }
        Cmd::Rm => {
            let left = remote("Work/rm.txt");
            assert!(left.is_none() || (!ok && left == text));
        }
    }
}

fn statuses(log: &[Value], listener: &str) -> Vec<u64> {
    log.iter()
        .filter(|r| r["listener"] == listener)
        .filter_map(|r| r["status"].as_u64())
        .collect()
}

#[test]
fn throttling_with_retry_after_is_waited_out() {
    let col = column(
        &["--throttle-every", "4", "--retry-after", "1"],
        &[],
        &ALL,
        Expect::Success,
    );
    let throttled = statuses(&col.log, "graph")
        .iter()
        .filter(|&&s| s == 429)
        .count();
    assert!(throttled >= 4, "{throttled} answers were 429");
    // The backoff without Retry-After would be 100-150 ms; each 429 cost a whole second.
    let waited = Duration::from_secs(throttled as u64);
    assert!(col.took >= waited, "Retry-After: 1 was honoured");
}

#[test]
fn service_unavailable_is_retried() {
    let log = column(&["--fail-every", "3"], &[], &ALL, Expect::Success).log;
    let failed = statuses(&log, "graph")
        .iter()
        .filter(|&&s| s == 503)
        .count();
    assert!(failed >= ALL.len(), "{failed} answers were 503");
}

#[test]
fn dropped_downloads_resume() {
    // The warm-up download is the 1st (kept), `get` the 2nd (dropped half-way), its
    // continuation the 3rd.
    let warm_up = Some("cat Work/cp.txt");
    let log = column_after(&["--drop-every", "2"], &[], warm_up, &ALL, Expect::Success).log;
    let ranged = log
        .iter()
        .filter(|r| r["listener"] == "content" && r["method"] == "GET")
        .filter(|r| r["range"].as_str().is_some_and(|h| h.starts_with("bytes=")))
        .count();
    assert!(ranged >= 1, "the dropped body was continued with Range");
}

#[test]
fn lost_upload_fragments_are_recovered() {
    // Every fragment is stored but its answer lost: each time the client asks the session
    // where to go on, and the last lost answer is recovered from the finished session.
    let log = column(&["--lose-fragment-every", "1"], &[], &ALL, Expect::Success).log;
    let frags: Vec<&str> = log
        .iter()
        .filter(|r| r["method"] == "PUT" && r["listener"] == "content")
        .filter_map(|r| r["range"].as_str())
        .collect();
    assert_eq!(
        frags,
        [
            "bytes 0-10485759/20983865",
            "bytes 10485760-20971519/20983865",
            "bytes 20971520-20983864/20983865",
        ],
        "each fragment sent once, none re-sent"
    );
}

#[test]
fn expiring_tokens_are_refreshed() {
    // Access tokens live one second (the emulator's minimum) and the client refreshes a
    // minute before expiry, so every command refreshes, mid-transfer included.
    let log = column(
        &["--token-ttl", "1s", "--latency", "20ms"],
        &[],
        &ALL,
        Expect::Success,
    )
    .log;
    let logins = log.iter().filter(|r| r["listener"] == "login").count();
    assert!(logins >= ALL.len(), "{logins} token requests");
}

/// The always-failing columns: the first backoff is 20 ms instead of 100 ms (same number of
/// retries) to keep the run short; the bound is checked on the clock and in the log.
fn always_failing(fault: &[&str], answer: u64, cmds: &[Cmd]) {
    let col = column(
        fault,
        &[("SKYDRIVE_RETRY_DELAY_MS", "20")],
        cmds,
        Expect::Transient,
    );
    assert!(
        col.took < Duration::from_secs(30),
        "bounded time: {:?}",
        col.took
    );
    let failed = col.log.iter().filter(|r| r["status"] == answer).count();
    // Each command gives up after one request failed 7 times (first try + 6 retries).
    assert_eq!(failed, 7 * cmds.len(), "{fault:?}");
}

#[test]
fn always_unavailable_ends_in_exit_5() {
    always_failing(&["--fail-every", "1"], 503, &ALL);
}

#[test]
fn always_throttled_ends_in_exit_5() {
    always_failing(&["--throttle-every", "1", "--retry-after", "0"], 429, &ALL);
}

#[test]
fn always_dropped_downloads_end_in_exit_5() {
    let log = column(
        &["--drop-every", "1"],
        &[("SKYDRIVE_RETRY_DELAY_MS", "20")],
        &[Cmd::Get],
        Expect::Transient,
    )
    .log;
    let ranged = log
        .iter()
        .filter(|r| r["listener"] == "content" && r["range"].is_string())
        .count();
    assert!(ranged > 1, "it kept going while bytes arrived");
}
