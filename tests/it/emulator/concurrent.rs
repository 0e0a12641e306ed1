//! Two processes serving one data dir never lose each other's committed changes (issue 17
//! item 2): two `skydrive-emu --data DIR` writing at once, and two `--demo` shells.

use std::collections::BTreeSet;
use std::process::Stdio;

use reqwest::Method;
use serde_json::json;

use super::http;
use crate::common::{EmuProcess, cli};

/// The names in `/me/drive/root` of the server at `url`, all pages.
async fn root_names(url: &str, token: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut next = Some(format!("{url}/me/drive/root/children?$top=1000"));
    while let Some(link) = next {
        let page: serde_json::Value = http()
            .get(&link)
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for item in page["value"].as_array().unwrap() {
            names.insert(item["name"].as_str().unwrap().to_owned());
        }
        next = page["@odata.nextLink"].as_str().map(str::to_owned);
    }
    names
}

fn token(emu: &EmuProcess) -> String {
    skydrive::Config::load(&emu.config)
        .unwrap()
        .access_token
        .unwrap()
}

/// `n` folders and `n` files named after `who`, one request at a time.
async fn write_many(url: String, token: String, who: &'static str, n: usize) {
    for i in 0..n {
        let r = http()
            .request(Method::POST, format!("{url}/me/drive/root/children"))
            .bearer_auth(&token)
            .json(&json!({"name": format!("{who}-dir-{i}"), "folder": {}}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{who} {i}");
        let r = http()
            .put(format!("{url}/me/drive/root:/{who}-file-{i}.txt:/content"))
            .bearer_auth(&token)
            .body(format!("{who} {i}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{who} {i}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_data_dir_keep_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (a_dir, b_dir) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&a_dir).unwrap();
    std::fs::create_dir_all(&b_dir).unwrap();
    let data_arg = data.to_str().unwrap();
    let a = EmuProcess::start(&a_dir, &["--data", data_arg, "--seed", "empty"]);
    let b = EmuProcess::start(&b_dir, &["--data", data_arg, "--seed", "empty"]);
    let n = 60;
    let wa = tokio::spawn(write_many(a.graph_url.clone(), token(&a), "a", n));
    let wb = tokio::spawn(write_many(b.graph_url.clone(), token(&b), "b", n));
    wa.await.unwrap();
    wb.await.unwrap();
    for emu in [&a, &b] {
        let names = root_names(&emu.graph_url, &token(emu)).await;
        assert_eq!(names.len(), 4 * n, "{}: {names:?}", emu.graph_url);
    }
    drop((a, b));
    let c_dir = dir.path().join("c");
    std::fs::create_dir_all(&c_dir).unwrap();
    let c = EmuProcess::start(&c_dir, &["--data", data_arg]);
    let names = root_names(&c.graph_url, &token(&c)).await;
    assert_eq!(names.len(), 4 * n, "after both stopped (killed): {names:?}");
}

#[test]
fn two_demo_shells_keep_each_others_folders() {
    let dir = tempfile::tempdir().unwrap();
    let script = |who: &str| {
        (0..25)
            .map(|i| format!("mkdir {who}{i}"))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let spawn = |who: &str| {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("skydrive-cli"));
        cmd.env_clear()
            .env("HOME", dir.path())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .args(["--demo", "-c", &script(who)])
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        cmd.spawn().unwrap()
    };
    let (mut a, mut b) = (spawn("FromA"), spawn("FromB"));
    assert!(a.wait().unwrap().success());
    assert!(b.wait().unwrap().success());
    let out = cli(dir.path()).args(["--demo", "ls"]).assert().success();
    let listed = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for who in ["FromA", "FromB"] {
        for i in 0..25 {
            assert!(
                listed.contains(&format!("- {who}{i}\n")),
                "{who}{i}: {listed}"
            );
        }
    }
}
