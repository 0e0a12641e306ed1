//! Synthetic trees (issue 15): the promised shape, contents made on demand that match their
//! listed hash, listings and delta that page by cursor (each page starts where the last one
//! ended, in O(page), so these tests assert on pages and request counts: timing targets live
//! in bench/), and a data dir that keeps only what changed.

use std::collections::{HashMap, HashSet};

use reqwest::Method;
use serde_json::Value;
use skydrive::emulator::{Emulator, EmulatorOptions, Profile, Seed, TreeShape};
use skydrive::graph::quickxor::hash_base64;

use super::{Api, code};

fn tree(folders: u64, files: u64, depth: u32) -> Seed {
    Seed::Tree(TreeShape {
        folders,
        files,
        depth,
    })
}

/// Follows nextLinks from `first`; returns every item and the number of requests.
async fn all_pages(api: &Api, first: &str) -> (Vec<Value>, usize, Value) {
    let (mut items, mut requests) = (Vec::new(), 0);
    let mut next = first.to_owned();
    loop {
        let (st, page) = api.get(&next).await;
        requests += 1;
        assert_eq!(st, 200, "{next}: {page}");
        items.extend(page["value"].as_array().unwrap().iter().cloned());
        match page["@odata.nextLink"].as_str() {
            Some(link) => next = link.to_owned(),
            None => return (items, requests, page),
        }
    }
}

fn names(items: &[Value]) -> Vec<&str> {
    items.iter().map(|v| v["name"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn the_tree_has_the_promised_shape_and_is_the_same_every_time() {
    let api = Api::with(tree(40, 1000, 2), Default::default()).await;
    let (root, _, _) = all_pages(&api, "/me/drive/root/children").await;
    let (big, _, _) = all_pages(&api, "/me/drive/root:/Big:/children").await;
    assert_eq!(big.len(), 500, "Big holds FILES/2 (up to 100,000)");
    assert_eq!(big[0]["name"], "f000.bin");
    assert_eq!(big[499]["name"], "f499.bin");
    // 39 other folders in 2 levels: 6 under the root, each with up to 6 below.
    let top: Vec<&str> = names(&root);
    assert_eq!(top, ["Big", "d00", "d01", "d02", "d03", "d04", "d05"]);
    let (d00, _, _) = all_pages(&api, "/me/drive/root:/d00:/children").await;
    let sub: Vec<&str> = names(&d00)
        .into_iter()
        .filter(|n| n.starts_with('d'))
        .collect();
    assert_eq!(sub, ["d00", "d01", "d02", "d03", "d04", "d05"]);
    // 500 files over 39 folders: the first 32 get 13, the rest 12.
    let files: Vec<&str> = names(&d00)
        .into_iter()
        .filter(|n| n.starts_with('f'))
        .collect();
    assert_eq!(
        (files.len(), files[0], files[12]),
        (13, "f00.bin", "f12.bin")
    );
    let (deep, _, _) = all_pages(&api, "/me/drive/root:/d04/d05:/children").await;
    assert!(
        deep.iter().all(|v| v["file"].is_object()),
        "depth 2 at most"
    );
    // Every item once in a delta enumeration: the root, 40 folders, 1000 files.
    let (all, _, _) = all_pages(&api, "/me/drive/root/delta?$top=1000").await;
    assert_eq!(all.len(), 1 + 40 + 1000);
    let sizes: u64 = all.iter().filter(|v| v["file"].is_object()).map(size).sum();
    assert_eq!(
        size(&all[0]),
        sizes,
        "the root's size is the sum of the files"
    );
    assert!(all.iter().any(|v| v["file"].is_object() && size(v) == 0));
    assert!(
        all.iter()
            .any(|v| size(v) > 64 * 1024 && v["file"].is_object())
    );
    let again = Api::with(tree(40, 1000, 2), Default::default()).await;
    let (all2, _, _) = all_pages(&again, "/me/drive/root/delta?$top=1000").await;
    let key = |v: &Value| {
        (
            v["id"].clone(),
            v["size"].clone(),
            v["lastModifiedDateTime"].clone(),
        )
    };
    let one: Vec<_> = all.iter().map(key).collect();
    let two: Vec<_> = all2.iter().map(key).collect();
    assert!(one == two, "same ids, sizes and times at every start");
}

/// The bytes at a download URL (200 expected).
async fn download(api: &Api, url: &str) -> bytes::Bytes {
    let r = api.http.get(url).send().await.unwrap();
    assert_eq!(r.status(), 200, "{url}");
    r.bytes().await.unwrap()
}

fn size(v: &Value) -> u64 {
    v["size"].as_u64().unwrap()
}

#[tokio::test]
async fn synthetic_contents_download_byte_exact_against_their_listed_hash() {
    let api = Api::with(tree(3, 400, 1), Default::default()).await;
    let (files, _, _) = all_pages(&api, "/me/drive/root:/d00:/children").await;
    let mut seen_sizes = HashSet::new();
    for f in &files {
        let bytes = download(&api, f["@microsoft.graph.downloadUrl"].as_str().unwrap()).await;
        assert_eq!(bytes.len() as u64, size(f));
        let listed = f["file"]["hashes"]["quickXorHash"].as_str().unwrap();
        assert_eq!(hash_base64(&bytes), listed, "{}", f["name"]);
        seen_sizes.insert(bytes.len() / 1024);
    }
    assert!(seen_sizes.len() > 3, "sizes vary: {seen_sizes:?}");
    let f = files.iter().find(|f| size(f) > 1000).unwrap();
    let url = f["@microsoft.graph.downloadUrl"].as_str().unwrap();
    let whole = download(&api, url).await;
    let part = api
        .http
        .get(url)
        .header("Range", "bytes=100-299")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.unwrap(), whole[100..300]);
    assert_eq!(
        api.emu
            .file_bytes(&format!("d00/{}", f["name"].as_str().unwrap()))
            .unwrap(),
        whole
    );
    let again = download(&api, url).await;
    assert_eq!(again, whole, "the same bytes every time");
}

#[tokio::test]
async fn paging_the_100000_child_folder_returns_every_child_once() {
    let api = Api::with(tree(2, 200_000, 1), Default::default()).await;
    let first = "/me/drive/root:/Big:/children?$top=1000&$select=name";
    let (items, requests, _) = all_pages(&api, first).await;
    assert_eq!(requests, 100, "one request per 1,000 children");
    let got: Vec<&str> = names(&items);
    let want: Vec<String> = (0..100_000).map(|i| format!("f{i:05}.bin")).collect();
    assert!(
        got.iter().copied().eq(want.iter().map(String::as_str)),
        "in order, each once"
    );
}

#[tokio::test]
async fn a_listing_page_starts_after_the_last_child_served_whatever_changed() {
    let api = Api::with(tree(2, 2000, 1), Default::default()).await;
    let (st, page) = api.get("/me/drive/root:/Big:/children?$top=10").await;
    assert_eq!(st, 200);
    let next = page["@odata.nextLink"].as_str().unwrap().to_owned();
    // A child before the cursor goes, one after it comes: the next page neither repeats nor
    // skips what stayed.
    let r = api
        .req(Method::DELETE, "/me/drive/root:/Big/f000.bin")
        .send()
        .await;
    assert_eq!(r.unwrap().status(), 204);
    api.put("Big/f0105.bin", b"new").await;
    let (_, page) = api.get(&next).await;
    let got: Vec<&str> = names(page["value"].as_array().unwrap());
    let want = [
        "f010.bin",
        "f0105.bin",
        "f011.bin",
        "f012.bin",
        "f013.bin",
        "f014.bin",
        "f015.bin",
        "f016.bin",
        "f017.bin",
        "f018.bin",
    ];
    assert_eq!(got, want);
    let (st, e) = api
        .get("/me/drive/root:/Big:/children?$skiptoken=k1.%25%25")
        .await;
    assert_eq!((st, code(&e)), (400, "invalidRequest"));
}

#[tokio::test]
async fn delta_enumerates_a_large_tree_parents_first_in_pages_of_its_size() {
    let api = Api::with(tree(300, 20_000, 3), Default::default()).await;
    let (items, requests, last) = all_pages(&api, "/me/drive/root/delta?$top=1000").await;
    assert_eq!(items.len(), 1 + 300 + 20_000);
    assert_eq!(requests, 21, "1,000 items a page");
    assert!(last["@odata.deltaLink"].is_string());
    let mut seen: HashSet<&str> = HashSet::new();
    for v in &items {
        let id = v["id"].as_str().unwrap();
        if let Some(parent) = v["parentReference"]["id"].as_str() {
            assert!(
                seen.contains(parent),
                "{} came before its parent",
                v["name"]
            );
        }
        assert!(seen.insert(id), "{} twice", v["name"]);
    }
    // A folder-scoped enumeration covers just that subtree.
    let (sub, _, _) = all_pages(&api, "/me/drive/root:/d03:/delta?$top=200").await;
    assert_eq!(sub[0]["name"], "d03");
    let ids: HashMap<&str, &Value> = items
        .iter()
        .map(|v| (v["id"].as_str().unwrap(), v))
        .collect();
    for v in &sub[1..] {
        let mut p = v["parentReference"]["id"].as_str().unwrap();
        while ids[p]["name"] != "d03" {
            p = ids[p]["parentReference"]["id"].as_str().unwrap();
        }
    }
}

#[tokio::test]
async fn a_delta_round_after_changes_reports_just_them() {
    let api = Api::with(tree(300, 20_000, 3), Default::default()).await;
    let (_, _, last) = all_pages(&api, "/me/drive/root/delta?$top=1000").await;
    let link = last["@odata.deltaLink"].as_str().unwrap().to_owned();
    api.put("Big/new.txt", b"n").await;
    api.put("d02/d04/d01/f00.bin", b"changed").await;
    let r = api.req(Method::DELETE, "/me/drive/root:/d06").send().await;
    assert_eq!(r.unwrap().status(), 204);
    let (items, requests, _) = all_pages(&api, &link).await;
    assert_eq!(requests, 1);
    let live: Vec<&str> = items
        .iter()
        .filter(|v| v["deleted"].is_null())
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    // The root changed (a child went); Big and d02/d04/d01 only hold what changed.
    assert_eq!(live, ["root", "new.txt", "f00.bin"]);
    let gone = items.iter().filter(|v| v["deleted"].is_object()).count();
    // d06 and its 7 subfolders, 34 files each (10,000 files over 299 folders: the first 133
    // get 34).
    assert_eq!(gone, 8 + 8 * 34);
}

#[tokio::test]
async fn a_cursor_whose_folder_moved_answers_410_and_others_go_on() {
    let api = Api::with(tree(20, 400, 2), Default::default()).await;
    // Pages of 3: the third page starts inside /Big.
    let (_, p1) = api.get("/me/drive/root/delta?$top=3").await;
    let next = p1["@odata.nextLink"].as_str().unwrap().to_owned();
    let (_, p2) = api.get(&next).await;
    assert_eq!(
        names(p2["value"].as_array().unwrap()),
        ["f001.bin", "f002.bin", "f003.bin"]
    );
    let inside_big = p2["@odata.nextLink"].as_str().unwrap().to_owned();
    // A file added, one deleted: the cursor goes on.
    api.put("d00/added.bin", b"x").await;
    let r = api
        .req(Method::DELETE, "/me/drive/root:/Big/f004.bin")
        .send()
        .await;
    assert_eq!(r.unwrap().status(), 204);
    let (st, p3) = api.get(&inside_big).await;
    assert_eq!(st, 200);
    assert_eq!(
        names(p3["value"].as_array().unwrap()),
        ["f005.bin", "f006.bin", "f007.bin"]
    );
    // The folder the cursor is in is renamed: the walk cannot go on.
    let big_id = p1["value"][1]["id"].as_str().unwrap();
    let (st, _) = api
        .send(
            Method::PATCH,
            &format!("/me/drive/items/{big_id}"),
            serde_json::json!({"name": "Huge"}),
        )
        .await;
    assert_eq!(st, 200);
    let r = api.req(Method::GET, &inside_big).send().await.unwrap();
    assert_eq!(r.status(), 410);
    assert!(r.headers().contains_key("location"));
    let (_, body) = super::decode(r).await;
    assert_eq!(code(&body), "resyncRequired");
}

#[tokio::test]
async fn a_data_dir_keeps_the_shape_and_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let opts = || EmulatorOptions {
        seed: tree(50, 5000, 3),
        data_dir: Some(dir.path().to_owned()),
        ..EmulatorOptions::default()
    };
    let emu = Emulator::start(opts()).await.unwrap();
    let api = Api {
        token: emu.access_token(),
        emu,
        http: super::http(),
    };
    api.put("d01/mine.txt", b"kept").await;
    let r = api
        .req(Method::DELETE, "/me/drive/root:/Big/f0001.bin")
        .send()
        .await;
    assert_eq!(r.unwrap().status(), 204);
    let (before, _, _) = all_pages(&api, "/me/drive/root/delta?$top=1000").await;
    drop(api);
    let snapshot = std::fs::metadata(dir.path().join("drive.json"))
        .unwrap()
        .len();
    assert!(
        snapshot < 64 * 1024,
        "the snapshot holds the shape, not 5,050 items: {snapshot}"
    );
    let emu = Emulator::start(opts()).await.unwrap();
    assert_eq!(emu.file_bytes("d01/mine.txt").unwrap(), b"kept");
    let api = Api {
        token: emu.access_token(),
        emu,
        http: super::http(),
    };
    let (after, _, _) = all_pages(&api, "/me/drive/root/delta?$top=1000").await;
    let key = |v: &Value| {
        (
            v["id"].clone(),
            v["name"].clone(),
            v["size"].clone(),
            v["eTag"].clone(),
        )
    };
    let one: Vec<_> = before.iter().map(key).collect();
    let two: Vec<_> = after.iter().map(key).collect();
    assert!(one == two, "the same drive after the restart");
    assert!(!names(&after).contains(&"f0001.bin"));
}

#[tokio::test]
async fn the_tree_is_made_in_the_business_profile_too() {
    let api = Api::profile(Profile::Business, tree(10, 300, 2)).await;
    let (big, requests, _) = all_pages(&api, "/me/drive/root:/Big:/children?$top=100").await;
    assert_eq!((big.len(), requests), (150, 2));
    assert!(
        big[0]["id"].as_str().unwrap().starts_with("01"),
        "business ids"
    );
    let f = big.iter().find(|f| size(f) > 0).unwrap();
    assert!(
        f["file"]["hashes"]["sha256Hash"].is_null(),
        "business lists quickXorHash only"
    );
    let url = f["@microsoft.graph.downloadUrl"].as_str().unwrap();
    let bytes = download(&api, url).await;
    assert_eq!(
        hash_base64(&bytes),
        f["file"]["hashes"]["quickXorHash"].as_str().unwrap()
    );
    let (all, _, _) = all_pages(&api, "/me/drive/root/delta").await;
    assert_eq!(all.len(), 1 + 10 + 300);
}
