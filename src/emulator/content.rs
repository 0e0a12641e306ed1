//! Downloads (graph-api.md §4): `/content` answers 302 to a pre-authenticated URL on the
//! content listener, which serves the blob file as a streamed body with `Range` support. The
//! `drop_every` fault ends the body with an error half-way, so hyper cuts the connection; the
//! `download_rate` fault paces each body (so each connection) on its own.
//!
//! The server must never be what a benchmark of a client measures (bench/results.md): the
//! body is read in 1 MiB pieces with positioned reads on the blocking pool, straight into the
//! buffers hyper then writes with `writev`. At 64 KiB through `tokio::fs` (a buffer copy and
//! a thread hand-off per piece) the server spent about as much CPU per GiB as curl.

use std::io::{Read, Seek, SeekFrom};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use super::Shared;
use super::blob::Blob;
use super::items::resolve;
use super::path::ItemPath;
use super::render::{download_url, mime_type, tempauth};
use super::resp::{ApiError, ApiResult, ErrorHeaders};
use super::store::Store;

/// Read size of streamed downloads (bytes).
const CHUNK: usize = 1 << 20;
/// Smallest read of a paced download (bytes): the pace is kept to about 1/50 s.
const PACED_CHUNK: u64 = 16 * 1024;

/// `GET .../content`: 302 to the item's download URL. Notebooks and folders have no content
/// (404); flagged files answer 403 `malwareDetected` (graph-api.md §4, §13).
pub(crate) fn redirect(shared: &Shared, p: &ItemPath) -> ApiResult {
    let n = resolve(shared, p)?;
    downloadable(&shared.lock_store(), n)?;
    Ok((
        StatusCode::FOUND,
        [(header::LOCATION, download_url(shared, n))],
    )
        .into_response())
}

/// Whether item `n` can be downloaded, or the error its `/content` answers.
fn downloadable(s: &Store, n: u64) -> Result<(), ApiError> {
    let node = s.node(n)?;
    if let Some(what) = node.malware() {
        let e = ApiError::new(
            StatusCode::FORBIDDEN,
            "malwareDetected",
            "Malware detected in the file; the download is blocked.",
        );
        return Err(e.with_headers(ErrorHeaders {
            virus: Some(what.to_owned()),
            ..ErrorHeaders::default()
        }));
    }
    if !node.is_file() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "itemNotFound",
            "The item does not have content.",
        ));
    }
    Ok(())
}

/// `GET /download/{n}?tempauth=..` on the content listener.
pub(crate) async fn download(
    shared: &Arc<Shared>,
    method: &Method,
    n: &str,
    query: &[(String, String)],
    headers: &HeaderMap,
) -> ApiResult {
    if method != Method::GET && method != Method::HEAD {
        return Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "invalidRequest",
            "Only GET",
        ));
    }
    let (blob, name) = signed_blob(shared, n, query)?;
    serve_blob(shared, method, &blob, &name, headers).await
}

/// Streams `blob` (named `name`) as a download answer, honouring `Range` and the faults.
pub(crate) async fn serve_blob(
    shared: &Arc<Shared>,
    method: &Method,
    blob: &Blob,
    name: &str,
    headers: &HeaderMap,
) -> ApiResult {
    let Some(key) = blob.key() else {
        return super::synth::serve(shared, method, blob, name, headers);
    };
    let total = blob.size;
    let range = requested_range(headers, total)?;
    let (start, len) = range.unwrap_or((0, total));
    let file = std::fs::File::open(shared.blobs.path(key))?;
    let drop_at = (method == Method::GET && shared.faults.drop_download()).then_some(len / 2);
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        let pace = Pace::new(shared.faults.get().download_rate);
        stream_body(file, start, len, drop_at, pace)
    };
    answer(name, range, total, body)
}

/// A download answer: `body` holds the `range` asked for (all `total` bytes when `None`)
/// of a file named `name`.
pub(crate) fn answer(name: &str, range: Option<(u64, u64)>, total: u64, body: Body) -> ApiResult {
    let (start, len) = range.unwrap_or((0, total));
    let mut resp = Response::builder()
        .header(header::CONTENT_TYPE, mime_type(name))
        .header(header::CONTENT_LENGTH, len)
        .header(header::ACCEPT_RANGES, "bytes");
    resp = match range {
        Some(_) => resp.status(StatusCode::PARTIAL_CONTENT).header(
            header::CONTENT_RANGE,
            format!("bytes {start}-{}/{total}", (start + len).saturating_sub(1)),
        ),
        None => resp.status(StatusCode::OK),
    };
    resp.body(body)
        .map_err(|e| ApiError::internal(e.to_string()))
}

/// The blob and name of file `n`, when the URL's `tempauth` signature is right.
fn signed_blob(
    shared: &Shared,
    n: &str,
    query: &[(String, String)],
) -> Result<(Blob, String), ApiError> {
    check_signature(shared, n, query)?;
    let n: u64 = n.parse().map_err(|_| ApiError::not_found())?;
    let s = shared.lock_store();
    downloadable(&s, n)?;
    let node = s.node(n)?;
    let blob = node.blob.clone().ok_or_else(ApiError::not_found)?;
    Ok((blob, node.name.to_string()))
}

/// Checks the `tempauth` of a content URL for `what` (`401 unauthenticated` otherwise).
pub(crate) fn check_signature(
    shared: &Shared,
    what: &str,
    query: &[(String, String)],
) -> Result<(), ApiError> {
    let auth = query
        .iter()
        .find(|(k, _)| k == "tempauth")
        .map(|(_, v)| v.as_str());
    if auth != Some(tempauth(shared, what).as_str()) {
        return Err(ApiError::unauthenticated().inner("expiredToken"));
    }
    Ok(())
}

/// The `Range` asked for as (start, length), `None` for the whole file.
pub(crate) fn requested_range(
    headers: &HeaderMap,
    total: u64,
) -> Result<Option<(u64, u64)>, ApiError> {
    let Some(r) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    parse_range(r, total).map(Some).ok_or_else(|| {
        ApiError::new(
            StatusCode::RANGE_NOT_SATISFIABLE,
            "invalidRange",
            "The range is not satisfiable.",
        )
    })
}

/// How fast one body may go: `rate` bytes per second from `began` (0: unlimited).
#[derive(Clone, Copy)]
struct Pace {
    rate: u64,
    began: Instant,
}

impl Pace {
    fn new(rate: u64) -> Self {
        Pace {
            rate,
            began: Instant::now(),
        }
    }

    /// How much to read at once.
    fn chunk(self) -> u64 {
        match self.rate {
            0 => CHUNK as u64,
            r => (r / 50).clamp(PACED_CHUNK, CHUNK as u64),
        }
    }

    /// Waits until `sent` bytes are due: the deadline comes from the start of the body, so
    /// timer granularity never adds up over the pieces.
    async fn wait(self, sent: u64) {
        if self.rate > 0 {
            let due = self.began + Duration::from_secs_f64(sent as f64 / self.rate as f64);
            tokio::time::sleep_until(due.into()).await;
        }
    }
}

/// A body streaming `len` bytes of `file` from `start`; fails after `drop_at` bytes when set;
/// paced by `pace`.
fn stream_body(
    file: std::fs::File,
    start: u64,
    len: u64,
    drop_at: Option<u64>,
    pace: Pace,
) -> Body {
    let limit = drop_at.unwrap_or(len);
    let stream = futures_util::stream::unfold((Some(file), 0u64), move |(file, sent)| async move {
        let file = file?;
        if sent >= limit {
            if drop_at.is_some() && sent < len {
                // Let hyper flush the headers and the first half before the connection dies.
                tokio::time::sleep(Duration::from_millis(50)).await;
                let err = std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "fault: connection dropped",
                );
                return Some((Err(err), (None, len)));
            }
            return None;
        }
        pace.wait(sent).await;
        let want = (limit - sent).min(pace.chunk());
        let at = start + sent;
        let read = tokio::task::spawn_blocking(move || read_at(file, at, want)).await;
        match read {
            Ok(Ok((_, buf))) if buf.is_empty() => None,
            Ok(Ok((file, buf))) => {
                let got = buf.len() as u64;
                Some((Ok(Bytes::from(buf)), (Some(file), sent + got)))
            }
            Ok(Err(e)) => Some((Err(e), (None, len))),
            Err(e) => Some((Err(std::io::Error::other(e)), (None, len))),
        }
    });
    Body::from_stream(stream)
}

/// Reads up to `want` bytes of `file` at `at` into a buffer of their own; hands the file back.
fn read_at(
    mut file: std::fs::File,
    at: u64,
    want: u64,
) -> std::io::Result<(std::fs::File, Vec<u8>)> {
    file.seek(SeekFrom::Start(at))?;
    let mut buf = Vec::with_capacity(usize::try_from(want).unwrap_or(CHUNK));
    (&mut file).take(want).read_to_end(&mut buf)?;
    Ok((file, buf))
}

/// Parses `bytes=a-b`, `bytes=a-` or `bytes=-n` into (start, length).
pub(crate) fn parse_range(value: &str, total: u64) -> Option<(u64, u64)> {
    let spec = value.trim().strip_prefix("bytes=")?;
    let (a, b) = spec.split_once('-')?;
    let (start, end) = if a.is_empty() {
        let n: u64 = b.parse().ok()?;
        (total.checked_sub(n.min(total))?, total.checked_sub(1)?)
    } else {
        let start: u64 = a.parse().ok()?;
        let end = if b.is_empty() {
            total.checked_sub(1)?
        } else {
            b.parse::<u64>().ok()?.min(total.checked_sub(1)?)
        };
        (start, end)
    };
    (start <= end && start < total).then(|| (start, end - start + 1))
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges_parse() {
        assert_eq!(parse_range("bytes=0-9", 100), Some((0, 10)));
        assert_eq!(parse_range("bytes=90-", 100), Some((90, 10)));
        assert_eq!(parse_range("bytes=-5", 100), Some((95, 5)));
        assert_eq!(parse_range("bytes=95-200", 100), Some((95, 5)));
        assert_eq!(parse_range("bytes=100-", 100), None);
        assert_eq!(parse_range("items=1-2", 100), None);
    }
}
