//! Sign-in with the Microsoft identity platform v2 (graph-api.md §10), and the token source the
//! Graph client uses.
//!
//! Three ways to sign in, all ending with tokens saved to the config file: the seed's
//! paste-the-URL code flow with PKCE ([`authorize_url`] + [`finish_code_login`]), the device
//! code flow ([`device_login`]) and a loopback redirect ([`loopback_login`]). After that,
//! [`ConfigTokens`] keeps the access token fresh (before expiry and once on a 401), saving each
//! new refresh token at once under the config file's lock, so that two shells sharing the file
//! never lose one. Written by hand rather than with the `oauth2` crate, which would bring a
//! second HTTP and TLS stack (an older reqwest) for three small endpoints.

mod code;
mod device;
mod loopback;
mod tokens;

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::graph::GraphClient;

pub use code::{PendingLogin, authorize_url, authorize_url_for, finish_code_login};
pub use device::{DeviceCode, DevicePolling, device_login, device_login_with};
pub use loopback::loopback_login;
pub use tokens::ConfigTokens;

/// Scopes requested at sign-in; `offline_access` yields a refresh token.
pub const SCOPES: &str = "Files.ReadWrite.All offline_access User.Read";
/// The seed's redirect URI for the paste-the-URL flow.
pub const NATIVE_REDIRECT: &str = "https://login.microsoftonline.com/common/oauth2/nativeclient";

/// A Graph client for `cfg` whose tokens come from (and are saved to) the config file.
/// Fails with an authentication error when the file holds no token at all.
pub async fn client_from_config(cfg: Config) -> Result<GraphClient> {
    if cfg.access_token.is_none() && cfg.refresh_token.is_none() {
        return Err(Error::auth(format!(
            "{}: not signed in; run `auth` (or `auth --device`) to sign in",
            cfg.path.display()
        )));
    }
    let base = cfg.graph_url.clone();
    let tokens = ConfigTokens::new(cfg)?;
    GraphClient::new(&base, Arc::new(tokens))
}

/// Refreshes the sign-in now (the shell's `auth_refresh`) and saves the new tokens; `cfg`
/// then holds them.
pub async fn refresh(cfg: &mut Config) -> Result<()> {
    let tokens = ConfigTokens::new(cfg.clone())?;
    tokens.force_refresh().await?;
    *cfg = tokens.config().await;
    Ok(())
}

/// A successful token answer. Debug output hides the tokens.
#[derive(Clone, Deserialize)]
pub(crate) struct TokenResponse {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub expires_in: Option<u64>,
}

/// An OAuth error answer (`{"error": "...", "error_description": "..."}`).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct OAuthError {
    #[serde(default)]
    pub error: String,
    #[serde(default)]
    pub error_description: String,
}

/// What a token request ended with.
pub(crate) enum TokenAnswer {
    Tokens(TokenResponse),
    Refused(OAuthError),
}

/// The HTTP client for the identity platform of `cfg` (a 60 s total timeout: token calls
/// are small).
pub(crate) fn http_client(cfg: &Config) -> Result<reqwest::Client> {
    crate::graph::client::http_builder(&cfg.login_url)
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| Error::decode("HTTP client set-up", e))
}

/// `{login_url}/{tenant}/oauth2/v2.0/{endpoint}`.
pub(crate) fn endpoint(cfg: &Config, name: &str) -> String {
    format!("{}/{}/oauth2/v2.0/{name}", cfg.login_url, cfg.tenant)
}

pub(crate) fn client_id(cfg: &Config) -> Result<&str> {
    cfg.client_id.as_deref().ok_or_else(|| {
        Error::config(
            &cfg.path,
            "client.id is not set; add your app's id (see README, \"Using a real OneDrive\")",
        )
    })
}

/// POSTs a form to the token endpoint (`client_id` and, if configured, `client_secret` added).
pub(crate) async fn token_request(
    http: &reqwest::Client,
    cfg: &Config,
    form: &[(&str, &str)],
) -> Result<TokenAnswer> {
    let mut fields: Vec<(&str, &str)> = vec![("client_id", client_id(cfg)?)];
    if let Some(secret) = cfg.client_secret.as_deref() {
        fields.push(("client_secret", secret));
    }
    fields.extend_from_slice(form);
    let resp = http
        .post(endpoint(cfg, "token"))
        .form(&fields)
        .send()
        .await
        .map_err(crate::graph::answer::network_error)?;
    let status = resp.status();
    let body = resp
        .bytes()
        .await
        .map_err(crate::graph::answer::network_error)?;
    if status.is_success() {
        let t = serde_json::from_slice(&body).map_err(|e| Error::decode("token answer", e))?;
        return Ok(TokenAnswer::Tokens(t));
    }
    match serde_json::from_slice::<OAuthError>(&body) {
        Ok(e) if status.is_client_error() && !e.error.is_empty() => Ok(TokenAnswer::Refused(e)),
        _ => Err(Error::graph(
            status.as_u16(),
            format!("http{}", status.as_u16()),
            "the sign-in service failed",
        )),
    }
}

/// Stores a token answer in `cfg`. A response without a refresh token keeps the old one only
/// when `keep_refresh` (a refresh); a new sign-in always replaces it (the seed's bug #32).
pub(crate) fn apply_tokens(cfg: &mut Config, t: TokenResponse, keep_refresh: bool) {
    let expires = time::OffsetDateTime::now_utc()
        + time::Duration::seconds(i64::try_from(t.expires_in.unwrap_or(3600)).unwrap_or(3600));
    cfg.access_expires = expires
        .format(&time::format_description::well_known::Rfc3339)
        .ok();
    cfg.access_token = Some(t.access_token);
    if t.refresh_token.is_some() || !keep_refresh {
        cfg.refresh_token = t.refresh_token;
    }
}

/// An authentication error for a refused token request, with the fix.
pub(crate) fn refused(what: &str, e: &OAuthError, fix: &str) -> Error {
    let desc = e.error_description.lines().next().unwrap_or("");
    Error::auth(format!("{what} was refused ({}: {desc}); {fix}", e.error))
}

/// 32 random bytes, base64url without padding (PKCE verifier, OAuth state).
pub(crate) fn random_b64(len: usize) -> Result<String> {
    use base64::Engine;
    let mut buf = vec![0u8; len];
    getrandom::fill(&mut buf).map_err(|e| Error::auth(format!("no randomness: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}
