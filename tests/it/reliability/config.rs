//! Config (docs/reliability.md, "Bad input: config"): a missing, empty, unreadable, malformed
//! or mistyped config, through the real binary. A file that cannot be used is reported with its
//! path (and line, where there is one) and exit 1: the fix is to edit the file. A file that is
//! fine but holds no sign-in (missing or empty) is exit 4: the fix is `auth`. Either way the file
//! stays byte-for-byte and mode-for-mode as it was. Library-level merge-save and locking are in
//! tests/it/library/config.rs.

#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::common::cli;

/// A bad config text, the exit code, and what stderr must say.
struct Bad {
    what: &'static str,
    text: &'static str,
    code: i32,
    says: &'static [&'static str],
}

fn texts() -> Vec<Bad> {
    vec![
        Bad {
            what: "empty",
            text: "",
            code: 4,
            says: &["hint: run `"],
        },
        Bad {
            what: "only comments",
            text: "# nothing yet\n",
            code: 4,
            says: &["hint: run `"],
        },
        Bad {
            what: "malformed YAML (bad indentation)",
            text: "client:\n  id: x\n   bad: [\n",
            code: 1,
            says: &["line 3", "not valid YAML", "fix or remove the file"],
        },
        Bad {
            what: "malformed YAML (unclosed flow)",
            text: "client:\n  id: \"app\"\nauth: {access_token: a\n",
            code: 1,
            says: &["line 3:", "not valid YAML"],
        },
        Bad {
            what: "malformed YAML (unterminated quote)",
            text: "client:\n  id: \"app\n  tenant: common\n",
            code: 1,
            says: &["line 2:", "not valid YAML", "fix or remove the file"],
        },
        Bad {
            what: "a tab for indentation",
            text: "client:\n\tid: x\n",
            code: 1,
            says: &["line 2", "not valid YAML"],
        },
        Bad {
            what: "top level is a list",
            text: "- client\n- id\n",
            code: 1,
            says: &["line 1: expected a YAML mapping"],
        },
        Bad {
            what: "section is a number",
            text: "client: 5\n",
            code: 1,
            says: &["line 1", "client must be a mapping"],
        },
        Bad {
            what: "section is a list",
            text: "auth:\n  - a\n  - b\nclient:\n  id: \"x\"\n",
            code: 1,
            says: &["line 1", "auth must be a mapping"],
        },
        Bad {
            what: "id is a list",
            text: "client:\n  tenant: common\n  id: [1, 2]\n",
            code: 1,
            says: &["line 3", "client.id must be a single value"],
        },
        Bad {
            what: "id is a mapping (flow style)",
            text: "client: {id: {a: 1}}\n",
            code: 1,
            says: &["line 1", "client.id must be a single value"],
        },
        Bad {
            what: "graph_url is a number",
            text: "client:\n  id: \"x\"\napi:\n  graph_url: 42\n",
            code: 1,
            says: &["line 4", "api.graph_url \"42\" is not a URL"],
        },
        Bad {
            what: "login_url is not https",
            text: "client:\n  id: \"x\"\napi:\n\n  login_url: http://10.0.0.1/\n",
            code: 1,
            says: &["line 5", "api.login_url must use https://"],
        },
        Bad {
            what: "numeric id trap (hex)",
            text: "client:\n  id: 0x1F\n",
            code: 1,
            says: &["line 2", "read as the number 31", "quotes"],
        },
        Bad {
            what: "numeric id trap (exponent)",
            text: "auth:\n  refresh_token: r\nclient:\n  id: 1e5\n",
            code: 1,
            says: &["line 4", "client.id was read as the number", "quotes"],
        },
        Bad {
            what: "access_token is a list",
            text: "client:\n  id: \"x\"\nauth:\n  access_token: [a]\n",
            code: 1,
            says: &["line 4", "auth.access_token must be a single value"],
        },
    ]
}

fn run(home: &Path, config: &Path, args: &[&str]) -> (i32, String) {
    let out = cli(home)
        .env("SKYDRIVE_CONFIG", config)
        .env("SKYDRIVE_HOME", home.join("data"))
        .current_dir(home)
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .assert();
    let o = out.get_output();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Commands that read the config, and one that would save it.
const COMMANDS: [&[&str]; 3] = [&["ls"], &["-c", "quota"], &["auth_refresh"]];

#[test]
fn bad_config_texts_are_reported_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("lcrc");
    let mut runs = 0;
    for bad in texts() {
        fs::write(&config, bad.text).unwrap();
        fs::set_permissions(&config, fs::Permissions::from_mode(0o640)).unwrap();
        for args in COMMANDS {
            let (code, stderr) = run(dir.path(), &config, args);
            let ctx = format!("{} / {args:?}: {stderr}", bad.what);
            // auth_refresh without tokens is an auth failure too.
            assert_eq!(code, bad.code, "{ctx}");
            assert!(stderr.contains(config.to_str().unwrap()), "no path: {ctx}");
            for s in bad.says {
                assert!(stderr.contains(s), "missing {s:?}: {ctx}");
            }
            assert_eq!(fs::read_to_string(&config).unwrap(), bad.text, "{ctx}");
            let mode = fs::metadata(&config).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o640, "{ctx}");
            runs += 1;
        }
    }
    assert_eq!(runs, 16 * 3);
    let others: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !["lcrc", "lcrc.lock", "data"].contains(&n.as_str()))
        .collect();
    assert!(others.is_empty(), "files left behind: {others:?}");
}

/// Paths that are not a readable regular file. As root a mode-000 file is still readable, so
/// "unreadable" is a folder, a FIFO (whose read would block forever) and a dangling link.
#[test]
fn unreadable_or_missing_configs_say_what_is_there() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let missing = home.join("missing.lcrc");
    let folder = home.join("folder.lcrc");
    fs::create_dir(&folder).unwrap();
    let fifo = home.join("fifo.lcrc");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let link = home.join("link.lcrc");
    std::os::unix::fs::symlink(home.join("nowhere"), &link).unwrap();
    let cases: [(&Path, i32, &str); 4] = [
        (&missing, 4, "hint: run `"),
        (
            &folder,
            1,
            "is a folder; point --config or SKYDRIVE_CONFIG at",
        ),
        (&fifo, 1, "is not a regular file"),
        (&link, 1, "a symbolic link to a file that does not exist"),
    ];
    for (path, want, says) in cases {
        for args in COMMANDS {
            let (code, stderr) = run(home, path, args);
            assert_eq!(code, want, "{} {args:?}: {stderr}", path.display());
            assert!(
                stderr.contains(says),
                "{} {args:?}: {stderr}",
                path.display()
            );
            assert!(stderr.contains(path.to_str().unwrap()), "no path: {stderr}");
        }
    }
    assert!(!missing.exists(), "a missing config was created");
    assert!(folder.is_dir() && fs::read_dir(&folder).unwrap().next().is_none());
    let meta = fs::symlink_metadata(&fifo).unwrap();
    assert!(!meta.is_file() && !meta.is_dir(), "the FIFO was replaced");
    assert_eq!(fs::read_link(&link).unwrap(), home.join("nowhere"));
    assert!(!home.join("nowhere").exists());
}

/// `--config` wins over SKYDRIVE_CONFIG and is checked the same way.
#[test]
fn explicit_config_flag_is_checked_too() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yml");
    fs::write(&bad, "client: [\n").unwrap();
    let out = cli(dir.path())
        .env("SKYDRIVE_CONFIG", dir.path().join("unused"))
        .args(["--config", bad.to_str().unwrap(), "ls"])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("bad.yml") && stderr.contains("not valid YAML"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&bad).unwrap(), "client: [\n");
}
