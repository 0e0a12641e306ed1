//! The shell end to end: every mode, command, exit code and output format, against the demo
//! drive (an in-process emulator whose drive lives in the test's own temp dir) or a standalone
//! emulator with faults.

mod commands;
mod completions;
mod exit_codes;
mod field_small;
mod file_dash;
mod hints;
mod json_lines;
mod local_cmd;
mod local_state;
mod modes;
mod output;
mod prompt_thread;
mod pty;
mod seed_readme;
mod terminal;
mod walks;

use std::path::Path;

pub use skydrive::emulator::Profile;

use crate::common::cli;

/// Declares a test that runs once on each profile of the emulator (personal and work or
/// school OneDrive), as `NAME::personal` and `NAME::business`: one body, a matrix rather than
/// copies. The body gets an [`Env`] of that profile.
///
/// ```ignore
/// on_both_profiles! {
///     fn ls_lists_the_root(env) {
///         assert!(env.run("ls").contains("- Pics\n"));
///     }
/// }
/// ```
macro_rules! on_both_profiles {
    ($(#[$attr:meta])* fn $name:ident($env:ident) $body:block $($rest:tt)*) => {
        $(#[$attr])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn body($env: &$crate::shell::Env) $body

            #[test]
            fn personal() {
                body(&$crate::shell::Env::of($crate::shell::Profile::Personal));
            }

            #[test]
            fn business() {
                body(&$crate::shell::Env::of($crate::shell::Profile::Business));
            }
        }
        on_both_profiles! { $($rest)* }
    };
    () => {};
}
pub(crate) use on_both_profiles;

/// A hermetic home: HOME, SKYDRIVE_HOME (history, demo drive) and the working directory, and
/// the kind of OneDrive its `--demo` drive and standalone emulators behave like.
pub struct Env {
    /// The temp dir (HOME and working directory).
    pub dir: tempfile::TempDir,
    /// The emulator's profile.
    pub profile: Profile,
    /// What a new `--demo` drive holds (`SKYDRIVE_DEMO_SEED`), when not the demo drive.
    pub seed: Option<&'static str>,
}

impl Env {
    /// A fresh environment on the personal profile.
    pub fn new() -> Self {
        Env::of(Profile::Personal)
    }

    /// A fresh environment on `profile`.
    pub fn of(profile: Profile) -> Self {
        Env {
            dir: tempfile::tempdir().unwrap(),
            profile,
            seed: None,
        }
    }

    /// A fresh environment on `profile` whose `--demo` drive holds every kind of item (the
    /// `kinds` seed: a notebook, a flagged file and a file shared with you besides the demo).
    pub fn kinds(profile: Profile) -> Self {
        Env {
            seed: Some("kinds"),
            ..Env::of(profile)
        }
    }

    /// The profile's name, as `--profile` and `SKYDRIVE_DEMO_PROFILE` take it.
    pub fn profile_name(&self) -> &'static str {
        match self.profile {
            Profile::Personal => "personal",
            Profile::Business => "business",
        }
    }

    /// A standalone emulator of this environment's profile, with `extra` options.
    pub fn emu(&self, extra: &[&str]) -> Emu {
        let mut args = vec!["--profile", self.profile_name()];
        args.extend_from_slice(extra);
        Emu::start(self.path(), &args)
    }

    /// The temp dir.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `skydrive-cli` in this environment (no `--demo`).
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut c = cli(self.path());
        c.env("SKYDRIVE_HOME", self.path().join("data"))
            .env("SKYDRIVE_DEMO_PROFILE", self.profile_name())
            .current_dir(self.path());
        if let Some(seed) = self.seed {
            c.env("SKYDRIVE_DEMO_SEED", seed);
        }
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
            .env("SKYDRIVE_DEMO_PROFILE", self.profile_name())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TERM", "xterm")
            .env("NO_COLOR", "1")
            .current_dir(self.path());
        if let Some(c) = columns {
            cmd.env("COLUMNS", c);
        }
        if let Some(seed) = self.seed {
            cmd.env("SKYDRIVE_DEMO_SEED", seed);
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

    /// Runs `--demo --json -c CMDS` and returns each line of stdout as JSON (asserting
    /// success).
    pub fn json(&self, cmds: &str) -> Vec<serde_json::Value> {
        let out = self.demo().args(["--json", "-c", cmds]).assert().success();
        String::from_utf8_lossy(&out.get_output().stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

/// A standalone emulator with extra options (faults); killed on drop.
pub use crate::common::EmuProcess as Emu;
