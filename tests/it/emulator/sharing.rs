//! Sharing (graph-api.md §7): createLink types, permissions and /shares resolution.

use reqwest::Method;
use serde_json::json;

use super::Api;

#[tokio::test]
async fn create_link_types_and_repeats() {
    let api = Api::demo().await;
    let p = "/me/drive/root:/Documents/README.txt:";
    let (st, view) = api
        .send(
            Method::POST,
            &format!("{p}/createLink"),
            json!({"type": "view", "scope": "anonymous"}),
        )
        .await;
    assert_eq!(st, 201);
    assert_eq!(view["roles"], json!(["read"]));
    assert!(
        view["link"]["webUrl"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let (st, again) = api
        .send(
            Method::POST,
            &format!("{p}/createLink"),
            json!({"type": "view", "scope": "anonymous"}),
        )
        .await;
    assert_eq!((st, &again["id"]), (200, &view["id"]));
    let (st, edit) = api
        .send(
            Method::POST,
            &format!("{p}/createLink"),
            json!({"type": "edit"}),
        )
        .await;
    assert_eq!((st, &edit["roles"]), (201, &json!(["write"])));
    let (st, embed) = api
        .send(
            Method::POST,
            &format!("{p}/createLink"),
            json!({"type": "embed"}),
        )
        .await;
    assert_eq!(st, 201);
    assert!(
        embed["link"]["webHtml"]
            .as_str()
            .unwrap()
            .contains("<iframe")
    );
    assert!(view["link"]["webHtml"].is_null());
    let (st, _) = api
        .send(
            Method::POST,
            "/me/drive/root:/Pics:/createLink",
            json!({"type": "embed"}),
        )
        .await;
    assert_eq!(st, 400, "embed is for files");
    let (st, _) = api
        .send(
            Method::POST,
            &format!("{p}/createLink"),
            json!({"type": "bogus"}),
        )
        .await;
    assert_eq!(st, 400);
}

#[tokio::test]
async fn permissions_list_and_delete() {
    let api = Api::demo().await;
    let p = "/me/drive/root:/Documents/README.txt:";
    api.send(
        Method::POST,
        &format!("{p}/createLink"),
        json!({"type": "view"}),
    )
    .await;
    let (_, edit) = api
        .send(
            Method::POST,
            &format!("{p}/createLink"),
            json!({"type": "edit"}),
        )
        .await;
    let (_, perms) = api.get(&format!("{p}/permissions")).await;
    assert_eq!(perms["value"].as_array().unwrap().len(), 2);
    let del = format!("{p}/permissions/{}", edit["id"].as_str().unwrap());
    assert_eq!(
        api.req(Method::DELETE, &del).send().await.unwrap().status(),
        204
    );
    assert_eq!(
        api.req(Method::DELETE, &del).send().await.unwrap().status(),
        404
    );
    let (_, perms) = api.get(&format!("{p}/permissions")).await;
    assert_eq!(perms["value"].as_array().unwrap().len(), 1);
    assert_eq!(perms["value"][0]["link"]["type"], "view");
}

#[tokio::test]
async fn shares_resolve_share_ids_and_encoded_urls() {
    use base64::Engine;
    let api = Api::demo().await;
    let p = "/me/drive/root:/Documents/README.txt:";
    let (_, link) = api
        .send(
            Method::POST,
            &format!("{p}/createLink"),
            json!({"type": "view"}),
        )
        .await;
    let share_id = link["shareId"].as_str().unwrap();
    let (st, item) = api.get(&format!("/shares/{share_id}/driveItem")).await;
    assert_eq!((st, item["name"].as_str()), (200, Some("README.txt")));
    let web_url = link["link"]["webUrl"].as_str().unwrap();
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(web_url);
    let r = api
        .req(
            Method::GET,
            &format!("/shares/u!{encoded}/driveItem/content"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    assert_eq!(api.get("/shares/s!nothing/driveItem").await.0, 404);
}
