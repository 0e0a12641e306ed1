//! The interactive prompt through a real PTY: Tab completion of a name with a space and of a
//! folder two levels down, Ctrl-C cancelling a download back to the prompt, and a download's
//! bar that waits for the size (no `100% 0 B/0 B` frame).

#![cfg(unix)]

use rexpect::session::{PtySession, spawn_command};

use super::{Emu, Env};

fn prompt(env: &Env, config: Option<&std::path::Path>) -> PtySession {
    spawn_command(env.pty_command(config, Some("100")), Some(15_000)).unwrap()
}

#[test]
fn tab_completes_a_name_with_a_space() {
    let env = Env::new();
    env.run("mkdir 'My Docs' Music");
    let mut p = prompt(&env, None);
    p.exp_string("demo:/> ").unwrap();
    p.send("cd my").unwrap();
    p.send("\t").unwrap();
    p.flush().unwrap();
    p.exp_string("My\\ Docs/").unwrap();
    p.send_line("").unwrap();
    p.exp_string("demo:/My Docs> ").unwrap();
    p.send_line("exit").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn tab_completes_a_folder_two_levels_down() {
    let env = Env::new();
    env.run("mkdir -p 'Alpha/Beta Two/Gamma'");
    let mut p = prompt(&env, None);
    p.exp_string("demo:/> ").unwrap();
    p.send("cd Alpha/Be").unwrap();
    p.send("\t").unwrap();
    p.flush().unwrap();
    p.exp_string("Beta\\ Two/").unwrap();
    p.send("G\t").unwrap();
    p.flush().unwrap();
    p.exp_string("Gamma/").unwrap();
    p.send_line("").unwrap();
    p.exp_string("demo:/Alpha/Beta Two/Gamma> ").unwrap();
    p.send_line("exit").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn ctrl_c_cancels_a_download_and_returns_to_the_prompt() {
    let env = Env::new();
    let emu = Emu::start(env.path(), &["--latency", "1500ms"]);
    let mut p = prompt(&env, Some(&emu.config));
    p.exp_string("onedrive:/> ").unwrap();
    p.send_line("get Pics/image1.jpg").unwrap();
    // Interrupt once the partial file exists (metadata fetched, content still on its way).
    let part = env.path().join(".image1.jpg.part");
    for _ in 0..500 {
        if part.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(part.exists(), "the download never started");
    p.send_control('c').unwrap();
    p.exp_string("interrupted").unwrap();
    p.exp_string("[130] onedrive:/> ").unwrap();
    p.send_line("lpwd").unwrap();
    p.exp_string(&env.path().display().to_string()).unwrap();
    p.exp_string("onedrive:/> ").unwrap();
    p.send_line("exit 0").unwrap();
    p.exp_eof().unwrap();
    let left: Vec<_> = std::fs::read_dir(env.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("image1"))
        .collect();
    assert!(left.is_empty(), "partial download left behind: {left:?}");
}

#[test]
fn rm_r_asks_once_and_history_survives_restarts() {
    let env = Env::new();
    env.run("mkdir -p Trash/sub");
    let mut p = prompt(&env, None);
    p.exp_string("demo:/> ").unwrap();
    p.send_line("rm -r Trash").unwrap();
    p.exp_string("[y/N] ").unwrap();
    p.send_line("y").unwrap();
    p.exp_string("demo:/> ").unwrap();
    p.send_line("exit").unwrap();
    p.exp_eof().unwrap();
    env.demo()
        .arg("ls")
        .assert()
        .stdout("- Documents\n- Pics\n- Shared Folder\n");
    let mut p = prompt(&env, None);
    p.exp_string("demo:/> ").unwrap();
    p.send_line("history").unwrap();
    p.exp_string("rm -r Trash").unwrap();
    p.exp_string("demo:/> ").unwrap();
    p.send_line("exit").unwrap();
    p.exp_eof().unwrap();
    assert!(env.path().join("data/history").exists());
}

#[test]
fn no_progress_frame_is_drawn_before_the_size_is_known() {
    let env = Env::new();
    let emu = Emu::start(env.path(), &["--latency", "700ms"]);
    let mut p = prompt(&env, Some(&emu.config));
    p.exp_string("onedrive:/> ").unwrap();
    p.send_line("get Pics/image1.jpg").unwrap();
    let drawn = p.exp_string("onedrive:/> ").unwrap();
    assert!(env.path().join("image1.jpg").exists(), "{drawn}");
    assert!(!drawn.contains("0 B/0 B"), "{drawn}");
    p.send_line("exit 0").unwrap();
    p.exp_eof().unwrap();
}
