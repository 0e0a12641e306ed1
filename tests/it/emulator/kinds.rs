//! The kinds of items of issue 11 (graph-api.md §2, §8, §13), in both profiles: a shortcut
//! to a folder another user shares, read-write and read-only shares, `sharedWithMe`, a
//! OneNote notebook and a malware-flagged file. `Seed::Kinds` holds them all.

use reqwest::Method;
use serde_json::Value;
use skydrive::emulator::{Profile, Seed};

use super::{Api, code, decode};
use crate::common::{EmuProcess, cli};

const PROFILES: [Profile; 2] = [Profile::Personal, Profile::Business];

fn items(v: &Value) -> &Vec<Value> {
    v["value"].as_array().unwrap()
}

fn find<'a>(v: &'a Value, name: &str) -> &'a Value {
    items(v).iter().find(|i| i["name"] == name).unwrap()
}

/// `/drives/{drive}/items/{id}` of an item's `remoteItem`.
fn remote_base(item: &Value) -> String {
    let r = &item["remoteItem"];
    let drive = r["parentReference"]["driveId"].as_str().unwrap();
    format!("/drives/{drive}/items/{}", r["id"].as_str().unwrap())
}

#[tokio::test]
async fn a_shortcut_is_a_remote_folder_reached_on_its_own_drive() {
    for p in PROFILES {
        let api = Api::profile(p, Seed::Kinds).await;
        let (_, root) = api.get("/me/drive/root/children").await;
        let shortcut = find(&root, "Shared Folder");
        assert!(
            shortcut["folder"].is_null(),
            "{p:?}: no folder facet: {shortcut}"
        );
        assert!(shortcut["file"].is_null());
        assert!(shortcut["remoteItem"]["folder"]["childCount"].is_u64());
        let base = remote_base(shortcut);
        let (st, kids) = api.get(&format!("{base}/children")).await;
        let names: Vec<&str> = items(&kids)
            .iter()
            .map(|i| i["name"].as_str().unwrap())
            .collect();
        assert_eq!((st, names), (200, vec!["notes.txt", "sub"]), "{p:?}");
        let (st, e) = api.get("/me/drive/root:/Shared Folder/sub:").await;
        assert_eq!(
            (st, code(&e)),
            (404, "itemNotFound"),
            "{p:?}: root: paths stop at it"
        );
        let (st, sub) = api.get(&format!("{base}:/sub:")).await;
        assert_eq!((st, sub["name"].as_str()), (200, Some("sub")), "{p:?}");
        let put = api.req(Method::PUT, &format!("{base}:/sub/new.txt:/content"));
        let (st, new) = decode(put.body("mine").send().await.unwrap()).await;
        assert_eq!(st, 201, "{p:?}: the folder is shared read-write: {new}");
        assert_eq!(new["createdBy"]["user"]["displayName"], "Demo User");
        let (st, _) = api.put("Shared%20Folder/x.txt", b"x").await;
        assert_eq!(st, 404, "{p:?}: no writes through the shortcut's path");
    }
}

#[tokio::test]
async fn a_read_only_share_refuses_writes_with_access_denied() {
    for p in PROFILES {
        let api = Api::profile(p, Seed::Kinds).await;
        let (st, shared) = api.get("/me/drive/sharedWithMe").await;
        assert_eq!(st, 200);
        for item in items(&shared) {
            assert!(
                item["remoteItem"]["parentReference"]["driveId"].is_string(),
                "{item}"
            );
        }
        let ro = find(&shared, "Read-only Folder");
        assert!(ro["remoteItem"]["folder"].is_object());
        let base = remote_base(ro);
        let (st, kids) = api.get(&format!("{base}/children")).await;
        assert_eq!((st, items(&kids).len()), (200, 1), "{p:?}: readable");
        let put = api.req(Method::PUT, &format!("{base}:/no.txt:/content"));
        let (st, e) = decode(put.body("no").send().await.unwrap()).await;
        assert_eq!((st, code(&e)), (403, "accessDenied"), "{p:?}");
        let report = &items(&kids)[0];
        let report_url = format!("{base}:/report.txt:");
        for (m, url) in [
            (Method::DELETE, report_url.clone()),
            (Method::PATCH, report_url),
        ] {
            let r = api
                .req(m.clone(), &url)
                .json(&serde_json::json!({"name": "r.txt"}));
            let (st, e) = decode(r.send().await.unwrap()).await;
            assert_eq!((st, code(&e)), (403, "accessDenied"), "{p:?} {m} {report}");
        }
        let budget = find(&shared, "budget.txt");
        assert!(budget["remoteItem"]["file"].is_object(), "a shared file");
        let r = api
            .req(Method::GET, &format!("{}/content", remote_base(budget)))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            302,
            "{p:?}: a shared file downloads from its own drive"
        );
    }
}

#[tokio::test]
async fn delta_of_the_owner_drive_leaves_out_the_shortcuts_content() {
    for p in PROFILES {
        let api = Api::profile(p, Seed::Kinds).await;
        let (_, delta) = api.get("/me/drive/root/delta").await;
        let names: Vec<&str> = items(&delta)
            .iter()
            .filter_map(|i| i["name"].as_str())
            .collect();
        assert!(names.contains(&"Shared Folder"), "{p:?}: {names:?}");
        for theirs in ["notes.txt", "sub", "a.txt", "report.txt"] {
            assert!(!names.contains(&theirs), "{p:?}: {theirs} in {names:?}");
        }
        let shortcut = items(&delta)
            .iter()
            .find(|i| i["name"] == "Shared Folder")
            .unwrap();
        assert!(shortcut["remoteItem"].is_object());
    }
}

#[tokio::test]
async fn a_notebook_is_a_package_without_content() {
    for p in PROFILES {
        let api = Api::profile(p, Seed::Kinds).await;
        let (st, book) = api.get("/me/drive/root:/Documents/Notebook").await;
        assert_eq!(st, 200);
        assert_eq!(book["package"]["type"], "oneNote", "{p:?}");
        assert!(book["file"].is_null() && book["folder"].is_null(), "{book}");
        let (st, e) = api.get("/me/drive/root:/Documents/Notebook:/content").await;
        assert_eq!((st, code(&e)), (404, "itemNotFound"), "{p:?}");
        let (st, sections) = api
            .get("/me/drive/root:/Documents/Notebook:/children")
            .await;
        assert_eq!((st, items(&sections).len()), (200, 2), "{p:?}");
        assert!(find(&sections, "Section 1.one")["file"].is_object());
    }
}

#[tokio::test]
async fn a_flagged_file_refuses_its_content_with_malware_detected() {
    for p in PROFILES {
        let api = Api::profile(p, Seed::Kinds).await;
        let (_, f) = api.get("/me/drive/root:/Documents/flagged.exe").await;
        assert!(f["malware"]["description"].is_string(), "{p:?}: {f}");
        assert!(f["file"].is_object());
        let r = api
            .req(
                Method::GET,
                "/me/drive/root:/Documents/flagged.exe:/content",
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        assert!(r.headers().contains_key("x-virus-infected"));
        let (_, e) = decode(r).await;
        assert_eq!(code(&e), "malwareDetected");
        let url = f["@microsoft.graph.downloadUrl"].as_str().unwrap();
        let r = api.http.get(url).send().await.unwrap();
        assert_eq!(
            r.status(),
            403,
            "{p:?}: the pre-authenticated URL refuses too"
        );
    }
}

#[test]
fn the_kinds_seed_from_the_binary_and_from_demo() {
    let dir = tempfile::tempdir().unwrap();
    let emu = EmuProcess::start(dir.path(), &["--seed", "kinds", "--profile", "business"]);
    cli(dir.path())
        .env("SKYDRIVE_CONFIG", &emu.config)
        .args(["--json", "info", "/Documents/Notebook"])
        .assert()
        .success()
        .stdout(predicates::str::contains("\"oneNote\""))
        .stdout(predicates::str::contains("\"business\""));
    for profile in ["personal", "business"] {
        cli(dir.path())
            .env("SKYDRIVE_HOME", dir.path().join("home"))
            .env("SKYDRIVE_DEMO_SEED", "kinds")
            .env("SKYDRIVE_DEMO_PROFILE", profile)
            .args(["--demo", "--json", "info", "/Documents/flagged.exe"])
            .assert()
            .success()
            .stdout(predicates::str::contains("malware"))
            .stdout(predicates::str::contains(format!("\"{profile}\"")));
    }
    cli(dir.path())
        .env("SKYDRIVE_DEMO_PROFILE", "team")
        .args(["--demo", "ls"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("SKYDRIVE_DEMO_PROFILE"));
}
