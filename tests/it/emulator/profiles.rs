//! The two profiles (issue 12): personal's id forms and drive-id cases, business's ids, tags,
//! times, hashes, name rules, root-only delta and several drives (graph-api.md §1, §2, §8).

use reqwest::Method;
use serde_json::{Value, json};
use skydrive::emulator::{Profile, Seed};

use super::{Api, code, decode};

fn items(v: &Value) -> &Vec<Value> {
    v["value"].as_array().unwrap()
}

fn names(v: &Value) -> Vec<&str> {
    items(v)
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn personal_ids_and_drive_id_cases() {
    let api = Api::demo().await;
    let (_, drive) = api.get("/me/drive").await;
    let d = drive["id"].as_str().unwrap();
    assert_eq!(
        d,
        api.emu.drive_id().to_lowercase(),
        "the drive resource: lower case"
    );
    let up = d.to_uppercase();
    let (_, root) = api.get("/me/drive/root").await;
    assert_eq!(
        root["id"],
        format!("{up}!sea8cc6beffdb43d7976fbc7da445c639")
    );
    let (_, f) = api.get("/me/drive/root:/Documents/README.txt").await;
    let id = f["id"].as_str().unwrap();
    let (prefix, rest) = id.split_once('!').unwrap();
    assert_eq!(prefix, up, "item ids: upper case");
    assert!(rest.len() == 33 && rest.starts_with('s'), "{id}");
    assert!(rest[1..].bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    assert_eq!(
        f["parentReference"]["driveId"], d,
        "plain answers: lower case"
    );
    let (_, delta) = api.get("/me/drive/root/delta").await;
    let in_delta = items(&delta).iter().find(|i| i["id"] == id).unwrap();
    assert_eq!(
        in_delta["parentReference"]["driveId"], d,
        "delta of your own drive: lower case, as /me/drive says (rclone's delta mode compares them)"
    );
    for (drive, item) in [
        (d.to_owned(), id.to_lowercase()),
        (up.clone(), id.to_owned()),
    ] {
        let (st, _) = api.get(&format!("/drives/{drive}/items/{item}")).await;
        assert_eq!(st, 200, "any case is accepted: {drive} {item}");
    }
    let (_, kids) = api.get("/me/drive/root/children").await;
    let shortcut = items(&kids)
        .iter()
        .find(|i| i["name"] == "Shared Folder")
        .unwrap();
    let remote_drive = shortcut["remoteItem"]["parentReference"]["driveId"]
        .as_str()
        .unwrap();
    let other = api.emu.other_drive_id();
    assert!(other.starts_with('0'));
    assert_eq!(remote_drive, other.trim_start_matches('0').to_lowercase());
    let target = shortcut["remoteItem"]["id"].as_str().unwrap();
    let (_, on_its_drive) = api
        .get(&format!("/drives/{remote_drive}/items/{target}/children"))
        .await;
    let owner_drive = items(&on_its_drive)[0]["parentReference"]["driveId"].clone();
    assert_eq!(
        owner_drive,
        other.to_uppercase(),
        "a shared folder queried on its own drive: upper case"
    );
}

#[tokio::test]
async fn business_ids_tags_times_and_hashes() {
    let api = Api::profile(Profile::Business, Seed::Demo).await;
    let (_, drive) = api.get("/me/drive").await;
    assert_eq!(drive["driveType"], "business");
    assert!(drive["id"].as_str().unwrap().starts_with("b!"));
    assert!(drive["quota"]["fileCount"].is_u64());
    let (_, docs) = api.get("/me/drive/root:/Documents").await;
    let (_, f) = api.get("/me/drive/root:/Documents/README.txt").await;
    for item in [&docs, &f] {
        let id = item["id"].as_str().unwrap();
        assert_eq!(id.len(), 34, "{id}");
        assert!(id.starts_with("01"), "{id}");
        let etag = item["eTag"].as_str().unwrap();
        assert!(
            etag.starts_with("\"{") && etag.ends_with('"') && etag.contains("},"),
            "{etag}"
        );
        for t in ["createdDateTime", "lastModifiedDateTime"] {
            assert!(
                !item[t].as_str().unwrap().contains('.'),
                "whole seconds: {item}"
            );
        }
        assert_eq!(item["parentReference"]["driveType"], "business");
    }
    assert!(docs["cTag"].is_null(), "no cTag on business folders");
    assert!(f["cTag"].as_str().unwrap().starts_with("\"c:{"));
    assert_eq!(
        f["file"]["hashes"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["quickXorHash"]
    );
    let etag = f["eTag"].as_str().unwrap().to_owned();
    let url = "/me/drive/root:/Documents/README.txt";
    let r = api.req(Method::PATCH, url).header("If-Match", "\"{0},1\"");
    let (st, e) = decode(r.json(&json!({"name": "x.txt"})).send().await.unwrap()).await;
    assert_eq!((st, code(&e)), (412, "resourceModified"));
    let r = api.req(Method::PATCH, url).header("If-Match", &etag);
    let (st, _) = decode(r.json(&json!({"name": "R.txt"})).send().await.unwrap()).await;
    assert_eq!(st, 200, "the quoted eTag matches");
}

#[tokio::test]
async fn business_delta_works_only_on_the_root() {
    let api = Api::profile(Profile::Business, Seed::Demo).await;
    let (st, _) = api.get("/me/drive/root/delta").await;
    assert_eq!(st, 200);
    let (st, e) = api.get("/me/drive/root:/Documents:/delta").await;
    assert_eq!((st, code(&e)), (400, "notSupported"));
    let personal = Api::demo().await;
    let (st, _) = personal.get("/me/drive/root:/Documents:/delta").await;
    assert_eq!(st, 200, "personal drives answer delta on any folder");
}

#[tokio::test]
async fn business_follows_the_sharepoint_name_rules() {
    let api = Api::profile(Profile::Business, Seed::Empty).await;
    for bad in ["~lock.txt", "a_vti_b.txt"] {
        let (st, e) = api.put(bad, b"x").await;
        assert_eq!((st, code(&e)), (400, "invalidRequest"), "{bad}");
    }
    let (st, _) = api
        .send(
            Method::POST,
            "/me/drive/root/children",
            json!({"name": "Forms", "folder": {}}),
        )
        .await;
    assert_eq!(st, 400, "a folder `forms` at the library root");
    let (st, _) = api
        .send(
            Method::POST,
            "/me/drive/root/children",
            json!({"name": "A", "folder": {}}),
        )
        .await;
    assert_eq!(st, 201);
    let (st, _) = api
        .send(
            Method::POST,
            "/me/drive/root:/A:/children",
            json!({"name": "Forms", "folder": {}}),
        )
        .await;
    assert_eq!(st, 201, "`forms` below the root is fine");
    let personal = Api::empty().await;
    let (st, _) = personal.put("~lock.txt", b"x").await;
    assert_eq!(st, 201, "personal allows a leading tilde");
}

#[tokio::test]
async fn business_has_several_drives_and_a_site_library() {
    let api = Api::profile(Profile::Business, Seed::Demo).await;
    let (st, list) = api.get("/me/drives").await;
    assert_eq!(st, 200);
    let kinds: Vec<&str> = items(&list)
        .iter()
        .map(|d| d["driveType"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["business", "documentLibrary"]);
    let site = api.emu.site_drive_id().unwrap();
    assert_eq!(items(&list)[1]["id"], site);
    let (st, kids) = api.get(&format!("/drives/{site}/root/children")).await;
    assert_eq!((st, names(&kids)), (200, vec!["General"]));
    let (_, general) = api.get(&format!("/drives/{site}/root:/General")).await;
    let site_id = general["parentReference"]["siteId"].as_str().unwrap();
    let (st, d) = api.get(&format!("/sites/{site_id}/drive")).await;
    assert_eq!((st, &d["id"]), (200, &json!(site)));
    let r = api
        .req(
            Method::PUT,
            &format!("/drives/{site}/root:/General/plan.txt:/content"),
        )
        .body("plan")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "members write the library");
    let (st, _) = api
        .get(&format!(
            "/drives/{site}/items/{}",
            general["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(st, 200);
    let (st, _) = api
        .get(&format!(
            "/me/drive/items/{}",
            general["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(st, 404, "ids are drive-scoped");
}

#[tokio::test]
async fn another_users_drive_is_closed_except_what_they_share() {
    for profile in [Profile::Personal, Profile::Business] {
        let api = Api::profile(profile, Seed::Demo).await;
        let other = api.emu.other_drive_id();
        let (st, e) = api.get(&format!("/drives/{other}/root/children")).await;
        assert_eq!((st, code(&e)), (403, "accessDenied"), "{profile:?}");
        let as_other = api.emu.other_user_token();
        let secret = api
            .http
            .get(api.url("/me/drive/root:/Private/secret.txt"))
            .bearer_auth(&as_other)
            .send()
            .await
            .unwrap();
        let (st, secret) = decode(secret).await;
        assert_eq!(st, 200, "the second user's token acts as them");
        let id = secret["id"].as_str().unwrap();
        let (st, e) = api.get(&format!("/drives/{other}/items/{id}")).await;
        assert_eq!((st, code(&e)), (403, "accessDenied"), "{profile:?}");
        let (st, me) = decode(
            api.http
                .get(api.url("/me"))
                .bearer_auth(&as_other)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            (st, me["displayName"].as_str()),
            (200, Some("Robin Example"))
        );
    }
}
