//! Every exit code of design.md §4, in script and argv modes.

use predicates::prelude::*;

use super::{Env, on_both_profiles};

on_both_profiles! {
    fn zero_one_two_three(env) {
        env.demo().args(["-c", "ls"]).assert().code(0);
        env.demo()
            .args(["-c", "cd Documents/README.txt"])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("not a folder"));
        env.demo()
            .args(["comments", "Pics"])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("not available on Microsoft Graph"));
        env.demo().args(["-c", "ls -Z"]).assert().code(2);
        env.demo().args(["frobnicate"]).assert().code(2);
        env.demo().args(["-c", "get Nope.txt"]).assert().code(3);
        env.demo()
            .args(["lcd", "/nonexistent/dir"])
            .assert()
            .code(3);
        env.demo()
            .args(["-c", "put no-such-local-file"])
            .assert()
            .code(3);
    }
}

#[test]
fn four_without_sign_in() {
    let env = Env::new();
    env.cmd()
        .args(["-c", "ls"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(".lcrc").and(predicate::str::contains("auth")));
    env.cmd().args(["quota"]).assert().code(4);
}

on_both_profiles! {
    fn five_after_retries(env) {
        let emu = env.emu(&["--throttle-every", "1", "--retry-after", "0"]);
        env.cmd()
            .env("SKYDRIVE_CONFIG", &emu.config)
            .args(["-c", "ls"])
            .assert()
            .code(5)
            .stderr(predicate::str::contains("429").or(predicate::str::contains("activityLimit")));
    }
}

on_both_profiles! {
    fn six_when_some_items_fail(env) {
        std::fs::write(env.path().join("a"), "1").unwrap();
        std::fs::write(env.path().join("b"), "2").unwrap();
        env.demo()
            .args(["-c", "put a b .; rm a Nope b"])
            .assert()
            .code(6)
            .stderr(
                predicate::str::contains("Nope").and(predicate::str::contains("1 of 3 items failed")),
            );
        env.demo()
            .arg("ls")
            .assert()
            .stdout("- Documents\n- Pics\n- Shared Folder\n");
    }
}

on_both_profiles! {
    fn seven_on_conflict(env) {
        env.demo().args(["-c", "mkdir Documents"]).assert().code(7);
        std::fs::write(env.path().join("README.txt"), "x").unwrap();
        env.demo()
            .args(["-c", "put -n README.txt Documents"])
            .assert()
            .code(7);
        env.demo()
            .args(["-c", "put --rename README.txt Documents; ls Documents"])
            .assert()
            .success()
            .stdout(
                predicate::str::contains("README 1.txt").or(predicate::str::contains("README (1).txt")),
            );
    }
}

on_both_profiles! {
    fn verbose_adds_request_details(env) {
        env.demo()
            .args(["-v", "-c", "ls Nope"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains(
                "detail: HTTP 404, code itemNotFound, request-id",
            ));
        env.demo()
            .args(["-c", "ls Nope"])
            .assert()
            .stderr(predicate::str::contains("detail:").not());
    }
}

#[cfg(unix)]
on_both_profiles! {
    fn one_hundred_thirty_when_interrupted_in_a_script(env) {
        let emu = env.emu(&["--latency", "1500ms"]);
        let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("skydrive-cli"))
            .env("HOME", env.path())
            .env("SKYDRIVE_HOME", env.path().join("data"))
            .env("SKYDRIVE_CONFIG", &emu.config)
            .current_dir(env.path())
            .args(["-c", "get Pics/image1.jpg; ls"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let part = env.path().join(".image1.jpg.part");
        for _ in 0..500 {
            if part.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(130));
        assert!(out.stdout.is_empty(), "ls ran after the interrupt");
        assert!(String::from_utf8_lossy(&out.stderr).contains("-c:1: get: interrupted"));
        assert!(!part.exists());
    }
}
