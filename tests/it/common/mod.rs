//! Shared helpers: a hermetic environment for the binaries and a standalone emulator process.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A `skydrive-cli` command with a hermetic environment (temp HOME, no inherited config); its
/// `--demo` drive is the real demo drive (the seed README's tree and a shortcut to a shared
/// folder).
pub fn cli(home: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("skydrive-cli").expect("skydrive-cli is built");
    cmd.env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1");
    cmd
}

/// A standalone `skydrive-emu` process that has written a client config; killed on drop.
pub struct EmuProcess {
    child: Child,
    /// The config file it wrote.
    pub config: PathBuf,
    /// The Graph base URL it printed.
    pub graph_url: String,
}

impl EmuProcess {
    /// Starts `skydrive-emu --write-config DIR/emu.lcrc EXTRA...` on a free loopback port
    /// (`extra`: faults, `--request-log`, `--data`, `--profile`, `--seed`, ...).
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
            .expect("skydrive-emu starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut first = String::new();
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("first line");
        let graph_url = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_owned();
        // The config is written right after the first line; wait for it (a loaded machine
        // may take a while).
        for _ in 0..1000 {
            if config.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        EmuProcess {
            child,
            config,
            graph_url,
        }
    }
}

impl EmuProcess {
    /// Stops it with SIGTERM, which saves a `--data` drive, and waits for it.
    pub fn stop(&mut self) {
        signal(self.child.id(), "TERM");
        let _ = self.child.wait();
    }
}

impl Drop for EmuProcess {
    /// SIGTERM first, so the emulator removes its temp drive (a SIGKILL would leave it in the
    /// temp folder); SIGKILL if it has not exited within 2 s.
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(self.child.id().to_string())
                .status();
            for _ in 0..200 {
                if !matches!(self.child.try_wait(), Ok(None)) {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `skydrive-cli` command without the power to read or write what file permissions forbid:
/// as root (CI), through `setpriv` with `CAP_DAC_OVERRIDE` and `CAP_DAC_READ_SEARCH` dropped,
/// so that a folder of mode 000 cannot be read nor one of mode 555 written; as anyone else,
/// the plain binary. Its environment is cleared but for `PATH`.
pub fn unprivileged_cli() -> Command {
    let bin = assert_cmd::cargo::cargo_bin("skydrive-cli");
    let root = Command::new("id")
        .arg("-u")
        .output()
        .expect("id runs")
        .stdout
        == b"0\n";
    let mut cmd = if root {
        let mut c = Command::new("setpriv");
        c.arg("--bounding-set=-dac_override,-dac_read_search")
            .arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::null());
    cmd
}

/// Sends `SIG{name}` to `pid` (there is no libc crate; `kill` is in every image).
pub fn signal(pid: u32, name: &str) {
    let ok = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .status()
        .expect("kill runs")
        .success();
    assert!(ok, "kill -{name} {pid}");
}

/// The requests an emulator's `--request-log FILE` holds so far, one JSON object each
/// (`method`, `path`, `status`, `authorization`, `range`, `listener`).
pub fn logged_requests(log: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Every file (not folder) below `dir`, hidden ones included.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// `len` bytes of deterministic, non-repeating-looking test content.
pub fn pattern(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}
