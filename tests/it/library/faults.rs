//! Every emulator fault, with byte-exact results: throttling, 503, dropped downloads, lost
//! upload fragments (expiring tokens are in `auth`).

use std::time::{Duration, Instant};

use skydrive::emulator::{Faults, Listener, Seed};
use skydrive::graph::transfer::{DownloadOptions, FRAGMENT_UNIT, UploadOptions};
use skydrive::{ItemRef, RetryPolicy};

use super::{env_with, pattern};

#[tokio::test]
async fn throttling_waits_for_retry_after() {
    let faults = Faults {
        throttle_every: 2,
        retry_after: "1".into(),
        ..Faults::default()
    };
    let env = env_with(Seed::Demo, faults).await;
    let client = env.client.clone().with_retry(RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_secs(5),
        ..RetryPolicy::default()
    });
    env.emu.clear_request_log();
    let started = Instant::now();
    client.item(&ItemRef::Root).await.unwrap();
    client.item(&ItemRef::Root).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After honoured"
    );
    let statuses: Vec<u16> = env.emu.request_log().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 429, 200]);
}

#[tokio::test]
async fn service_unavailable_is_retried_with_backoff() {
    let faults = Faults {
        fail_every: 2,
        ..Faults::default()
    };
    let env = env_with(Seed::Demo, faults).await;
    for _ in 0..4 {
        let kids = env.client.children(&ItemRef::path("Pics")).await.unwrap();
        assert_eq!(kids.len(), 2);
    }
    assert!(env.emu.request_log().iter().any(|r| r.status == 503));
}

#[tokio::test]
async fn retries_are_bounded() {
    let faults = Faults {
        fail_every: 1,
        ..Faults::default()
    };
    let env = env_with(Seed::Demo, faults).await;
    env.emu.clear_request_log();
    let err = env.client.drive().await.unwrap_err();
    assert!(err.is_transient() && err.status() == Some(503), "{err}");
    assert_eq!(env.emu.request_log().len(), 7, "first try + 6 retries");
}

#[tokio::test]
async fn dropped_downloads_resume_with_range() {
    let faults = Faults {
        drop_every: 2,
        ..Faults::default()
    };
    let env = env_with(Seed::Empty, faults).await;
    let data = pattern(3 << 20, 1);
    env.emu.put_file("big.bin", &data);
    let dest = env.dir.path().join("big.bin");
    for _ in 0..2 {
        env.client
            .download_to_file(
                &ItemRef::path("big.bin"),
                &dest,
                &DownloadOptions::default(),
            )
            .await
            .unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), data);
    }
    let mut out = Vec::new();
    env.client
        .download_to_writer(
            &ItemRef::path("big.bin"),
            &mut out,
            &DownloadOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(out, data);
    let content: Vec<u16> = env
        .emu
        .request_log()
        .iter()
        .filter(|r| r.listener == Listener::Content)
        .map(|r| r.status)
        .collect();
    assert!(
        content.len() >= 4,
        "dropped bodies were re-requested: {content:?}"
    );
    assert!(content.contains(&206), "resumed with Range: {content:?}");
}

#[tokio::test]
async fn lost_fragments_are_recovered_from_the_session_status() {
    let faults = Faults {
        lose_fragment_every: 2,
        ..Faults::default()
    };
    let env = env_with(Seed::Empty, faults).await;
    let opts = UploadOptions {
        fragment_size: FRAGMENT_UNIT,
        simple_limit: 0,
        ..UploadOptions::default()
    };
    // 7 fragments (the 2nd, 4th, 6th lost), then 4 fragments (the last one lost: the file
    // is complete on the server, only its answer is missing).
    for (name, len) in [("a.bin", 2 * 1024 * 1024 + 12_345), ("b.bin", 1024 * 1024)] {
        let data = pattern(len, 2);
        let local = env.dir.path().join(name);
        std::fs::write(&local, &data).unwrap();
        env.emu.set_faults(Faults {
            lose_fragment_every: 2,
            ..Faults::default()
        });
        let item = env
            .client
            .upload_file(&ItemRef::Root, name, &local, &opts)
            .await
            .unwrap();
        assert_eq!(item.size, Some(data.len() as u64));
        assert_eq!(item.name, name);
        assert_eq!(env.emu.file_bytes(name).unwrap(), data);
    }
    assert!(env.emu.request_log().iter().any(|r| r.status == 500));
}

#[tokio::test]
async fn a_silent_server_times_out_as_a_transient_error_and_a_slow_one_does_not() {
    let faults = Faults {
        latency: Duration::from_millis(400),
        ..Faults::default()
    };
    let env = env_with(Seed::Demo, faults).await;
    let retry = RetryPolicy {
        max_retries: 1,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        ..RetryPolicy::default()
    };
    let impatient = env
        .client
        .clone()
        .with_retry(retry.clone())
        .with_read_timeout(Duration::from_millis(100))
        .unwrap();
    let err = impatient.drive().await.unwrap_err();
    assert!(
        err.is_transient(),
        "a read timeout is worth retrying: {err}"
    );
    assert!(!err.to_string().contains("Bearer"), "{err}");
    let patient = env
        .client
        .clone()
        .with_retry(retry)
        .with_read_timeout(Duration::from_secs(5))
        .unwrap();
    patient.drive().await.unwrap();
}
