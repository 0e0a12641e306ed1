//! The fake identity authority (graph-api.md §10) and the Graph API's bearer-token check.
//!
//! `authorize` redirects at once (no login page) with a code bound to the PKCE challenge,
//! `token` redeems codes (S256 verified), refresh tokens (rotated) and device codes (the first
//! poll answers `authorization_pending`), `devicecode` starts the device flow. Access tokens can
//! expire ([`super::Faults::token_ttl`]); errors use the identity platform's body shape. The
//! registered app is a public client, so a token request that sends a `client_secret` is
//! refused (`AADSTS700025`), as Microsoft's is; [`super::LoginFault`]s make it answer like an
//! unavailable, throttled or misconfigured identity platform.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::Shared;
use super::faults::{DeviceFlow, LoginFault};
use super::login_fault;
use super::resp::{ApiError, ErrorHeaders, random_hex, request_id};
use super::store::now_rfc3339;

/// How long access tokens live when no TTL is set (as reported in `expires_in`).
const DEFAULT_EXPIRES_IN: u64 = 3599;

/// Token tables. Access and refresh tokens persist with the drive; codes do not.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Auth {
    /// Access token -> expiry (Unix milliseconds), `None` = never.
    access: HashMap<String, Option<i64>>,
    refresh: HashSet<String>,
    primary_access: Option<String>,
    primary_refresh: Option<String>,
    #[serde(skip)]
    codes: HashMap<String, CodeGrant>,
    #[serde(skip)]
    devices: HashMap<String, u32>,
}

#[derive(Debug)]
struct CodeGrant {
    redirect_uri: String,
    challenge: Option<String>,
    method: String,
}

/// Why a bearer token was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TokenProblem {
    /// Missing, unknown or malformed.
    Invalid,
    /// Known but past its expiry.
    Expired,
}

impl Auth {
    /// Issues a new access token living `ttl` (forever when `None`).
    fn issue_access(&mut self, ttl: Option<Duration>) -> String {
        let token = format!("emu-at-{}", random_hex(20));
        let ttl_ms = ttl.map(|t| i64::try_from(t.as_millis()).unwrap_or(i64::MAX).max(1000));
        let expiry = ttl_ms.map(|t| unix_now_ms().saturating_add(t));
        self.access.insert(token.clone(), expiry);
        token
    }

    /// The long-lived primary token, or a fresh one living `ttl`.
    pub(crate) fn current_access(&mut self, ttl: Option<Duration>) -> String {
        if ttl.is_some() {
            return self.issue_access(ttl);
        }
        match &self.primary_access {
            Some(t) if self.access.get(t) == Some(&None) => t.clone(),
            _ => {
                let t = self.issue_access(None);
                self.primary_access = Some(t.clone());
                t
            }
        }
    }

    /// The refresh token written into generated configs.
    pub(crate) fn primary_refresh(&mut self) -> String {
        if let Some(t) = &self.primary_refresh {
            return t.clone();
        }
        let t = self.issue_refresh();
        self.primary_refresh = Some(t.clone());
        t
    }

    fn issue_refresh(&mut self) -> String {
        let t = format!("emu-rt-{}", random_hex(20));
        self.refresh.insert(t.clone());
        t
    }

    /// When an access token expires (RFC 3339), if it does.
    pub(crate) fn expires_at(&self, token: &str) -> Option<String> {
        let ms = (*self.access.get(token)?)?;
        let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()?;
        t.format(&time::format_description::well_known::Rfc3339)
            .ok()
    }

    /// Checks a bearer token.
    pub(crate) fn check(&self, token: &str) -> Result<(), TokenProblem> {
        match self.access.get(token) {
            None => Err(TokenProblem::Invalid),
            Some(Some(exp)) if *exp <= unix_now_ms() => Err(TokenProblem::Expired),
            Some(_) => Ok(()),
        }
    }
}

/// Milliseconds since the epoch: token expiry is kept to the millisecond, so a token lives
/// its whole TTL (whole seconds made a 1 s token expire after anything from 0 to 1 s).
fn unix_now_ms() -> i64 {
    i64::try_from(time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000)
        .unwrap_or(i64::MAX)
}

/// Checks the `Authorization` header of a Graph API request.
pub(crate) fn check_bearer(shared: &Shared, value: Option<&str>) -> Result<(), ApiError> {
    let token = value.and_then(|v| v.strip_prefix("Bearer ")).unwrap_or("");
    let problem = match shared.lock_auth().check(token.trim()) {
        Ok(()) => return Ok(()),
        Err(p) => p,
    };
    let (msg, desc) = match (token.is_empty(), problem) {
        (true, _) => ("Access token is empty.", "invalid_token"),
        (false, TokenProblem::Expired) => (
            "Access token has expired or is not yet valid.",
            "expired_token",
        ),
        (false, TokenProblem::Invalid) => ("CompactToken parsing failed.", "invalid_token"),
    };
    let e = ApiError::new(StatusCode::UNAUTHORIZED, "InvalidAuthenticationToken", msg);
    Err(e.with_headers(ErrorHeaders { www_authenticate: Some(format!(
        "Bearer realm=\"\", authorization_uri=\"{}/common/oauth2/authorize\", error=\"invalid_token\", error_description=\"{desc}\"",
        shared.urls.login_url
    )), ..ErrorHeaders::default() }))
}

/// Serves `/login/{tenant}/oauth2/v2.0/{authorize,token,devicecode}`.
pub(crate) async fn handle(
    shared: &Shared,
    method: Method,
    path: &str,
    query: &str,
    body: Body,
) -> Response {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (tenant, endpoint) = match parts.as_slice() {
        ["login", tenant, "oauth2", "v2.0", ep] => (*tenant, *ep),
        _ => {
            return oauth_error(
                StatusCode::NOT_FOUND,
                "invalid_request",
                90002,
                "Unknown endpoint.",
            );
        }
    };
    let form: HashMap<String, String> = match method {
        Method::POST => match axum::body::to_bytes(body, 1 << 16).await {
            Ok(b) => url::form_urlencoded::parse(&b).into_owned().collect(),
            Err(_) => {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    900144,
                    "Unreadable body.",
                );
            }
        },
        _ => url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect(),
    };
    if let Some(resp) = login_fault::injected(shared, &method, tenant, endpoint, &form) {
        return resp;
    }
    match (method, endpoint) {
        (Method::GET, "authorize") => authorize(shared, &form),
        (Method::POST, "token") => token(shared, &form),
        (Method::POST, "devicecode") => devicecode(shared, &form),
        _ => oauth_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "invalid_request",
            900561,
            "Unsupported method.",
        ),
    }
}

fn authorize(shared: &Shared, q: &HashMap<String, String>) -> Response {
    let Some(redirect) = q.get("redirect_uri") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900144,
            "redirect_uri is required.",
        );
    };
    if q.get("client_id").is_none_or(|c| c.is_empty()) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900144,
            "client_id is required.",
        );
    }
    let code = format!("M.C5_{}", random_hex(16));
    shared.lock_auth().codes.insert(
        code.clone(),
        CodeGrant {
            redirect_uri: redirect.clone(),
            challenge: q.get("code_challenge").cloned(),
            method: q
                .get("code_challenge_method")
                .cloned()
                .unwrap_or_else(|| "plain".into()),
        },
    );
    let mut pairs = url::form_urlencoded::Serializer::new(String::new());
    pairs.append_pair("code", &code);
    if let Some(state) = q.get("state") {
        pairs.append_pair("state", state);
    }
    let sep = if redirect.contains('?') { '&' } else { '?' };
    let location = format!("{redirect}{sep}{}", pairs.finish());
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

/// A form field, empty when absent.
pub(crate) fn form_field<'a>(f: &'a HashMap<String, String>, k: &str) -> &'a str {
    f.get(k).map(String::as_str).unwrap_or("")
}

fn token(shared: &Shared, f: &HashMap<String, String>) -> Response {
    let field = |k: &str| form_field(f, k);
    if field("client_id").is_empty() {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'client_id'.",
        );
    }
    if !field("client_secret").is_empty() {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            700_025,
            "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
        );
    }
    let mut auth = shared.lock_auth();
    let flow = shared.faults.get().device_flow;
    if let Err(Refusal(status, error, code, message)) = redeem(&mut auth, f, flow) {
        return oauth_error(status, error, code, message);
    }
    let ttl = shared.faults.get().token_ttl;
    let access = auth.issue_access(ttl);
    let refresh = auth.issue_refresh();
    drop(auth);
    shared.mark_changed();
    let scope = f
        .get("scope")
        .cloned()
        .unwrap_or_else(|| "Files.ReadWrite.All User.Read offline_access".into());
    let expires = ttl.map_or(DEFAULT_EXPIRES_IN, |t| t.as_secs().max(1));
    let expires = if shared.faults.get().login_fault == Some(LoginFault::ExpiresInString) {
        json!(expires.to_string())
    } else {
        json!(expires)
    };
    let body = json!({"token_type": "Bearer", "scope": scope, "expires_in": expires,
        "ext_expires_in": expires, "access_token": access, "refresh_token": refresh});
    json_body(StatusCode::OK, &body)
}

/// Checks the grant of a token request; the error answer when it is refused.
fn redeem(auth: &mut Auth, f: &HashMap<String, String>, flow: DeviceFlow) -> Result<(), Refusal> {
    let field = |k: &str| form_field(f, k);
    match field("grant_type") {
        "authorization_code" => {
            let Some(grant) = auth.codes.remove(field("code")) else {
                return Err(Refusal::grant(
                    70000,
                    "The provided authorization code is invalid or was already used.",
                ));
            };
            if grant.redirect_uri != field("redirect_uri") {
                return Err(Refusal::grant(
                    50148,
                    "The redirect_uri does not match the one used to get the code.",
                ));
            }
            match &grant.challenge {
                Some(c) if !pkce_ok(c, &grant.method, field("code_verifier")) => {
                    Err(Refusal::grant(
                        501481,
                        "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
                    ))
                }
                _ => Ok(()),
            }
        }
        "refresh_token" if auth.refresh.contains(field("refresh_token")) => Ok(()),
        "refresh_token" => Err(Refusal::grant(
            70000,
            "The provided refresh token is invalid or expired.",
        )),
        "urn:ietf:params:oauth:grant-type:device_code" => {
            poll_device(auth, field("device_code"), flow)
        }
        _ => Err(Refusal(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            70003,
            "The grant type is not supported.",
        )),
    }
}

/// A device-code poll, answered as `flow` says (by default pending once, then granted).
fn poll_device(auth: &mut Auth, code: &str, flow: DeviceFlow) -> Result<(), Refusal> {
    let Some(polls) = auth.devices.get_mut(code) else {
        return Err(Refusal(
            StatusCode::BAD_REQUEST,
            "bad_verification_code",
            70019,
            "The device code is unknown.",
        ));
    };
    *polls += 1;
    let refuse = |error, code, message| Err(Refusal(StatusCode::BAD_REQUEST, error, code, message));
    let pending = "OAuth 2.0 device flow error. Authorization is pending.";
    match (flow, *polls) {
        (DeviceFlow::Declined, _) => {
            auth.devices.remove(code);
            refuse(
                "authorization_declined",
                70000,
                "The end user denied the authorization request.",
            )
        }
        (DeviceFlow::Expired, _) => {
            auth.devices.remove(code);
            refuse("expired_token", 70020, "The device code has expired.")
        }
        (DeviceFlow::SlowDown, 1) => refuse("slow_down", 70016, "Poll less often."),
        (DeviceFlow::SlowDown, 2) | (DeviceFlow::Grant, 1) => {
            refuse("authorization_pending", 70016, pending)
        }
        _ => {
            auth.devices.remove(code);
            Ok(())
        }
    }
}

fn devicecode(shared: &Shared, f: &HashMap<String, String>) -> Response {
    if f.get("client_id").is_none_or(|c| c.is_empty()) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900144,
            "client_id is required.",
        );
    }
    let device_code = format!("DAQABAAEAAA{}", random_hex(24));
    let user_code = random_hex(4).to_uppercase();
    shared.lock_auth().devices.insert(device_code.clone(), 0);
    let uri = "https://www.microsoft.com/link";
    let body = json!({"device_code": device_code, "user_code": user_code, "verification_uri": uri,
        "expires_in": 900, "interval": 1,
        "message": format!("To sign in, use a web browser to open the page {uri} and enter the code {user_code} to authenticate.")});
    json_body(StatusCode::OK, &body)
}

/// Whether `verifier` matches the PKCE `challenge`.
fn pkce_ok(challenge: &str, method: &str, verifier: &str) -> bool {
    if method.eq_ignore_ascii_case("S256") {
        let digest = Sha256::digest(verifier.as_bytes());
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest) == challenge
    } else {
        verifier == challenge
    }
}

/// A refused token request: status, error, AADSTS code, message.
struct Refusal(StatusCode, &'static str, u32, &'static str);

impl Refusal {
    /// `400 invalid_grant`.
    fn grant(code: u32, message: &'static str) -> Self {
        Refusal(StatusCode::BAD_REQUEST, "invalid_grant", code, message)
    }
}

/// The identity platform's error body (graph-api.md §10).
pub(crate) fn oauth_error(status: StatusCode, error: &str, code: u32, message: &str) -> Response {
    let id = request_id();
    let body = json!({"error": error, "error_description": format!("AADSTS{code}: {message}"),
        "error_codes": [code], "timestamp": now_rfc3339(), "trace_id": id, "correlation_id": id,
        "error_uri": format!("https://login.microsoftonline.com/error?code={code}")});
    json_body(status, &body)
}

fn json_body(status: StatusCode, body: &serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_is_base64url_of_sha256_of_the_verifier() {
        let verifier = "dBjftJeZ4CVP-mJ0kzxOpS3rTX4mRkL2ZVtEPr5gvRU";
        let challenge = "463mRk0Hgyl5ktjAMp9vA3IG0oK4E8UCyRFmym4og0U";
        assert!(pkce_ok(challenge, "S256", verifier));
        assert!(!pkce_ok(challenge, "S256", "wrong"));
    }

    #[test]
    fn tokens_expire_and_the_primary_token_is_stable() {
        let mut a = Auth::default();
        let p = a.current_access(None);
        assert_eq!(a.current_access(None), p);
        assert_eq!(a.check(&p), Ok(()));
        a.access.insert("old".into(), Some(unix_now_ms() - 1));
        assert_eq!(a.check("old"), Err(TokenProblem::Expired));
        assert_eq!(a.check("nope"), Err(TokenProblem::Invalid));
    }
}
