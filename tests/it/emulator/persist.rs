//! `--data DIR`: the drive (and the tokens of written configs) survive restarts.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use skydrive::emulator::{Emulator, EmulatorOptions, Seed};

#[tokio::test]
async fn the_drive_survives_a_restart_in_process() {
    let dir = tempfile::tempdir().unwrap();
    let opts = || EmulatorOptions {
        seed: Seed::Empty,
        data_dir: Some(dir.path().to_owned()),
        ..EmulatorOptions::default()
    };
    let emu = Emulator::start(opts()).await.unwrap();
    let id = emu.put_file("keep/me.txt", b"persisted");
    let token = emu.access_token();
    assert!(id.starts_with(&format!("{}!", emu.drive_id())));
    drop(emu);
    let stray = dir.path().join("blobs").join("stray-upload");
    std::fs::write(&stray, b"left over").unwrap();
    let emu = Emulator::start(opts()).await.unwrap();
    assert!(!stray.exists(), "unreferenced blobs are cleaned at start");
    assert_eq!(emu.file_bytes("keep/me.txt").unwrap(), b"persisted");
    let r = super::http()
        .get(format!("{}/me/drive/items/{id}", emu.graph_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "ids and tokens persist too");
    assert_eq!(emu.access_token(), token);
}

fn spawn(dir: &std::path::Path, config: &std::path::Path) -> (std::process::Child, String) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("skydrive-emu"))
        .arg("--addr")
        .arg("127.0.0.1:0")
        .arg("--data")
        .arg(dir)
        .arg("--write-config")
        .arg(config)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    for _ in 0..200 {
        if config.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    (child, url)
}

#[test]
fn the_binary_with_data_dir_keeps_uploads_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("emu.lcrc");
    let (mut child, url) = spawn(&dir.path().join("data"), &config);
    let token = skydrive::Config::load(&config)
        .unwrap()
        .access_token
        .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let r = super::http()
            .put(format!("{url}/me/drive/root:/Documents/new.txt:/content"))
            .bearer_auth(&token)
            .body("survives")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    });
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_file(&config).unwrap();
    let (mut child, url) = spawn(&dir.path().join("data"), &config);
    rt.block_on(async {
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let r = http
            .get(format!("{url}/me/drive/root:/Documents/new.txt:/content"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.text().await.unwrap(), "survives");
        let r = http
            .get(format!("{url}/me/drive/root:/Pics"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "the demo seed is kept, not reseeded");
    });
    child.kill().unwrap();
    child.wait().unwrap();
}
