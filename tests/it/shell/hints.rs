//! Messages and hints that point the right way on the command line: the `--config` in use, no
//! "sign in again" for a config that lacks `client.id`, `rm` of a folder refused by the client
//! without a made-up HTTP status, and the name `put --rename` chose. (At the prompt: terminal.rs.)

use predicates::prelude::*;

use super::Env;

#[test]
fn sign_in_hints_carry_the_config_in_use() {
    let env = Env::new();
    let cfg = env.path().join("my config.lcrc");
    std::fs::write(&cfg, "client:\n  id: \"abc\"\n").unwrap();
    env.cmd()
        .arg("--config")
        .arg(&cfg)
        .args(["-c", "ls"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(format!(
            "run `skydrive-cli --config '{}' auth` to sign in",
            cfg.display()
        )));
}

#[test]
fn a_config_without_client_id_names_the_setting_not_auth() {
    let env = Env::new();
    let cfg = env.path().join("lcrc");
    std::fs::write(&cfg, "# no client section\n").unwrap();
    let out = env
        .cmd()
        .env("SKYDRIVE_CONFIG", &cfg)
        .args(["auth", "--device"])
        .assert()
        .code(4);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("client.id is not set"), "{stderr}");
    assert!(!stderr.contains("auth` to sign in"), "{stderr}");
}

#[test]
fn rm_of_a_folder_is_the_clients_own_refusal() {
    let env = Env::new();
    env.demo().args(["-c", "rm Pics"]).assert().code(1).stderr(
        predicate::str::contains("rm: /Pics: is a folder (use -r")
            .and(predicate::str::contains("HTTP").not())
            .and(predicate::str::contains("isAFolder").not()),
    );
    env.demo().args(["-c", "rm /"]).assert().code(7).stderr(
        predicate::str::contains("a drive's root cannot be removed")
            .and(predicate::str::contains("HTTP").not()),
    );
}

#[test]
fn put_rename_says_the_name_it_chose() {
    let env = Env::new();
    std::fs::write(env.path().join("big3.bin"), "data").unwrap();
    env.run("put big3.bin");
    env.demo()
        .args(["-c", "put --rename big3.bin"])
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains(
            "put: big3.bin stored as big3 1.bin",
        ));
    // Piped, a single plain put stays silent, as the seed's was.
    env.demo()
        .args(["put", "big3.bin"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
}
