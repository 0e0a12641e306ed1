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
    assert!(id.starts_with(&format!("{}!s", emu.drive_id())));
    drop(emu);
    let stray = dir.path().join("blobs").join("stray-upload");
    let young = dir.path().join("blobs").join("young-upload");
    for f in [&stray, &young] {
        std::fs::write(f, b"left over").unwrap();
    }
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    let file = std::fs::File::options().write(true).open(&stray).unwrap();
    file.set_modified(two_hours_ago).unwrap();
    let emu = Emulator::start(opts()).await.unwrap();
    assert!(
        !stray.exists(),
        "old unreferenced blobs are cleaned at start"
    );
    assert!(
        young.exists(),
        "young ones may be an upload another process receives"
    );
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
    // Every change is journaled before its answer; SIGTERM still stops cleanly.
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    assert!(child.wait().unwrap().success(), "SIGTERM is a clean stop");
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

#[tokio::test]
async fn the_request_log_file_gets_one_json_line_per_request() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("requests.jsonl");
    let emu = Emulator::start(EmulatorOptions {
        request_log_file: Some(log.clone()),
        ..EmulatorOptions::default()
    })
    .await
    .unwrap();
    let http = super::http();
    let url = format!("{}/me/drive/root/children", emu.graph_url());
    let ok = http
        .get(&url)
        .bearer_auth(emu.access_token())
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let refused = http.get(&url).send().await.unwrap();
    assert_eq!(refused.status(), 401);
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0]["status"], 200);
    assert_eq!(lines[0]["authorization"], true);
    assert_eq!(lines[1]["status"], 401);
    assert_eq!(lines[1]["listener"], "graph");
    assert!(!text.contains(&emu.access_token()), "no token in the log");
}

#[tokio::test]
async fn a_change_is_on_disk_when_its_answer_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let opts = || EmulatorOptions {
        seed: Seed::Empty,
        data_dir: Some(dir.path().to_owned()),
        ..EmulatorOptions::default()
    };
    let first = Emulator::start(opts()).await.unwrap();
    first.put_file("soon/written.txt", b"x");
    let second = Emulator::start(opts()).await.unwrap();
    assert_eq!(second.file_bytes("soon/written.txt").unwrap(), b"x");
    let r = super::http()
        .put(format!(
            "{}/me/drive/root:/b.txt:/content",
            second.graph_url()
        ))
        .bearer_auth(second.access_token())
        .body("from the second")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let r = super::http()
        .get(format!("{}/me/drive/root:/b.txt", first.graph_url()))
        .bearer_auth(first.access_token())
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        200,
        "each request sees what the other committed"
    );
}

#[tokio::test]
async fn a_data_dir_of_an_older_emulator_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("blobs")).unwrap();
    std::fs::write(dir.path().join("blobs").join("k1"), b"old bytes").unwrap();
    let node = |n: u64, name: &str, parent: Option<u64>, blob: serde_json::Value| {
        let t = "2020-01-01T00:00:00.000Z";
        serde_json::json!({"n": n, "name": name, "parent": parent, "blob": blob, "seq": 2,
            "cseq": 2, "created": t, "modified": t, "fs_created": t, "fs_modified": t,
            "special": null, "children": {}})
    };
    let blob = serde_json::json!({"key": "k1", "size": 9, "quick_xor": "x", "sha256": "y"});
    let old = serde_json::json!({"store": {"drive_id": "5D1B2C3A4F6E7D80", "next": 104, "seq": 3,
        "tombstones": [], "permissions": {},
        "nodes": {"101": node(101, "root", None, serde_json::Value::Null),
                  "102": node(102, "Old", Some(101), serde_json::Value::Null),
                  "103": node(103, "a.txt", Some(102), blob)}},
        "auth": {"access": {}, "refresh": [], "primary_access": null, "primary_refresh": null}});
    std::fs::write(dir.path().join("drive.json"), old.to_string()).unwrap();
    let emu = Emulator::start(EmulatorOptions {
        data_dir: Some(dir.path().to_owned()),
        ..EmulatorOptions::default()
    })
    .await
    .unwrap();
    assert_eq!(emu.file_bytes("Old/a.txt").unwrap(), b"old bytes");
    let r = super::http()
        .get(format!("{}/me/drive/root:/Old/a.txt", emu.graph_url()))
        .bearer_auth(emu.access_token())
        .send()
        .await
        .unwrap();
    let item: serde_json::Value = r.json().await.unwrap();
    assert!(
        item["id"]
            .as_str()
            .unwrap()
            .starts_with("5D1B2C3A4F6E7D80!s"),
        "{item}"
    );
    assert!(
        !emu.other_drive_id().is_empty(),
        "the second user's drive is added"
    );
    drop(emu);
    let again = Emulator::start(EmulatorOptions {
        data_dir: Some(dir.path().to_owned()),
        profile: skydrive::emulator::Profile::Business,
        ..EmulatorOptions::default()
    })
    .await
    .unwrap_err();
    assert!(
        again.to_string().contains("holds a personal world"),
        "{again}"
    );
}

#[tokio::test]
async fn a_written_configs_refresh_token_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let opts = || EmulatorOptions {
        seed: Seed::Empty,
        data_dir: Some(dir.path().join("data")),
        ..EmulatorOptions::default()
    };
    let emu = Emulator::start(opts()).await.unwrap();
    let cfg = emu.client_config(&dir.path().join("lcrc"));
    drop(emu);
    let emu = Emulator::start(opts()).await.unwrap();
    let form = [
        ("client_id", "x"),
        ("grant_type", "refresh_token"),
        ("refresh_token", cfg.refresh_token.as_deref().unwrap()),
    ];
    let r = super::http()
        .post(format!("{}/common/oauth2/v2.0/token", emu.login_url()))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}
