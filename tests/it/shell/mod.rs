//! The shell end to end: every mode, command, exit code and output format, against the demo
//! drive (an in-process emulator whose drive lives in the test's own temp dir) or a standalone
//! emulator with faults.

mod commands;
mod completions;
mod exit_codes;
mod hints;
mod local_state;
mod modes;
mod output;
mod prompt_thread;
mod pty;
mod seed_readme;
mod terminal;

use std::path::Path;

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

    /// `skydrive-cli` for a pseudo-terminal (`rexpect::session::spawn_command`) in this
    /// environment, `TERM=xterm`: on the demo drive, or on the drive of `config`; with
    /// `$COLUMNS` set when `columns` is (a bare pseudo-terminal reports 0 columns).
    #[cfg(unix)]
    pub fn pty_command(
        &self,
        config: Option<&Path>,
        columns: Option<&str>,
    ) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("skydrive-cli"));
        cmd.env_clear()
            .env("HOME", self.path())
            .env("SKYDRIVE_HOME", self.path().join("data"))
            .env("SKYDRIVE_DEMO_SEED", "readme")
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TERM", "xterm")
            .env("NO_COLOR", "1")
            .current_dir(self.path());
        if let Some(c) = columns {
            cmd.env("COLUMNS", c);
        }
        match config {
            Some(c) => cmd.env("SKYDRIVE_CONFIG", c),
            None => cmd.arg("--demo"),
        };
        cmd
    }

    /// Runs `--demo -c CMDS` and returns stdout (asserting success).
    pub fn run(&self, cmds: &str) -> String {
        let out = self.demo().args(["-c", cmds]).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    }
}

/// A standalone emulator with extra options (faults); killed on drop.
pub use crate::common::EmuProcess as Emu;
