//! Uploads: simple and session, mtime, resumed, expired and restarted sessions, no-clobber.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use skydrive::emulator::Listener;
use skydrive::graph::transfer::UploadOptions;
use skydrive::{ErrorKind, ItemRef};

use super::{interrupted_upload, local_file, saved_uploads, session_opts};
use crate::library::{empty_env, pattern};

#[tokio::test]
async fn simple_upload_sets_mtime_and_handles_empty_files() {
    let env = empty_env().await;
    let data = pattern(300_000, 6);
    let local = local_file(&env, "small.txt", &data);
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
    let empty = local_file(&env, "empty", b"");
    let item = env
        .client
        .upload_file(&ItemRef::Root, "empty", &empty, &UploadOptions::default())
        .await
        .unwrap();
    assert_eq!(item.size, Some(0));
    assert_eq!(env.emu.file_bytes("empty").unwrap(), b"");
}

#[tokio::test]
async fn session_upload_sends_fragments_without_the_token() {
    let env = empty_env().await;
    env.emu.mkdir_p("In");
    let data = pattern(3 * 1024 * 1024 + 1, 7);
    let local = local_file(&env, "big.bin", &data);
    let item = env
        .client
        .upload_file(&ItemRef::path("In"), "big.bin", &local, &session_opts(&env))
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
    assert!(saved_uploads(&env).is_empty());
}

#[tokio::test]
async fn interrupted_session_resumes_in_a_later_run() {
    let env = empty_env().await;
    let data = pattern(2 * 1024 * 1024, 8);
    let local = local_file(&env, "big.bin", &data);
    let err = interrupted_upload(&env, &local, "big.bin").await;
    assert!(matches!(err.kind(), ErrorKind::Cancelled), "{err}");
    assert_eq!(saved_uploads(&env).len(), 1);
    env.emu.clear_request_log();
    env.client
        .upload_file(&ItemRef::Root, "big.bin", &local, &session_opts(&env))
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
    let local = local_file(&env, "big.bin", &data);
    assert!(
        interrupted_upload(&env, &local, "big.bin")
            .await
            .is_cancelled()
    );
    env.emu.expire_upload_sessions();
    env.client
        .upload_file(&ItemRef::Root, "big.bin", &local, &session_opts(&env))
        .await
        .unwrap();
    assert_eq!(env.emu.file_bytes("big.bin").unwrap(), data);
}

#[tokio::test]
async fn a_changed_local_file_gets_a_new_session() {
    let env = empty_env().await;
    let local = local_file(&env, "big.bin", &pattern(2 * 1024 * 1024, 10));
    assert!(
        interrupted_upload(&env, &local, "big.bin")
            .await
            .is_cancelled()
    );
    let changed = pattern(2 * 1024 * 1024 + 5, 11);
    std::fs::write(&local, &changed).unwrap();
    env.emu.clear_request_log();
    env.client
        .upload_file(&ItemRef::Root, "big.bin", &local, &session_opts(&env))
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
    let local = local_file(&env, "big.bin", &data);
    let emu = env.emu.clone();
    let expired = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let opts = UploadOptions {
        progress: Some(Arc::new(move |done, _| {
            if done > 0 && !expired.swap(true, Ordering::SeqCst) {
                emu.expire_upload_sessions();
            }
        })),
        ..session_opts(&env)
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
async fn a_dropped_upload_future_can_be_resumed() {
    let env = empty_env().await;
    let data = pattern(2 * 1024 * 1024, 15);
    let local = local_file(&env, "big.bin", &data);
    env.emu.set_faults(skydrive::emulator::Faults {
        latency: Duration::from_millis(40),
        ..Default::default()
    });
    let opts = session_opts(&env);
    let run = env
        .client
        .upload_file(&ItemRef::Root, "big.bin", &local, &opts);
    assert!(
        tokio::time::timeout(Duration::from_millis(250), run)
            .await
            .is_err()
    );
    assert_eq!(saved_uploads(&env).len(), 1);
    assert!(env.emu.file_bytes("big.bin").is_none());
    env.emu.set_faults(skydrive::emulator::Faults::default());
    env.client
        .upload_file(&ItemRef::Root, "big.bin", &local, &opts)
        .await
        .unwrap();
    assert_eq!(env.emu.file_bytes("big.bin").unwrap(), data);
    assert!(saved_uploads(&env).is_empty());
}

#[tokio::test]
async fn no_clobber_uploads_refuse_existing_names() {
    let env = empty_env().await;
    env.emu.put_file("taken.txt", b"old");
    let local = local_file(&env, "taken.txt", b"new");
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

/// A source folder is never written to (the session state goes to the state folder): a file
/// reached through `/proc/self/fd`, a folder that takes no new file even for root (the tests
/// run as root, for whom a mode 555 folder is no obstacle), is cancelled mid-upload and then
/// resumes in a later run.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_source_in_a_folder_that_takes_no_new_file_uploads_and_resumes() {
    use std::os::fd::AsRawFd;
    let env = empty_env().await;
    let data = pattern(2 * 1024 * 1024, 16);
    let real = local_file(&env, "big.bin", &data);
    let open = std::fs::File::open(&real).unwrap();
    let source = std::path::PathBuf::from(format!("/proc/self/fd/{}", open.as_raw_fd()));
    assert!(std::fs::write("/proc/self/fd/.probe", b"x").is_err());
    let err = interrupted_upload(&env, &source, "big.bin").await;
    assert!(err.is_cancelled(), "{err}");
    assert_eq!(saved_uploads(&env).len(), 1);
    env.emu.clear_request_log();
    env.client
        .upload_file(&ItemRef::Root, "big.bin", &source, &session_opts(&env))
        .await
        .unwrap();
    assert_eq!(env.emu.file_bytes("big.bin").unwrap(), data);
    let log = env.emu.request_log();
    assert!(!log.iter().any(|r| r.path.ends_with("createUploadSession")));
    assert!(saved_uploads(&env).is_empty());
}
