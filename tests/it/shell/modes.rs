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
        .stdout("- Documents\n- Pics\n");
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
        .stdout("- Documents\n- Pics\n");
}

#[test]
fn continuation_quotes_and_local_commands() {
    let env = Env::new();
    env.demo()
        .write_stdin("mkdir 'My F' My\\\nOther\nls &&\n  !echo local; echo two\n")
        .assert()
        .success()
        .stdout("- Documents\n- My F\n- MyOther\n- Pics\nlocal\ntwo\n");
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
        .write_stdin("rm -r Documents\ny\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs -f"));
    env.demo()
        .arg("ls")
        .assert()
        .stdout("- Documents\n- Pics\n");
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
    env.demo().args(["-c", "-ls Nope; exit"]).assert().code(3);
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
