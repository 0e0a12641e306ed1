//! Downloads (§4) through the second listener and uploads (§5): simple PUT and sessions.

use futures_util::StreamExt;
use reqwest::Method;
use serde_json::{Value, json};

use super::{Api, code, pattern};

/// Follows `/content`'s 302 by hand; returns the Location.
async fn location(api: &Api, path: &str) -> String {
    let resp = api.req(Method::GET, path).send().await.unwrap();
    assert_eq!(resp.status(), 302);
    resp.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn content_redirects_to_the_second_listener_which_refuses_tokens() {
    let api = Api::demo().await;
    let loc = location(&api, "/me/drive/root:/Documents/README.txt:/content").await;
    assert!(loc.starts_with(api.emu.content_origin()), "{loc}");
    assert_ne!(
        api.emu.content_origin(),
        api.emu.graph_url().trim_end_matches("/v1.0")
    );
    let body = api.http.get(&loc).send().await.unwrap();
    assert_eq!(body.status(), 200);
    assert_eq!(
        body.text().await.unwrap(),
        "Welcome to the skydrive-cli demo drive.\n"
    );
    let (st, e) = api.get(&loc).await;
    assert_eq!((st, code(&e)), (401, "unauthenticated"));
    let (st, _) = super::decode(api.http.get(format!("{loc}x")).send().await.unwrap()).await;
    assert_eq!(st, 401, "a tampered tempauth is refused");
    // reqwest's default policy follows the cross-port redirect and drops the token itself.
    let follow = reqwest::Client::builder().no_proxy().build().unwrap();
    let r = follow
        .get(api.url("/me/drive/root:/Documents/README.txt:/content"))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let log = api.emu.request_log();
    let last = log.last().unwrap();
    assert_eq!(last.listener, skydrive::emulator::Listener::Content);
    assert!(!last.authorization);
}

#[tokio::test]
async fn ranges_answer_206_with_content_range() {
    let api = Api::empty().await;
    let data = pattern(1000, 3);
    api.emu.put_file("r.bin", &data);
    let loc = location(&api, "/me/drive/root:/r.bin:/content").await;
    let r = api
        .http
        .get(&loc)
        .header("Range", "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 206);
    assert_eq!(r.headers()["content-range"], "bytes 100-199/1000");
    assert_eq!(r.bytes().await.unwrap(), &data[100..200]);
    let r = api
        .http
        .get(&loc)
        .header("Range", "bytes=990-")
        .send()
        .await
        .unwrap();
    assert_eq!(r.bytes().await.unwrap(), &data[990..]);
    let r = api
        .http
        .get(&loc)
        .header("Range", "bytes=5000-")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 416);
}

#[tokio::test]
async fn simple_upload_conflicts_and_size_limit() {
    let api = Api::empty().await;
    let (st, a) = api.put("A/B/f.txt", b"one").await;
    assert_eq!(st, 201, "missing folders A/B are created");
    let (st, b) = api.put("A/B/f.txt", b"two").await;
    assert_eq!((st, &b["id"]), (200, &a["id"]), "replace is the default");
    assert_eq!(api.emu.file_bytes("A/B/f.txt").unwrap(), b"two");
    let put = |q: &str| {
        format!("/me/drive/root:/A/B/f.txt:/content?@microsoft.graph.conflictBehavior={q}")
    };
    let (st, e) = super::decode(
        api.req(Method::PUT, &put("fail"))
            .body("x")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((st, code(&e)), (409, "nameAlreadyExists"));
    let (st, r) = super::decode(
        api.req(Method::PUT, &put("rename"))
            .body("x")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((st, r["name"].as_str()), (201, Some("f 1.txt")));
    let (st, _) = super::decode(
        api.req(Method::PUT, &put("overwrite"))
            .body("x")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 400);
    let (st, _) = api.put("big.bin", &vec![0u8; 4 * 1024 * 1024 + 1]).await;
    assert_eq!(st, 413);
    let (st, z) = api.put("empty.txt", b"").await;
    assert_eq!((st, z["size"].as_u64()), (201, Some(0)));
    let id = a["id"].as_str().unwrap();
    let under_file = format!("/me/drive/items/{id}:/child.txt:/content");
    let r = api
        .req(Method::PUT, &under_file)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "files have no children");
    let by_id = format!("/me/drive/items/{id}/content");
    let (st, _) = super::decode(
        api.req(Method::PUT, &by_id)
            .body("three")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(api.emu.file_bytes("A/B/f.txt").unwrap(), b"three");
}

/// Creates a session for `path`; returns the uploadUrl.
pub async fn session(api: &Api, path: &str, item: Value) -> String {
    let (st, s) = api
        .send(
            Method::POST,
            &format!("/me/drive/root:/{path}:/createUploadSession"),
            json!({"item": item}),
        )
        .await;
    assert_eq!(st, 200, "{s}");
    let first = s["nextExpectedRanges"][0].as_str().unwrap();
    assert!(first.starts_with("0-"), "{s}");
    assert!(s["expirationDateTime"].is_string());
    s["uploadUrl"].as_str().unwrap().to_owned()
}

/// PUTs one fragment without a token.
pub async fn fragment(
    api: &Api,
    url: &str,
    data: &[u8],
    start: usize,
    total: usize,
) -> (u16, Value) {
    let end = start + data.len() - 1;
    let r = api
        .http
        .put(url)
        .header("Content-Range", format!("bytes {start}-{end}/{total}"))
        .body(data.to_vec())
        .send()
        .await
        .unwrap();
    super::decode(r).await
}

#[tokio::test]
async fn upload_session_follows_the_rules() {
    let api = Api::empty().await;
    let unit = 320 * 1024;
    let data = pattern(2 * unit + 1234, 9);
    let total = data.len();
    let url = session(
        &api,
        "up/s.bin",
        json!({"fileSystemInfo": {"lastModifiedDateTime": "2020-01-02T03:04:05Z"}}),
    )
    .await;
    assert!(url.starts_with(api.emu.content_origin()));
    let (st, e) = api.get(&url).await;
    assert_eq!((st, code(&e)), (401, "unauthenticated"));
    let last = total - 1;
    let (st, r) = fragment(&api, &url, &data[..unit], 0, total).await;
    assert_eq!(
        (st, &r["nextExpectedRanges"]),
        (202, &json!([format!("{unit}-{last}")]))
    );
    let (st, e) = fragment(&api, &url, &data[..unit], 0, total).await;
    assert_eq!((st, code(&e)), (416, "invalidRange"));
    let (st, _) = fragment(&api, &url, &data[unit..2 * unit], unit, total + 1).await;
    assert_eq!(st, 400, "the total is constant");
    let (st, _) = fragment(&api, &url, &data[2 * unit..], 2 * unit, total).await;
    assert_eq!(st, 416, "fragments are sequential");
    let (st, status) = super::decode(api.http.get(&url).send().await.unwrap()).await;
    assert_eq!(
        (st, &status["nextExpectedRanges"]),
        (200, &json!([format!("{unit}-{last}")]))
    );
    assert_eq!(
        fragment(&api, &url, &data[unit..2 * unit], unit, total)
            .await
            .0,
        202
    );
    let (st, item) = fragment(&api, &url, &data[2 * unit..], 2 * unit, total).await;
    assert_eq!(st, 201);
    assert_eq!(item["size"].as_u64(), Some(total as u64));
    assert_eq!(
        item["fileSystemInfo"]["lastModifiedDateTime"],
        "2020-01-02T03:04:05Z"
    );
    assert_eq!(api.emu.file_bytes("up/s.bin").unwrap(), data);
    let url2 = session(&api, "up/s.bin", json!({})).await;
    let (st, item2) = fragment(&api, &url2, b"replaced", 0, 8).await;
    assert_eq!((st, &item2["id"]), (200, &item["id"]));
}

#[tokio::test]
async fn upload_sessions_cancel_expire_and_refuse_duplicates() {
    let api = Api::empty().await;
    let url = session(&api, "c.bin", json!({})).await;
    let (st, e) = api
        .send(
            Method::POST,
            "/me/drive/root:/c.bin:/createUploadSession",
            json!({}),
        )
        .await;
    assert_eq!((st, code(&e)), (409, "nameAlreadyExists"));
    assert_eq!(api.http.delete(&url).send().await.unwrap().status(), 204);
    let (st, e) = fragment(&api, &url, b"x", 0, 1).await;
    assert_eq!((st, code(&e)), (404, "itemNotFound"));
    let url = session(&api, "c.bin", json!({})).await;
    let r = api
        .http
        .put(&url)
        .header("Content-Range", "bytes 0-0/0")
        .body(Vec::new())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "zero-byte files need a simple PUT");
    api.emu.expire_upload_sessions();
    assert_eq!(api.http.get(&url).send().await.unwrap().status(), 404);
    let (_, existing) = api.put("c.bin", b"1").await;
    let (st, e) = api
        .send(
            Method::POST,
            "/me/drive/root:/c.bin:/createUploadSession",
            json!({"item": {"@microsoft.graph.conflictBehavior": "fail"}}),
        )
        .await;
    assert_eq!((st, code(&e)), (409, "nameAlreadyExists"));
    let r = api
        .req(Method::POST, "/me/drive/root:/c.bin:/createUploadSession")
        .header("If-Match", "aStale")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 412);
    let r = api
        .req(Method::POST, "/me/drive/root:/c.bin:/createUploadSession")
        .header("If-Match", existing["eTag"].as_str().unwrap())
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn a_64_mib_file_streams_up_and_down() {
    let api = Api::empty().await;
    let chunk = 10 * 1024 * 1024;
    let total = 64 * 1024 * 1024 + 77;
    let data = pattern(total, 1);
    let url = session(&api, "big/64.bin", json!({})).await;
    let mut start = 0;
    let mut last = (0, Value::Null);
    while start < total {
        let end = (start + chunk).min(total);
        last = fragment(&api, &url, &data[start..end], start, total).await;
        start = end;
    }
    assert_eq!(last.0, 201);
    let want = skydrive::graph::quickxor::hash_base64(&data);
    assert_eq!(last.1["file"]["hashes"]["quickXorHash"], want.as_str());
    let loc = last.1["@microsoft.graph.downloadUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let got = api
        .http
        .get(&loc)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(
        got.len() == total && got[..] == data[..],
        "byte-exact round trip"
    );
}

#[tokio::test]
async fn a_fragment_cut_off_mid_body_can_be_sent_again() {
    let api = Api::empty().await;
    let unit = 320 * 1024;
    let data = pattern(2 * unit, 4);
    let url = session(&api, "cut.bin", json!({})).await;
    // Half of the first fragment, then the client gives up and closes the connection.
    let half = bytes::Bytes::from(data[..unit / 2].to_vec());
    let body = futures_util::stream::iter([Ok::<_, std::io::Error>(half)])
        .chain(futures_util::stream::pending());
    let cut = api
        .http
        .put(&url)
        .header(
            "Content-Range",
            format!("bytes 0-{}/{}", unit - 1, data.len()),
        )
        .header("Content-Length", unit.to_string())
        .body(reqwest::Body::wrap_stream(body))
        .timeout(std::time::Duration::from_millis(300))
        .send()
        .await;
    assert!(
        cut.is_err(),
        "the cut-off request must fail on the client side"
    );
    let mut status = (0, Value::Null);
    for _ in 0..50 {
        status = fragment(&api, &url, &data[..unit], 0, data.len()).await;
        if status.0 == 202 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(status.0, 202, "{}", status.1);
    let (st, _) = fragment(&api, &url, &data[unit..], unit, data.len()).await;
    assert_eq!(st, 201);
    assert_eq!(api.emu.file_bytes("cut.bin").unwrap(), data);
}
