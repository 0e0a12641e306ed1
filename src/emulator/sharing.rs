//! Sharing (graph-api.md §7): `createLink` (view/edit/embed; the same type again returns the
//! existing link with 200) and the `/permissions` collection.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::Shared;
use super::items::resolve;
use super::path::ItemPath;
use super::resp::{ApiError, ApiResult, json_response, ok, random_hex};
use super::routes::json_body;
use crate::graph::model::{Permission, SharingLink};

/// `POST .../createLink`.
pub(crate) async fn create_link(shared: &Shared, p: &ItemPath, body: Body) -> ApiResult {
    let body = json_body(body).await?;
    let n = resolve(shared, p)?;
    let kind = body
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let scope = body
        .get("scope")
        .and_then(Value::as_str)
        .unwrap_or("anonymous")
        .to_owned();
    let role = match kind.as_str() {
        "view" | "embed" => "read",
        "edit" => "write",
        _ => {
            return Err(ApiError::bad_request(format!(
                "Invalid link type: {kind:?}"
            )));
        }
    };
    if !["anonymous", "users"].contains(&scope.as_str()) {
        return Err(ApiError::bad_request(format!(
            "The scope {scope:?} is not supported on personal drives"
        )));
    }
    let (perm, created) = shared.mutate(|s| {
        let folder = s.node(n)?.is_folder();
        if kind == "embed" && folder {
            return Err(ApiError::bad_request("Embed links can only be created for files"));
        }
        let id = s.id_of(n);
        let perms = s.permissions.entry(n).or_default();
        let same = |p: &&Permission| p.link.as_ref().is_some_and(|l| l.link_type == kind && l.scope.as_deref() == Some(&scope));
        if let Some(p) = perms.iter().find(same) {
            return Ok((p.clone(), false));
        }
        let share = format!("s!{}", random_hex(12));
        let web_url = format!("https://1drv.ms/{}/{share}", if folder { "f" } else { "u" });
        let perm = Permission {
            id: random_hex(8).to_uppercase(),
            roles: vec![role.to_owned()],
            link: Some(SharingLink {
                link_type: kind.clone(),
                scope: Some(scope.clone()),
                web_html: (kind == "embed").then(|| format!(
                    "<iframe src=\"https://onedrive.live.com/embed?resid={id}&authkey={share}\" width=\"98\" height=\"120\" frameborder=\"0\" scrolling=\"no\"></iframe>")),
                web_url: Some(web_url),
            }),
            share_id: Some(share),
            has_password: Some(false),
            expiration_date_time: None,
        };
        perms.push(perm.clone());
        Ok((perm, true))
    })?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(json_response(status, &perm))
}

/// `GET .../permissions`, `GET|DELETE .../permissions/{id}`.
pub(crate) fn permissions(
    shared: &Shared,
    p: &ItemPath,
    id: Option<String>,
    m: &Method,
) -> ApiResult {
    let n = resolve(shared, p)?;
    match (m, id) {
        (&Method::GET, None) => {
            let s = shared.lock_store();
            ok(&json!({"value": s.permissions.get(&n).cloned().unwrap_or_default()}))
        }
        (&Method::GET, Some(id)) => {
            let s = shared.lock_store();
            let perm = s
                .permissions
                .get(&n)
                .and_then(|v| v.iter().find(|p| p.id == id))
                .cloned();
            ok(&perm.ok_or_else(ApiError::not_found)?)
        }
        (&Method::DELETE, Some(id)) => {
            shared.mutate(|s| {
                let perms = s.permissions.entry(n).or_default();
                let before = perms.len();
                perms.retain(|p| p.id != id);
                if perms.len() == before {
                    Err(ApiError::not_found())
                } else {
                    Ok(())
                }
            })?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        _ => Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "invalidRequest",
            "Unsupported method",
        )),
    }
}
