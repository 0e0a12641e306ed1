//! Graph's answer shapes: the error envelope of graph-api.md §9 and JSON bodies with Graph's
//! content type. Every handler returns [`ApiResult`], so no error can leave in another shape.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

use super::store::now_rfc3339;

/// Graph's JSON content type.
pub(crate) const JSON_TYPE: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/// What handlers return.
pub(crate) type ApiResult = Result<Response, ApiError>;

/// An error answer: `{"error":{"code","message","innerError":{...}}}`.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) inner: Option<&'static str>,
    /// Extra headers (boxed: errors travel in `Result`s and should stay small).
    pub(crate) headers: Option<Box<ErrorHeaders>>,
}

/// Headers some errors carry.
#[derive(Debug, Default)]
pub(crate) struct ErrorHeaders {
    pub(crate) retry_after: Option<String>,
    pub(crate) location: Option<String>,
    pub(crate) www_authenticate: Option<String>,
    /// `X-Virus-Infected` of a blocked download.
    pub(crate) virus: Option<String>,
}

impl ApiError {
    /// An error with a status, a top-level code and a message.
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            inner: None,
            headers: None,
        }
    }

    /// Sets extra headers.
    pub(crate) fn with_headers(mut self, h: ErrorHeaders) -> Self {
        self.headers = Some(Box::new(h));
        self
    }

    /// Adds a more specific inner code.
    pub(crate) fn inner(mut self, code: &'static str) -> Self {
        self.inner = Some(code);
        self
    }

    /// `404 itemNotFound`.
    pub(crate) fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "itemNotFound",
            "The resource could not be found.",
        )
    }

    /// `400 invalidRequest` with a message.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalidRequest", message)
    }

    /// `409 nameAlreadyExists`.
    pub(crate) fn name_exists(name: &str) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "nameAlreadyExists",
            format!("An item named '{name}' already exists."),
        )
    }

    /// `401 unauthenticated`, for tokens sent to pre-authenticated URLs.
    pub(crate) fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Pre-authenticated URLs must not carry an Authorization header.",
        )
    }

    /// `500 generalException`.
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "generalException",
            message,
        )
    }
}

impl From<std::io::Error> for ApiError {
    fn from(e: std::io::Error) -> Self {
        ApiError::internal(format!("storage error: {e}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut inner = json!({"date": now_rfc3339(), "request-id": request_id()});
        if let Some(code) = self.inner {
            inner["code"] = json!(code);
        }
        let body =
            json!({"error": {"code": self.code, "message": self.message, "innerError": inner}});
        let mut resp = (
            self.status,
            [(header::CONTENT_TYPE, JSON_TYPE)],
            body.to_string(),
        )
            .into_response();
        let headers = resp.headers_mut();
        let mut set = |name, value: Option<String>| {
            if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
                headers.insert(name, v);
            }
        };
        let h = self.headers.map(|b| *b).unwrap_or_default();
        set(header::RETRY_AFTER, h.retry_after);
        set(header::LOCATION, h.location);
        set(header::WWW_AUTHENTICATE, h.www_authenticate);
        set(header::HeaderName::from_static("x-virus-infected"), h.virus);
        resp
    }
}

/// A JSON answer with Graph's content type.
pub(crate) fn json_response(status: StatusCode, value: &impl Serialize) -> Response {
    match serde_json::to_string(value) {
        Ok(body) => (status, [(header::CONTENT_TYPE, JSON_TYPE)], body).into_response(),
        Err(e) => ApiError::internal(format!("encoding: {e}")).into_response(),
    }
}

/// `200 OK` with a JSON body.
pub(crate) fn ok(value: &impl Serialize) -> ApiResult {
    Ok(json_response(StatusCode::OK, value))
}

/// `200 OK` with a collection: the `fields` (annotations such as `@odata.nextLink`), then
/// `"value": [items]`. Each item is written as soon as it is made and dropped, so a page of
/// 1,000 items never holds 1,000 JSON trees at once (the allocator's work for that was as
/// large as making them, issue 15).
pub(crate) fn ok_collection(
    fields: &[(&str, &str)],
    items: impl Iterator<Item = serde_json::Value>,
) -> ApiResult {
    let mut body = Vec::with_capacity(64 * 1024);
    body.push(b'{');
    let written = (|| {
        for (k, v) in fields {
            serde_json::to_writer(&mut body, k)?;
            body.push(b':');
            serde_json::to_writer(&mut body, v)?;
            body.push(b',');
        }
        body.extend_from_slice(b"\"value\":[");
        for (i, item) in items.enumerate() {
            if i > 0 {
                body.push(b',');
            }
            serde_json::to_writer(&mut body, &item)?;
        }
        body.extend_from_slice(b"]}");
        Ok::<_, serde_json::Error>(())
    })();
    match written {
        Ok(()) => Ok((StatusCode::OK, [(header::CONTENT_TYPE, JSON_TYPE)], body).into_response()),
        Err(e) => Err(ApiError::internal(format!("encoding: {e}"))),
    }
}

/// A fresh request id (a random UUID-shaped string).
pub(crate) fn request_id() -> String {
    super::ids::guid_form(&random_hex(16))
}

/// `2 * bytes` random lowercase hex digits.
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // getrandom fails only on exotic platforms; zeros still make syntactically valid ids.
    let _ = getrandom::fill(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}
