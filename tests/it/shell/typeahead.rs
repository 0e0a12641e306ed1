//! Lines typed ahead at the prompt all run, in order: typed while a command still runs (the
//! terminal holds them), or written in one go (one read returns several lines). The prompt's
//! line editor reads more than one line at a time; what it read past the first line must wait
//! for the next prompt rather than be dropped.

#![cfg(unix)]

use std::time::Duration;

use rexpect::session::{PtySession, spawn_command};

use super::{Emu, Env};

fn prompt(env: &Env, emu: &Emu) -> PtySession {
    spawn_command(
        env.pty_command(Some(&emu.config), Some("100")),
        Some(30_000),
    )
    .unwrap()
}

/// Asks for the history and checks that it lists `lines` in this order, numbered from 1.
fn expect_history(p: &mut PtySession, lines: &[&str]) {
    p.send_line("history").unwrap();
    for (i, line) in lines.iter().enumerate() {
        p.exp_string(&format!("{:>5}  {line}\r\n", i + 1)).unwrap();
    }
}

#[test]
fn lines_typed_while_a_command_runs_all_run_in_order() {
    let env = Env::new();
    let emu = Emu::start(env.path(), &["--latency", "1500ms"]);
    let mut p = prompt(&env, &emu);
    p.exp_string("onedrive:/> ").unwrap();
    p.send_line("ls").unwrap();
    // Typed key by key while `ls` waits for its answer, each line on its own.
    std::thread::sleep(Duration::from_millis(300));
    for line in ["pwd", "cd Pics", "pwd"] {
        p.send_line(line).unwrap();
        std::thread::sleep(Duration::from_millis(100));
    }
    p.exp_string("Documents").unwrap();
    p.exp_string("onedrive:/Pics> ").unwrap();
    expect_history(&mut p, &["ls", "pwd", "cd Pics", "pwd"]);
    p.exp_string("onedrive:/Pics> ").unwrap();
    p.send_line("exit").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn lines_written_in_one_go_all_run_in_order() {
    let env = Env::new();
    let emu = Emu::start(env.path(), &["--latency", "200ms"]);
    let mut p = prompt(&env, &emu);
    p.exp_string("onedrive:/> ").unwrap();
    p.send("pwd\nls\ncd Pics\n").unwrap();
    p.flush().unwrap();
    p.exp_string("Documents").unwrap();
    p.exp_string("onedrive:/Pics> ").unwrap();
    expect_history(&mut p, &["pwd", "ls", "cd Pics"]);
    p.exp_string("onedrive:/Pics> ").unwrap();
    p.send_line("exit").unwrap();
    p.exp_eof().unwrap();
}
