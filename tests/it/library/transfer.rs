//! Single-file transfers: verified downloads to files and writers, resume across runs,
//! cancellation, simple and session uploads with mtime, resumed and restarted sessions.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use skydrive::emulator::Listener;
use skydrive::graph::transfer::{Cancel, DownloadOptions, FRAGMENT_UNIT, UploadOptions};
use skydrive::{ErrorKind, ItemRef};

use super::{empty_env, pattern};

fn cancel_after_first_progress(cancel: &Cancel) -> skydrive::graph::transfer::Progress {
    let cancel = cancel.clone();
    Arc::new(move |done, _| {
        if done > 0 {
            cancel.cancel();
        }
    })
}

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
    let cancel = Cancel::new();
    let opts = DownloadOptions {
        progress: Some(cancel_after_first_progress(&cancel)),
        cancel: cancel.clone(),
        ..DownloadOptions::default()
    };
    let err = env
        .client
        .download_to_file(&ItemRef::path("big.bin"), &dest, &opts)
        .await
        .unwrap_err();
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
async fn simple_upload_sets_mtime_and_handles_empty_files() {
    let env = empty_env().await;
    let local = env.dir.path().join("small.txt");
    let data = pattern(300_000, 6);
    std::fs::write(&local, &data).unwrap();
    let mtime = SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000);
    std::fs::File::options()
        .write(true)
        .open(&local)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let item = env
        .client
        .upload_file(
            &ItemRef::Root,
            "small.txt",
            &local,
            &UploadOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(env.emu.file_bytes("small.txt").unwrap(), data);
    let fsi = item.file_system_info.unwrap();
    assert!(
        fsi.last_modified_date_time
            .unwrap()
            .starts_with("2020-09-13T12:26:40"),
        "mtime sent"
    );
    let empty = env.dir.path().join("empty");
    std::fs::write(&empty, b"").unwrap();
    let item = env
        .client
        .upload_file(&ItemRef::Root, "empty", &empty, &UploadOptions::default())
        .await
        .unwrap();
    assert_eq!(item.size, Some(0));
    assert_eq!(env.emu.file_bytes("empty").unwrap(), b"");
}

fn session_opts() -> UploadOptions {
    UploadOptions {
        fragment_size: FRAGMENT_UNIT,
        simple_limit: 1 << 20,
        ..UploadOptions::default()
    }
}

#[tokio::test]
async fn session_upload_sends_fragments_without_the_token() {
    let env = empty_env().await;
    env.emu.mkdir_p("In");
    let data = pattern(3 * 1024 * 1024 + 1, 7);
    let local = env.dir.path().join("big.bin");
    std::fs::write(&local, &data).unwrap();
    let item = env
        .client
        .upload_file(&ItemRef::path("In"), "big.bin", &local, &session_opts())
        .await
        .unwrap();
    assert_eq!(item.size, Some(data.len() as u64));
    assert_eq!(env.emu.file_bytes("In/big.bin").unwrap(), data);
    let local_mtime = std::fs::metadata(&local).unwrap().modified().unwrap();
    let sent = item
        .file_system_info
        .unwrap()
        .last_modified_date_time
        .unwrap();
    let sent =
        time::OffsetDateTime::parse(&sent, &time::format_description::well_known::Rfc3339).unwrap();
    let local_mtime = time::OffsetDateTime::from(local_mtime);
    assert!(
        (sent - local_mtime).abs() < time::Duration::seconds(1),
        "mtime sent in the session"
    );
    let log = env.emu.request_log();
    assert!(log.iter().any(|r| r.path.ends_with("createUploadSession")));
    let puts: Vec<_> = log
        .iter()
        .filter(|r| r.listener == Listener::Content && r.method == "PUT")
        .collect();
    assert_eq!(puts.len(), 10);
    assert!(puts.iter().all(|r| !r.authorization));
    assert!(!env.dir.path().join(".big.bin.upload.json").exists());
}

#[tokio::test]
async fn interrupted_session_resumes_in_a_later_run() {
    let env = empty_env().await;
    let data = pattern(2 * 1024 * 1024, 8);
    let local = env.dir.path().join("big.bin");
    std::fs::write(&local, &data).unwrap();
    let cancel = Cancel::new();
    let first = UploadOptions {
        progress: Some(cancel_after_first_progress(&cancel)),
        cancel,
        ..session_opts()
    };
    let err = env
        .client
        .upload_file(&ItemRef::Root, "big.bin", &local, &first)
        .await
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Cancelled), "{err}");
    assert!(env.dir.path().join(".big.bin.upload.json").exists());
    env.emu.clear_request_log();
    env.client
        .upload_file(&ItemRef::Root, "big.bin", &local, &session_opts())
        .await
        .unwrap();
    assert_eq!(env.emu.file_bytes("big.bin").unwrap(), data);
    let log = env.emu.request_log();
    assert!(!log.iter().any(|r| r.path.ends_with("createUploadSession")));
    let puts = log.iter().filter(|r| r.method == "PUT").count();
    assert!(puts < 7, "only the missing fragments were sent ({puts})");
}

#[tokio::test]
async fn an_expired_session_starts_over() {
    let env = empty_env().await;
    let data = pattern(2 * 1024 * 1024, 9);
    let local = env.dir.path().join("big.bin");
    std::fs::write(&local, &data).unwrap();
    let cancel = Cancel::new();
    let first = UploadOptions {
        progress: Some(cancel_after_first_progress(&cancel)),
        cancel,
        ..session_opts()
    };
    let _ = env
        .client
        .upload_file(&ItemRef::Root, "big.bin", &local, &first)
        .await
        .unwrap_err();
    env.emu.expire_upload_sessions();
    env.client
        .upload_file(&ItemRef::Root, "big.bin", &local, &session_opts())
        .await
        .unwrap();
    assert_eq!(env.emu.file_bytes("big.bin").unwrap(), data);
}

#[tokio::test]
async fn a_changed_local_file_gets_a_new_session() {
    let env = empty_env().await;
    let local = env.dir.path().join("big.bin");
    std::fs::write(&local, pattern(2 * 1024 * 1024, 10)).unwrap();
    let cancel = Cancel::new();
    let first = UploadOptions {
        progress: Some(cancel_after_first_progress(&cancel)),
        cancel,
        ..session_opts()
    };
    let _ = env
        .client
        .upload_file(&ItemRef::Root, "big.bin", &local, &first)
        .await
        .unwrap_err();
    let changed = pattern(2 * 1024 * 1024 + 5, 11);
    std::fs::write(&local, &changed).unwrap();
    env.emu.clear_request_log();
    env.client
        .upload_file(&ItemRef::Root, "big.bin", &local, &session_opts())
        .await
        .unwrap();
    assert_eq!(env.emu.file_bytes("big.bin").unwrap(), changed);
    let log = env.emu.request_log();
    assert!(log.iter().any(|r| r.path.ends_with("createUploadSession")));
}

#[tokio::test]
async fn a_session_lost_mid_upload_is_restarted() {
    let env = empty_env().await;
    let data = pattern(2 * 1024 * 1024, 12);
    let local = env.dir.path().join("big.bin");
    std::fs::write(&local, &data).unwrap();
    let emu = env.emu.clone();
    let expired = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let opts = UploadOptions {
        progress: Some(Arc::new(move |done, _| {
            if done > 0 && !expired.swap(true, Ordering::SeqCst) {
                emu.expire_upload_sessions();
            }
        })),
        ..session_opts()
    };
    env.client
        .upload_file(&ItemRef::Root, "big.bin", &local, &opts)
        .await
        .unwrap();
    assert_eq!(env.emu.file_bytes("big.bin").unwrap(), data);
    let log = env.emu.request_log();
    let sessions = log
        .iter()
        .filter(|r| r.path.ends_with("createUploadSession"))
        .count();
    assert_eq!(sessions, 2);
    assert!(log.iter().any(|r| r.status == 404));
}

#[tokio::test]
async fn a_partial_download_of_an_older_version_starts_over() {
    let env = empty_env().await;
    env.emu.put_file("doc.bin", &pattern(2 << 20, 13));
    let dest = env.dir.path().join("doc.bin");
    let cancel = Cancel::new();
    let opts = DownloadOptions {
        progress: Some(cancel_after_first_progress(&cancel)),
        cancel,
        ..DownloadOptions::default()
    };
    let item = ItemRef::path("doc.bin");
    assert!(
        env.client
            .download_to_file(&item, &dest, &opts)
            .await
            .is_err()
    );
    let newer = pattern(2 << 20, 14);
    env.emu.put_file("doc.bin", &newer);
    let resume = DownloadOptions {
        resume: true,
        ..DownloadOptions::default()
    };
    env.client
        .download_to_file(&item, &dest, &resume)
        .await
        .unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), newer);
}

#[tokio::test]
async fn a_dropped_upload_future_can_be_resumed() {
    let env = empty_env().await;
    let data = pattern(2 * 1024 * 1024, 15);
    let local = env.dir.path().join("big.bin");
    std::fs::write(&local, &data).unwrap();
    env.emu.set_faults(skydrive::emulator::Faults {
        latency: Duration::from_millis(40),
        ..Default::default()
    });
    let opts = session_opts();
    let run = env
        .client
        .upload_file(&ItemRef::Root, "big.bin", &local, &opts);
    assert!(
        tokio::time::timeout(Duration::from_millis(250), run)
            .await
            .is_err()
    );
    assert!(env.dir.path().join(".big.bin.upload.json").exists());
    assert!(env.emu.file_bytes("big.bin").is_none());
    env.emu.set_faults(skydrive::emulator::Faults::default());
    env.client
        .upload_file(&ItemRef::Root, "big.bin", &local, &opts)
        .await
        .unwrap();
    assert_eq!(env.emu.file_bytes("big.bin").unwrap(), data);
    assert!(!env.dir.path().join(".big.bin.upload.json").exists());
}

#[tokio::test]
async fn no_clobber_uploads_refuse_existing_names() {
    let env = empty_env().await;
    env.emu.put_file("taken.txt", b"old");
    let local = env.dir.path().join("taken.txt");
    std::fs::write(&local, b"new").unwrap();
    let opts = UploadOptions {
        conflict: skydrive::Conflict::Fail,
        ..UploadOptions::default()
    };
    let err = env
        .client
        .upload_file(&ItemRef::Root, "taken.txt", &local, &opts)
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    assert_eq!(env.emu.file_bytes("taken.txt").unwrap(), b"old");
    let renamed = UploadOptions {
        conflict: skydrive::Conflict::Rename,
        ..UploadOptions::default()
    };
    let item = env
        .client
        .upload_file(&ItemRef::Root, "taken.txt", &local, &renamed)
        .await
        .unwrap();
    assert_ne!(item.name, "taken.txt");
    assert_eq!(env.emu.file_bytes(&item.name).unwrap(), b"new");
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
    let cancel = Cancel::new();
    let opts = DownloadOptions {
        progress: Some(cancel_after_first_progress(&cancel)),
        cancel,
        ..DownloadOptions::default()
    };
    let item = ItemRef::path("doc.bin");
    assert!(
        env.client
            .download_to_file(&item, &dest, &opts)
            .await
            .is_err()
    );
    let mut bytes = std::fs::read(&part).unwrap();
    bytes[0] ^= 0xFF;
    std::fs::write(&part, &bytes).unwrap();
    let resume = DownloadOptions {
        resume: true,
        ..DownloadOptions::default()
    };
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
    let resume = DownloadOptions {
        resume: true,
        ..DownloadOptions::default()
    };
    env.client
        .download_to_file(&item, &dest, &resume)
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
    let cancel = Cancel::new();
    let opts = DownloadOptions {
        progress: Some(cancel_after_first_progress(&cancel)),
        cancel: cancel.clone(),
        discard_partial: true,
        ..DownloadOptions::default()
    };
    let dest = dir.join("one.bin");
    let err = env
        .client
        .download_to_file(&ItemRef::path("one.bin"), &dest, &opts)
        .await
        .unwrap_err();
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
