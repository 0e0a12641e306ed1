//! What a terminal shows, through a real pseudo-terminal: binary `cat`, listing order and
//! sizes, links on one line, tables and progress bars at the terminal's width (80 columns, and
//! a bare pseudo-terminal that reports 0 columns), no stale bar after Ctrl-C, a summary after a
//! single `get`, bytes that are not UTF-8 at the prompt, hints written for the prompt, `clear`.

#![cfg(unix)]

use std::io::Write;
use std::path::Path;

use rexpect::session::{PtySession, spawn_command};

use super::{Emu, Env};
use crate::common::pattern;

/// `skydrive-cli ARGS` in a pseudo-terminal (`--demo` unless `config` is given), with
/// `$COLUMNS` set when `columns` is (else the terminal reports 0 columns).
fn terminal(env: &Env, config: Option<&Path>, columns: Option<&str>, args: &[&str]) -> PtySession {
    let mut cmd = env.pty_command(config, columns);
    cmd.args(args);
    spawn_command(cmd, Some(20_000)).unwrap()
}

/// What rexpect read, as text (it hands back one char per byte).
fn text(raw: &str) -> String {
    let bytes: Vec<u8> = raw.chars().map(|c| c as u32 as u8).collect();
    String::from_utf8_lossy(&bytes).replace("\r\n", "\n")
}

/// Everything a one-shot command printed to the terminal.
fn run(env: &Env, columns: Option<&str>, cmds: &str) -> String {
    let mut p = terminal(env, None, columns, &["-c", cmds]);
    text(&p.exp_eof().unwrap())
}

/// The terminal's lines as they would be drawn: split at `\r` and `\n`, escape sequences
/// removed, and how wide each is.
fn drawn_widths(raw: &str) -> Vec<(usize, String)> {
    let mut plain = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for n in chars.by_ref() {
                    if n.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        plain.push(c);
    }
    plain
        .split(['\r', '\n'])
        .map(|l| (l.chars().count(), l.to_owned()))
        .collect()
}

#[test]
fn binary_content_is_held_back_on_a_terminal_unless_forced() {
    let env = Env::new();
    let out = run(&env, Some("80"), "cat Pics/image1.jpg");
    assert!(
        out.contains("binary content, not written to the terminal")
            && out.contains("`skydrive-cli --demo cat -f /Pics/image1.jpg`"),
        "{out:?}"
    );
    assert!(
        !out.contains('\u{FFFD}') && !out.contains('\u{1f}'),
        "{out:?}"
    );
    // Forced, the bytes come through (the JPEG's end marker is there); text is never held back.
    let mut p = terminal(&env, None, Some("80"), &["-c", "cat -f Pics/image1.jpg"]);
    let raw = p.exp_eof().unwrap();
    assert!(raw.contains("\u{ff}\u{d9}"), "{raw:?}");
    assert!(run(&env, Some("80"), "cat Documents/README.txt").contains("Welcome"));
    // Piped, nothing is held back.
    let piped = env
        .demo()
        .args(["cat", "Pics/image1.jpg"])
        .assert()
        .success();
    assert!(piped.get_output().stdout.starts_with(&[0xFF, 0xD8]));
}

#[test]
fn listings_on_a_terminal_sort_ignoring_case_and_size_for_people() {
    let env = Env::new();
    env.run("mkdir \"it's\" zeta Alpha; cp Documents/README.txt /Alpha");
    let ls = run(&env, Some("80"), "ls");
    let names: Vec<&str> = ls.lines().collect();
    assert_eq!(
        names,
        [
            "Alpha/",
            "Documents/",
            "it's/",
            "Pics/",
            "Shared Folder/",
            "zeta/"
        ],
        "{ls:?}"
    );
    // Piped (for programs), by code point as the seed sorted.
    assert_eq!(
        env.run("ls"),
        "- Alpha\n- Documents\n- Pics\n- Shared Folder\n- it's\n- zeta\n"
    );
    let long = run(&env, Some("100"), "ls -l Pics");
    assert!(long.contains("Type") && long.contains("file"), "{long}");
    assert!(long.contains("2.0K") && !long.contains("2054"), "{long}");
    // du: each folder after what it holds, the total last.
    env.run("mkdir -p Alpha/inner");
    let du: Vec<String> = env
        .run("du /")
        .lines()
        .map(|l| l.split('\t').nth(1).unwrap().to_owned())
        .collect();
    assert_eq!(
        du,
        [
            "/Alpha/inner",
            "/Alpha",
            "/Documents",
            "/Pics",
            "/Shared Folder/sub",
            "/Shared Folder",
            "/it's",
            "/zeta",
            "/"
        ]
    );
}

#[test]
fn a_link_is_one_line_that_can_be_copied() {
    let env = Env::new();
    let out = run(&env, Some("80"), "link Documents/README.txt");
    let line = out.lines().find(|l| l.contains("https://")).unwrap();
    assert!(line.starts_with("link: https://"), "{out}");
    assert!(!out.contains('│') && !out.contains('┌'), "{out}");
}

#[test]
fn a_terminal_of_zero_columns_gets_whole_tables() {
    let env = Env::new();
    let out = run(&env, None, "ls -l /; find / -name *.jpg");
    assert!(
        out.lines()
            .any(|l| l.contains("Documents/") && l.contains("folder")),
        "{out}"
    );
    assert!(out.contains("/Pics/image1.jpg"), "{out}");
}

/// A download slow enough to draw bars: 1 MiB at 256 KiB/s from a standalone emulator.
fn slow_download(env: &Env) -> Emu {
    let emu = Emu::start(env.path(), &["--download-rate", "256"]);
    std::fs::write(env.path().join("big.bin"), pattern(1 << 20, 7)).unwrap();
    env.cmd()
        .env("SKYDRIVE_CONFIG", &emu.config)
        .args(["-c", "put big.bin"])
        .assert()
        .success();
    std::fs::remove_file(env.path().join("big.bin")).unwrap();
    emu
}

#[test]
fn progress_fits_80_columns_and_a_single_get_says_what_it_did() {
    let env = Env::new();
    let emu = slow_download(&env);
    let mut p = terminal(&env, Some(&emu.config), Some("80"), &[]);
    p.exp_string("onedrive:/> ").unwrap();
    p.send_line("get big.bin").unwrap();
    let drawn = p.exp_string("got 1 file, 1.0M in").unwrap();
    let lines = drawn_widths(&drawn);
    assert!(
        lines
            .iter()
            .any(|(_, l)| l.contains("big.bin") && l.contains('%')),
        "no bar drawn: {drawn:?}"
    );
    // indicatif pads a line with spaces to the terminal's width to erase what was there;
    // what it draws must leave the last column free.
    for (width, line) in &lines {
        let drawn = line.trim_end().chars().count();
        assert!(*width <= 80 && drawn < 80, "{drawn} columns: {line:?}");
    }
    p.exp_string("onedrive:/> ").unwrap();
    p.send_line("exit").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(
        std::fs::read(env.path().join("big.bin")).unwrap(),
        pattern(1 << 20, 7)
    );
}

#[test]
fn ctrl_c_leaves_no_half_drawn_bar() {
    let env = Env::new();
    let emu = slow_download(&env);
    let mut p = terminal(&env, Some(&emu.config), Some("80"), &[]);
    p.exp_string("onedrive:/> ").unwrap();
    p.send_line("get big.bin").unwrap();
    p.exp_string("%").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    p.send_control('c').unwrap();
    let before = p.exp_string("interrupted").unwrap();
    // The last thing drawn before the message erases the bar's line.
    let last_bar = before.rfind('%').unwrap();
    assert!(before[last_bar..].contains("\x1b[2K"), "{before:?}");
    p.exp_string("[130] onedrive:/> ").unwrap();
    p.send_line("exit 0").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn the_prompt_ignores_a_line_that_is_not_utf8() {
    let env = Env::new();
    let mut p = terminal(&env, None, Some("80"), &[]);
    p.exp_string("demo:/> ").unwrap();
    let mut tty = p.process().get_file_handle().unwrap();
    tty.write_all(b"ls \xff\xfe\r").unwrap();
    tty.flush().unwrap();
    p.exp_string("not UTF-8 text; ignored").unwrap();
    p.exp_string("[2] demo:/> ").unwrap();
    p.send_line("pwd").unwrap();
    p.exp_string("/\r\n").unwrap();
    p.exp_string("demo:/> ").unwrap();
    p.send_line("exit 0").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn hints_at_the_prompt_name_the_shell_command() {
    let env = Env::new();
    std::fs::write(env.path().join("empty.lcrc"), "client:\n  id: \"x\"\n").unwrap();
    let mut p = terminal(&env, Some(&env.path().join("empty.lcrc")), Some("80"), &[]);
    p.exp_string("onedrive:/> ").unwrap();
    p.send_line("ls").unwrap();
    let said = text(&p.exp_string("[4] onedrive:/> ").unwrap());
    assert!(said.contains("hint: run `auth` to sign in"), "{said}");
    assert!(!said.contains("skydrive-cli"), "{said}");
    p.send_line("lss").unwrap();
    let said = text(&p.exp_string("[2] onedrive:/> ").unwrap());
    assert!(
        said.contains("did you mean") && said.contains("`help` lists"),
        "{said}"
    );
    p.send_line("ls -z").unwrap();
    let said = text(&p.exp_string("[2] onedrive:/> ").unwrap());
    assert!(said.contains("(see `ls --help`)"), "{said}");
    p.send_line("exit 0").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn clear_clears_a_terminal_and_nothing_else() {
    let env = Env::new();
    let mut p = terminal(&env, None, Some("80"), &["-c", "clear"]);
    assert!(p.exp_eof().unwrap().contains("\x1b[H\x1b[2J"));
    env.demo()
        .args(["-c", "clear"])
        .assert()
        .success()
        .stdout("");
}
