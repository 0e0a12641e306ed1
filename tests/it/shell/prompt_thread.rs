//! The prompt's line editor on its own thread, the commands on the shell's single-threaded
//! runtime: lines typed ahead all run, in order (typed while a command still runs, or written
//! in one go: the editor reads more than one line at a time, and what it read past the first
//! must wait for the next prompt rather than be dropped); the listing prefetch after `cd` runs
//! while the prompt waits; a Tab completion fetches a listing from a slow server.

#![cfg(unix)]

use std::time::Duration;

use rexpect::session::{PtySession, spawn_command};

use super::{Emu, Env};
use crate::common::logged_requests;

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

#[test]
fn the_listing_after_cd_is_fetched_while_the_prompt_waits() {
    let env = Env::new();
    let log = env.path().join("requests.jsonl");
    let log_arg = log.to_str().unwrap();
    let emu = Emu::start(
        env.path(),
        &["--latency", "300ms", "--request-log", log_arg],
    );
    let mut p = prompt(&env, &emu);
    p.exp_string("onedrive:/> ").unwrap();
    p.send_line("cd Documents").unwrap();
    p.exp_string("onedrive:/Documents> ").unwrap();
    // Nothing typed: only the runtime, running while the prompt waits, can fetch it.
    // `cd` learnt the folder's id, so its listing is asked for by id: any children request
    // but the root's.
    let listed = |log: &std::path::Path| {
        logged_requests(log).iter().any(|r| {
            let path = r["path"].as_str().unwrap_or("");
            path.contains("/children") && !path.contains("/root/children")
        })
    };
    let mut waited = 0;
    while !listed(&log) && waited < 100 {
        std::thread::sleep(Duration::from_millis(50));
        waited += 1;
    }
    assert!(listed(&log), "{:#?}", logged_requests(&log));
    p.send("get RE\t").unwrap();
    p.flush().unwrap();
    p.exp_string("README.txt ").unwrap();
    p.send_control('u').unwrap();
    p.send_line("exit").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn tab_fetches_a_folder_from_a_slow_server() {
    let env = Env::new();
    let emu = Emu::start(env.path(), &["--latency", "400ms"]);
    let mut p = prompt(&env, &emu);
    p.exp_string("onedrive:/> ").unwrap();
    p.send("get Documents/RE\t").unwrap();
    p.flush().unwrap();
    p.exp_string("Documents/README.txt ").unwrap();
    p.send_line("").unwrap();
    p.exp_string("onedrive:/> ").unwrap();
    assert!(env.path().join("README.txt").exists());
    p.send_line("exit").unwrap();
    p.exp_eof().unwrap();
}
