//! Secrets (docs/reliability.md, "Secrets"): every command of design.md §3 runs with `-v` or
//! `--debug` against an emulator whose access tokens live 3 s, so tokens are refreshed (and the
//! config saved) during the run. No access or refresh token ever seen in the config appears in
//! stdout, stderr, the history file or any file but the config; nothing sent to the content
//! listener carries Authorization; the config is 0600 after every save; a non-loopback
//! `http://` endpoint is refused before any connection.

#![cfg(unix)]

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::common::{EmuProcess, cli, logged_requests};

/// A hermetic user: HOME, SKYDRIVE_HOME and a working folder, all under one temp dir, and the
/// emulator's config in a folder of its own (with the lock file beside it).
struct World {
    dir: tempfile::TempDir,
    emu: EmuProcess,
    log: PathBuf,
    /// Every token ever seen in the config.
    tokens: BTreeSet<String>,
    /// Every byte the CLI printed.
    printed: Vec<u8>,
    saves: usize,
}

impl World {
    fn start(extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        for d in ["home", "data", "work", "cfg"] {
            fs::create_dir(dir.path().join(d)).unwrap();
        }
        let log = dir.path().join("requests.jsonl");
        let mut args = vec!["--request-log", log.to_str().unwrap()];
        args.extend_from_slice(extra);
        let emu = EmuProcess::start(&dir.path().join("cfg"), &args);
        let mut w = World {
            dir,
            emu,
            log,
            tokens: BTreeSet::new(),
            printed: Vec::new(),
            saves: 0,
        };
        w.collect_tokens();
        w
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn cmd(&self) -> assert_cmd::Command {
        let mut c = cli(&self.path("home"));
        c.env("SKYDRIVE_HOME", self.path("data"))
            .env("SKYDRIVE_CONFIG", &self.emu.config)
            .current_dir(self.path("work"));
        c
    }

    fn collect_tokens(&mut self) {
        let cfg = skydrive::Config::load(&self.emu.config).unwrap();
        self.tokens.extend(cfg.access_token);
        self.tokens.extend(cfg.refresh_token);
    }

    /// Runs the CLI, records its output and the config's tokens, and checks the config's mode
    /// whenever the run saved it.
    fn run(&mut self, args: &[&str], code: i32) -> String {
        let before = fs::read(&self.emu.config).unwrap();
        let out = self.cmd().args(args).assert().code(code);
        let o = out.get_output();
        self.printed.extend_from_slice(&o.stdout);
        self.printed.extend_from_slice(&o.stderr);
        if fs::read(&self.emu.config).unwrap() != before {
            self.saves += 1;
            let mode = fs::metadata(&self.emu.config).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{args:?} saved the config as {mode:o}");
        }
        self.collect_tokens();
        String::from_utf8_lossy(&o.stderr).into_owned()
    }

    fn requests(&self) -> Vec<serde_json::Value> {
        logged_requests(&self.log)
    }
}

/// Every file below `dir`, recursively.
fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// design.md §3, in argv mode; the flag alternates between `-v` and `--debug`.
const COMMANDS: &[(&[&str], i32)] = &[
    (&["ls"], 0),
    (&["ls", "-l", "/Pics"], 0),
    (&["pwd"], 0),
    (&["cd", "/Documents"], 0),
    (&["tree"], 0),
    (&["find", "/", "-name", "*.jpg"], 0),
    (&["du", "/"], 0),
    (&["cat", "/Documents/README.txt"], 0),
    (&["info", "/Documents/README.txt"], 0),
    (&["get", "/Pics/image1.jpg", "got.jpg"], 0),
    (&["get", "-r", "/Pics", "pics"], 0),
    (&["put", "small.txt", "/Documents"], 0),
    (&["put", "big.bin", "/Documents"], 0),
    (&["mkdir", "-p", "/New/Sub"], 0),
    (&["mv", "/Documents/small.txt", "/New/moved.txt"], 0),
    (&["cp", "/New/moved.txt", "/New/copied.txt"], 0),
    (&["link", "/New/copied.txt"], 0),
    (&["quota"], 0),
    (&["user"], 0),
    (&["drives"], 0),
    (&["recent"], 0),
    (&["shared"], 0),
    (&["search", "image"], 0),
    (&["rm", "/New/copied.txt"], 0),
    (&["lls"], 0),
    (&["history"], 0),
    (&["cache"], 0),
    (&["auth_refresh"], 0),
    (&["auth", "--device"], 0),
    (&["get", "/Nope"], 3),
    (&["--json", "ls", "/Nope"], 3),
    (&["rm", "/Nope"], 3),
];

#[test]
fn no_token_leaks_from_any_command_with_debug_output() {
    let mut w = World::start(&["--token-ttl", "3s"]);
    fs::write(w.path("work/small.txt"), "small").unwrap();
    fs::write(w.path("work/big.bin"), vec![7u8; 5 * 1024 * 1024]).unwrap();
    // Loosen the mode: the first save must put it back to 0600.
    fs::set_permissions(&w.emu.config, fs::Permissions::from_mode(0o644)).unwrap();
    for (i, (args, code)) in COMMANDS.iter().enumerate() {
        let flag = if i % 2 == 0 { "-v" } else { "--debug" };
        let all: Vec<&str> = std::iter::once(flag).chain(args.iter().copied()).collect();
        let stderr = w.run(&all, *code);
        if *code == 3 && !all.contains(&"--json") {
            assert!(
                stderr.contains("detail: HTTP 404"),
                "{all:?}: not verbose: {stderr}"
            );
        }
    }
    // A refresh in the middle of one process: the token expires during `!sleep`.
    let before = w.tokens.len();
    w.run(
        &[
            "-v",
            "-c",
            "ls\n!sleep 4\nget /Pics/image2.jpg img2.jpg\nls /Pics\nquota",
        ],
        0,
    );
    assert!(w.tokens.len() > before, "no refresh during the script");
    repl_session(&w);

    assert!(w.saves >= 3, "only {} config saves", w.saves);
    assert!(
        w.tokens.len() >= 6,
        "too few tokens seen: {:?}",
        w.tokens.len()
    );
    for t in &w.tokens {
        assert!(!contains(&w.printed, t), "a token was printed");
    }
    let mut scanned = 0;
    for f in files_below(w.dir.path()) {
        if f == w.emu.config {
            continue;
        }
        let bytes = fs::read(&f).unwrap();
        for t in &w.tokens {
            assert!(!contains(&bytes, t), "a token is in {}", f.display());
        }
        scanned += 1;
    }
    assert!(w.path("data/history").exists(), "the REPL kept no history");
    assert!(scanned >= 8, "only {scanned} files scanned");

    let reqs = w.requests();
    let on = |l: &'static str| reqs.iter().filter(move |r| r["listener"] == l);
    assert!(on("content").count() >= 4, "no downloads/uploads logged");
    assert!(on("content").all(|r| r["authorization"] == false));
    assert!(on("graph").any(|r| r["authorization"] == true));
    assert!(on("login").count() >= 3, "no token refreshes logged");
}

/// A REPL through a PTY, so the history file is written.
fn repl_session(w: &World) {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("skydrive-cli"));
    cmd.env_clear()
        .env("HOME", w.path("home"))
        .env("SKYDRIVE_HOME", w.path("data"))
        .env("SKYDRIVE_CONFIG", &w.emu.config)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TERM", "xterm")
        .args(["-v"])
        .current_dir(w.path("work"));
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).unwrap();
    p.exp_string(":/> ").unwrap();
    p.send_line("auth_refresh").unwrap();
    p.exp_string(":/> ").unwrap();
    p.send_line("ls /Pics").unwrap();
    p.exp_string("image2.jpg").unwrap();
    p.exp_string(":/> ").unwrap();
    p.send_line("exit").unwrap();
    p.exp_eof().unwrap();
}

fn with_endpoint(src: &Path, dst: &Path, key: &str, url: &str) {
    let text = fs::read_to_string(src).unwrap();
    let out: Vec<String> = text
        .lines()
        .map(|l| {
            if l.trim_start().starts_with(&format!("{key}:")) {
                format!("  {key}: {url}")
            } else {
                l.to_owned()
            }
        })
        .collect();
    fs::write(dst, out.join("\n") + "\n").unwrap();
}

#[test]
fn plain_http_to_a_non_loopback_host_is_refused_before_any_connection() {
    let w = World::start(&[]);
    let port = w
        .emu
        .graph_url
        .rsplit(':')
        .next()
        .unwrap()
        .split('/')
        .next()
        .unwrap();
    let bad = w.path("cfg/bad.lcrc");
    // 0.0.0.0 reaches this machine's listener on Linux: a request would show in the log.
    let cases = [
        ("graph_url", format!("http://0.0.0.0:{port}/v1.0")),
        ("login_url", format!("http://0.0.0.0:{port}/login")),
        ("graph_url", format!("http://10.0.0.1:{port}/v1.0")),
        ("login_url", "http://localhost.example.com/login".to_owned()),
        ("graph_url", format!("ftp://127.0.0.1:{port}/v1.0")),
    ];
    for (key, url) in &cases {
        with_endpoint(&w.emu.config, &bad, key, url);
        let text = fs::read(&bad).unwrap();
        for args in [
            &["ls"][..],
            &["auth_refresh"][..],
            &["auth", "--device"][..],
        ] {
            let before = w.requests().len();
            let out = cli(&w.path("home"))
                .env("SKYDRIVE_HOME", w.path("data"))
                .env("SKYDRIVE_CONFIG", &bad)
                .args(args)
                .assert()
                .code(1);
            let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
            assert!(
                stderr.contains(&format!("api.{key} must use https://")),
                "{url} {args:?}: {stderr}"
            );
            assert_eq!(w.requests().len(), before, "{url}: a request was sent");
            assert_eq!(fs::read(&bad).unwrap(), text, "{url}: the config changed");
        }
    }
    // The same file with the loopback address works (the log does record requests).
    with_endpoint(&w.emu.config, &bad, "login_url", "http://localhost:9/login");
    let before = w.requests().len();
    cli(&w.path("home"))
        .env("SKYDRIVE_CONFIG", &bad)
        .args(["ls"])
        .assert()
        .success();
    assert!(w.requests().len() > before);
}
