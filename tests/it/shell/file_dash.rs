//! `-f -`: the script comes from standard input, as with piped input (checked whole, fail-fast,
//! messages naming `stdin`); a file named `-` is still reachable as `./-`.

use predicates::prelude::*;

use super::Env;

#[test]
fn dash_f_dash_reads_the_script_from_stdin() {
    let env = Env::new();
    env.demo()
        .args(["-f", "-"])
        .write_stdin("cd Pics\nls\n")
        .assert()
        .success()
        .stdout("- image1.jpg\n- image2.jpg\n");
    env.demo()
        .args(["-f", "-"])
        .write_stdin("ls Pics\nls Nope\nmkdir After\n")
        .assert()
        .code(3)
        .stderr(
            predicate::str::starts_with("stdin:2: ls: ")
                .and(predicate::str::contains("stopped: 1 command not run")),
        );
    env.demo()
        .args(["-f", "-"])
        .write_stdin("mkdir Pre\nlss\n")
        .assert()
        .code(2);
    env.demo()
        .arg("ls")
        .assert()
        .stdout("- Documents\n- Pics\n- Shared Folder\n");
}

#[test]
fn a_file_named_dash_is_dot_slash_dash() {
    let env = Env::new();
    std::fs::write(env.path().join("-"), "cd Pics\npwd\n").unwrap();
    env.demo()
        .args(["-f", "./-"])
        .write_stdin("ls\n")
        .assert()
        .success()
        .stdout("/Pics\n");
}
