//! Sharing (graph-api.md §7): `createLink` (view/edit/embed; the same type again returns the
//! existing link with 200), the `/permissions` collection, and `/shares/{id}/driveItem`, which
//! resolves a share id or an encoded sharing URL (`u!` + base64url) back to the item.

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use axum::response::IntoResponse;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::Shared;
use super::drives::check;
use super::ids::Profile;
use super::items::{resolve, resolve_write};
use super::path::ItemPath;
use super::render::{download_url, item_value};
use super::resp::{ApiError, ApiResult, json_response, ok, random_hex};
use super::routes::json_body;
use crate::graph::model::{Permission, SharingLink};

/// `POST .../createLink`.
pub(crate) async fn create_link(shared: &Shared, p: &ItemPath, body: Body) -> ApiResult {
    let body = json_body(body).await?;
    let n = resolve_write(shared, p)?;
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
    let (perm, created) = shared.mutate_as(p.user, |s| {
        let business = s.profile == Profile::Business;
        let scopes: &[&str] = if business {
            &["anonymous", "organization", "users"]
        } else {
            &["anonymous", "users"]
        };
        if !scopes.contains(&scope.as_str()) {
            return Err(ApiError::bad_request(format!(
                "The scope {scope:?} is not supported on this drive"
            )));
        }
        let folder = !s.node(n)?.is_file();
        if kind == "embed" && (folder || business) {
            return Err(ApiError::bad_request(
                "Embed links can only be created for files on personal drives",
            ));
        }
        let id = s.id_of(n);
        let perms = s.perms_mut(n);
        let same = |p: &&Permission| {
            p.link
                .as_ref()
                .is_some_and(|l| l.link_type == kind && l.scope.as_deref() == Some(&scope))
        };
        if let Some(p) = perms.iter().find(same) {
            return Ok((p.clone(), false));
        }
        let perm = new_link(&id, &kind, &scope, role, folder);
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

/// A fresh sharing-link permission for item `id`.
fn new_link(id: &str, kind: &str, scope: &str, role: &str, folder: bool) -> Permission {
    let share = format!("s!{}", random_hex(12));
    let web_url = format!("https://1drv.ms/{}/{share}", if folder { "f" } else { "u" });
    let web_html = (kind == "embed").then(|| {
        format!(
            "<iframe src=\"https://onedrive.live.com/embed?resid={id}&authkey={share}\" \
             width=\"98\" height=\"120\" frameborder=\"0\" scrolling=\"no\"></iframe>"
        )
    });
    Permission {
        id: random_hex(8).to_uppercase(),
        roles: vec![role.to_owned()],
        link: Some(SharingLink {
            link_type: kind.to_owned(),
            scope: Some(scope.to_owned()),
            web_url: Some(web_url),
            web_html,
        }),
        share_id: Some(share),
        has_password: Some(false),
        expiration_date_time: None,
    }
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
            check(&shared.lock_store(), p.user, n, true)?;
            shared.mutate_as(p.user, |s| {
                let perms = s.perms_mut(n);
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

/// `GET /shares/{id}/driveItem[/content]`.
pub(crate) fn shared_item(shared: &Shared, id: &str, content: bool) -> ApiResult {
    let url = id
        .strip_prefix("u!")
        .and_then(|b| URL_SAFE_NO_PAD.decode(b.trim_end_matches('=')).ok())
        .and_then(|v| String::from_utf8(v).ok());
    let s = shared.lock_store();
    let matches = |p: &Permission| {
        p.share_id.as_deref() == Some(id)
            || url.is_some() && p.link.as_ref().and_then(|l| l.web_url.as_ref()) == url.as_ref()
    };
    let n = s
        .permissions
        .iter()
        .find(|(_, perms)| perms.iter().any(matches))
        .map(|(n, _)| *n)
        .ok_or_else(ApiError::not_found)?;
    if !content {
        return ok(&item_value(shared, &s, n, None));
    }
    if !s.node(n)?.is_file() {
        return Err(ApiError::not_found());
    }
    Ok((
        StatusCode::FOUND,
        [(header::LOCATION, download_url(shared, n))],
    )
        .into_response())
}
