//! The writer of a download in several ranges: one thread that takes 1 MiB buffers with their
//! offsets and writes each with one positioned write, so that the streams fill one `.part`
//! at once without sharing a file position, and the runtime thread never waits on the disk.
//!
//! It records what it has written ([`Spans`]): only bytes on their way to the disk count as
//! done in the state file a later `get -c` reads. Buffers go back to a pool once written and
//! the queue is bounded, so memory stays flat whatever the file size.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};

use super::partial::local_write_error;
use super::spans::Spans;
use crate::error::{Error, Result};

/// The size of one write (bytes).
pub(super) const BUFFER: usize = 1 << 20;
/// Buffers waiting for the writer at most.
const QUEUE: usize = 8;

/// Bytes to write at an offset.
struct Piece {
    at: u64,
    buf: Vec<u8>,
}

/// What the writer thread and the streams share.
#[derive(Default)]
struct Shared {
    written: Mutex<Spans>,
    pool: Mutex<Vec<Vec<u8>>>,
}

/// The handle of the writer thread (see the module docs).
pub(super) struct RangeWriter {
    queue: Option<mpsc::Sender<Piece>>,
    shared: Arc<Shared>,
    ended: Option<oneshot::Receiver<std::io::Result<()>>>,
    path: PathBuf,
}

impl RangeWriter {
    /// Starts writing into `file` (named `path` in errors), whose spans `done` are already
    /// there.
    pub(super) fn start(file: std::fs::File, path: &Path, done: Spans) -> Result<Self> {
        let (queue, pieces) = mpsc::channel(QUEUE);
        let (end, ended) = oneshot::channel();
        let shared = Arc::new(Shared {
            written: Mutex::new(done),
            ..Shared::default()
        });
        let on_thread = shared.clone();
        std::thread::Builder::new()
            .name("download writer".into())
            .spawn(move || {
                let _ = end.send(write_all(&file, pieces, &on_thread));
            })
            .map_err(|e| Error::io(path, e))?;
        Ok(RangeWriter {
            queue: Some(queue),
            shared,
            ended: Some(ended),
            path: path.to_owned(),
        })
    }

    /// An empty buffer of [`BUFFER`] bytes' capacity (a written one when there is one).
    pub(super) fn buffer(&self) -> Vec<u8> {
        lock(&self.shared.pool)
            .pop()
            .unwrap_or_else(|| Vec::with_capacity(BUFFER))
    }

    /// Queues `buf` for writing at `at`; waits while the queue is full.
    ///
    /// # Errors
    ///
    /// The writer has stopped (a failed write: [`RangeWriter::finish`] says which).
    pub(super) async fn write(&self, at: u64, buf: Vec<u8>) -> Result<()> {
        let stopped = || Error::io(&self.path, std::io::Error::other("the writer stopped"));
        let queue = self.queue.as_ref().ok_or_else(stopped)?;
        queue.send(Piece { at, buf }).await.map_err(|_| stopped())
    }

    /// The spans written so far.
    pub(super) fn written(&self) -> Spans {
        lock(&self.shared.written).clone()
    }

    /// Waits until every queued buffer is written; returns the spans written.
    ///
    /// # Errors
    ///
    /// The first failed write ([`crate::ErrorKind::Io`], a full disk said plainly).
    pub(super) async fn finish(mut self) -> Result<Spans> {
        self.queue = None;
        let ended = match self.ended.take() {
            Some(rx) => rx.await.unwrap_or(Ok(())),
            None => Ok(()),
        };
        ended.map_err(|e| Error::io(&self.path, local_write_error(e)))?;
        Ok(self.written())
    }
}

/// The writer thread: writes pieces until the queue closes or a write fails.
fn write_all(
    file: &std::fs::File,
    mut pieces: mpsc::Receiver<Piece>,
    shared: &Shared,
) -> std::io::Result<()> {
    while let Some(Piece { at, mut buf }) = pieces.blocking_recv() {
        write_at(file, &buf, at)?;
        lock(&shared.written).insert(at, at + buf.len() as u64);
        buf.clear();
        lock(&shared.pool).push(buf);
    }
    Ok(())
}

#[cfg(unix)]
fn write_at(file: &std::fs::File, buf: &[u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, buf, at)
}

#[cfg(windows)]
fn write_at(file: &std::fs::File, mut buf: &[u8], mut at: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_write(file, buf, at)?;
        if n == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        buf = &buf[n..];
        at += n as u64;
    }
    Ok(())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
