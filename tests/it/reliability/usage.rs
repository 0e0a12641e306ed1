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
            "mv" => &["mv:", "hint: usage: mv SRC... DST (", " mv -h`"],
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
            what: "a chain with nothing on its left",
            line: "&& ls /Pics",
            argv: None,
            says: &["needs a command on its left", "hint: put a command before"],
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
    assert_eq!(runs, 11 * 3 + 7);
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
        (&["--nope"][..], "--nope: unknown option"),
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

#[test]
fn usage_lines_come_from_the_command_definition() {
    let env = Env::new();
    for (line, usage) in [
        ("exit 300", "hint: usage: exit [STATUS] ("),
        ("exit 1 2", "hint: usage: exit [STATUS] ("),
        ("cp Pics", "hint: usage: cp SRC... DST ("),
    ] {
        let out = env.demo().args(["-c", line]).assert().code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(stderr.contains(usage), "{line}: {stderr}");
    }
    let help = env.run("help mv");
    assert!(help.contains("Usage: mv SRC... DST"), "{help}");
    let out = env.demo().args(["help", "mirorr"]).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("did you mean `mirror`?"), "{stderr}");
}

#[test]
fn every_error_of_a_script_is_reported_syntax_errors_included() {
    let env = Env::new();
    let script = "foo\nls | x\nmkdir /Made\nbar -q\nls 'open\n";
    std::fs::write(env.path().join("s.sky"), script).unwrap();
    for args in [&["-f", "s.sky"][..], &["-c", script][..]] {
        let out = env.demo().args(args).assert().code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        let src = if args[0] == "-f" { "s.sky" } else { "-c" };
        for (line, says) in [
            (1, "foo: unknown command"),
            (2, "syntax error: pipes"),
            (4, "bar: unknown command"),
            (5, "syntax error: unterminated quote"),
        ] {
            assert!(
                stderr.contains(&format!("{src}:{line}: {says}")),
                "{line}: {stderr}"
            );
        }
        assert!(stderr.contains("stopped: 5 commands not run"), "{stderr}");
    }
    assert!(!env.run("ls /").contains("Made"), "nothing ran");
}

#[test]
fn words_after_c_f_or_e_are_refused_not_dropped() {
    let env = Env::new();
    std::fs::write(env.path().join("s.sky"), "pwd\n").unwrap();
    for args in [
        &["-c", "pwd", "mkdir", "ZZ"][..],
        &["-f", "s.sky", "mkdir", "ZZ"][..],
        &["-e", "pwd", "mkdir", "ZZ"][..],
    ] {
        let out = env.demo().args(args).write_stdin("").assert().code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(stderr.contains("`mkdir ZZ` after -"), "{args:?}: {stderr}");
        assert!(stderr.contains("would not be run"), "{args:?}: {stderr}");
        assert!(out.get_output().stdout.is_empty(), "{args:?}: nothing ran");
    }
    assert!(!env.run("ls /").contains("ZZ"));
}

#[test]
fn an_unknown_option_is_called_one_not_a_command() {
    let env = Env::new();
    for (args, hint) in [
        (
            &["--profile", "business", "-c", "mkdir ZZ"][..],
            "SKYDRIVE_DEMO_PROFILE=business",
        ),
        (
            &["--profile=business", "mkdir", "ZZ"][..],
            "SKYDRIVE_DEMO_PROFILE=business",
        ),
        (
            &["--bogus", "-c", "mkdir ZZ"][..],
            "--help` lists the options",
        ),
    ] {
        let out = env.demo().args(args).write_stdin("").assert().code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        let name = args[0].split('=').next().unwrap();
        assert!(
            stderr.contains(&format!("{name}: unknown option")),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains(hint), "{args:?}: {stderr}");
        assert!(!stderr.contains("unknown command"), "{args:?}: {stderr}");
    }
    assert!(!env.run("ls /").contains("ZZ"), "nothing ran");
}

#[test]
fn hints_point_where_they_can_be_followed() {
    let env = Env::new();
    // The demo has nothing to refresh and no sign-in: no hint to run `auth`.
    let out = env.demo().arg("auth_refresh").assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("the demo drive needs no sign-in"),
        "{stderr}"
    );
    assert!(!stderr.contains("auth`"), "{stderr}");
    // `&&` at the end of a script: no quote to close.
    let out = env.demo().args(["-c", "ls &&"]).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("hint: put a command after"), "{stderr}");
    assert!(!stderr.contains("quote"), "{stderr}");
    // `-e` runs its commands as at the prompt: a mistyped one is the whole story there.
    let out = env.demo().args(["-e", "lss"]).write_stdin("").assert();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("lss: unknown command"), "{stderr}");
    assert!(!stderr.contains("stopped:"), "{stderr}");
    let out = env.demo().args(["-e", "lss; pwd"]).write_stdin("").assert();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("stopped: 1 command not run"),
        "pwd did not run: {stderr}"
    );
}
