//! Waits on copy jobs the server runs (docs/reliability.md, "Waits and loops the server
//! drives"): the real binary against `skydrive-emu --copy-monitor MODE`. A copy whose monitor
//! stalls or vanishes ends in exit 5 within the bound; one that moves, or asks for waits,
//! completes; a long wait is told on stderr, not with `-q`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::{EmuProcess, cli, logged_requests};

/// A standalone emulator with `emu_args` and its request log.
struct Emu {
    dir: tempfile::TempDir,
    log: PathBuf,
    emu: EmuProcess,
}

/// What one run of the binary gave.
struct Run {
    code: i32,
    out: String,
    err: String,
    took: Duration,
    /// The copy monitor's answers during the run: HTTP status, and whether the request
    /// carried `Authorization` (it never may: the monitor URL is pre-authenticated).
    polls: Vec<(u64, bool)>,
}

impl Emu {
    fn start(emu_args: &[&str]) -> Emu {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("requests.jsonl");
        let mut all = vec!["--request-log", log.to_str().unwrap()];
        all.extend_from_slice(emu_args);
        let emu = EmuProcess::start(dir.path(), &all);
        Emu { dir, log, emu }
    }

    /// `skydrive-cli ARGS` with copy jobs counted as stalled after `max_wait_ms`.
    fn run(&self, max_wait_ms: u64, args: &[&str]) -> Run {
        let home: &Path = self.dir.path();
        let before = logged_requests(&self.log).len();
        let started = Instant::now();
        let o = cli(home)
            .env("SKYDRIVE_CONFIG", &self.emu.config)
            .env("SKYDRIVE_HOME", home.join("data"))
            .env("SKYDRIVE_MAX_WAIT_MS", max_wait_ms.to_string())
            .current_dir(home)
            .args(args)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        let took = started.elapsed();
        let polls = logged_requests(&self.log)[before..]
            .iter()
            .filter(|r| r["path"].as_str().unwrap().starts_with("/monitor/"))
            .map(|r| {
                let auth = r["authorization"].as_str().is_some_and(|a| !a.is_empty());
                (r["status"].as_u64().unwrap(), auth)
            })
            .collect();
        Run {
            code: o.status.code().unwrap_or(-1),
            out: String::from_utf8_lossy(&o.stdout).into_owned(),
            err: String::from_utf8_lossy(&o.stderr).into_owned(),
            took,
            polls,
        }
    }
}

/// The lines of `err` telling a wait on a copy.
fn told(err: &str) -> Vec<&str> {
    err.lines()
        .filter(|l| l.starts_with("waiting for OneDrive to copy"))
        .collect()
}

#[test]
fn a_stalled_copy_ends_in_exit_5_within_the_bound_saying_so() {
    // Before: the monitor was polled every 200 ms for ever, and the shell said nothing.
    let emu = Emu::start(&["--copy-monitor", "stall"]);
    for (src, dest, name) in [
        ("/Documents/README.txt", "/Copy.txt", "Copy.txt"),
        ("/Documents", "/DocCopy", "DocCopy"),
    ] {
        let r = emu.run(4000, &["cp", src, dest]);
        assert_eq!(r.code, 5, "{src}: {}", r.err);
        let want = format!(
            "OneDrive's copy of {name} made no progress for 4 s (inProgress, 50%); the copy \
             may still finish on the server: check with `ls`"
        );
        assert!(r.err.contains(&want), "{src}: {}", r.err);
        let bound = Duration::from_secs(4);
        assert!(
            r.took >= bound && r.took < bound + Duration::from_secs(6),
            "{src} took {:?}",
            r.took
        );
        // Polls at 0, 0.2, 0.6, 1.4, 3.0 and 4.0 s: the interval doubles, and the last
        // one comes when the bound is reached (200 ms polls would have been 20).
        assert!(
            (4..=8).contains(&r.polls.len()),
            "{src}: {} polls",
            r.polls.len()
        );
        assert!(r.polls.iter().all(|&(s, auth)| s == 202 && !auth), "{src}");
        let lines = told(&r.err);
        assert_eq!(lines.len(), 1, "{src}: {}", r.err);
        assert!(
            lines[0].starts_with(&format!("waiting for OneDrive to copy {name} (50%, 3 s")),
            "{}",
            r.err
        );
    }
    let r = emu.run(4000, &["-q", "cp", "/Documents/README.txt", "/Quiet.txt"]);
    assert_eq!(r.code, 5, "{}", r.err);
    assert!(told(&r.err).is_empty(), "nothing told with -q: {}", r.err);
    assert!(r.err.contains("made no progress for 4 s"), "{}", r.err);
}

#[test]
fn a_slow_copy_that_moves_completes_past_the_bound() {
    // notStarted 0%, then 25, 50, 75%, then done: each poll moves, so the 1 s bound is
    // never reached although the copy takes longer.
    let emu = Emu::start(&["--copy-monitor", "slow"]);
    let r = emu.run(1000, &["cp", "/Documents/README.txt", "/Copy.txt"]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.took > Duration::from_secs(1), "took {:?}", r.took);
    let statuses: Vec<u64> = r.polls.iter().map(|p| p.0).collect();
    assert_eq!(statuses, [202, 202, 202, 202, 200]);
    let original = emu.run(1000, &["cat", "/Documents/README.txt"]);
    let copy = emu.run(1000, &["cat", "/Copy.txt"]);
    assert_eq!(copy.code, 0, "{}", copy.err);
    assert!(!copy.out.is_empty());
    assert_eq!(copy.out, original.out);
}

#[test]
fn a_busy_monitor_is_waited_out_and_a_huge_wait_refused_at_once() {
    // 503 with Retry-After: 1, then 202 with Retry-After: 1, then the result.
    let emu = Emu::start(&["--copy-monitor", "busy", "--retry-after", "1"]);
    let r = emu.run(300_000, &["cp", "/Documents/README.txt", "/Copy.txt"]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.took >= Duration::from_secs(2), "took {:?}", r.took);
    assert_eq!(r.polls, [(503, false), (202, false), (200, false)]);
    let ls = emu.run(300_000, &["ls", "/"]);
    assert!(ls.out.contains("Copy.txt"), "{}", ls.out);

    let emu = Emu::start(&["--copy-monitor", "busy", "--retry-after", "150100"]);
    let r = emu.run(300_000, &["cp", "/Documents/README.txt", "/Copy.txt"]);
    assert_eq!(r.code, 5, "{}", r.err);
    assert!(
        r.err.contains("asked to wait 150100 s (41 h 41 min)"),
        "{}",
        r.err
    );
    assert!(r.took < Duration::from_secs(20), "took {:?}", r.took);
    assert_eq!(r.polls, [(503, false)]);
}

#[test]
fn a_monitor_gone_before_the_result_ends_in_exit_5_and_the_copy_is_there() {
    let emu = Emu::start(&["--copy-monitor", "gone"]);
    let r = emu.run(300_000, &["cp", "/Documents/README.txt", "/Copy.txt"]);
    assert_eq!(r.code, 5, "{}", r.err);
    assert!(
        r.err.contains(
            "OneDrive's copy of Copy.txt lost its monitor (HTTP 404) before saying how it \
             ended; the copy may still finish on the server: check with `ls`"
        ),
        "{}",
        r.err
    );
    assert_eq!(r.polls.last().map(|p| p.0), Some(404));
    assert!(r.polls.len() <= 3, "{:?}", r.polls);
    let ls = emu.run(300_000, &["ls", "/"]);
    assert!(
        ls.out.contains("Copy.txt"),
        "as the message says: {}",
        ls.out
    );
}
