//! Single-file transfers: verified downloads to files and writers, resume across runs,
//! cancellation, simple and session uploads with mtime, resumed and restarted sessions.
//! Interrupting a transfer half-way is the common set-up; the helpers here do it one way.

mod completion;
mod download;
mod ranges;
mod upload;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use skydrive::ItemRef;
use skydrive::graph::transfer::{Cancel, DownloadOptions, FRAGMENT_UNIT, Progress, UploadOptions};

use super::Env;

/// Cancels `cancel` as soon as the first bytes have moved.
fn cancel_after_first_progress(cancel: &Cancel) -> Progress {
    let cancel = cancel.clone();
    Arc::new(move |done, _| {
        if done > 0 {
            cancel.cancel();
        }
    })
}

/// Small fragments and a 1 MiB simple-upload limit, so a 2 MiB file takes several fragments;
/// session state in the test's `state/` folder.
fn session_opts(env: &Env) -> UploadOptions {
    UploadOptions {
        fragment_size: FRAGMENT_UNIT,
        simple_limit: 1 << 20,
        state_dir: Some(state_dir(env)),
        ..UploadOptions::default()
    }
}

/// Where [`session_opts`] keeps upload state.
fn state_dir(env: &Env) -> PathBuf {
    env.dir.path().join("state")
}

/// The upload state files saved so far (none beside the sources, which are in the temp dir).
fn saved_uploads(env: &Env) -> Vec<PathBuf> {
    let beside: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".upload.json"))
        .collect();
    assert!(beside.is_empty(), "state beside the source: {beside:?}");
    std::fs::read_dir(state_dir(env))
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// Download options that continue a partial file.
fn resuming() -> DownloadOptions {
    DownloadOptions {
        resume: true,
        ..DownloadOptions::default()
    }
}

/// Writes `data` to `name` in the test's temp dir; returns its path.
fn local_file(env: &Env, name: &str, data: &[u8]) -> PathBuf {
    let path = env.dir.path().join(name);
    std::fs::write(&path, data).unwrap();
    path
}

/// Starts a session upload of `local` to `/name` and cancels it after the first fragment; the
/// saved session stays for a later run. Returns the error (a cancellation).
async fn interrupted_upload(env: &Env, local: &Path, name: &str) -> skydrive::Error {
    let cancel = Cancel::new();
    let opts = UploadOptions {
        progress: Some(cancel_after_first_progress(&cancel)),
        cancel,
        ..session_opts(env)
    };
    env.client
        .upload_file(&ItemRef::Root, name, local, &opts)
        .await
        .unwrap_err()
}

/// Starts downloading `/remote` to `dest` and cancels it after the first bytes, keeping the
/// partial file unless `discard_partial`. Returns the error (a cancellation).
async fn interrupted_download(
    env: &Env,
    remote: &str,
    dest: &Path,
    discard_partial: bool,
) -> skydrive::Error {
    let cancel = Cancel::new();
    let opts = DownloadOptions {
        progress: Some(cancel_after_first_progress(&cancel)),
        cancel,
        discard_partial,
        ..DownloadOptions::default()
    };
    env.client
        .download_to_file(&ItemRef::path(remote), dest, &opts)
        .await
        .unwrap_err()
}
