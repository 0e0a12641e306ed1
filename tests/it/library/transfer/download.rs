//! Downloads: streamed and verified, to files and writers, resumed, cancelled, discarded.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use skydrive::emulator::Listener;
use skydrive::graph::transfer::{Cancel, DownloadOptions};
use skydrive::{ErrorKind, ItemRef};

use super::{interrupted_download, resuming};
use crate::library::{empty_env, pattern};

#[tokio::test]
async fn download_streams_verifies_and_reports_progress() {
    let env = empty_env().await;
    let data = pattern(5 << 20, 3);
    env.emu.put_file("Docs/video.bin", &data);
    let dest = env.dir.path().join("video.bin");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let opts = DownloadOptions {
        progress: Some(Arc::new(move |d, t| log.lock().unwrap().push((d, t)))),
        ..DownloadOptions::default()
    };
    let item = env
        .client
        .download_to_file(&ItemRef::path("Docs/video.bin"), &dest, &opts)
        .await
        .unwrap();
    assert_eq!(item.size, Some(data.len() as u64));
    assert_eq!(std::fs::read(&dest).unwrap(), data);
    let seen = seen.lock().unwrap();
    assert!(seen.len() > 1 && seen.windows(2).all(|w| w[0].0 <= w[1].0));
    assert_eq!(
        *seen.last().unwrap(),
        (data.len() as u64, data.len() as u64)
    );
    let leftovers: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".video"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // The token went to Graph only; the content origin never saw it.
    let log = env.emu.request_log();
    assert!(log.iter().any(|r| r.listener == Listener::Content));
    assert!(
        log.iter()
            .filter(|r| r.listener == Listener::Content)
            .all(|r| !r.authorization)
    );
}

#[tokio::test]
async fn empty_file_downloads() {
    let env = empty_env().await;
    env.emu.put_file("empty", b"");
    let dest = env.dir.path().join("empty");
    let opts = DownloadOptions::default();
    env.client
        .download_to_file(&ItemRef::path("empty"), &dest, &opts)
        .await
        .unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), b"");
}

#[tokio::test]
async fn cancelled_download_resumes_in_a_later_run() {
    let env = empty_env().await;
    let data = pattern(4 << 20, 4);
    env.emu.put_file("big.bin", &data);
    let dest = env.dir.path().join("big.bin");
    let part = env.dir.path().join(".big.bin.part");
    let err = interrupted_download(&env, "big.bin", &dest, false).await;
    assert!(matches!(err.kind(), ErrorKind::Cancelled), "{err}");
    assert!(!dest.exists(), "no partial file under the final name");
    let had = std::fs::metadata(&part).unwrap().len();
    assert!(had > 0 && had < data.len() as u64);
    let first = Arc::new(AtomicU64::new(0));
    let f = first.clone();
    let resume = DownloadOptions {
        resume: true,
        progress: Some(Arc::new(move |d, _| {
            let _ = f.compare_exchange(0, d, Ordering::SeqCst, Ordering::SeqCst);
        })),
        ..DownloadOptions::default()
    };
    env.client
        .download_to_file(&ItemRef::path("big.bin"), &dest, &resume)
        .await
        .unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), data);
    assert!(
        first.load(Ordering::SeqCst) > had,
        "continued after the {had} bytes on disk"
    );
    assert!(!part.exists());
}

#[tokio::test]
async fn a_dropped_download_future_leaves_no_final_file() {
    let env = empty_env().await;
    env.emu.put_file("big.bin", &pattern(4 << 20, 5));
    env.emu.set_faults(skydrive::emulator::Faults {
        latency: Duration::from_millis(50),
        ..Default::default()
    });
    let dest = env.dir.path().join("big.bin");
    let opts = DownloadOptions::default();
    let item = ItemRef::path("big.bin");
    let run = env.client.download_to_file(&item, &dest, &opts);
    assert!(
        tokio::time::timeout(Duration::from_millis(120), run)
            .await
            .is_err()
    );
    assert!(!dest.exists());
}

#[tokio::test]
async fn a_partial_download_of_an_older_version_starts_over() {
    let env = empty_env().await;
    env.emu.put_file("doc.bin", &pattern(2 << 20, 13));
    let dest = env.dir.path().join("doc.bin");
    let err = interrupted_download(&env, "doc.bin", &dest, false).await;
    assert!(err.is_cancelled(), "{err}");
    let newer = pattern(2 << 20, 14);
    env.emu.put_file("doc.bin", &newer);
    env.client
        .download_to_file(&ItemRef::path("doc.bin"), &dest, &resuming())
        .await
        .unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), newer);
}

/// An `AsyncWrite` that keeps only a running hash and the largest single write.
#[derive(Default)]
struct Probe {
    hash: skydrive::graph::quickxor::QuickXorHash,
    len: usize,
    largest_write: usize,
}

impl tokio::io::AsyncWrite for Probe {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        self.hash.update(buf);
        self.len += buf.len();
        self.largest_write = self.largest_write.max(buf.len());
        std::task::Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}

#[tokio::test]
async fn downloads_stream_in_small_chunks_whatever_the_size() {
    let env = empty_env().await;
    let data = pattern(8 << 20, 16);
    env.emu.put_file("huge.bin", &data);
    let mut probe = Probe::default();
    let n = env
        .client
        .download_to_writer(
            &ItemRef::path("huge.bin"),
            &mut probe,
            &DownloadOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(n, data.len() as u64);
    assert_eq!(probe.len, data.len());
    assert_eq!(
        probe.hash.finish_base64(),
        skydrive::graph::quickxor::hash_base64(&data)
    );
    // Memory is bounded by the chunk size, not the file size.
    assert!(probe.largest_write <= 1 << 20, "{}", probe.largest_write);
}

#[tokio::test]
async fn a_corrupt_partial_file_fails_verification_and_is_discarded() {
    let env = empty_env().await;
    let data = pattern(3 << 20, 17);
    env.emu.put_file("doc.bin", &data);
    let dest = env.dir.path().join("doc.bin");
    let part = env.dir.path().join(".doc.bin.part");
    let err = interrupted_download(&env, "doc.bin", &dest, false).await;
    assert!(err.is_cancelled(), "{err}");
    let mut bytes = std::fs::read(&part).unwrap();
    bytes[0] ^= 0xFF;
    std::fs::write(&part, &bytes).unwrap();
    let item = ItemRef::path("doc.bin");
    let resume = resuming();
    let err = env
        .client
        .download_to_file(&item, &dest, &resume)
        .await
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Integrity { .. }), "{err}");
    assert!(!dest.exists() && !part.exists());
    env.client
        .download_to_file(&item, &dest, &resume)
        .await
        .unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), data);
}

#[tokio::test]
async fn a_complete_part_file_is_verified_without_refetching() {
    let env = empty_env().await;
    let data = pattern(1 << 20, 18);
    env.emu.put_file("doc.bin", &data);
    let dest = env.dir.path().join("doc.bin");
    let cancel = Cancel::new();
    let stop = cancel.clone();
    let opts = DownloadOptions {
        progress: Some(Arc::new(move |done, total| {
            if done == total {
                stop.cancel();
            }
        })),
        cancel,
        ..DownloadOptions::default()
    };
    let item = ItemRef::path("doc.bin");
    let err = env
        .client
        .download_to_file(&item, &dest, &opts)
        .await
        .unwrap_err();
    assert!(err.is_cancelled(), "{err}");
    assert_eq!(
        std::fs::metadata(env.dir.path().join(".doc.bin.part"))
            .unwrap()
            .len(),
        data.len() as u64
    );
    env.emu.clear_request_log();
    env.client
        .download_to_file(&item, &dest, &resuming())
        .await
        .unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), data);
    assert!(env.log(Listener::Content).is_empty(), "nothing refetched");
}

#[tokio::test]
async fn discard_partial_removes_the_part_files_of_cancelled_downloads() {
    let env = empty_env().await;
    let data = pattern(4 << 20, 11);
    env.emu.put_file("one.bin", &data);
    env.emu.put_file("Tree/a.bin", &data);
    env.emu.put_file("Tree/b.bin", &data);
    let dir = env.dir.path();
    let leftovers = |root: &std::path::Path| -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![root.to_owned()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.to_string_lossy().contains(".part") {
                    out.push(p.display().to_string());
                }
            }
        }
        out
    };
    // One file, cancelled: nothing left, nothing under the final name.
    let dest = dir.join("one.bin");
    let err = interrupted_download(&env, "one.bin", &dest, true).await;
    assert!(err.is_cancelled(), "{err}");
    assert!(!dest.exists());
    assert_eq!(leftovers(dir), Vec::<String>::new());
    // A recursive download, cancelled mid-way: no `.part` files anywhere below.
    let cancel = Cancel::new();
    let opts = skydrive::drive::TreeOptions {
        parallel: 2,
        discard_partial: true,
        progress: {
            let cancel = cancel.clone();
            Some(Arc::new(move |_: &str, done: u64, _: u64| {
                if done > 0 {
                    cancel.cancel();
                }
            }))
        },
        cancel: cancel.clone(),
        ..skydrive::drive::TreeOptions::default()
    };
    let local = dir.join("tree");
    let err = skydrive::drive::get_tree(&env.client, &ItemRef::path("Tree"), &local, &opts)
        .await
        .unwrap_err();
    assert!(err.is_cancelled(), "{err}");
    assert_eq!(leftovers(&local), Vec::<String>::new());
}
