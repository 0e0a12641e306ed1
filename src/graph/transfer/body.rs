//! One answer's body into a sink: the framing that says where its bytes belong and when they
//! are all there, the bytes hashed and written as they arrive, and the completion check (the
//! rules are in `download`'s module docs).
//!
//! A sink writes either to a file, through the writer thread in 1 MiB buffers (`Gather`: few
//! large writes, and the runtime thread never waits on the disk), or to any `AsyncWrite`
//! (`Plain`: stdout for `cat`).

use std::path::Path;

use reqwest::StatusCode;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::partial::local_write_error;
use super::{DownloadOptions, report};
use crate::error::{Error, ErrorKind, Result};
use crate::graph::answer::network_error;
use crate::graph::model::DriveItem;
use crate::graph::quickxor::QuickXorHash;

/// Where a sink's bytes go.
pub(super) trait Out {
    /// Writes all of `data` after what came before.
    async fn put(&mut self, data: &[u8]) -> Result<()>;
}

/// Any `AsyncWrite` as an [`Out`]; errors name `name`.
pub(super) struct Plain<'a, W> {
    pub(super) out: &'a mut W,
    pub(super) name: &'a Path,
}

impl<W: AsyncWrite + Unpin> Out for Plain<'_, W> {
    async fn put(&mut self, data: &[u8]) -> Result<()> {
        self.out
            .write_all(data)
            .await
            .map_err(|e| Error::io(self.name, local_write_error(e)))
    }
}

/// Where downloaded bytes go, with the running hash and position.
pub(super) struct Sink<O> {
    pub(super) out: O,
    pub(super) hasher: QuickXorHash,
    pub(super) offset: u64,
    /// The content's total length: the listed size until an answer's framing says otherwise.
    pub(super) total: u64,
}

pub(super) enum BodyError {
    Fatal(Error),
    /// The connection ended before the body did (worth a `Range` request from where it ended).
    Dropped(Error),
}

/// What an answer's framing announces, in content offsets: where its body starts and ends,
/// and the content's total length when known. A 206 says so in `Content-Range: bytes
/// a-b/total`; a 200 is the whole content, `Content-Length` long. `None`: no length (chunked),
/// the end of the stream is the end of the content.
fn framing(resp: &reqwest::Response) -> Option<(u64, u64, Option<u64>)> {
    if resp.status() == StatusCode::PARTIAL_CONTENT {
        let range = resp.headers().get(reqwest::header::CONTENT_RANGE)?;
        let (span, total) = range
            .to_str()
            .ok()?
            .strip_prefix("bytes ")?
            .split_once('/')?;
        let (start, end) = span.split_once('-')?;
        let (start, end): (u64, u64) = (start.trim().parse().ok()?, end.trim().parse().ok()?);
        return Some((start, end + 1, total.trim().parse().ok()));
    }
    let len = resp.content_length()?;
    Some((0, len, Some(len)))
}

/// Copies one answer's body into `sink` from byte `from` of the content (a `200` to a ranged
/// request means the server ignored `Range`: what we have is skipped), chunk by chunk, and
/// learns the content's length from the answer's framing. A body that ends before its
/// framing says is [`BodyError::Dropped`].
pub(super) async fn copy_body<O: Out>(
    mut resp: reqwest::Response,
    from: u64,
    sink: &mut Sink<O>,
    opts: &DownloadOptions,
) -> std::result::Result<(), BodyError> {
    let mut skip = if resp.status() == StatusCode::PARTIAL_CONTENT {
        0
    } else {
        from
    };
    let framed = framing(&resp);
    match framed {
        Some((start, _, _)) if skip == 0 && start != from => {
            let e = format!("asked for the bytes from {from} on, the answer starts at {start}");
            return Err(BodyError::Fatal(Error::decode("download", e)));
        }
        Some((_, _, Some(total))) => sink.total = total,
        _ => {}
    }
    loop {
        let chunk = tokio::select! {
            biased;
            () = opts.cancel.cancelled() => return Err(BodyError::Fatal(ErrorKind::Cancelled.into())),
            c = resp.chunk() => c,
        };
        let mut chunk = match chunk {
            Ok(Some(c)) => c,
            Ok(None) => match framed {
                Some((_, end, _)) if sink.offset < end => {
                    let e =
                        Error::decode("download", "connection closed before the end of the file");
                    return Err(BodyError::Dropped(e));
                }
                Some(_) => return Ok(()),
                None => {
                    sink.total = sink.offset;
                    return Ok(());
                }
            },
            Err(e) => return Err(BodyError::Dropped(network_error(e))),
        };
        let n = skip.min(chunk.len() as u64);
        skip -= n;
        let _ = chunk.split_to(n as usize);
        if chunk.is_empty() {
            continue;
        }
        sink.out.put(&chunk).await.map_err(BodyError::Fatal)?;
        sink.hasher.update(&chunk);
        sink.offset += chunk.len() as u64;
        report(&opts.progress, sink.offset, sink.total.max(sink.offset));
    }
}

/// Whether `got` bytes hashing to `hasher` are the item's content: the quickXorHash decides;
/// only an item without one is judged by its listed size.
pub(super) fn check(meta: &DriveItem, got: u64, hasher: &QuickXorHash) -> Result<()> {
    let fail = |detail: String| -> Result<()> {
        Err(ErrorKind::Integrity {
            name: meta.name.clone(),
            detail,
        }
        .into())
    };
    match (meta.quick_xor_hash(), meta.size) {
        (Some(want), _) if want != hasher.finish_base64() => {
            let listed = meta.size.map_or(String::new(), |s| format!(", {s} listed"));
            fail(format!(
                "quickXorHash differs ({got} bytes received{listed})"
            ))
        }
        (Some(_), _) => Ok(()),
        (None, Some(size)) if size != got => fail(format!(
            "expected {size} bytes, got {got} (the item has no hash to check instead)"
        )),
        (None, _) => Ok(()),
    }
}
