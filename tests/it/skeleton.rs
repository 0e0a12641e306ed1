//! The walking skeleton end to end: `--demo -c ls`, seed-style argv, and a standalone emulator
//! reached through the config it writes.

use predicates::prelude::*;

use crate::common::{EmuProcess, cli};

#[test]
fn demo_ls_lists_the_seed_tree() {
    let home = tempfile::tempdir().unwrap();
    cli(home.path())
        .args(["--demo", "-c", "ls"])
        .assert()
        .success()
        .stdout("- Documents\n- Pics\n- Shared Folder\n");
}

#[test]
fn demo_seed_style_argv_lists_a_subfolder() {
    let home = tempfile::tempdir().unwrap();
    cli(home.path())
        .args(["--demo", "ls", "Pics"])
        .assert()
        .success()
        .stdout("- image1.jpg\n- image2.jpg\n");
}

#[test]
fn missing_folder_is_exit_3_with_source_and_line() {
    let home = tempfile::tempdir().unwrap();
    cli(home.path())
        .args(["--demo", "-c", "ls\nls Nope"])
        .assert()
        .code(3)
        .stderr(predicate::str::starts_with("-c:2: "));
}

#[test]
fn unknown_command_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    cli(home.path())
        .args(["--demo", "-c", "frobnicate"])
        .assert()
        .code(2);
}

#[test]
fn standalone_emulator_config_drives_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let emu = EmuProcess::start(dir.path(), &[]);
    assert!(
        emu.graph_url.starts_with("http://127.0.0.1:"),
        "{}",
        emu.graph_url
    );
    cli(dir.path())
        .env("SKYDRIVE_CONFIG", &emu.config)
        .args(["-c", "ls"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Documents").and(predicate::str::contains("Pics")));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&emu.config).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn missing_config_is_an_auth_error_with_a_hint() {
    let home = tempfile::tempdir().unwrap();
    cli(home.path())
        .args(["-c", "ls"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(".lcrc").and(predicate::str::contains("--demo")));
}

#[test]
fn piped_stdin_is_a_script() {
    let home = tempfile::tempdir().unwrap();
    cli(home.path())
        .arg("--demo")
        .write_stdin("# a comment\nls Documents\n")
        .assert()
        .success()
        .stdout("- README.txt\n");
}
