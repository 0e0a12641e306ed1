//! The authorization-code flow with PKCE: the seed's "open this URL, paste where the browser
//! ended" login, also used by the loopback flow.

use std::path::{Path, PathBuf};

use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::answer::OAuthError;
use super::{
    Flow, NATIVE_REDIRECT, SCOPES, TokenAnswer, apply_tokens, client_id, endpoint, keep_tokens,
    refused,
};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::graph::RetryPolicy;

/// A login waiting for its redirect: the PKCE verifier and the state to check. Debug output
/// hides the verifier.
#[derive(Clone, Serialize, Deserialize)]
pub struct PendingLogin {
    verifier: String,
    state: String,
    redirect_uri: String,
}

impl std::fmt::Debug for PendingLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingLogin")
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

impl PendingLogin {
    /// The redirect URI this login expects.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Keeps this login for a later run (`auth` prints the URL and exits, `auth URL` finishes):
    /// a private file beside the config, `{config}.pending`, mode 0600.
    pub fn save(&self, config_path: &Path) -> Result<()> {
        let bytes = serde_json::to_vec(self).map_err(|e| Error::decode("pending login", e))?;
        crate::config::write_private(&pending_path(config_path), &bytes)
    }

    /// Takes the login saved by [`PendingLogin::save`] (the file is removed: codes and
    /// verifiers are single-use). `None` when there is none. [`finish_saved_login`] keeps the
    /// file until the login is settled instead.
    pub fn take(config_path: &Path) -> Result<Option<Self>> {
        let found = Self::load(config_path)?;
        if found.is_some() {
            let path = pending_path(config_path);
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
        Ok(found)
    }

    /// The login saved by [`PendingLogin::save`], left in place. `None` when there is none.
    pub fn load(config_path: &Path) -> Result<Option<Self>> {
        let path = pending_path(config_path);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(&path, e)),
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| Error::decode("pending login", e))
    }

    /// Removes the saved login, if any: it is settled (signed in, or refused for good).
    fn discard(config_path: &Path) {
        // Best effort: a leftover file is only replaced by the next `auth`.
        let _ = std::fs::remove_file(pending_path(config_path));
    }
}

fn pending_path(config_path: &Path) -> PathBuf {
    let mut name = config_path.as_os_str().to_owned();
    name.push(".pending");
    PathBuf::from(name)
}

/// The URL to open in a browser for the seed's flow (redirect to the native-client page).
pub fn authorize_url(cfg: &Config) -> Result<(String, PendingLogin)> {
    authorize_url_for(cfg, NATIVE_REDIRECT)
}

/// The authorize URL (PKCE S256, random state) for a given redirect URI.
pub fn authorize_url_for(cfg: &Config, redirect_uri: &str) -> Result<(String, PendingLogin)> {
    let verifier = super::random_b64(32)?;
    let state = super::random_b64(16)?;
    let challenge =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(&verifier));
    let mut url = url::Url::parse(&endpoint(cfg, "authorize"))
        .map_err(|e| Error::config(&cfg.path, format!("api.login_url: {e}")))?;
    url.query_pairs_mut()
        .append_pair("client_id", client_id(cfg)?)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("response_mode", "query")
        .append_pair("scope", SCOPES)
        .append_pair("state", &state)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    let pending = PendingLogin {
        verifier,
        state,
        redirect_uri: redirect_uri.to_owned(),
    };
    Ok((url.into(), pending))
}

/// Finishes a code login from the URL the browser ended on: checks the state, exchanges the
/// code, and saves the new tokens (which always replace the old ones) to the config file.
/// [`finish_code_login_with`] the default [`RetryPolicy`].
pub async fn finish_code_login(
    cfg: &mut Config,
    pending: PendingLogin,
    redirected_to: &str,
) -> Result<()> {
    finish_code_login_with(cfg, pending, redirected_to, &RetryPolicy::default()).await
}

/// [`finish_code_login`] with the identity platform's transient answers retried under
/// `retry`, which also hears a [`crate::graph::Notice::TokensNotSaved`] when the config file
/// cannot take the tokens (`cfg` then holds them for this run).
///
/// # Errors
///
/// An authentication error when the URL is not the redirect of this login or the code is
/// refused (run `auth` again); a config error naming the setting when the app registration or
/// the config is wrong; [`crate::ErrorKind::SignInUnavailable`] once retries are spent.
pub async fn finish_code_login_with(
    cfg: &mut Config,
    pending: PendingLogin,
    redirected_to: &str,
    retry: &RetryPolicy,
) -> Result<()> {
    match read_redirect(cfg, &pending, redirected_to)? {
        Redirect::Code(code) => exchange(cfg, &pending, &code, retry).await,
        Redirect::Refused(e) => Err(e),
    }
}

/// Finishes the login [`PendingLogin::save`] kept beside `cfg`'s file (the later `auth URL`
/// run), as [`finish_code_login_with`] does, and keeps that pending login until it is settled:
/// it is removed once signed in or refused for good (the identity platform refused the
/// sign-in or the code), and stays for another try when the URL is not this login's redirect
/// (another attempt's `state`, no `code`, not a URL) or the sign-in service is unavailable
/// (transient, after the retries).
///
/// # Errors
///
/// Those of [`finish_code_login_with`]; an authentication error when no login is pending.
pub async fn finish_saved_login(
    cfg: &mut Config,
    redirected_to: &str,
    retry: &RetryPolicy,
) -> Result<()> {
    let path = cfg.path.clone();
    let pending = PendingLogin::load(&path)?
        .ok_or_else(|| Error::auth("no sign-in is pending; run `auth` first, then `auth URL`"))?;
    let code = match read_redirect(cfg, &pending, redirected_to)? {
        Redirect::Code(code) => code,
        Redirect::Refused(e) => {
            PendingLogin::discard(&path);
            return Err(e);
        }
    };
    let done = exchange(cfg, &pending, &code, retry).await;
    if !matches!(&done, Err(e) if e.is_transient()) {
        PendingLogin::discard(&path);
    }
    done
}

/// What the URL the browser ended on says.
enum Redirect {
    /// The code to exchange.
    Code(String),
    /// The identity platform refused the sign-in (`error=` in the URL): settled.
    Refused(Error),
}

/// Reads the redirect of `pending`; an error when the URL is not its redirect (the login then
/// still waits for the right one). The `state` is checked first, for an `error=` too: the
/// identity platform returns the request's `state` with either answer (RFC 6749 §4.1.2), so an
/// error of another attempt (an old tab, another run's link) says nothing about this one.
fn read_redirect(cfg: &Config, pending: &PendingLogin, redirected_to: &str) -> Result<Redirect> {
    let again = "paste the URL the browser ended on after opening the last `auth` link, or \
                 run `auth` for a new one";
    let url = url::Url::parse(redirected_to.trim())
        .map_err(|_| Error::auth(format!("that is not a URL; {again}")))?;
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let ours = param("state").as_deref() == Some(pending.state.as_str());
    match (param("code"), param("error")) {
        (None, None) => Err(Error::auth(format!(
            "the URL holds neither a sign-in `code` nor an `error`, so it is not the page the \
             sign-in ended on; the pending sign-in is kept: {again}"
        ))),
        _ if !ours => Err(Error::auth(format!(
            "the URL belongs to another sign-in attempt (its `state` is not this one's); the \
             pending sign-in is kept: {again}"
        ))),
        (_, Some(error)) => {
            let e = OAuthError {
                error,
                error_description: param("error_description").unwrap_or_default(),
                error_codes: Vec::new(),
            };
            Ok(Redirect::Refused(refused(Flow::Code, &e, cfg)))
        }
        (Some(code), None) => Ok(Redirect::Code(code)),
    }
}

/// Exchanges `code` for tokens and keeps them (saved, or in memory with a notice).
async fn exchange(
    cfg: &mut Config,
    pending: &PendingLogin,
    code: &str,
    retry: &RetryPolicy,
) -> Result<()> {
    let http = super::http_client(cfg)?;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", pending.redirect_uri.as_str()),
        ("code_verifier", pending.verifier.as_str()),
        ("scope", SCOPES),
    ];
    match super::token_request(&http, cfg, &form, retry).await? {
        TokenAnswer::Tokens(t) => {
            apply_tokens(cfg, t, false);
            if let Some(n) = keep_tokens(cfg, None) {
                retry.tell(&n);
            }
            Ok(())
        }
        TokenAnswer::Refused(e) => Err(refused(Flow::Code, &e, cfg)),
    }
}
