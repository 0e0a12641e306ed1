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
//!
//! Every flow reads the identity platform's answers the same way (see `answer`: transient,
//! registration or config wrong, signed out) and keeps every successful token answer: read
//! leniently, saved before anything else can fail, and kept in memory with one
//! [`crate::graph::Notice::TokensNotSaved`] when the config file cannot take it (with rotating
//! refresh tokens, a dropped answer is a sign-out).

mod answer;
mod code;
mod device;
mod loopback;
mod tokens;

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use crate::config::{Config, ConfigLock, Saved};
use crate::error::{Error, Result};
use crate::graph::{GraphClient, Notice, RetryPolicy};
pub(crate) use answer::{Answer, Flow, refused};

pub use code::{
    PendingLogin, authorize_url, authorize_url_for, finish_code_login, finish_code_login_with,
    finish_saved_login,
};
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

/// A successful token answer, read leniently: only `access_token` is required, and
/// `expires_in` may come as a number or a string (some identity endpoints send `"3599"`).
#[derive(Clone, Deserialize)]
pub(crate) struct TokenResponse {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default, deserialize_with = "lenient_seconds")]
    pub expires_in: Option<u64>,
}

/// Seconds as a JSON number or a string of digits; anything else counts as absent.
fn lenient_seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => n.as_u64().or_else(|| n.as_f64().map(|f| f as u64)),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// What a token request ended with.
pub(crate) enum TokenAnswer {
    Tokens(TokenResponse),
    Refused(answer::OAuthError),
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

/// POSTs a form to the token endpoint under `retry` and reads the answer (see `answer`).
pub(crate) async fn token_request(
    http: &reqwest::Client,
    cfg: &Config,
    form: &[(&str, &str)],
    retry: &RetryPolicy,
) -> Result<TokenAnswer> {
    match answer::post(http, cfg, "token", form, retry).await? {
        Answer::Json(body) => serde_json::from_slice(&body)
            .map(TokenAnswer::Tokens)
            .map_err(|e| Error::decode("the token answer", format!("no usable access_token: {e}"))),
        Answer::Refused(e) => Ok(TokenAnswer::Refused(e)),
    }
}

/// Saves the tokens just stored in `cfg` (under `lock` when held). When the file cannot take
/// them they stay in `cfg` for this run, and the [`Notice::TokensNotSaved`] to give (naming
/// the fix) comes back; with `conf_save: false` they stay in memory without a word. Never
/// fails: the token answer must not be lost.
pub(crate) fn keep_tokens(cfg: &mut Config, lock: Option<&ConfigLock>) -> Option<Notice> {
    let saved = match lock {
        Some(lock) => cfg.save_locked_how(lock),
        None if cfg.saves_disabled() => Ok(Saved::NotWritten),
        None => ConfigLock::acquire(&cfg.path).and_then(|lock| cfg.save_locked_how(&lock)),
    };
    match saved {
        Ok(Saved::Atomic | Saved::NotWritten) => None,
        Ok(Saved::InPlace) => Some(Notice::TokensSavedInPlace {
            path: cfg.path.clone(),
        }),
        Err(e) => Some(Notice::TokensNotSaved {
            path: cfg.path.clone(),
            reason: format!(
                "{e}; make the file and its folder writable, or point --config (or \
                 SKYDRIVE_CONFIG) at a copy you can write"
            ),
        }),
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

/// 32 random bytes, base64url without padding (PKCE verifier, OAuth state).
pub(crate) fn random_b64(len: usize) -> Result<String> {
    use base64::Engine;
    let mut buf = vec![0u8; len];
    getrandom::fill(&mut buf).map_err(|e| Error::auth(format!("no randomness: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}
