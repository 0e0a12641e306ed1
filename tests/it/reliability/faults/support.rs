//! Helpers of the reliability tests that run processes: a `skydrive-emu` that can be stopped
//! cleanly (so its `--data` drive is saved and a fault-free emulator can check it), a
//! `skydrive-cli` runner, signals without a libc crate, and test data.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A `skydrive-emu` process keeping its drive in `DIR/drive`; killed on drop.
pub(crate) struct Emu {
    child: Child,
    /// The client config it wrote (`DIR/emu.lcrc`).
    pub config: PathBuf,
    /// Its request log (`DIR/requests.jsonl`).
    pub log: PathBuf,
}

impl Emu {
    /// Starts `skydrive-emu --data DIR/drive --request-log DIR/requests.jsonl EXTRA...`.
    pub fn start(dir: &Path, extra: &[&str]) -> Emu {
        let config = dir.join("emu.lcrc");
        let log = dir.join("requests.jsonl");
        let _ = std::fs::remove_file(&config);
        let _ = std::fs::remove_file(&log);
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("skydrive-emu"))
            .args(["--addr", "127.0.0.1:0", "--write-config"])
            .arg(&config)
            .arg("--data")
            .arg(dir.join("drive"))
            .arg("--request-log")
            .arg(&log)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut first = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut first,
        )
        .unwrap();
        assert!(first.starts_with("listening on"), "{first:?}");
        wait_for(Duration::from_secs(10), || config.exists());
        Emu { child, config, log }
    }

    /// Stops it with SIGTERM, which saves the drive.
    pub fn stop(&mut self) {
        signal(self.child.id(), "TERM");
        let _ = self.child.wait();
    }

    /// The request log so far, one JSON object per request.
    pub fn requests(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }
}

impl Drop for Emu {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `SIG{name}` to `pid` (there is no libc crate; `kill` is in every image).
pub(crate) fn signal(pid: u32, name: &str) {
    let ok = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{name} {pid}");
}

/// Polls `cond` every 10 ms until it holds; panics after `limit`.
pub(crate) fn wait_for(limit: Duration, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < limit,
            "condition not met within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// `skydrive-cli` against `emu`, run in `dir/work` with history under `dir/home`.
pub(crate) fn cli(dir: &Path, emu: &Emu) -> assert_cmd::Command {
    let mut c = crate::common::cli(dir);
    c.env("SKYDRIVE_CONFIG", &emu.config)
        .env("SKYDRIVE_HOME", dir.join("home"))
        .current_dir(dir.join("work"))
        .timeout(Duration::from_secs(120));
    c
}

/// `len` bytes of a deterministic, non-repeating-looking pattern.
pub(crate) fn pattern(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x.to_le_bytes()[0]
        })
        .collect()
}

/// The names in `dir` that do not start with a dot (final names, not temp files).
pub(crate) fn final_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
}
