//! `mirror` and `check` end to end: the real `skydrive-cli` against a standalone
//! `skydrive-emu` process whose request log proves what each run cost and changed.

mod business;
mod check;
mod conflicts;
mod failures;
mod names;
mod options;
mod reading;
mod runs;
mod safety;
mod shared;
mod sizes;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::common::{EmuProcess, cli, logged_requests};

/// An empty emulated drive, a working folder (`work/`) and a data folder (`home/`, where the
/// mirror state lives).
pub struct Pair {
    pub dir: tempfile::TempDir,
    _emu: EmuProcess,
    config: PathBuf,
    log: PathBuf,
}

impl Pair {
    /// Starts `skydrive-emu --empty --request-log ... EXTRA`.
    pub fn new(extra: &[&str]) -> Pair {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("work")).unwrap();
        let log = dir.path().join("requests.jsonl");
        let mut args = vec!["--empty", "--request-log", log.to_str().unwrap()];
        args.extend_from_slice(extra);
        let emu = EmuProcess::start(dir.path(), &args);
        let config = emu.config.clone();
        Pair {
            dir,
            _emu: emu,
            config,
            log,
        }
    }

    /// The working folder of every command.
    pub fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    /// `skydrive-cli` against the emulator, in `work/`.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut c = cli(self.dir.path());
        c.env("SKYDRIVE_CONFIG", &self.config)
            .env("SKYDRIVE_HOME", self.dir.path().join("home"))
            .current_dir(self.work())
            .timeout(Duration::from_secs(120));
        c
    }

    /// Runs `-c SCRIPT`; returns the exit code, stdout and stderr.
    pub fn run(&self, script: &str) -> (i32, String, String) {
        let out = self.cmd().args(["-c", script]).output().unwrap();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (
            out.status.code().unwrap_or(-1),
            text(&out.stdout),
            text(&out.stderr),
        )
    }

    /// Runs `-c SCRIPT` without the power to read what file permissions forbid
    /// ([`crate::common::unprivileged_cli`]). Returns the exit code, stdout and stderr.
    pub fn run_unprivileged(&self, script: &str) -> (i32, String, String) {
        let out = crate::common::unprivileged_cli()
            .env("HOME", self.dir.path())
            .env("SKYDRIVE_CONFIG", &self.config)
            .env("SKYDRIVE_HOME", self.dir.path().join("home"))
            .current_dir(self.work())
            .args(["-c", script])
            .output()
            .unwrap();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (
            out.status.code().unwrap_or(-1),
            text(&out.stdout),
            text(&out.stderr),
        )
    }

    /// Runs `-c SCRIPT`, asserting exit 0; returns stderr.
    pub fn ok(&self, script: &str) -> String {
        let (code, out, err) = self.run(script);
        assert_eq!(code, 0, "{script}: stdout {out} stderr {err}");
        err
    }

    /// The requests logged so far.
    pub fn requests(&self) -> Vec<Value> {
        logged_requests(&self.log)
    }

    /// Runs `-c SCRIPT` and returns (exit code, stderr, the requests it made).
    pub fn counted(&self, script: &str) -> (i32, String, Vec<Value>) {
        let before = self.requests().len();
        let (code, _, err) = self.run(script);
        (code, err, self.requests()[before..].to_vec())
    }

    /// Writes `work/REL` (parents created) with `data`, mtime `secs` after the epoch.
    pub fn write(&self, rel: &str, data: &[u8], secs: u64) {
        write_at(&self.work().join(rel), data, secs);
    }

    /// The remote file's bytes (by `cat`).
    pub fn remote_bytes(&self, path: &str) -> Vec<u8> {
        let out = self
            .cmd()
            .args(["-c", &format!("cat '{path}'")])
            .output()
            .unwrap();
        assert!(out.status.success(), "cat {path}");
        out.stdout
    }

    /// Every remote path below `folder` (by `find`), sorted.
    pub fn remote_paths(&self, folder: &str) -> Vec<String> {
        let out = self
            .cmd()
            .args(["-c", &format!("find '{folder}'")])
            .output()
            .unwrap();
        let mut paths: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.trim_start_matches("- ").to_owned())
            .collect();
        paths.sort();
        paths
    }
}

/// Writes `path` (parents created) with `data` and mtime `secs` after the epoch.
pub fn write_at(path: &Path, data: &[u8], secs: u64) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, data).unwrap();
    let t = std::time::UNIX_EPOCH + Duration::from_secs(secs);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(t)
        .unwrap();
}

/// Every file below `root` (hidden partial files included) with its bytes.
pub fn local_files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                let rel = e
                    .path()
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

/// The requests that change something (anything but GET).
pub fn writes(requests: &[Value]) -> Vec<&Value> {
    requests.iter().filter(|r| r["method"] != "GET").collect()
}

/// A local tree of 3 folders and 5 files (`src/...`), uploaded as `/R` with `put -r`, and
/// mirrored once into `work/L`. Returns the pair.
pub fn mirrored() -> Pair {
    let p = Pair::new(&[]);
    seed(&p);
    p.ok("mirror /R L");
    p
}

/// The tree of [`mirrored`], uploaded as `/R` (no mirror run yet).
pub fn seed(p: &Pair) {
    for (i, rel) in ["a.txt", "b.bin", "d/c.txt", "d/e/f.txt", "g/h.txt"]
        .iter()
        .enumerate()
    {
        p.write(
            &format!("R/{rel}"),
            format!("file {rel}\n").as_bytes(),
            1_700_000_000 + i as u64,
        );
    }
    p.ok("put -r R /");
    std::fs::remove_dir_all(p.work().join("R")).unwrap();
}
