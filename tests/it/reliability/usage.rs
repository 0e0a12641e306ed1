//! Command lines (docs/reliability.md, "Bad input: command lines"): every kind of usage error,
//! in every mode (`-c`, `-f FILE`, piped stdin, seed-style argv), exits 2 with the command's
//! usage line (or a fix for syntax errors) and, in script modes, stops the run at its
//! `SOURCE:LINE` before any command of the script runs. tests/it/shell/exit_codes.rs checks
//! code 2 once per mode family; this is the full table.

use crate::shell::Env;

/// A bad command line, and what stderr must say about it.
struct Case {
    what: &'static str,
    line: &'static str,
    /// The same mistake as seed-style argv; `None` when the user's own shell would catch it.
    argv: Option<&'static [&'static str]>,
    /// What stderr must contain.
    says: &'static [&'static str],
}

fn cases() -> Vec<Case> {
    let usage = |cmd: &'static str| -> &'static [&'static str] {
        match cmd {
            // `ls -h` means human sizes: its help is `ls --help`.
            "ls" => &["ls:", "hint: usage: ls [OPTIONS] [PATHS]...", " ls --help`"],
            "mkdir" => &["mkdir:", "hint: usage: mkdir", " mkdir -h`"],
            "mv" => &["mv:", "hint: usage: mv", " mv -h`"],
            "pwd" => &["pwd:", "hint: usage: pwd", " pwd -h`"],
            "get" => &["get:", "hint: usage: get", " get -h`"],
            _ => &[],
        }
    };
    vec![
        Case {
            what: "unterminated double quote",
            line: "ls \"Pics",
            argv: None,
            says: &["unterminated quote \"", "hint: close the quote"],
        },
        Case {
            what: "unterminated single quote",
            line: "get 'Pics/image1.jpg",
            argv: None,
            says: &["unterminated quote '", "hint: close the quote"],
        },
        Case {
            what: "a pipe",
            line: "ls | Pics",
            argv: None,
            says: &["pipes (`|`) are not supported", "hint: quote"],
        },
        Case {
            what: "unknown short option",
            line: "ls -Z",
            argv: Some(&["ls", "-Z"]),
            says: usage("ls"),
        },
        Case {
            what: "unknown long option",
            line: "ls --nope",
            argv: Some(&["ls", "--nope"]),
            says: usage("ls"),
        },
        Case {
            what: "bad option value",
            line: "get -P many Pics/image1.jpg",
            argv: Some(&["get", "-P", "many", "Pics/image1.jpg"]),
            says: usage("get"),
        },
        Case {
            what: "unknown command",
            line: "frobnicate Pics",
            argv: Some(&["frobnicate", "Pics"]),
            says: &["frobnicate: unknown command", "help` lists the commands"],
        },
        Case {
            what: "missing argument",
            line: "mkdir",
            argv: Some(&["mkdir"]),
            says: &["required arguments were not provided: <PATHS>..."],
        },
        Case {
            what: "missing second argument",
            line: "mv Pics",
            argv: Some(&["mv", "Pics"]),
            says: usage("mv"),
        },
        Case {
            what: "too many arguments",
            line: "pwd Pics",
            argv: Some(&["pwd", "Pics"]),
            says: usage("pwd"),
        },
    ]
}

/// Before and after the bad line: neither runs, as every script is checked whole first.
const BEFORE: &str = "ls /Documents";
const AFTER: &str = "ls /Pics";

fn check(case: &Case, mode: &str, out: &assert_cmd::assert::Assert, source: Option<&str>) {
    let o = out.get_output();
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    let ctx = format!(
        "{} in {mode}: stdout {stdout:?} stderr {stderr:?}",
        case.what
    );
    assert_eq!(o.status.code(), Some(2), "{ctx}");
    for s in case.says {
        assert!(stderr.contains(s), "missing {s:?}: {ctx}");
    }
    if let Some(src) = source {
        assert!(stderr.contains(&format!("{src}:2: ")), "no {src}:2: {ctx}");
        assert!(
            !stdout.contains("image1.jpg"),
            "ran past the failure: {ctx}"
        );
        assert!(
            !stdout.contains("README.txt"),
            "ran before the check: {ctx}"
        );
    }
}

#[test]
fn each_usage_error_exits_2_with_usage_in_each_mode() {
    let env = Env::new();
    let mut runs = 0;
    for case in cases() {
        let script = format!("{BEFORE}\n{}\n{AFTER}\n", case.line);
        let out = env.demo().args(["-c", &script]).assert();
        check(&case, "-c", &out, Some("-c"));
        std::fs::write(env.path().join("s.sky"), &script).unwrap();
        let out = env.demo().args(["-f", "s.sky"]).assert();
        check(&case, "-f", &out, Some("s.sky"));
        let out = env.demo().write_stdin(script.as_bytes()).assert();
        check(&case, "stdin", &out, Some("stdin"));
        runs += 3;
        if let Some(argv) = case.argv {
            let out = env.demo().args(argv).assert();
            check(&case, "argv", &out, None);
            runs += 1;
        }
    }
    assert_eq!(runs, 10 * 3 + 7);
}

#[test]
fn keep_going_still_reports_usage_errors_with_their_line() {
    let env = Env::new();
    let out = env
        .demo()
        .args(["--keep-going", "-c", "ls -Z\nmkdir\nls /Pics"])
        .assert()
        .code(2);
    let o = out.get_output();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("-c:1: ls:") && stderr.contains("-c:2: mkdir:"));
    assert!(stderr.contains("2 of 3 commands failed"), "{stderr}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("image1.jpg"));
}

#[test]
fn top_level_usage_errors_exit_2() {
    let env = Env::new();
    for (args, says) in [
        (&["--nope"][..], "--nope: unknown command"),
        (&["-c"][..], "a value is required for '-c <CMDS>'"),
        (&["-c", "ls", "-f", "x"][..], "cannot be used with"),
        (
            &["--config"][..],
            "a value is required for '--config <PATH>'",
        ),
    ] {
        let out = env.demo().args(args).assert().code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(stderr.contains("help"), "{args:?}: {stderr}");
    }
}
