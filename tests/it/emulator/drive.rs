//! Drive, quota, `/me`, and the equivalent drive prefixes.

use reqwest::Method;

use super::{Api, code};

#[tokio::test]
async fn me_drive_reports_personal_quota() {
    let api = Api::demo().await;
    let (st, me) = api.get("/me").await;
    assert_eq!(st, 200);
    assert!(me["displayName"].is_string());
    let (st, d) = api.get("/me/drive").await;
    assert_eq!(st, 200);
    assert_eq!(d["driveType"], "personal");
    let q = &d["quota"];
    let (total, used, remaining) = (
        q["total"].as_u64().unwrap(),
        q["used"].as_u64().unwrap(),
        q["remaining"].as_u64().unwrap(),
    );
    assert!(used > 0, "the demo files count");
    assert_eq!(total, used + remaining);
    assert_eq!(q["deleted"], 0);
    assert_eq!(q["state"], "normal");
    api.put("big.bin", &[7u8; 1000]).await;
    let (_, d2) = api.get("/me/drive").await;
    assert_eq!(d2["quota"]["used"].as_u64().unwrap(), used + 1000);
    let (st, list) = api.get("/me/drives").await;
    assert_eq!(st, 200);
    assert_eq!(list["value"][0]["id"], d["id"]);
}

#[tokio::test]
async fn all_drive_prefixes_address_the_same_root() {
    let api = Api::demo().await;
    let (_, d) = api.get("/me/drive").await;
    let id = d["id"].as_str().unwrap();
    let (_, a) = api.get("/me/drive/root").await;
    for prefix in [
        "/drive".to_owned(),
        format!("/drives/{id}"),
        format!("/drives/{}", id.to_uppercase()),
    ] {
        let (st, b) = api.get(&format!("{prefix}/root")).await;
        assert_eq!(st, 200, "{prefix}");
        assert_eq!(a["id"], b["id"]);
    }
    let (st, e) = api.get("/drives/0123456789ABCDEF/root").await;
    assert_eq!(
        (st, code(&e)),
        (404, "itemNotFound"),
        "unknown drives are not ours"
    );
    let (_, by_alias) = api.get("/me/drive/items/root").await;
    assert_eq!(by_alias["id"], a["id"]);
    assert!(a["root"].is_object());
    assert!(a["parentReference"]["id"].is_null());
}

#[tokio::test]
async fn any_host_header_is_accepted() {
    let api = Api::demo().await;
    let resp = api
        .req(Method::GET, "/me/drive")
        .header("Host", "graph.microsoft.com")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn missing_or_bad_tokens_are_401_invalid_authentication_token() {
    let api = Api::demo().await;
    let resp = api.http.get(api.url("/me/drive")).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    let (st, body) = super::decode(
        api.http
            .get(api.url("/me/drive"))
            .bearer_auth("nope")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 401);
    assert_eq!(code(&body), "InvalidAuthenticationToken");
    assert!(body["error"]["innerError"]["request-id"].is_string());
    assert!(body["error"]["innerError"]["date"].is_string());
}
