//! Helpers of the reliability tests that run processes: a `skydrive-emu` that can be stopped
//! cleanly (so its `--data` drive is saved and a fault-free emulator can check it), a
//! `skydrive-cli` runner, signals without a libc crate, and test data.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{EmuProcess, logged_requests};
pub(crate) use crate::common::{pattern, signal};

/// A `skydrive-emu` process keeping its drive in `DIR/drive` and its request log in
/// `DIR/requests.jsonl`; killed on drop.
pub(crate) struct Emu {
    process: EmuProcess,
    /// The client config it wrote (`DIR/emu.lcrc`).
    pub config: PathBuf,
    /// Its request log (`DIR/requests.jsonl`).
    pub log: PathBuf,
}

impl Emu {
    /// Starts `skydrive-emu --data DIR/drive --request-log DIR/requests.jsonl EXTRA...`.
    pub fn start(dir: &Path, extra: &[&str]) -> Emu {
        let log = dir.join("requests.jsonl");
        let _ = std::fs::remove_file(dir.join("emu.lcrc"));
        let _ = std::fs::remove_file(&log);
        let drive = dir.join("drive");
        let mut args = vec![
            "--data",
            drive.to_str().unwrap(),
            "--request-log",
            log.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let process = EmuProcess::start(dir, &args);
        let config = process.config.clone();
        Emu {
            process,
            config,
            log,
        }
    }

    /// Stops it with SIGTERM, which saves the drive.
    pub fn stop(&mut self) {
        self.process.stop();
    }

    /// The request log so far, one JSON object per request.
    pub fn requests(&self) -> Vec<Value> {
        logged_requests(&self.log)
    }
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
