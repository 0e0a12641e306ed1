//! Waits and loops the server drives (docs/reliability.md, "Faults"): the real binary against
//! `skydrive-emu` sending `Retry-After` in each form and paging in loops. Every wait is
//! bounded and a long one is said; every paged command stops.

use std::time::{Duration, Instant};

use crate::common::{EmuProcess, cli, logged_requests};

/// `skydrive-cli ARGS` against a standalone emulator started with `emu_args`: exit code,
/// stderr, time taken, and the number of requests the emulator answered.
fn run(emu_args: &[&str], args: &[&str]) -> (i32, String, Duration, usize) {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("requests.jsonl");
    let mut all = vec!["--request-log", log.to_str().unwrap()];
    all.extend_from_slice(emu_args);
    let emu = EmuProcess::start(dir.path(), &all);
    let before = logged_requests(&log).len();
    let started = Instant::now();
    let o = cli(dir.path())
        .env("SKYDRIVE_CONFIG", &emu.config)
        .env("SKYDRIVE_HOME", dir.path().join("data"))
        .current_dir(dir.path())
        .args(args)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let took = started.elapsed();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    let requests = logged_requests(&log).len() - before;
    (o.status.code().unwrap_or(-1), err, took, requests)
}

#[test]
fn a_retry_after_of_41_hours_ends_at_once_with_exit_5_saying_so() {
    // Seen in the field: `Retry-After: 150100`. Before, the shell sat silent, then would
    // have retried six times over half an hour.
    for cmd in [
        &["ls", "/"][..],
        &["get", "/Documents/README.txt", "x"],
        &["mkdir", "/New"],
    ] {
        let (code, err, took, requests) =
            run(&["--throttle-every", "1", "--retry-after", "150100"], cmd);
        assert_eq!(code, 5, "{cmd:?}: {err}");
        assert!(
            err.contains("asked to wait 150100 s (41 h 41 min)"),
            "{cmd:?}: {err}"
        );
        assert!(
            err.contains("longer than the 300 s (5 min) this tool waits for; try again later"),
            "{err}"
        );
        assert!(took < Duration::from_secs(20), "{cmd:?} took {took:?}");
        assert_eq!(requests, 1, "{cmd:?}: no retry");
    }
}

#[test]
fn a_long_wait_prints_one_line_and_nothing_with_q() {
    // A decimal Retry-After (Graph's sample sends 2.128) rounds up: 2.5 s is a 3 s wait.
    let emu = ["--throttle-every", "2", "--retry-after", "2.5"];
    let two = ["-c", "cd /Documents; cd /Pics"];
    let (code, err, took, _) = run(&emu, &two);
    assert_eq!(code, 0, "{err}");
    assert!(took >= Duration::from_secs(3), "waited {took:?}");
    let waits: Vec<&str> = err.lines().filter(|l| l.starts_with("waiting ")).collect();
    assert_eq!(waits.len(), 1, "{err}");
    assert!(
        waits[0].starts_with("waiting 3 s: 127.0.0.1:")
            && waits[0].contains("asked to wait (HTTP 429, Retry-After); retry 1 of 6"),
        "{err}"
    );
    let (code, err, _, _) = run(&emu, &["-q", two[0], two[1]]);
    assert_eq!((code, err.as_str()), (0, ""));
    let (code, err, _, _) = run(&emu, &["--json", two[0], two[1]]);
    assert_eq!(code, 0, "{err}");
    let line: serde_json::Value = serde_json::from_str(err.trim()).unwrap();
    assert!(
        line["notice"].as_str().unwrap().starts_with("waiting 3 s"),
        "{err}"
    );
}

#[test]
fn a_looping_listing_ends_with_a_clear_error_in_every_paged_command() {
    // Before: `ls Loop` made 24,094 requests in 20 s and never ended.
    let commands: [&[&str]; 6] = [
        &["ls", "/Documents"],
        &["tree", "/"],
        &["find", "/"],
        &["search", "README"],
        &["recent"],
        &["get", "-r", "/Pics", "pics"],
    ];
    for mode in ["repeat-next-link", "endless-next-link"] {
        for cmd in commands {
            let (code, err, took, requests) = run(&["--hostile", mode], cmd);
            assert_eq!(code, 1, "{mode} {cmd:?}: {err}");
            assert!(
                err.contains("the server pages in a loop"),
                "{mode} {cmd:?}: {err}"
            );
            assert!(
                took < Duration::from_secs(20),
                "{mode} {cmd:?} took {took:?}"
            );
            assert!(requests < 12, "{mode} {cmd:?}: {requests} requests");
        }
    }
}
