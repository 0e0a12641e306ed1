//! HTTP routing: one catch-all route and a hand-written Graph path parser (axum's router
//! cannot express `root:/a/b:/content`).

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State as AxState;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::State;
use super::store::{ROOT, now_rfc3339};
use crate::graph::model::Page;

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new().fallback(handle).with_state(state)
}

async fn handle(
    AxState(state): AxState<Arc<State>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    _body: Body,
) -> Response {
    let Some(rest) = uri.path().strip_prefix("/v1.0") else {
        return error(StatusCode::NOT_FOUND, "itemNotFound", "no such endpoint");
    };
    if !authorized(&state, &headers) {
        return error(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Access token is empty or invalid.",
        );
    }
    let store = state.store.lock().unwrap_or_else(|p| p.into_inner());
    let rest = rest
        .strip_prefix("/me/drive")
        .or_else(|| rest.strip_prefix("/drive"))
        .map(|r| r.to_owned());
    match (method, rest.as_deref()) {
        (Method::GET, Some("")) => {
            let used = store.size(ROOT);
            let total: u64 = 5 * 1024 * 1024 * 1024;
            json_ok(json!({
                "id": store.drive_id.to_lowercase(),
                "driveType": "personal",
                "owner": {"user": {"displayName": "Demo User", "id": store.drive_id.to_lowercase()}},
                "quota": {"total": total, "used": used, "remaining": total - used,
                          "deleted": 0, "state": "normal"},
            }))
        }
        (Method::GET, Some("/root")) => json_ok(json!(store.to_item(ROOT))),
        (Method::GET, Some(r)) if r.ends_with("/children") => {
            let target = r.trim_end_matches("/children").trim_end_matches(':');
            let folder = match target.strip_prefix("/root") {
                Some("") => Some(ROOT),
                Some(p) => p.strip_prefix(":/").and_then(|p| store.resolve(ROOT, p)),
                None => None,
            };
            let Some(folder) = folder else {
                return error(
                    StatusCode::NOT_FOUND,
                    "itemNotFound",
                    "The resource could not be found.",
                );
            };
            let root = store
                .get(folder)
                .map(|n| n.children.clone())
                .unwrap_or_default();
            let page = Page {
                value: root.iter().filter_map(|c| store.to_item(*c)).collect(),
                next_link: None,
                delta_link: None,
            };
            json_ok(json!(page))
        }
        _ => error(
            StatusCode::NOT_FOUND,
            "itemNotFound",
            "The resource could not be found.",
        ),
    }
}

fn authorized(state: &State, headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| t == state.access_token)
}

fn json_ok(value: serde_json::Value) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "application/json;odata.metadata=minimal;charset=utf-8",
        )],
        value.to_string(),
    )
        .into_response()
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"error": {"code": code, "message": message,
        "innerError": {"date": now_rfc3339(), "request-id": "00000000-0000-0000-0000-000000000000"}}});
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}
