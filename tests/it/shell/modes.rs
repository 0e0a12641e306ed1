//! Entry modes (script on stdin, `-f`, `-c`, `-e`, argv) share one grammar and fail-fast.

use predicates::prelude::*;

use super::Env;

#[test]
fn c_string_runs_sequences_and_chains() {
    let env = Env::new();
    let out = env.run("cd Documents; pwd && ls || pwd\ncd ..;pwd # comment");
    assert_eq!(out, "/Documents\n- README.txt\n/\n");
}

#[test]
fn script_file_and_stdin_and_argv_agree() {
    let env = Env::new();
    std::fs::write(env.path().join("s.txt"), "cd Pics\nls\n").unwrap();
    let want = "- image1.jpg\n- image2.jpg\n";
    env.demo()
        .args(["-f", "s.txt"])
        .assert()
        .success()
        .stdout(want);
    env.demo()
        .write_stdin("cd Pics\nls\n")
        .assert()
        .success()
        .stdout(want);
    env.demo()
        .args(["ls", "Pics"])
        .assert()
        .success()
        .stdout(want);
}

#[test]
fn fail_fast_stops_before_the_dangerous_command() {
    let env = Env::new();
    env.demo()
        .args(["-c", "cd Nope\nrm -rf Documents\nls"])
        .assert()
        .code(3)
        .stdout("")
        .stderr(
            predicate::str::starts_with("-c:1: cd: ")
                .and(predicate::str::contains("stopped: 2 commands not run")),
        );
    env.demo()
        .args(["ls"])
        .assert()
        .stdout("- Documents\n- Pics\n- Shared Folder\n");
}

#[test]
fn stdin_script_reports_source_and_line() {
    let env = Env::new();
    env.demo()
        .write_stdin("ls\n\nls Nope\nls\n")
        .assert()
        .code(3)
        .stderr(predicate::str::starts_with("stdin:3: ls: "));
    std::fs::write(env.path().join("f.sh"), "pwd\nfrobnicate\n").unwrap();
    env.demo()
        .args(["-f", "f.sh"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("f.sh:2: frobnicate: "));
}

#[test]
fn opt_outs_dash_or_and_keep_going() {
    let env = Env::new();
    env.demo()
        .args(["-c", "-cd Nope; pwd"])
        .assert()
        .success()
        .stdout("/\n");
    env.demo()
        .args(["-c", "cd Nope || cd Pics; pwd"])
        .assert()
        .success()
        .stdout("/Pics\n");
    env.demo()
        .args(["-c", "cd Nope && pwd; pwd"])
        .assert()
        .code(3)
        .stdout("");
    env.demo()
        .args(["--keep-going", "-c", "cd Nope; frob; pwd"])
        .assert()
        .code(3)
        .stdout("/\n")
        .stderr(predicate::str::contains("2 of 3 commands failed"));
}

#[test]
fn syntax_errors_stop_before_any_request() {
    let env = Env::new();
    env.demo()
        .args(["-c", "mkdir X; ls 'unterminated"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unterminated quote"));
    env.demo().args(["-c", "ls > out"]).assert().code(2);
    env.demo()
        .arg("ls")
        .assert()
        .stdout("- Documents\n- Pics\n- Shared Folder\n");
}

#[test]
fn continuation_quotes_and_local_commands() {
    let env = Env::new();
    env.demo()
        .write_stdin("mkdir 'My F' My\\\nOther\nls &&\n  !echo local; echo two\n")
        .assert()
        .success()
        .stdout("- Documents\n- My F\n- MyOther\n- Pics\n- Shared Folder\nlocal\ntwo\n");
}

#[test]
fn e_runs_then_reads_the_rest() {
    let env = Env::new();
    env.demo()
        .args(["-e", "cd Pics"])
        .write_stdin("pwd\n")
        .assert()
        .success()
        .stdout("/Pics\n");
}

#[test]
fn nothing_is_read_from_the_script_stream() {
    let env = Env::new();
    env.demo()
        .write_stdin("rm -r Documents\npwd\n")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("needs -f"));
    env.demo()
        .arg("ls")
        .assert()
        .stdout("- Documents\n- Pics\n- Shared Folder\n");
    env.demo()
        .write_stdin("auth\n")
        .env("SKYDRIVE_CONFIG", "/nonexistent/x.lcrc")
        .assert()
        .failure();
}

#[test]
fn exit_uses_the_given_or_last_status() {
    let env = Env::new();
    env.demo()
        .args(["-c", "exit 9; ls"])
        .assert()
        .code(9)
        .stdout("");
    env.demo().args(["-c", "ls Nope || exit"]).assert().code(3);
    // An ignored failure leaves the status 0.
    env.demo().args(["-c", "-ls Nope; exit"]).assert().code(0);
}

#[test]
fn version_and_help() {
    let env = Env::new();
    env.cmd()
        .arg("-V")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("skydrive-cli "));
    let help = env.run("help");
    for cmd in [
        "cd", "get", "put", "tree", "find", "du", "link", "comments", "cache",
    ] {
        assert!(
            help.contains(&format!("  {cmd} ")),
            "{cmd} missing in\n{help}"
        );
    }
    let a = env.run("help rm");
    let b = env.run("rm -h");
    assert_eq!(a.trim_end(), b.trim_end());
    assert!(env.run("ls --help").contains("-h"));
}

/// Unknown commands and bad options anywhere in a script are found before its first command
/// runs, in every script mode, like syntax errors; the hint offers the nearest command.
#[test]
fn scripts_are_checked_whole_before_anything_runs() {
    let env = Env::new();
    env.demo()
        .args(["-c", "mkdir Pre; lss"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::starts_with("-c:1:12: lss: unknown command")
                .and(predicate::str::contains("did you mean"))
                .and(predicate::str::contains("`ls`"))
                .and(predicate::str::contains("stopped: 2 commands not run")),
        );
    env.demo()
        .args(["-c", "mkdir Pre\nls -Z"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("-c:2: ls: "));
    std::fs::write(env.path().join("s.sky"), "mkdir Pre\nmkdri Two\n").unwrap();
    env.demo()
        .args(["-f", "s.sky"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `mkdir`?"));
    env.demo()
        .write_stdin("mkdir Pre\nget -P many x\n")
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("stdin:2: get: "));
    // Every bad command is named, not just the first.
    env.demo()
        .args(["-c", "frob; mkdir Pre; ls --nope"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("-c:1: frob:").and(predicate::str::contains("-c:1:18: ls:")),
        );
    env.demo()
        .arg("ls")
        .assert()
        .stdout("- Documents\n- Pics\n- Shared Folder\n");
}

/// A failure names its command exactly: the column when other commands share its line; a
/// piped script says how many commands did not run, like `-c` and `-f`.
#[test]
fn failures_name_their_command_and_what_did_not_run() {
    let env = Env::new();
    env.demo()
        .args(["-c", "ls; cd nope"])
        .assert()
        .code(3)
        .stderr(predicate::str::starts_with("-c:1:5: cd: "));
    env.demo()
        .args(["-c", "cd Pics && cd nope || cd alsonope; pwd"])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("-c:1:12: cd: ")
                .and(predicate::str::contains("-c:1:23: cd: "))
                .and(predicate::str::contains("stopped: 1 command not run")),
        );
    env.demo()
        .write_stdin("pwd\ncd Nope\nls\n\nls Pics; pwd\n")
        .assert()
        .code(3)
        .stdout("/\n")
        .stderr(
            predicate::str::starts_with("stdin:2: cd: ")
                .and(predicate::str::contains("stopped: 3 commands not run")),
        );
}

/// A script that is not UTF-8 is refused before anything runs, naming the line.
#[test]
fn scripts_that_are_not_utf8_are_refused_naming_the_line() {
    let env = Env::new();
    std::fs::write(env.path().join("bad.sky"), b"mkdir Pre\nls caf\xe9\n").unwrap();
    env.demo()
        .args(["-f", "bad.sky"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.sky:2: the script is not UTF-8",
        ));
    env.demo()
        .write_stdin(&b"mkdir Pre\n\xff\n"[..])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("stdin:2: the script is not UTF-8"));
    env.demo().args(["-f", "missing.sky"]).assert().code(3);
    env.demo()
        .arg("ls")
        .assert()
        .stdout("- Documents\n- Pics\n- Shared Folder\n");
}

#[test]
fn an_ignored_failure_is_marked_and_leaves_status_0() {
    let env = Env::new();
    let out = env.demo().args(["-c", "-ls nope"]).assert().code(0);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("-c:1: ignored: ls: /nope:"), "{stderr}");
    // The README's idiom: a script that ends with an ignored `rm`.
    std::fs::write(env.path().join("s.sky"), "ls\n-rm X1/old.txt\n").unwrap();
    let out = env.demo().args(["-f", "s.sky"]).assert().code(0);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("s.sky:2: ignored: rm:"), "{stderr}");
    let out = env
        .demo()
        .args(["--json", "-c", "-ls nope"])
        .assert()
        .code(0);
    let line: serde_json::Value = serde_json::from_slice(&out.get_output().stderr).unwrap();
    assert_eq!(
        (line["ignored"].clone(), line["code"].clone()),
        (true.into(), 3.into())
    );
}

/// `skydrive-cli ARGS` on a standalone emulator whose downloads crawl (64 KiB/s), killed with
/// `signal` once `.big.bin.part` holds bytes: the exit code, and whether the partial file is
/// still there.
fn signalled_get(env: &Env, emu: &super::Emu, args: &[&str], signal: &str) -> (Option<i32>, bool) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("skydrive-cli"))
        .env("HOME", env.path())
        .env("SKYDRIVE_HOME", env.path().join("data"))
        .env("SKYDRIVE_CONFIG", &emu.config)
        .current_dir(env.path())
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let part = env.path().join(".big.bin.part");
    let start = std::time::Instant::now();
    while std::fs::metadata(&part).map_or(0, |m| m.len()) == 0 {
        assert!(start.elapsed().as_secs() < 60, "no partial file");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    crate::common::signal(child.id(), signal);
    let code = child.wait().unwrap().code();
    assert!(
        !env.path().join("big.bin").exists(),
        "nothing under the final name"
    );
    (code, part.exists())
}

#[test]
fn sigterm_and_sighup_cancel_like_ctrl_c_and_exit_128_plus_n() {
    let env = Env::new();
    let emu = super::Emu::start(env.path(), &["--download-rate", "64"]);
    std::fs::write(env.path().join("big.bin"), vec![3u8; 2 << 20]).unwrap();
    env.cmd()
        .env("SKYDRIVE_CONFIG", &emu.config)
        .args(["put", "big.bin"])
        .assert()
        .success();
    std::fs::remove_file(env.path().join("big.bin")).unwrap();
    let (code, part) = signalled_get(&env, &emu, &["-c", "get big.bin; ls"], "TERM");
    assert_eq!(
        (code, part),
        (Some(143), false),
        "the partial file is removed"
    );
    let (code, part) = signalled_get(&env, &emu, &["-c", "get big.bin"], "HUP");
    assert_eq!((code, part), (Some(129), false));
    let (code, part) = signalled_get(&env, &emu, &["-c", "get -c big.bin"], "TERM");
    assert_eq!((code, part), (Some(143), true), "-c keeps it, as on Ctrl-C");
}

#[test]
fn seed_style_get_writes_to_a_pipe_only_for_one_file_argument() {
    let env = Env::new();
    let piped = |args: &[&str]| {
        let out = env.demo().args(args).assert().success();
        out.get_output().stdout.clone()
    };
    // One file: its content, as the seed did (`get X > file`).
    assert!(!piped(&["get", "Documents/README.txt"]).is_empty());
    assert!(!env.path().join("README.txt").exists());
    // A folder with -r, and a pattern: saved as on a terminal, nothing on stdout.
    assert!(piped(&["get", "-r", "Pics"]).is_empty());
    assert!(env.path().join("Pics/image1.jpg").is_file());
    assert!(piped(&["get", "Pics/*.jpg"]).is_empty());
    assert!(env.path().join("image1.jpg").is_file() && env.path().join("image2.jpg").is_file());
}

#[test]
fn ls_of_several_paths_lists_each_it_can_and_exits_6() {
    let env = Env::new();
    let out = env
        .demo()
        .args(["-c", "ls Documents nope Pics"])
        .assert()
        .code(6);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stdout.contains("README.txt") && stdout.contains("image2.jpg"),
        "{stdout}"
    );
    assert!(
        stderr.contains("/nope:") && stderr.contains("1 of 3 items failed"),
        "{stderr}"
    );
    // One missing path alone keeps its own code, as for `cat`.
    env.demo().args(["ls", "nope"]).assert().code(3);
}
