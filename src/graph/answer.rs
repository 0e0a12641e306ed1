//! Reading Graph answers: whole bodies, JSON decoding, and error answers turned into
//! [`Error`]s, with every failure naming the request or host but never a URL (URLs of
//! downloads and upload sessions are secrets).

use reqwest::{Method, Response, StatusCode, Url};
use serde::de::DeserializeOwned;

use crate::error::{Error, ErrorKind, Result};
use crate::graph::model::ErrorBody;
use crate::graph::wait::parse_retry_after;

/// `host:port` of `url`, the most a message may say about where a request went.
pub(crate) fn host_of(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or("?"),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// Turns a transport error into an [`Error`] naming only the host (URLs may carry secrets).
pub fn network_error(e: reqwest::Error) -> Error {
    let host = e.url().map_or_else(|| "server".to_owned(), host_of);
    ErrorKind::Http {
        host,
        source: e.without_url(),
    }
    .into()
}

/// `GET /v1.0/me/drive/root/children`: a request as error messages name it, without host
/// or query (queries may carry skip tokens or signatures).
pub fn request_label(method: &Method, url: &str) -> String {
    let path = reqwest::Url::parse(url).map_or_else(
        |_| url.split(['?', '#']).next().unwrap_or("").to_owned(),
        |u| u.path().to_owned(),
    );
    format!("{method} {path}")
}

/// Reads a whole answer; a body cut off before its end is a (transient) network error that
/// names the request.
pub(crate) async fn read_body(resp: Response, label: &str) -> Result<bytes::Bytes> {
    let host = host_of(resp.url());
    resp.bytes().await.map_err(|e| {
        ErrorKind::Http {
            host: format!("{host} (the answer to {label} was cut off)"),
            source: e.without_url(),
        }
        .into()
    })
}

/// Decodes a JSON answer, naming the request (`label`) when it is not the expected JSON.
pub(crate) fn decode_bytes<T: DeserializeOwned>(bytes: &[u8], label: &str) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        let what = if bytes.first().is_some_and(|b| *b != b'{' && *b != b'[') {
            "the answer is not JSON"
        } else if e.is_eof() {
            "the JSON answer ends early"
        } else {
            "the JSON answer has the wrong shape"
        };
        Error::decode(label.to_owned(), format!("{what}: {e}"))
    })
}

/// Decodes a JSON success answer; `context` names the request in errors.
pub async fn decode_json<T: DeserializeOwned>(resp: Response, context: &str) -> Result<T> {
    let bytes = read_body(resp, context).await?;
    decode_bytes(&bytes, context)
}

/// The wait an answer's `Retry-After` asks for, when it has one that can be read
/// ([`parse_retry_after`]).
pub(crate) fn retry_after_of(resp: &Response) -> Option<std::time::Duration> {
    resp.headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, std::time::SystemTime::now()))
}

/// Builds an [`Error`] from an error answer: status, most specific code, `Retry-After`.
pub async fn error_from_response(resp: Response) -> Error {
    let status = resp.status().as_u16();
    let retry_after = retry_after_of(&resp);
    let request_id = resp
        .headers()
        .get("request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = resp.bytes().await.unwrap_or_default();
    let (code, message, rid) = match serde_json::from_slice::<ErrorBody>(&body) {
        Ok(b) => (
            b.error.most_specific_code().to_owned(),
            b.error.message.clone(),
            b.error.request_id().map(str::to_owned),
        ),
        Err(_) => (
            format!("http{status}"),
            StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("error")
                .to_owned(),
            None,
        ),
    };
    ErrorKind::Graph {
        status,
        code,
        message,
        request_id: request_id.or(rid),
        retry_after,
    }
    .into()
}
