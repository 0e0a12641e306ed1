//! Fault injection and the request log.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;
use skydrive::emulator::{Faults, Listener, Seed};

use super::transfer::{fragment, session};
use super::{Api, code, pattern};

#[tokio::test]
async fn throttle_and_fail_every_nth_graph_request() {
    let api = Api::with(
        Seed::Demo,
        Faults {
            throttle_every: 3,
            retry_after: "7".into(),
            fail_every: 5,
            ..Faults::default()
        },
    )
    .await;
    let mut got = Vec::new();
    for _ in 0..10 {
        let r = api.req(Method::GET, "/me/drive/root").send().await.unwrap();
        let retry = r
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned());
        let (st, body) = super::decode(r).await;
        got.push((st, retry, code(&body).to_owned()));
    }
    assert_eq!(
        got[2],
        (429, Some("7".into()), "activityLimitReached".into())
    );
    assert_eq!(got[4], (503, None, "serviceNotAvailable".into()));
    assert_eq!(got[5].0, 429);
    assert_eq!(got[9].0, 503);
    assert_eq!(got.iter().filter(|g| g.0 == 200).count(), 5);
    api.emu.set_faults(Faults::default());
    assert_eq!(api.get("/me/drive/root").await.0, 200);
}

#[tokio::test]
async fn latency_delays_every_answer() {
    let api = Api::with(
        Seed::Demo,
        Faults {
            latency: Duration::from_millis(150),
            ..Faults::default()
        },
    )
    .await;
    let t = Instant::now();
    api.get("/me/drive").await;
    assert!(t.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn every_nth_download_drops_half_way() {
    let api = Api::empty().await;
    let data = pattern(300_000, 5);
    api.emu.put_file("d.bin", &data);
    api.emu.set_faults(Faults {
        drop_every: 2,
        ..Faults::default()
    });
    let (_, item) = api.get("/me/drive/root:/d.bin").await;
    let url = item["@microsoft.graph.downloadUrl"].as_str().unwrap();
    let first = api
        .http
        .get(url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(first.len(), data.len());
    let resp = api.http.get(url).send().await.unwrap();
    assert_eq!(resp.status(), 200, "headers arrive, then the body breaks");
    assert!(resp.bytes().await.is_err(), "the body is cut half-way");
    let third = api
        .http
        .get(url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&third[..], &data[..]);
}

#[tokio::test]
async fn a_lost_fragment_is_stored_so_the_retry_gets_416_and_resumes() {
    let api = Api::empty().await;
    api.emu.set_faults(Faults {
        lose_fragment_every: 1,
        ..Faults::default()
    });
    let unit = 320 * 1024;
    let data = pattern(unit + 10, 2);
    let url = session(&api, "l.bin", json!({})).await;
    let (st, e) = fragment(&api, &url, &data[..unit], 0, data.len()).await;
    assert_eq!((st, code(&e)), (500, "generalException"));
    let (st, _) = fragment(&api, &url, &data[..unit], 0, data.len()).await;
    assert_eq!(st, 416);
    api.emu.set_faults(Faults::default());
    let (_, status) = super::decode(api.http.get(&url).send().await.unwrap()).await;
    let last = data.len() - 1;
    assert_eq!(
        status["nextExpectedRanges"],
        json!([format!("{unit}-{last}")])
    );
    let (st, _) = fragment(&api, &url, &data[unit..], unit, data.len()).await;
    assert_eq!(st, 201);
    assert_eq!(api.emu.file_bytes("l.bin").unwrap(), data);
}

#[tokio::test]
async fn the_request_log_records_listener_status_and_authorization() {
    let api = Api::demo().await;
    api.emu.clear_request_log();
    let (_, item) = api
        .get("/me/drive/root:/Documents/README.txt?$select=id")
        .await;
    assert!(item["id"].is_string());
    let url = format!("{}/common/oauth2/v2.0/token", api.emu.login_url());
    api.http
        .post(url)
        .form(&[("grant_type", "nope")])
        .send()
        .await
        .unwrap();
    let (_, it) = api.get("/me/drive/root:/Documents/README.txt").await;
    api.http
        .get(it["@microsoft.graph.downloadUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let log = api.emu.request_log();
    assert_eq!(log.len(), 4, "{log:?}");
    assert_eq!(log[0].method, "GET");
    assert_eq!(
        log[0].path,
        "/v1.0/me/drive/root:/Documents/README.txt?$select=id"
    );
    assert_eq!(
        (log[0].status, log[0].authorization, log[0].listener),
        (200, true, Listener::Graph)
    );
    assert_eq!((log[1].status, log[1].listener), (400, Listener::Login));
    assert_eq!(
        (log[3].status, log[3].authorization, log[3].listener),
        (200, false, Listener::Content)
    );
}
