//! The walking commands as they stream (issue 15): `ls` of a big folder page by page, `ls -R`,
//! `tree -d`, `tree -L`, `find -maxdepth`, and a walk that stops when its reader has gone.

use std::process::Stdio;

use skydrive::emulator::{Emulator, EmulatorOptions, Faults, Hostile, Profile, Seed};

use super::{Env, on_both_profiles};

/// An in-process emulator of `profile` (empty drive) with its config written in `env`.
fn emulator(env: &Env, profile: Profile) -> (Emulator, tokio::runtime::Runtime) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let opts = EmulatorOptions {
        seed: Seed::Empty,
        profile,
        ..EmulatorOptions::default()
    };
    let emu = rt.block_on(Emulator::start(opts)).unwrap();
    emu.write_config(&env.path().join("emu.lcrc")).unwrap();
    (emu, rt)
}

/// `skydrive-cli ARGS` on the in-process emulator of `env`.
fn on_emulator(env: &Env, args: &[&str]) -> std::process::Output {
    env.cmd()
        .env("SKYDRIVE_CONFIG", env.path().join("emu.lcrc"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn ls_prints_a_big_folder_page_by_page() {
    let env = Env::new();
    let (emu, _rt) = emulator(&env, Profile::Personal);
    for i in 0..1500 {
        emu.put_file(&format!("Big/f{i:04}.txt"), b"");
    }
    // Every page after the first brings nothing new: the listing ends in an error after the
    // first page, which `ls` has printed by then.
    emu.set_faults(Faults {
        hostile: vec![Hostile::EndlessNextLink],
        ..Faults::default()
    });
    let out = on_emulator(&env, &["ls", "/Big"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1000, "the first page");
    assert!(
        stdout.starts_with("- f0000.txt\n- f0001.txt\n"),
        "{stdout:.40}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("pages in a loop"));
}

#[test]
fn a_walk_stops_when_its_reader_has_gone() {
    let env = Env::of(Profile::Business);
    let (emu, _rt) = emulator(&env, Profile::Business);
    for d in 0..60 {
        emu.put_file(&format!("d{d:02}/f.txt"), b"");
    }
    emu.clear_request_log();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("skydrive-cli"))
        .env("HOME", env.path())
        .env("SKYDRIVE_HOME", env.path().join("data"))
        .env("SKYDRIVE_CONFIG", env.path().join("emu.lcrc"))
        .args(["find", "/"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let listings = emu
        .request_log()
        .iter()
        .filter(|r| r.path.contains("/children"))
        .count();
    assert!(listings < 30, "{listings} of 61 folders listed for nobody");
}

on_both_profiles! {
    fn ls_r_lists_every_folder_below_each_after_its_path(env) {
        let out = env.run("ls -R /Pics /Shared\\ Folder");
        assert_eq!(
            out,
            "/Pics:\n- image1.jpg\n- image2.jpg\n\n/Shared Folder:\n- notes.txt\n- sub\n\n\
             /Shared Folder/sub:\n- a.txt\n"
        );
        env.run("mkdir -p /Pics/.hidden/in");
        assert!(!env.run("ls -R /Pics").contains(".hidden"));
        assert!(env.run("ls -aR /Pics").contains("\n/Pics/.hidden/in:\n"));
        let rows = env.json("ls -R /");
        let paths: Vec<&str> = rows.iter().map(|r| r["path"].as_str().unwrap()).collect();
        assert!(paths.contains(&"/Shared Folder/sub/a.txt"), "{paths:?}");
    }

    fn tree_and_find_keep_to_their_depth_and_kind(env) {
        assert_eq!(
            env.run("tree -d /"),
            "OneDrive:\n  Documents:\n  Pics:\n  Shared Folder:\n    sub:\n"
        );
        assert_eq!(
            env.run("tree -L 1 /"),
            "OneDrive:\n  Documents:\n  Pics:\n  Shared Folder:\n"
        );
        assert_eq!(
            env.run("find / -maxdepth 2 -type f"),
            "- /Documents/README.txt\n- /Pics/image1.jpg\n- /Pics/image2.jpg\n\
             - /Shared Folder/notes.txt\n"
        );
    }
}
