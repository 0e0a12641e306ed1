//! HTTP entry points: one catch-all route per listener (axum's router cannot express
//! `root:/a/b.txt:/content`), which applies latency, logs the request, checks the token,
//! injects faults and dispatches the parsed Graph path ([`super::path`]) to its handler.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::faults::GraphFault;
use super::log::{Listener, LoggedRequest};
use super::path::{Action, Route};
use super::resp::{ApiError, ApiResult, ErrorHeaders};
use super::{
    Shared, auth, content, copy, delta, drain, drives, hostile, items, patch, remote, session,
    sharing, upload, versions,
};

/// The Graph listener: `/v1.0/...` and the identity authority under `/login/...`.
pub(crate) fn graph_router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(graph_entry).with_state(shared)
}

/// The content listener: download URLs, upload sessions and copy monitors.
pub(crate) fn content_router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(content_entry).with_state(shared)
}

/// What a Graph handler gets to see of the request.
pub(crate) struct Ctx {
    pub(crate) method: Method,
    pub(crate) headers: HeaderMap,
    /// Raw path after `/v1.0` (for nextLinks).
    pub(crate) path: String,
    /// Decoded query pairs.
    pub(crate) query: Vec<(String, String)>,
    /// The user the token belongs to.
    pub(crate) user: usize,
}

impl Ctx {
    /// A query option, with or without its `$` prefix.
    pub(crate) fn q(&self, key: &str) -> Option<&str> {
        let bare = key.trim_start_matches('$');
        self.query
            .iter()
            .find(|(k, _)| k.trim_start_matches('$').eq_ignore_ascii_case(bare))
            .map(|(_, v)| v.as_str())
    }

    /// A request header as text.
    pub(crate) fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Parses a query string into decoded pairs.
pub(crate) fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

async fn graph_entry(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let (body, rest) = drain::split(body);
    let login = parts.uri.path().starts_with("/login/");
    let listener = if login {
        Listener::Login
    } else {
        Listener::Graph
    };
    delay(&shared).await;
    shared.sync();
    let resp = if login {
        let query = parts.uri.query().unwrap_or("");
        auth::handle(&shared, parts.method.clone(), parts.uri.path(), query, body).await
    } else {
        graph(&shared, &parts, body)
            .await
            .unwrap_or_else(IntoResponse::into_response)
    };
    rest.drain().await;
    record(&shared, &parts, listener, &resp);
    match listener {
        Listener::Graph => hostile::graph_answer(&shared, &parts, resp).await,
        _ => resp,
    }
}

async fn content_entry(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let (body, rest) = drain::split(body);
    delay(&shared).await;
    shared.sync();
    let resp = if parts.headers.contains_key(header::AUTHORIZATION) {
        ApiError::unauthenticated().into_response()
    } else {
        content_dispatch(&shared, &parts, body)
            .await
            .unwrap_or_else(IntoResponse::into_response)
    };
    rest.drain().await;
    record(&shared, &parts, Listener::Content, &resp);
    hostile::content_answer(&shared, &parts, resp).await
}

async fn content_dispatch(
    shared: &Arc<Shared>,
    parts: &axum::http::request::Parts,
    body: Body,
) -> ApiResult {
    let path = parts.uri.path();
    let query = query_pairs(parts.uri.query());
    let m = &parts.method;
    if let Some(n) = path.strip_prefix("/download/") {
        content::download(shared, m, n, &query, &parts.headers).await
    } else if let Some(id) = path.strip_prefix("/upload/") {
        session::session_request(shared, m, id, &parts.headers, body).await
    } else if let Some(id) = path.strip_prefix("/monitor/") {
        copy::monitor(shared, m, id)
    } else if let Some(what) = path.strip_prefix("/version/") {
        versions::download(shared, m, what, &query, &parts.headers).await
    } else {
        Err(ApiError::not_found())
    }
}

async fn delay(shared: &Shared) {
    let latency = shared.faults.get().latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
}

fn record(
    shared: &Shared,
    parts: &axum::http::request::Parts,
    listener: Listener,
    resp: &Response,
) {
    shared.log.push(LoggedRequest {
        method: parts.method.to_string(),
        path: parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned()),
        status: resp.status().as_u16(),
        authorization: parts.headers.contains_key(header::AUTHORIZATION),
        range: [header::RANGE, header::CONTENT_RANGE]
            .iter()
            .find_map(|h| parts.headers.get(h))
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        listener,
    });
}

async fn graph(shared: &Arc<Shared>, parts: &axum::http::request::Parts, body: Body) -> ApiResult {
    let Some(rest) = parts.uri.path().strip_prefix("/v1.0") else {
        return Err(ApiError::not_found());
    };
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(canonical_bearer);
    auth::check_bearer(shared, bearer.as_deref())?;
    let user = bearer
        .as_deref()
        .and_then(|b| b.strip_prefix("Bearer "))
        .and_then(|t| shared.lock_store().user_tokens.get(t.trim()).copied())
        .unwrap_or(drives::ME);
    match shared.faults.graph_request() {
        Some(GraphFault::Throttle(secs)) => {
            let e = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "activityLimitReached",
                "The request has been throttled.",
            )
            .inner("throttledRequest");
            return Err(e.with_headers(ErrorHeaders {
                retry_after: Some(secs),
                ..ErrorHeaders::default()
            }));
        }
        Some(GraphFault::Fail) => {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "serviceNotAvailable",
                "The service is temporarily unavailable.",
            ));
        }
        None => {}
    }
    let ctx = Ctx {
        method: parts.method.clone(),
        headers: parts.headers.clone(),
        path: rest.to_owned(),
        query: query_pairs(parts.uri.query()),
        user,
    };
    let mut route = super::path::parse(rest)?;
    if let Route::Item(p, _) = &mut route {
        p.drive = drives::select(&shared.lock_store(), &p.sel, user)?;
        p.user = user;
    }
    dispatch(shared, &ctx, route, body).await
}

/// The `Authorization` value with its scheme word spelled `Bearer`: the word is
/// case-insensitive (RFC 7235 §2.1; the Linux `onedrive` client sends `bearer`).
fn canonical_bearer(value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
            format!("Bearer {}", token.trim_start())
        }
        _ => value.to_owned(),
    }
}

async fn dispatch(shared: &Arc<Shared>, ctx: &Ctx, route: Route, body: Body) -> ApiResult {
    use Method as M;
    let m = ctx.method.clone();
    match (route, m) {
        (Route::Me, M::GET) => items::me(shared, ctx.user),
        (Route::Drives, M::GET) => items::drive_list(shared, ctx.user),
        (Route::Drive(sel), M::GET) => items::drive(shared, &sel, ctx.user),
        (Route::Recent(sel), M::GET) => delta::recent(shared, ctx, &sel),
        (Route::SharedWithMe, M::GET) => remote::shared_with_me(shared, ctx),
        (Route::Share { id, content }, M::GET) => sharing::shared_item(shared, &id, content),
        (Route::Item(p, action), m) => match (action, m) {
            (Action::Item, M::GET) => items::get(shared, ctx, &p),
            (Action::Item, M::PATCH) => patch::update(shared, ctx, &p, body).await,
            (Action::Item, M::DELETE) => items::delete(shared, ctx, &p),
            (Action::Children, M::GET) => items::children(shared, ctx, &p),
            (Action::Children, M::POST) => items::create_folder(shared, &p, body).await,
            (Action::Content, M::GET) => content::redirect(shared, &p),
            (Action::Content, M::PUT) => upload::simple_put(shared, ctx, &p, body).await,
            (Action::CreateUploadSession, M::POST) => {
                session::create_session(shared, ctx, &p, body).await
            }
            (Action::Delta(token), M::GET) => delta::delta(shared, ctx, &p, token),
            (Action::Search(q), M::GET) => delta::search(shared, ctx, &p, &q),
            (Action::Copy, M::POST) => copy::start(shared, ctx, &p, body).await,
            (Action::CreateLink, M::POST) => sharing::create_link(shared, &p, body).await,
            (Action::Permissions(id), m) => sharing::permissions(shared, &p, id, &m),
            (Action::Thumbnails(parts), M::GET) => versions::thumbnails(shared, &p, &parts),
            (Action::Versions(id, op), m) => versions::versions(shared, &p, id, op, &m).await,
            _ => Err(not_allowed()),
        },
        _ => Err(not_allowed()),
    }
}

fn not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "invalidRequest",
        "The method is not supported for this resource.",
    )
}

/// Reads a small JSON request body (empty = `{}`).
pub(crate) async fn json_body(body: Body) -> Result<serde_json::Value, ApiError> {
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .map_err(|_| ApiError::bad_request("Unreadable request body"))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::json!({}));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad_request(format!("Invalid JSON body: {e}")))
}
