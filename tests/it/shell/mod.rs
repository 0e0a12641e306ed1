//! The shell end to end: every mode, command, exit code and output format, against the demo
//! drive (an in-process emulator whose drive lives in the test's own temp dir) or a standalone
//! emulator with faults.

mod commands;
mod completions;
mod exit_codes;
mod modes;
mod output;
mod pty;
mod seed_readme;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::common::cli;

/// A hermetic home: HOME, SKYDRIVE_HOME (history, demo drive) and the working directory.
pub struct Env {
    /// The temp dir (HOME and working directory).
    pub dir: tempfile::TempDir,
}

impl Env {
    /// A fresh environment.
    pub fn new() -> Self {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// The temp dir.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `skydrive-cli` in this environment (no `--demo`).
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut c = cli(self.path());
        c.env("SKYDRIVE_HOME", self.path().join("data"))
            .current_dir(self.path());
        c
    }

    /// `skydrive-cli --demo` in this environment; the demo drive persists between calls.
    pub fn demo(&self) -> assert_cmd::Command {
        let mut c = self.cmd();
        c.arg("--demo");
        c
    }

    /// Runs `--demo -c CMDS` and returns stdout (asserting success).
    pub fn run(&self, cmds: &str) -> String {
        let out = self.demo().args(["-c", cmds]).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    }
}

/// A standalone emulator with extra options (faults); killed on drop.
pub struct Emu {
    child: Child,
    /// The client config it wrote.
    pub config: PathBuf,
}

impl Emu {
    /// Starts `skydrive-emu` with `extra` options, writing its config into `dir`.
    pub fn start(dir: &Path, extra: &[&str]) -> Self {
        let config = dir.join("emu.lcrc");
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("skydrive-emu"))
            .args(["--addr", "127.0.0.1:0", "--write-config"])
            .arg(&config)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(first.starts_with("listening on "), "{first:?}");
        for _ in 0..200 {
            if config.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        Emu { child, config }
    }
}

impl Drop for Emu {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
