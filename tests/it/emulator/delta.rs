//! Folder-scoped delta and items that leave the folder: the service reports an item moved out
//! of the folder a delta follows as deleted (graph-api.md §8), so a client keeping the folder
//! in step drops it; the emulator does the same.

use reqwest::Method;
use serde_json::{Value, json};

use super::Api;

/// Follows `link` to its deltaLink; returns the items and the new deltaLink.
async fn round(api: &Api, link: &str) -> (Vec<Value>, String) {
    let (mut items, mut next) = (Vec::new(), link.to_owned());
    loop {
        let (st, page) = api.get(&next).await;
        assert_eq!(st, 200, "{page}");
        items.extend(page["value"].as_array().unwrap().iter().cloned());
        match page["@odata.nextLink"].as_str() {
            Some(n) => next = n.to_owned(),
            None => return (items, page["@odata.deltaLink"].as_str().unwrap().to_owned()),
        }
    }
}

async fn move_to(api: &Api, path: &str, parent: &Value) {
    let body = json!({"parentReference": {"id": parent["id"]}});
    let (st, moved) = api.send(Method::PATCH, path, body).await;
    assert_eq!(st, 200, "{moved}");
}

#[tokio::test]
async fn an_item_moved_out_of_a_folder_is_deleted_in_its_delta_and_only_there() {
    let api = Api::demo().await;
    let (_, pics) = api.get("/me/drive/root:/Pics").await;
    let (_, docs) = api.get("/me/drive/root:/Documents").await;
    let (_, image1) = api.get("/me/drive/root:/Pics/image1.jpg").await;
    let (_, image2) = api.get("/me/drive/root:/Pics/image2.jpg").await;
    let (_, start) = round(&api, "/me/drive/root:/Pics:/delta").await;
    let (_, root_start) = round(&api, "/me/drive/root/delta?token=latest").await;

    move_to(&api, "/me/drive/root:/Pics/image1.jpg", &docs).await;
    // Out and back in within one round: it is there, not deleted.
    move_to(&api, "/me/drive/root:/Pics/image2.jpg", &docs).await;
    move_to(&api, "/me/drive/root:/Documents/image2.jpg", &pics).await;

    let (items, next) = round(&api, &start).await;
    let gone: Vec<&Value> = items.iter().filter(|i| i["deleted"].is_object()).collect();
    assert_eq!(gone.len(), 1, "{items:#?}");
    assert_eq!(gone[0]["id"], image1["id"]);
    assert_eq!(
        gone[0]["parentReference"]["id"], pics["id"],
        "the folder it left"
    );
    let live = |id: &Value| {
        items
            .iter()
            .any(|i| i["id"] == *id && i["deleted"].is_null())
    };
    assert!(
        live(&image2["id"]),
        "moved back in: reported as it is: {items:#?}"
    );

    let (in_docs, _) = round(&api, "/me/drive/root:/Documents:/delta").await;
    assert!(
        in_docs
            .iter()
            .any(|i| i["id"] == image1["id"] && i["deleted"].is_null())
    );
    let (in_root, _) = round(&api, &root_start).await;
    assert!(
        in_root.iter().all(|i| i["deleted"].is_null()),
        "nothing left the drive: {in_root:#?}"
    );
    let (again, _) = round(&api, &next).await;
    assert!(again.is_empty(), "reported once: {again:#?}");

    // A folder moved out goes as one item; what it holds goes with it.
    let (_, start) = round(&api, "/me/drive/root:/Documents:/delta").await;
    let (_, made) = api
        .send(
            Method::POST,
            "/me/drive/root:/Documents:/children",
            json!({"name": "Sub", "folder": {}}),
        )
        .await;
    api.put("Documents/Sub/in.txt", b"in").await;
    let (_, start2) = round(&api, &start).await;
    move_to(&api, "/me/drive/root:/Documents/Sub", &pics).await;
    let (items, _) = round(&api, &start2).await;
    let gone: Vec<&Value> = items.iter().filter(|i| i["deleted"].is_object()).collect();
    assert_eq!(gone.len(), 1, "{items:#?}");
    assert_eq!(gone[0]["id"], made["id"]);
    assert_eq!(gone[0]["folder"], json!({}));
}
