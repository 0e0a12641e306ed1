//! Downloads (graph-api.md §4): `/content` answers 302 to a pre-authenticated URL on the
//! content listener, which serves the blob file as a streamed body with `Range` support. The
//! `drop_every` fault ends the body with an error half-way, so hyper cuts the connection; the
//! `download_rate` fault paces the body.

use std::io::SeekFrom;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use super::Shared;
use super::blob::Blob;
use super::items::resolve;
use super::path::ItemPath;
use super::render::{download_url, mime_type, tempauth};
use super::resp::{ApiError, ApiResult, ErrorHeaders};
use super::store::Store;

/// Read size of streamed downloads.
const CHUNK: usize = 64 * 1024;

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
    let mut file = tokio::fs::File::open(shared.blobs.path(key)).await?;
    file.seek(SeekFrom::Start(start)).await?;
    let drop_at = (method == Method::GET && shared.faults.drop_download()).then_some(len / 2);
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        stream_body(file, len, drop_at, shared.faults.get().download_rate)
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

/// A body streaming `len` bytes from `file`; fails after `drop_at` bytes when set; sends at
/// most `rate` bytes per second when it is not 0.
fn stream_body(file: tokio::fs::File, len: u64, drop_at: Option<u64>, rate: u64) -> Body {
    let limit = drop_at.unwrap_or(len);
    let state = (file, 0u64);
    let stream = futures_util::stream::unfold(state, move |(mut file, sent)| async move {
        if sent >= limit {
            if drop_at.is_some() && sent < len {
                // Let hyper flush the headers and the first half before the connection dies.
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                let err = std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "fault: connection dropped",
                );
                return Some((Err(err), (file, len)));
            }
            return None;
        }
        let want = usize::try_from(limit - sent).unwrap_or(CHUNK).min(CHUNK);
        let mut buf = vec![0u8; want];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(got) => {
                if rate > 0 {
                    let secs = got as f64 / rate as f64;
                    tokio::time::sleep(std::time::Duration::from_secs_f64(secs)).await;
                }
                buf.truncate(got);
                Some((Ok(Bytes::from(buf)), (file, sent + got as u64)))
            }
            Err(e) => Some((Err(e), (file, len))),
        }
    });
    Body::from_stream(stream)
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
