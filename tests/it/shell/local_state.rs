//! The shell survives bad local state with one line saying what happened, never an exit or a
//! silent loss: standard output that cannot be written (every command and `--json`), and a
//! history file that cannot be read, holds bytes that are not UTF-8, is a folder or cannot be
//! written. Non-UTF-8 input at the prompt is in terminal.rs.

#![cfg(unix)]

use std::process::{Command, Stdio};

use rexpect::session::spawn_command;

use super::{Emu, Env};

/// `skydrive-cli --demo ARGS > /dev/full`: the exit code and stderr.
fn to_full_disk(env: &Env, args: &[&str]) -> (Option<i32>, String) {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Command::new(assert_cmd::cargo::cargo_bin("skydrive-cli"))
        .env_clear()
        .env("HOME", env.path())
        .env("SKYDRIVE_HOME", env.path().join("data"))
        .current_dir(env.path())
        .arg("--demo")
        .args(args)
        .stdin(Stdio::null())
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn output_that_cannot_be_written_fails_every_command_once() {
    let env = Env::new();
    let cases: &[&[&str]] = &[
        &["ls"],
        &["tree"],
        &["--json", "ls"],
        &["--json", "-c", "tree"],
        &["-c", "ls -l; pwd"],
        &["find", "/"],
        &["du", "/"],
        &["info", "Pics"],
        &["quota"],
        &["help"],
        &["ls", "--help"],
        &["cat", "Documents/README.txt"],
        &["get", "Pics/image1.jpg", "-"],
        &["-c", "cat Documents/README.txt Pics/image1.jpg"],
    ];
    for args in cases {
        let (code, stderr) = to_full_disk(&env, args);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert_eq!(
            stderr.matches("cannot write to standard output").count(),
            1,
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains("No space left on device"),
            "{args:?}: {stderr}"
        );
    }
    // A script stops there, as after any failure.
    let (_, stderr) = to_full_disk(&env, &["-c", "ls; mkdir After"]);
    assert!(stderr.contains("stopped: 1 command not run"), "{stderr}");
    env.demo()
        .arg("ls")
        .assert()
        .stdout("- Documents\n- Pics\n- Shared Folder\n");
}

#[test]
fn a_reader_that_goes_away_is_not_a_failure() {
    let env = Env::new();
    env.run("mkdir -p A/B/C D E F");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("skydrive-cli"))
        .env_clear()
        .env("HOME", env.path())
        .env("SKYDRIVE_HOME", env.path().join("data"))
        .current_dir(env.path())
        .args(["--demo", "-c", "tree; tree; ls"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A prompt with `SKYDRIVE_HOME` at `home` (on the demo drive, or on the drive of `config`):
/// what it said before its first prompt, then the history it shows after running `lines`.
fn prompt_session(
    env: &Env,
    home: &std::path::Path,
    config: Option<&std::path::Path>,
    lines: &[&str],
) -> (String, String) {
    let mut cmd = env.pty_command(config, Some("100"));
    cmd.env("SKYDRIVE_HOME", home);
    let mut p = spawn_command(cmd, Some(15_000)).unwrap();
    let start = p.exp_string("> ").unwrap();
    for l in lines {
        p.send_line(l).unwrap();
        p.exp_string("> ").unwrap();
    }
    p.send_line("history").unwrap();
    let history = p.exp_string("> ").unwrap();
    p.send_line("exit 0").unwrap();
    p.exp_eof().unwrap();
    (start, history)
}

#[test]
fn a_history_file_with_a_bad_byte_loads_the_rest_and_keeps_saving() {
    let env = Env::new();
    let data = env.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("history"), b"#V2\nls Pics\n\xff\xfe bad\npwd\n").unwrap();
    let (said, shown) = prompt_session(&env, &data, None, &["cd Pics"]);
    assert_eq!(said.matches("note: history").count(), 1, "{said}");
    assert!(said.contains("1 line is not UTF-8 and skipped"), "{said}");
    assert!(
        shown.contains("ls Pics") && shown.contains("pwd") && shown.contains("cd Pics"),
        "{shown}"
    );
    // The next session sees the new line too: appending went on after the bad byte.
    let (_, shown) = prompt_session(&env, &data, None, &[]);
    assert!(shown.contains("cd Pics"), "{shown}");
}

#[test]
fn a_history_file_that_cannot_be_used_is_said_once_and_the_session_goes_on() {
    let env = Env::new();
    // A folder where the file should be: cannot be read nor written.
    let data = env.path().join("data");
    std::fs::create_dir_all(data.join("history")).unwrap();
    let (said, shown) = prompt_session(&env, &data, None, &["pwd", "ls"]);
    assert_eq!(said.matches("note: history").count(), 1, "{said}");
    assert!(
        said.contains("cannot be read") && said.contains("cannot be written"),
        "{said}"
    );
    assert!(shown.contains("pwd") && shown.contains("ls"), "{shown}");
    // A data directory below a regular file: nothing can be created there (nor a demo
    // drive, so this one runs on a standalone emulator).
    let emu = Emu::start(env.path(), &[]);
    let blocked = env.path().join("plain-file");
    std::fs::write(&blocked, "x").unwrap();
    let (said, shown) = prompt_session(&env, &blocked.join("data"), Some(&emu.config), &["pwd"]);
    assert_eq!(said.matches("cannot be written").count(), 1, "{said}");
    assert!(shown.contains("pwd"), "{shown}");
}

/// `skydrive-cli --demo ARGS` with standard error on `/dev/full` (every message refused) and
/// standard output on `out`: the exit code.
fn with_full_stderr(env: &Env, args: &[&str], out: Stdio) -> Option<i32> {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    Command::new(assert_cmd::cargo::cargo_bin("skydrive-cli"))
        .env_clear()
        .env("HOME", env.path())
        .env("SKYDRIVE_HOME", env.path().join("data"))
        .env("SKYDRIVE_DEMO_SEED", "readme")
        .current_dir(env.path())
        .args(args)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(full)
        .status()
        .unwrap()
        .code()
}

#[test]
fn a_message_that_cannot_be_written_keeps_the_exit_code() {
    let env = Env::new();
    for (args, code) in [
        (&["--demo", "ls", "nope"][..], 3),
        (&["--demo", "lss"][..], 2),
        (&["--demo", "ls", "-Z"][..], 2),
        (&["--demo", "-c", "ls; ls nope; ls"][..], 3),
        (&["--demo", "-c", "-ls nope"][..], 0),
        (&["--nope"][..], 2),
    ] {
        let got = with_full_stderr(&env, args, Stdio::null());
        assert_eq!(got, Some(code), "{args:?} (101 is a panic)");
    }
    // Output of `get X -` fails as `get`'s own, not as a `cat` the user never typed.
    let (code, stderr) = to_full_disk(&env, &["get", "Documents/README.txt", "-"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("get: cannot write") && !stderr.contains("cat:"),
        "{stderr}"
    );
    // Standard output: help and version that do not get out fail like any other output.
    for args in [&["--help"][..], &["-V"][..]] {
        let (code, stderr) = to_full_disk(&env, args);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write to standard output"),
            "{stderr}"
        );
    }
}

#[test]
#[cfg(target_os = "linux")]
fn a_closed_standard_output_fails_a_command_that_writes() {
    let env = Env::new();
    let run = |cmds: &str| {
        // `sh -c 'CMD >&-'`: the descriptor is closed, as the user's shell does it.
        let line = format!(
            "{} --demo -c {} >&-",
            shell_words::quote(
                assert_cmd::cargo::cargo_bin("skydrive-cli")
                    .to_str()
                    .unwrap()
            ),
            shell_words::quote(cmds)
        );
        let out = Command::new("sh")
            .arg("-c")
            .arg(line)
            .env("HOME", env.path())
            .env("SKYDRIVE_HOME", env.path().join("data"))
            .env("SKYDRIVE_DEMO_SEED", "readme")
            .current_dir(env.path())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stderr) = run("ls");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot write to standard output: it is closed"),
        "{stderr}"
    );
    let (code, stderr) = run("mkdir Quiet");
    assert_eq!(
        code,
        Some(0),
        "a command that writes nothing is fine: {stderr}"
    );
}

#[test]
fn a_history_file_that_is_a_device_or_fifo_is_never_read() {
    let env = Env::new();
    let data = env.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    for (what, make) in [
        ("a device", "ln -s /dev/full history"),
        ("a device", "ln -s /dev/zero history"),
        ("a FIFO", "mkfifo history"),
    ] {
        let _ = std::fs::remove_file(data.join("history"));
        assert!(
            Command::new("sh")
                .args(["-c", make])
                .current_dir(&data)
                .status()
                .unwrap()
                .success()
        );
        let (said, shown) = prompt_session(&env, &data, None, &["pwd"]);
        assert!(
            said.contains(&format!("is {what}, not a regular file")),
            "{make}: {said}"
        );
        assert_eq!(said.matches("note: history").count(), 1, "{make}: {said}");
        assert!(
            shown.contains("pwd"),
            "{make}: the session's lines stay: {shown}"
        );
    }
}

#[test]
fn put_refuses_a_fifo_and_a_name_that_is_not_utf8() {
    let env = Env::new();
    std::fs::create_dir_all(env.path().join("FF")).unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(env.path().join("FF/pipe"))
            .status()
            .unwrap()
            .success()
    );
    let start = std::time::Instant::now();
    let out = env
        .demo()
        .timeout(std::time::Duration::from_secs(30))
        .args(["put", "FF/pipe"])
        .assert()
        .code(1);
    assert!(start.elapsed().as_secs() < 20, "no wait for a writer");
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("FF/pipe: is a FIFO, not a file"),
        "{stderr}"
    );

    use std::os::unix::ffi::OsStrExt;
    let nu = env.path().join("NU");
    std::fs::create_dir_all(&nu).unwrap();
    std::fs::write(nu.join("a.txt"), "a").unwrap();
    std::fs::write(nu.join(std::ffi::OsStr::from_bytes(b"b\xff.txt")), "b").unwrap();
    let out = env.demo().args(["-c", "put NU/*.txt"]).assert().code(7);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("b\u{fffd}.txt: the local name is not UTF-8"),
        "{stderr}"
    );
    assert!(!env.run("ls /").contains("a.txt"), "nothing was sent");
}

#[test]
fn every_message_of_the_shell_goes_through_the_writer_that_cannot_panic() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/shell");
    let mut stack = vec![root];
    let mut found = Vec::new();
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or("");
                    if code.contains("eprintln!(") || code.contains("eprint!(") {
                        found.push(format!("{}:{}", path.display(), n + 1));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "use errln!/errprint! (eprintln! panics on 2>/dev/full): {found:?}"
    );
}
