//! Item addressing (graph-api.md §1), the driveItem shape (§2) and name rules (§1.4).

use base64::Engine;
use reqwest::Method;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{Api, code};

#[tokio::test]
async fn items_by_id_path_and_item_relative_path_agree() {
    let api = Api::demo().await;
    let (st, by_path) = api.get("/me/drive/root:/Documents/README.txt").await;
    assert_eq!(st, 200);
    let id = by_path["id"].as_str().unwrap();
    let (_, by_id) = api.get(&format!("/me/drive/items/{id}")).await;
    assert_eq!(by_id["name"], "README.txt");
    let docs = by_path["parentReference"]["id"].as_str().unwrap();
    let (_, rel) = api
        .get(&format!("/me/drive/items/{docs}:/readme.TXT:"))
        .await;
    assert_eq!(rel["id"], id, "case-insensitive lookup");
    let (_, trailing) = api.get("/me/drive/root:/Documents/README.txt:").await;
    assert_eq!(trailing["id"], id);
    let (st, nf) = api.get("/me/drive/root:/Documents/nope.txt").await;
    assert_eq!((st, code(&nf)), (404, "itemNotFound"));
    let (st, nf) = api.get("/me/drive/items/5D1B2C3A4F6E7D80!99999").await;
    assert_eq!((st, code(&nf)), (404, "itemNotFound"));
}

#[tokio::test]
async fn percent_encoding_rules_of_the_path() {
    let api = Api::empty().await;
    let (st, _) = api.put("a%20b/c%23d%25e%2Ff.txt", b"x").await;
    assert_eq!(st, 201);
    let (st, item) = api.get("/me/drive/root:/a b/c%23d%25e/f.txt").await;
    assert_eq!(st, 200);
    assert_eq!(item["parentReference"]["path"], "/drive/root:/a b/c#d%e");
    let (st, e) = api.get("/me/drive/root:/a:/b:/c").await;
    assert_eq!((st, code(&e)), (400, "invalidRequest"));
    let (st, _) = api.get("/me/drive/root:").await;
    assert_eq!(st, 400);
    let (st, _) = api.get("/me/drive/root:/%C3%A9t%C3%A9:").await;
    assert_eq!(
        st, 404,
        "decoded to a name that does not exist, not an error"
    );
}

#[tokio::test]
async fn drive_item_json_has_the_personal_shape() {
    let api = Api::empty().await;
    let bytes = b"hello".to_vec();
    let (st, f) = api.put("Docs/a.txt", &bytes).await;
    assert_eq!(st, 201);
    let id = f["id"].as_str().unwrap();
    assert!(id.starts_with("5D1B2C3A4F6E7D80!"), "{id}");
    assert_eq!(f["size"], 5);
    assert_eq!(
        f["file"]["hashes"]["quickXorHash"],
        "aCgDG9jwBgAAAAAABQAAAAAAAAA="
    );
    let sha: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    assert_eq!(f["file"]["hashes"]["sha256Hash"], sha);
    assert_eq!(f["file"]["mimeType"], "text/plain");
    assert_eq!(f["parentReference"]["path"], "/drive/root:/Docs");
    assert_eq!(f["parentReference"]["driveType"], "personal");
    assert!(f["fileSystemInfo"]["lastModifiedDateTime"].is_string());
    assert!(
        f["@microsoft.graph.downloadUrl"]
            .as_str()
            .unwrap()
            .starts_with(api.emu.content_origin())
    );
    let etag = f["eTag"].as_str().unwrap();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(etag.strip_prefix('a').unwrap())
        .unwrap();
    assert!(String::from_utf8(decoded).unwrap().starts_with(id));
    api.put("Docs/b.txt", &[1u8; 10]).await;
    let (_, docs) = api.get("/me/drive/root:/Docs").await;
    assert_eq!(docs["folder"]["childCount"], 2);
    assert_eq!(
        docs["size"], 15,
        "folder size is the sum of its descendants"
    );
    assert!(docs["file"].is_null());
    let (_, again) = api.put("Docs/a.txt", b"changed").await;
    assert_ne!(again["eTag"], f["eTag"]);
    assert_ne!(again["cTag"], f["cTag"]);
    assert_eq!(again["id"], f["id"]);
    let (_, docs2) = api.get("/me/drive/root:/Docs").await;
    assert_ne!(
        docs2["cTag"], docs["cTag"],
        "folder cTag follows descendants"
    );
    let (st, renamed) = api
        .send(
            Method::PATCH,
            &format!("/me/drive/items/{id}"),
            json!({"name": "c.txt"}),
        )
        .await;
    assert_eq!(st, 200);
    assert_ne!(renamed["eTag"], again["eTag"]);
    assert_eq!(
        renamed["cTag"], again["cTag"],
        "metadata change keeps the cTag"
    );
}

#[tokio::test]
async fn names_are_unique_ignoring_case_and_keep_their_case() {
    let api = Api::empty().await;
    let (st, a) = api
        .send(
            Method::POST,
            "/me/drive/root/children",
            json!({"name": "Hello", "folder": {}}),
        )
        .await;
    assert_eq!(st, 201);
    assert_eq!(a["name"], "Hello");
    let (st, e) = api
        .send(
            Method::POST,
            "/me/drive/root/children",
            json!({"name": "hELLO", "folder": {}}),
        )
        .await;
    assert_eq!((st, code(&e)), (409, "nameAlreadyExists"));
    let (_, f) = api.put("hello/x.txt", b"1").await;
    assert_eq!(f["parentReference"]["id"], a["id"]);
}

#[tokio::test]
async fn nfc_and_nfd_spell_one_name() {
    let api = Api::empty().await;
    let mkdir = |name: &str| json!({"name": name, "folder": {}});
    let (st, nfc) = api
        .send(Method::POST, "/me/drive/root/children", mkdir("Caf\u{e9}"))
        .await;
    assert_eq!(st, 201);
    for other in ["Cafe\u{301}", "CAFE\u{301}", "caf\u{c9}"] {
        let (st, e) = api
            .send(Method::POST, "/me/drive/root/children", mkdir(other))
            .await;
        assert_eq!((st, code(&e)), (409, "nameAlreadyExists"), "{other:?}");
    }
    let (st, found) = api.get("/me/drive/root:/cafe%CC%81").await;
    assert_eq!(
        (st, &found["id"]),
        (200, &nfc["id"]),
        "NFD finds the NFC item"
    );
    let (_, f1) = api.put("r%C3%A9sum%C3%A9.txt", b"nfc").await;
    let (st, f2) = api.put("re%CC%81sume%CC%81.txt", b"nfd").await;
    assert_eq!(
        (st, &f2["id"]),
        (200, &f1["id"]),
        "an NFD upload replaces the NFC file"
    );
    assert_eq!(
        f2["name"], "r\u{e9}sum\u{e9}.txt",
        "the name keeps its first spelling"
    );
    let (_, kids) = api.get("/me/drive/root/children").await;
    assert_eq!(kids["value"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn invalid_names_and_long_paths_are_rejected() {
    let api = Api::empty().await;
    for bad in [
        "a%3Ab",
        "CON",
        "x.",
        "%20x",
        "a%3Fb",
        "~%24x",
        "desktop.ini",
    ] {
        let (st, e) = api.put(bad, b"1").await;
        assert_eq!((st, code(&e)), (400, "invalidRequest"), "{bad}");
    }
    let (st, e) = api
        .send(
            Method::POST,
            "/me/drive/root/children",
            json!({"name": "a*b", "folder": {}}),
        )
        .await;
    assert_eq!((st, code(&e)), (400, "invalidRequest"));
    let long = vec!["abcdefghij"; 37].join("/");
    let (st, e) = api.put(&long, b"1").await;
    assert_eq!(st, 400);
    assert_eq!(e["error"]["innerError"]["code"], "pathIsTooLong");
    let ok = vec!["abcdefghij"; 36].join("/");
    assert_eq!(api.put(&ok, b"1").await.0, 201);
}

#[tokio::test]
async fn special_folders_are_created_on_demand() {
    let api = Api::empty().await;
    let (st, docs) = api.get("/me/drive/special/documents").await;
    assert_eq!(st, 200);
    assert_eq!(docs["name"], "Documents");
    assert_eq!(docs["specialFolder"]["name"], "documents");
    let (st, roll) = api.get("/me/drive/special/cameraroll:/x.jpg").await;
    assert_eq!(st, 404, "relative paths work below special folders");
    assert_eq!(code(&roll), "itemNotFound");
    let (st, _) = api.get("/me/drive/special/nonsense").await;
    assert_eq!(st, 404);
}

#[tokio::test]
async fn uploaded_files_carry_the_reference_quick_xor_hashes() {
    let api = Api::empty().await;
    let vectors: Vec<(Vec<u8>, &str)> = vec![
        (b"a".to_vec(), "YQAAAAAAAAAAAAAAAQAAAAAAAAA="),
        (b"Hello, World!".to_vec(), "SCgDG9jwBhaA4ApvnQMbyBACAAA="),
        (
            b"The quick brown fox jumps over the lazy dog".to_vec(),
            "bMSlbysmxJL6S75XwfMcQZOpcr4=",
        ),
        ((0..=255u8).collect(), "QkGEfSisZcA7k+FCh71r2dbCayY="),
        (vec![0; 1000], "AAAAAAAAAAAAAAAA6AMAAAAAAAA="),
        (vec![b'a'; 161], "nv//////////////Xv////////8="),
        (vec![b'a'; 1760], "////////////////H/n///////8="),
    ];
    for (i, (bytes, want)) in vectors.iter().enumerate() {
        let (st, f) = api.put(&format!("v/{i}.bin"), bytes).await;
        assert_eq!(st, 201);
        assert_eq!(f["file"]["hashes"]["quickXorHash"], *want, "vector {i}");
    }
}
