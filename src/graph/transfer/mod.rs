//! Content transfers: streamed, verified, resumable downloads and uploads.
//!
//! Memory stays flat whatever the file size: downloads are written chunk by chunk as they
//! arrive (never buffering the body; a big file in several ranges at once through a writer
//! thread with a bounded queue of 1 MiB buffers), and uploads hold at most two fragments (the
//! one on the wire and the next one, read ahead). Both keep a small JSON state file so that an interrupted
//! transfer resumes in a later run, and neither ever leaves a partial file under the final
//! name. Pre-authenticated URLs (download, upload session) never receive the token.

mod body;
mod download;
mod partial;
mod session;
mod source;
mod spans;
mod state;
mod streams;
mod upload;
mod upload_hash;
mod upload_source;
mod writer;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Notify;

use crate::error::{ErrorKind, Result};

pub use download::{DEFAULT_MULTI_STREAM_CUTOFF, DEFAULT_STREAMS, DownloadOptions};
pub use upload::{DEFAULT_FRAGMENT, FRAGMENT_UNIT, SIMPLE_UPLOAD_LIMIT, UploadOptions};

/// Progress callback: `(bytes done, bytes total)`, called after each chunk or fragment.
pub type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// A cancellation flag shared between a transfer and whoever may stop it (Ctrl-C).
///
/// Cancelling makes the transfer return [`ErrorKind::Cancelled`] at the next chunk; partial
/// data and state files are kept for a later resume. Dropping the transfer future has the same
/// effect.
#[derive(Clone, Default)]
pub struct Cancel(Arc<CancelInner>);

#[derive(Default)]
struct CancelInner {
    flag: AtomicBool,
    notify: Notify,
}

impl std::fmt::Debug for Cancel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Cancel").field(&self.is_cancelled()).finish()
    }
}

impl Cancel {
    /// A fresh, not cancelled flag.
    pub fn new() -> Self {
        Cancel::default()
    }

    /// Requests cancellation of every transfer holding a clone of this flag.
    pub fn cancel(&self) {
        self.0.flag.store(true, Ordering::SeqCst);
        self.0.notify.notify_waiters();
    }

    /// True once [`Cancel::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.flag.load(Ordering::SeqCst)
    }

    /// Completes when cancellation is requested.
    pub async fn cancelled(&self) {
        loop {
            let notified = self.0.notify.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }

    /// `Err(Cancelled)` when cancelled.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            Err(ErrorKind::Cancelled.into())
        } else {
            Ok(())
        }
    }
}

/// The names of the hidden files a download of `file_name` keeps beside it until it is
/// complete (`.NAME.part`, `.NAME.part.json`), so that callers placing many files can keep
/// other items from landing on them.
pub fn partial_file_names(file_name: &str) -> [String; 2] {
    [".part", ".part.json"].map(|suffix| {
        state::hidden_sibling(std::path::Path::new(""), file_name, suffix)
            .to_string_lossy()
            .into_owned()
    })
}

fn report(progress: &Option<Progress>, done: u64, total: u64) {
    if let Some(p) = progress {
        p(done, total);
    }
}
