//! Folders, move/rename, delete, async copy, search, delta, recent, sharedWithMe.

use reqwest::Method;
use serde_json::{Value, json};

use super::{Api, code};

async fn mkdir(api: &Api, parent: &str, body: Value) -> (u16, Value) {
    api.send(Method::POST, &format!("{parent}/children"), body)
        .await
}

#[tokio::test]
async fn folder_creation_honours_conflict_behavior() {
    let api = Api::empty().await;
    let (st, a) = mkdir(
        &api,
        "/me/drive/root",
        json!({"name": "New Folder", "folder": {}}),
    )
    .await;
    assert_eq!(st, 201);
    assert_eq!(a["folder"]["childCount"], 0);
    let (st, e) = mkdir(
        &api,
        "/me/drive/root",
        json!({"name": "new folder", "folder": {}}),
    )
    .await;
    assert_eq!((st, code(&e)), (409, "nameAlreadyExists"));
    let (st, r) = mkdir(
        &api,
        "/me/drive/root",
        json!({"name": "New Folder", "folder": {}, "@microsoft.graph.conflictBehavior": "rename"}),
    )
    .await;
    assert_eq!((st, r["name"].as_str()), (201, Some("New Folder 1")));
    let (st, r) = mkdir(
        &api,
        "/me/drive/root:/New Folder:",
        json!({"name": "Sub", "folder": {}, "@name.conflictBehavior": "fail"}),
    )
    .await;
    assert_eq!(
        (st, r["parentReference"]["path"].as_str()),
        (201, Some("/drive/root:/New Folder"))
    );
}

#[tokio::test]
async fn patch_renames_and_moves_by_real_ids() {
    let api = Api::demo().await;
    let (_, root) = api.get("/me/drive/root").await;
    let (_, docs) = api.get("/me/drive/root:/Documents").await;
    let (_, pics) = api.get("/me/drive/root:/Pics").await;
    let (_, f) = api.get("/me/drive/root:/Pics/image1.jpg").await;
    let path = format!("/me/drive/items/{}", f["id"].as_str().unwrap());
    let (st, m) = api
        .send(
            Method::PATCH,
            &path,
            json!({"parentReference": {"id": docs["id"]}, "name": "moved.jpg",
               "fileSystemInfo": {"lastModifiedDateTime": "2021-05-06T07:08:09.123Z"}}),
        )
        .await;
    assert_eq!(st, 200);
    assert_eq!(m["parentReference"]["path"], "/drive/root:/Documents");
    assert_eq!(
        m["fileSystemInfo"]["lastModifiedDateTime"],
        "2021-05-06T07:08:09.123Z"
    );
    assert_eq!(m["id"], f["id"], "ids survive moves");
    let (st, e) = api
        .send(
            Method::PATCH,
            &path,
            json!({"parentReference": {"id": "root"}}),
        )
        .await;
    assert_eq!(
        (st, code(&e)),
        (400, "invalidRequest"),
        "the alias is not a real id"
    );
    let (st, _) = api
        .send(
            Method::PATCH,
            &path,
            json!({"parentReference": {"id": root["id"]}}),
        )
        .await;
    assert_eq!(st, 200);
    let (st, e) = api
        .send(
            Method::PATCH,
            &path,
            json!({"name": "IMAGE2.jpg", "parentReference": {"id": pics["id"]}}),
        )
        .await;
    assert_eq!((st, code(&e)), (409, "nameAlreadyExists"));
    let (st, e) = api
        .send(
            Method::PATCH,
            &format!("/me/drive/items/{}", docs["id"].as_str().unwrap()),
            json!({"parentReference": {"id": docs["id"]}}),
        )
        .await;
    assert_eq!((st, code(&e)), (400, "invalidRequest"), "not into itself");
}

#[tokio::test]
async fn patch_checks_names_and_if_match() {
    let api = Api::demo().await;
    let (_, f) = api.get("/me/drive/root:/Pics/image1.jpg").await;
    let path = format!("/me/drive/items/{}", f["id"].as_str().unwrap());
    let (st, e) = api
        .send(Method::PATCH, &path, json!({"name": "bad:name"}))
        .await;
    assert_eq!((st, code(&e)), (400, "invalidRequest"));
    let r = api
        .req(Method::PATCH, &path)
        .header("If-Match", "\"aWrong\"")
        .json(&json!({"name": "z.jpg"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 412);
    let r = api
        .req(Method::PATCH, &path)
        .header("If-Match", f["eTag"].as_str().unwrap())
        .json(&json!({"name": "z.jpg"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "a matching eTag passes");
}

#[tokio::test]
async fn delete_is_recursive() {
    let api = Api::demo().await;
    let (_, pics) = api.get("/me/drive/root:/Pics").await;
    let r = api
        .req(Method::DELETE, "/me/drive/root:/Pics")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(api.get("/me/drive/root:/Pics/image1.jpg").await.0, 404);
    assert_eq!(
        api.get(&format!("/me/drive/items/{}", pics["id"].as_str().unwrap()))
            .await
            .0,
        404
    );
    assert!(api.emu.file_bytes("Pics/image1.jpg").is_none());
    assert_eq!(
        api.req(Method::DELETE, "/me/drive/root")
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

#[tokio::test]
async fn copy_is_async_with_a_monitor_on_the_second_listener() {
    let api = Api::demo().await;
    let (_, docs) = api.get("/me/drive/root:/Documents").await;
    let r = api
        .req(Method::POST, "/me/drive/root:/Pics:/copy")
        .json(&json!({"parentReference": {"id": docs["id"]}, "name": "PicsCopy"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let monitor = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(monitor.starts_with(api.emu.content_origin()));
    let (st, first) = super::decode(api.http.get(&monitor).send().await.unwrap()).await;
    assert_eq!((st, first["status"].as_str()), (202, Some("inProgress")));
    let mut done = Value::Null;
    for _ in 0..100 {
        let (_, s) = super::decode(api.http.get(&monitor).send().await.unwrap()).await;
        if s["status"] == "completed" {
            done = s;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let id = done["resourceId"].as_str().expect("copy completes");
    let (_, copy) = api.get(&format!("/me/drive/items/{id}")).await;
    assert_eq!(copy["name"], "PicsCopy");
    assert_eq!(copy["folder"]["childCount"], 2);
    assert_eq!(
        api.emu.file_bytes("Documents/PicsCopy/image1.jpg"),
        api.emu.file_bytes("Pics/image1.jpg")
    );
    let (st, e) = api
        .send(
            Method::POST,
            "/me/drive/root:/Pics:/copy",
            json!({"parentReference": {"id": docs["id"]}, "name": "PicsCopy"}),
        )
        .await;
    assert_eq!((st, code(&e)), (409, "nameAlreadyExists"));
}

#[tokio::test]
async fn search_recent_and_shared_with_me() {
    let api = Api::demo().await;
    let (st, hits) = api.get("/me/drive/root/search(q='IMAGE')").await;
    assert_eq!(st, 200);
    let names: Vec<&str> = hits["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(hits["value"][0]["searchResult"].is_object());
    let (_, none) = api
        .get("/me/drive/root:/Documents:/search(q='image')")
        .await;
    assert_eq!(none["value"].as_array().unwrap().len(), 0);
    let (_, quoted) = api.get("/drive/search(q='it''s')").await;
    assert_eq!(quoted["value"].as_array().unwrap().len(), 0);
    api.put("new.txt", b"n").await;
    let (st, recent) = api.get("/me/drive/recent").await;
    assert_eq!(st, 200);
    assert_eq!(recent["value"][0]["name"], "new.txt");
    let (st, shared) = api.get("/me/drive/sharedWithMe").await;
    assert_eq!(
        (st, shared["value"].as_array().map(Vec::len)),
        (200, Some(2)),
        "the second user's two folders"
    );
}

#[tokio::test]
async fn delta_enumerates_then_reports_changes() {
    let api = Api::demo().await;
    let (mut items, mut link) = (Vec::new(), "/me/drive/root/delta?$top=2".to_owned());
    let delta_link = loop {
        let (st, page) = api.get(&link).await;
        assert_eq!(st, 200);
        items.extend(
            page["value"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["name"].as_str().unwrap_or("").to_owned()),
        );
        if let Some(next) = page["@odata.nextLink"].as_str() {
            link = next.to_owned();
        } else {
            break page["@odata.deltaLink"].as_str().unwrap().to_owned();
        }
    };
    assert_eq!(
        items.len(),
        7,
        "root + 2 folders + 3 files + the shortcut (not its content): {items:?}"
    );
    assert_eq!(items[0], "root", "parents first");
    let (_, none) = api.get(&delta_link).await;
    assert_eq!(none["value"].as_array().unwrap().len(), 0);
    api.put("Documents/new.txt", b"n").await;
    api.req(Method::DELETE, "/me/drive/root:/Pics/image2.jpg")
        .send()
        .await
        .unwrap();
    let (mut v, mut next) = (Vec::new(), Some(delta_link));
    while let Some(link) = next {
        let (_, page) = api.get(&link).await;
        v.extend(page["value"].as_array().unwrap().iter().cloned());
        next = page["@odata.nextLink"].as_str().map(str::to_owned);
    }
    assert!(v.iter().any(|i| i["name"] == "new.txt"));
    assert!(
        v.iter()
            .any(|i| i["name"] == "image2.jpg" && i["deleted"].is_object())
    );
    let (_, latest) = api.get("/me/drive/root/delta?token=latest").await;
    assert_eq!(latest["value"].as_array().unwrap().len(), 0);
    assert!(latest["@odata.deltaLink"].is_string());
    let r = api
        .req(Method::GET, "/me/drive/root/delta?token=bogus")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 410);
    assert!(r.headers().contains_key("location"));
    let (_, body) = super::decode(r).await;
    assert_eq!(code(&body), "resyncRequired");
    let (st, _) = api.get("/me/drive/root/delta(token='latest')").await;
    assert_eq!(st, 200);
}
