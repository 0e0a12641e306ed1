//! The writer of a download: one thread that takes 1 MiB buffers with their offsets and
//! writes them with positioned writes of 128 KiB, so that several streams fill one `.part` at
//! once without sharing a file position, and the runtime thread never waits on the disk (a
//! single stream gathers into the same buffers: fewer hand-offs than a write per network
//! chunk through tokio's blocking pool, bench/results.md).
//!
//! It records what it has written ([`Spans`]): only bytes on their way to the disk count as
//! done in the state file a later `get -c` reads. Buffers go back to a pool once written and
//! the queue is bounded, so memory stays flat whatever the file size.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};

use super::body::Out;
use super::partial::local_write_error;
use super::spans::Spans;
use crate::error::{Error, Result};

/// The size of one buffer handed to the writer thread (bytes).
pub(super) const BUFFER: usize = 1 << 20;
/// One write (bytes). Measured (bench/results.md): single writes of 256 KiB or 1 MiB spent
/// most of their time in the kernel's copy into the page cache (three times the system time
/// of the whole download), 16 KiB writes cost more calls, 64-128 KiB were the fastest.
const WRITE: usize = 128 << 10;
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

    /// Waits until every queued buffer is written; returns the spans written and how the
    /// writing ended.
    ///
    /// # Errors
    ///
    /// The first failed write ([`crate::ErrorKind::Io`], a full disk said plainly): the cause
    /// of any "the writer stopped" a stream saw.
    pub(super) async fn finish(mut self) -> (Spans, Result<()>) {
        self.queue = None;
        let ended = match self.ended.take() {
            Some(rx) => rx.await.unwrap_or(Ok(())),
            None => Ok(()),
        };
        let ended = ended.map_err(|e| Error::io(&self.path, local_write_error(e)));
        (self.written(), ended)
    }
}

/// Bytes that follow one another from offset `at`, gathered into [`BUFFER`]-sized buffers for
/// a [`RangeWriter`] (one stream's, or one range's).
pub(super) struct Gather<'w> {
    writer: &'w RangeWriter,
    buf: Vec<u8>,
    /// Where `buf` goes.
    at: u64,
}

impl<'w> Gather<'w> {
    /// Bytes from `at` on for `writer`.
    pub(super) fn new(writer: &'w RangeWriter, at: u64) -> Self {
        Gather {
            writer,
            buf: writer.buffer(),
            at,
        }
    }

    /// Hands over what is gathered (call it when the bytes stop, failed or not).
    ///
    /// # Errors
    ///
    /// The writer has stopped.
    pub(super) async fn flush(&mut self) -> Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let full = std::mem::replace(&mut self.buf, self.writer.buffer());
        let at = self.at;
        self.at += full.len() as u64;
        self.writer.write(at, full).await
    }
}

impl Out for Gather<'_> {
    async fn put(&mut self, mut data: &[u8]) -> Result<()> {
        while !data.is_empty() {
            let room = (BUFFER - self.buf.len()).min(data.len());
            self.buf.extend_from_slice(&data[..room]);
            data = &data[room..];
            if self.buf.len() == BUFFER {
                self.flush().await?;
            }
        }
        Ok(())
    }
}

/// The writer thread: writes pieces until the queue closes or a write fails.
fn write_all(
    file: &std::fs::File,
    mut pieces: mpsc::Receiver<Piece>,
    shared: &Shared,
) -> std::io::Result<()> {
    while let Some(Piece { at, mut buf }) = pieces.blocking_recv() {
        for (i, part) in buf.chunks(WRITE).enumerate() {
            write_at(file, part, at + (i * WRITE) as u64)?;
        }
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
