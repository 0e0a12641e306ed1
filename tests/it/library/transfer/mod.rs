//! Single-file transfers: verified downloads to files and writers, resume across runs,
//! cancellation, simple and session uploads with mtime, resumed and restarted sessions.
//! Interrupting a transfer half-way is the common set-up; the helpers here do it one way.

mod completion;
mod download;
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

/// Small fragments and a 1 MiB simple-upload limit, so a 2 MiB file takes several fragments.
fn session_opts() -> UploadOptions {
    UploadOptions {
        fragment_size: FRAGMENT_UNIT,
        simple_limit: 1 << 20,
        ..UploadOptions::default()
    }
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
        ..session_opts()
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
