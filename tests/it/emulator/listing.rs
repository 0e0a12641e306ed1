//! Listing (graph-api.md §3): paging, `$top`, nextLink, `$select`, `$expand`, `$orderby`.

use serde_json::Value;

use super::{Api, code};

async fn folder_with(n: usize) -> Api {
    let api = Api::empty().await;
    for i in 0..n {
        api.emu
            .put_file(&format!("F/f{i:04}.txt"), &vec![b'x'; i % 7]);
    }
    api
}

async fn all_pages(api: &Api, first: &str) -> (Vec<usize>, Vec<String>) {
    let (mut sizes, mut names) = (Vec::new(), Vec::new());
    let mut next = Some(first.to_owned());
    while let Some(url) = next {
        let (st, page) = api.get(&url).await;
        assert_eq!(st, 200, "{url}");
        let value = page["value"].as_array().unwrap();
        sizes.push(value.len());
        names.extend(value.iter().map(|v| v["name"].as_str().unwrap().to_owned()));
        next = page["@odata.nextLink"].as_str().map(str::to_owned);
        if let Some(n) = &next {
            assert!(n.starts_with(api.emu.graph_url()), "absolute nextLink: {n}");
            assert!(n.contains("skiptoken"), "{n}");
        }
    }
    (sizes, names)
}

#[tokio::test]
async fn default_page_is_200_and_top_goes_to_1000() {
    let api = folder_with(1205).await;
    let (sizes, names) = all_pages(&api, "/me/drive/root:/F:/children").await;
    assert_eq!(sizes, [200, 200, 200, 200, 200, 200, 5]);
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 1205, "no item twice, none missing");
    let (sizes, _) = all_pages(&api, "/me/drive/root:/F:/children?$top=1000").await;
    assert_eq!(sizes, [1000, 205]);
    let (sizes, _) = all_pages(&api, "/me/drive/root:/F:/children?top=5000").await;
    assert_eq!(sizes, [1000, 205], "$top is capped at 1000");
    let (st, e) = api
        .get("/me/drive/root:/F:/children?$skiptoken=garbage")
        .await;
    assert_eq!((st, code(&e)), (400, "invalidRequest"));
}

#[tokio::test]
async fn select_trims_properties_and_download_url_only_when_selected() {
    let api = Api::demo().await;
    let (_, page) = api.get("/me/drive/root:/Pics:/children").await;
    assert!(page["value"][0]["@microsoft.graph.downloadUrl"].is_string());
    let (_, page) = api
        .get("/me/drive/root:/Pics:/children?$select=id,name,size")
        .await;
    let first = page["value"][0].as_object().unwrap();
    let mut keys: Vec<&str> = first.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["id", "name", "size"]);
    let (_, page) = api
        .get("/me/drive/root:/Pics:/children?$select=name,@microsoft.graph.downloadUrl")
        .await;
    assert!(page["value"][0]["@microsoft.graph.downloadUrl"].is_string());
    let (_, item) = api.get("/me/drive/root:/Pics?$select=name").await;
    assert_eq!(item.as_object().unwrap().len(), 1);
}

#[tokio::test]
async fn expand_children_returns_at_most_200() {
    let api = folder_with(250).await;
    let (_, item) = api.get("/me/drive/root:/F?$expand=children").await;
    assert_eq!(item["children"].as_array().unwrap().len(), 200);
    assert_eq!(item["folder"]["childCount"], 250);
    let (_, item) = api
        .get("/me/drive/root:/F?$expand=children($select=name)")
        .await;
    assert_eq!(item["children"][0].as_object().unwrap().len(), 1);
}

#[tokio::test]
async fn orderby_name_and_size_both_ways() {
    let api = Api::empty().await;
    api.emu.put_file("b.txt", &[0; 30]);
    api.emu.put_file("A.txt", &[0; 10]);
    api.emu.put_file("c.txt", &[0; 20]);
    let names = |v: &Value| -> Vec<String> {
        v["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, p) = api.get("/me/drive/root/children?$orderby=name").await;
    assert_eq!(names(&p), ["A.txt", "b.txt", "c.txt"]);
    let (_, p) = api
        .get("/me/drive/root/children?$orderby=name%20desc")
        .await;
    assert_eq!(names(&p), ["c.txt", "b.txt", "A.txt"]);
    let (_, p) = api.get("/me/drive/root/children?$orderby=size").await;
    assert_eq!(names(&p), ["A.txt", "c.txt", "b.txt"]);
    let (st, _) = api.get("/me/drive/root/children?$orderby=color").await;
    assert_eq!(st, 400);
}
