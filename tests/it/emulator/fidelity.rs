//! What the service and real clients do (graph-api.md §13, issue 12): each behaviour that
//! Microsoft's Python SDK or the Linux `onedrive` client relies on, one test each.

use std::io::{Read, Write};

use reqwest::{Method, Url};
use serde_json::{Value, json};

use super::transfer::{fragment, session};
use super::{Api, code, decode, pattern};

/// The items of a collection answer.
fn items(v: &Value) -> &Vec<Value> {
    v["value"].as_array().unwrap()
}

#[tokio::test]
async fn the_bearer_scheme_word_is_case_insensitive() {
    let api = Api::demo().await;
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let r = api
            .http
            .get(api.url("/me/drive/root"))
            .header("Authorization", format!("{scheme} {}", api.token))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{scheme}");
    }
}

#[tokio::test]
async fn a_trailing_slash_is_the_same_item() {
    let api = Api::demo().await;
    let (st, v) = api.get("/me/drive/root/?select=id,name").await;
    assert_eq!(st, 200);
    let (_, root) = api.get("/me/drive/root").await;
    assert_eq!(v, json!({"id": root["id"], "name": root["name"]}));
}

#[tokio::test]
async fn dot_segments_name_the_folder_itself() {
    let api = Api::empty().await;
    api.put("Big%20Tree/a%20b%20c", b"abc").await;
    let (st, a) = api.get("/me/drive/root:/./Big%20Tree/a%20b%20c:").await;
    assert_eq!((st, a["name"].as_str()), (200, Some("a b c")));
    let (st, t) = api.get("/me/drive/root:/.%2FBig%20Tree:").await;
    assert_eq!((st, t["name"].as_str()), (200, Some("Big Tree")));
    let (st, new) = api.put("./Big%20Tree/new.txt", b"new").await;
    assert_eq!(st, 201, "an upload into an existing folder: {new}");
    assert_eq!(new["parentReference"]["id"], t["id"]);
}

#[tokio::test]
async fn every_item_says_who_created_and_changed_it() {
    let api = Api::demo().await;
    let (_, root) = api.get("/me/drive/root").await;
    let (_, docs) = api.get("/me/drive/root:/Documents:/children").await;
    let (_, delta) = api.get("/me/drive/root/delta").await;
    let all = std::iter::once(&root)
        .chain(items(&docs))
        .chain(items(&delta));
    for item in all {
        for key in ["createdBy", "lastModifiedBy"] {
            let name = &item[key]["user"]["displayName"];
            assert!(name.is_string(), "{key} of {}", item["name"]);
        }
    }
}

#[tokio::test]
async fn a_path_inside_the_item_id_segment_as_kiota_encodes_it() {
    let api = Api::demo().await;
    let (_, drive) = api.get("/me/drive").await;
    let d = drive["id"].as_str().unwrap();
    let (st, docs) = api
        .get(&format!("/drives/{d}/items/root%3A%2FDocuments%3A"))
        .await;
    assert_eq!((st, docs["name"].as_str()), (200, Some("Documents")));
    let parent = docs["id"].as_str().unwrap();
    let url = format!("/drives/{d}/items/{parent}%3A%2Fname%2525.txt%3A/content");
    let r = api.req(Method::PUT, &url).body("x").send().await.unwrap();
    let (st, f) = decode(r).await;
    assert_eq!((st, f["name"].as_str()), (201, Some("name%25.txt")));
}

#[tokio::test]
async fn functions_with_empty_parentheses() {
    let api = Api::demo().await;
    let (st, d) = api.get("/me/drive/root/delta()").await;
    assert_eq!(st, 200);
    assert!(d["@odata.deltaLink"].is_string());
    for path in ["/me/drive/recent()", "/me/drive/sharedWithMe()"] {
        let (st, v) = api.get(path).await;
        assert_eq!(st, 200, "{path}: {v}");
        assert!(v["value"].is_array(), "{path}");
    }
}

#[tokio::test]
async fn thumbnails_for_images_and_none_for_text() {
    let api = Api::demo().await;
    let (st, t) = api.get("/me/drive/root:/Pics/image1.jpg:/thumbnails").await;
    assert_eq!(st, 200);
    let set = &items(&t)[0];
    for size in ["small", "medium", "large"] {
        assert!(set[size]["url"].is_string(), "{size}: {t}");
        assert!(set[size]["width"].is_u64());
    }
    let url = set["small"]["url"].as_str().unwrap();
    let bytes = api
        .http
        .get(url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        bytes.as_ref(),
        api.emu.file_bytes("Pics/image1.jpg").unwrap()
    );
    let (st, none) = api
        .get("/me/drive/root:/Documents/README.txt:/thumbnails")
        .await;
    assert_eq!((st, items(&none).len()), (200, 0));
}

#[tokio::test]
async fn a_replaced_file_keeps_its_versions_and_can_restore_one() {
    let api = Api::empty().await;
    for body in ["one", "two", "three"] {
        api.put("v.txt", body.as_bytes()).await;
    }
    let (st, list) = api.get("/me/drive/root:/v.txt:/versions").await;
    assert_eq!(st, 200);
    let v = items(&list);
    assert_eq!(v.len(), 3, "the current content and two earlier: {list}");
    assert_eq!(v[0]["size"], 5, "newest first");
    let oldest = v[2]["id"].as_str().unwrap();
    let r = api
        .req(
            Method::GET,
            &format!("/me/drive/root:/v.txt:/versions/{oldest}/content"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let old = api.http.get(location).send().await.unwrap();
    assert_eq!(old.text().await.unwrap(), "one");
    let restore = format!("/me/drive/root:/v.txt:/versions/{oldest}/restoreVersion");
    let r = api.req(Method::POST, &restore).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(api.emu.file_bytes("v.txt").unwrap(), b"one");
    let (_, list) = api.get("/me/drive/root:/v.txt:/versions").await;
    assert_eq!(items(&list).len(), 4, "restoring made a new version");
}

#[tokio::test]
async fn delta_items_carry_no_parent_path() {
    let api = Api::demo().await;
    let (_, d) = api.get("/me/drive/root/delta").await;
    for item in items(&d) {
        assert!(item["parentReference"]["path"].is_null(), "{item}");
        if item["root"].is_null() {
            assert!(item["parentReference"]["id"].is_string(), "{item}");
        }
    }
    let (_, listed) = api.get("/me/drive/root/children").await;
    assert!(items(&listed)[0]["parentReference"]["path"].is_string());
}

#[tokio::test]
async fn next_expected_ranges_are_closed_once_the_size_is_known() {
    let api = Api::empty().await;
    let data = pattern(1000, 3);
    let url = session(&api, "r.bin", json!({})).await;
    let (_, st) = decode(api.http.get(&url).send().await.unwrap()).await;
    assert_eq!(
        st["nextExpectedRanges"],
        json!(["0-"]),
        "size not known yet"
    );
    let (_, r) = fragment(&api, &url, &data[..100], 0, 1000).await;
    assert_eq!(r["nextExpectedRanges"], json!(["100-999"]));
    let sized = session(&api, "s.bin", json!({"fileSize": 1000})).await;
    let (_, st) = decode(api.http.get(&sized).send().await.unwrap()).await;
    assert_eq!(st["nextExpectedRanges"], json!(["0-999"]));
}

#[tokio::test]
async fn a_non_final_fragment_need_not_be_a_multiple_of_320_kib() {
    let api = Api::empty().await;
    let data = pattern(128, 4);
    let url = session(&api, "docs-example.bin", json!({})).await;
    let (st, r) = fragment(&api, &url, &data[..26], 0, 128).await;
    assert_eq!(st, 202, "the docs' own example: {r}");
    let (st, _) = fragment(&api, &url, &data[26..], 26, 128).await;
    assert_eq!(st, 201);
    assert_eq!(api.emu.file_bytes("docs-example.bin").unwrap(), data);
}

/// Sends `head` and then `body` on a raw connection to `url`'s host, and reads the answer:
/// every write must succeed (no reset while the client still sends).
fn raw_request(url: &str, head: &str, body: &[u8]) -> String {
    let u = Url::parse(url).unwrap();
    let addr = format!("{}:{}", u.host_str().unwrap(), u.port().unwrap());
    let mut tcp = std::net::TcpStream::connect(addr).unwrap();
    tcp.write_all(head.as_bytes()).unwrap();
    for chunk in body.chunks(64 * 1024) {
        tcp.write_all(chunk)
            .expect("the server reads the body before answering");
    }
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).unwrap();
    answer
}

#[tokio::test]
async fn the_body_is_read_before_an_error_is_answered() {
    let api = Api::empty().await;
    let body = vec![b'x'; 8 << 20];
    let u = Url::parse(&api.url("/me/drive/root:/big.bin:/content")).unwrap();
    let path = u.path().to_owned();
    let host = u.host_str().unwrap().to_owned();
    for (auth, want) in [
        (format!("Bearer {}", api.token), "413"),
        ("Bearer nope".into(), "401"),
    ] {
        let head = format!(
            "PUT {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {auth}\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let (url, body) = (u.to_string(), body.clone());
        let answer = tokio::task::spawn_blocking(move || raw_request(&url, &head, &body))
            .await
            .unwrap();
        assert!(answer.starts_with(&format!("HTTP/1.1 {want}")), "{answer}");
    }
}

#[tokio::test]
async fn content_urls_name_another_host_than_the_graph_url() {
    let api = Api::demo().await;
    let graph = Url::parse(api.emu.graph_url()).unwrap();
    let (_, f) = api.get("/me/drive/root:/Documents/README.txt").await;
    let download = f["@microsoft.graph.downloadUrl"].as_str().unwrap();
    let upload = session(&api, "u.bin", json!({})).await;
    let copy = api
        .req(Method::POST, "/me/drive/root:/Pics:/copy")
        .json(&json!({"name": "Pics2"}))
        .send()
        .await
        .unwrap();
    let monitor = copy.headers()["location"].to_str().unwrap().to_owned();
    for url in [download, &upload, &monitor] {
        let u = Url::parse(url).unwrap();
        assert_ne!(u.host_str(), graph.host_str(), "{url}");
        let ip = tokio::net::lookup_host((u.host_str().unwrap(), 0))
            .await
            .unwrap()
            .next()
            .unwrap();
        assert!(ip.ip().is_loopback(), "{url}");
        let r = api.http.get(url).send().await.unwrap();
        assert!(r.status().is_success(), "{url}: {}", r.status());
    }
    let (st, e) = decode(
        api.http
            .get(download)
            .bearer_auth(&api.token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((st, code(&e)), (401, "unauthenticated"));
}
