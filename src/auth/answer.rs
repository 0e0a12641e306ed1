//! One reading of what the identity platform answered, for every sign-in flow: the code
//! exchange, the device code's start and polls, and refreshes.
//!
//! Three outcomes a user can act on, each with its own exit code in the shell:
//! - **transient** (429, 5xx, `temporarily_unavailable`, a gateway's page that is not JSON):
//!   retried under the same [`RetryPolicy`] as Graph requests, then
//!   [`ErrorKind::SignInUnavailable`] (exit 5), which names the host and says the saved
//!   sign-in is kept;
//! - **the app registration or the config is wrong** (`AADSTS7000218` "Allow public client
//!   flows" is off, `AADSTS700025` a secret sent by a public client, `AADSTS9002331` a
//!   personal-accounts app used with `tenant: common`, ...): a [`crate::ErrorKind::Config`]
//!   error (exit 4) naming the setting to change, since signing in again fails the same way;
//! - **signed out** (`invalid_grant`, `interaction_required`, ...): an
//!   [`crate::ErrorKind::Auth`] error (exit 4) saying to run `auth`.
//!
//! Microsoft's error codes: <https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes>.

use bytes::Bytes;
use serde::Deserialize;

use super::{NATIVE_REDIRECT, SCOPES, client_id, endpoint};
use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::graph::answer::{host_of, network_error};
use crate::graph::wait::{RetryPolicy, parse_retry_after};

/// An OAuth error answer (`{"error", "error_description", "error_codes": [...]}`).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct OAuthError {
    #[serde(default)]
    pub error: String,
    #[serde(default)]
    pub error_description: String,
    #[serde(default)]
    pub error_codes: Vec<u64>,
}

impl OAuthError {
    /// The `AADSTS` number: the first of `error_codes`, else the one the description starts
    /// with.
    fn aadsts(&self) -> Option<u64> {
        self.error_codes.first().copied().or_else(|| {
            let rest = self.error_description.split("AADSTS").nth(1)?;
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
    }
}

/// What an identity endpoint answered, once transient answers are retried away.
pub(crate) enum Answer {
    /// A success answer's JSON body.
    Json(Bytes),
    /// A refusal (a 4xx with an OAuth error body).
    Refused(OAuthError),
}

/// POSTs `form` (with `client_id` and, when configured, `client_secret`) to the identity
/// endpoint `name` of `cfg` (`token`, `devicecode`); transient answers are retried under
/// `retry`.
pub(crate) async fn post(
    http: &reqwest::Client,
    cfg: &Config,
    name: &str,
    form: &[(&str, &str)],
    retry: &RetryPolicy,
) -> Result<Answer> {
    let mut fields: Vec<(&str, &str)> = vec![("client_id", client_id(cfg)?)];
    if let Some(secret) = cfg.client_secret.as_deref() {
        fields.push(("client_secret", secret));
    }
    fields.extend_from_slice(form);
    let url = endpoint(cfg, name);
    let mut attempt = 0;
    loop {
        let req = http
            .post(&url)
            .form(&fields)
            .build()
            .map_err(network_error)?;
        let host = host_of(req.url());
        let outcome = match http.execute(req).await {
            Ok(resp) => read(resp, &host).await,
            Err(e) => Err(network_error(e)),
        };
        match outcome {
            Ok(answer) => return Ok(answer),
            Err(e) => retry.pause(attempt, e, &host).await?,
        }
        attempt += 1;
    }
}

/// Reads one answer: JSON success, a refusal, or a transient error naming `host`.
async fn read(resp: reqwest::Response, host: &str) -> Result<Answer> {
    let status = resp.status().as_u16();
    let retry_after = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, std::time::SystemTime::now()));
    let body = resp.bytes().await.map_err(network_error)?;
    let unavailable = |detail: String| -> Error {
        ErrorKind::SignInUnavailable {
            host: host.to_owned(),
            detail,
            status,
            retry_after,
        }
        .into()
    };
    let json = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    if !json {
        let what = if body.windows(5).any(|w| w.eq_ignore_ascii_case(b"<html")) {
            "an HTML page"
        } else {
            "not JSON"
        };
        return Err(unavailable(format!(
            "HTTP {status}, {what} where a JSON answer was due: a proxy or gateway answered?"
        )));
    }
    let refusal: Option<OAuthError> = serde_json::from_slice(&body).ok();
    let error = refusal.as_ref().map_or("", |e| e.error.as_str());
    if status == 429 || (status >= 500 && status != 501) || error == "temporarily_unavailable" {
        let code = if error.is_empty() {
            "no error code"
        } else {
            error
        };
        return Err(unavailable(format!("HTTP {status}, {code}")));
    }
    match (status, refusal) {
        (200..=299, _) => Ok(Answer::Json(body)),
        (400..=499, Some(e)) if !e.error.is_empty() => Ok(Answer::Refused(e)),
        _ => Err(Error::decode(
            format!("sign-in at {host}"),
            format!("unexpected answer HTTP {status}"),
        )),
    }
}

/// The flow a refusal ended: says what was refused and how to start over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// A refresh of the saved sign-in.
    Refresh,
    /// The exchange of a pasted (or redirected) sign-in code.
    Code,
    /// The device code flow, started or polled.
    Device,
}

/// The error for a refusal of `flow`: the setting to change when the registration or the
/// config is wrong, else "signed out, run `auth`" (see the module docs).
pub(crate) fn refused(flow: Flow, e: &OAuthError, cfg: &Config) -> Error {
    let (what, again) = match flow {
        Flow::Refresh => ("refreshing the sign-in", "run `auth` to sign in again"),
        Flow::Code => ("the sign-in code", "run `auth` again"),
        Flow::Device => ("the device sign-in", "run `auth --device` again"),
    };
    let said = match e.error_description.lines().next().unwrap_or("").trim() {
        "" => format!("{what} was refused ({})", e.error),
        desc => format!("{what} was refused ({}: {desc})", e.error),
    };
    match setting_to_fix(e, cfg) {
        Some(fix) => Error::config(&cfg.path, format!("{said}; {fix}")),
        None => Error::auth(format!("{said}; {again}")),
    }
}

/// What to change when a refusal comes from the app registration or the config.
fn setting_to_fix(e: &OAuthError, cfg: &Config) -> Option<String> {
    let id = cfg.client_id.as_deref().unwrap_or("?");
    let tenant = &cfg.tenant;
    let portal = "in the Microsoft Entra admin center, App registrations, your app";
    Some(match (e.aadsts(), e.error.as_str()) {
        (Some(7_000_218), _) => format!(
            "the app registration does not allow sign-in without a secret: {portal}, \
             Authentication, set \"Allow public client flows\" to Yes (and register the \
             platform \"Mobile and desktop applications\")"
        ),
        (Some(700_025), _) if cfg.client_secret.is_some() => "client.secret is set, but the app \
             is a public client, which must not send one: remove `secret:` from the `client:` \
             section (configs written by python-skydrive carry one)"
            .to_owned(),
        (Some(700_025), _) => format!(
            "the app registration is a public client and refused a secret: {portal}, check the \
             platform is \"Mobile and desktop applications\""
        ),
        (Some(9_002_331), _) => format!(
            "the app registration accepts personal Microsoft accounts only: set `tenant: \
             consumers` in the `client:` section (it is `{tenant}`)"
        ),
        (Some(700_016), _) => format!(
            "there is no app with client.id {id} for tenant `{tenant}`: set client.id to the \
             registration's \"Application (client) ID\" and check client.tenant"
        ),
        (Some(90_002 | 900_023), _) => format!(
            "client.tenant `{tenant}` is not a tenant the identity platform knows: use common, \
             consumers, organizations or your tenant id"
        ),
        (Some(7_000_215 | 7_000_222), _) => "client.secret is not valid for this app: remove it \
             (a public client needs none)"
            .to_owned(),
        (Some(50_011 | 500_113), _) => format!(
            "the redirect URI is not registered: {portal}, Authentication, add {NATIVE_REDIRECT} \
             (and http://localhost for the loopback sign-in) under \"Mobile and desktop \
             applications\""
        ),
        (Some(70_002 | 50_020 | 90_072), _) => format!(
            "this kind of account cannot sign in to the app with tenant `{tenant}`: set \
             client.tenant (consumers for personal accounts, organizations for work accounts), \
             or change the registration's \"Supported account types\""
        ),
        (Some(70_011), _) | (_, "invalid_scope") => {
            format!("the app registration cannot be granted {SCOPES}: {portal}, API permissions")
        }
        (_, "invalid_client") => format!(
            "the app registration refused client.id {id}: check client.id and client.secret, \
             and {portal}, Authentication"
        ),
        (_, "unauthorized_client") => format!(
            "the app registration does not allow this sign-in: {portal}, check \"Supported \
             account types\" and Authentication"
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(error: &str, codes: &[u64], description: &str) -> OAuthError {
        OAuthError {
            error: error.into(),
            error_description: description.into(),
            error_codes: codes.to_vec(),
        }
    }

    #[test]
    fn registration_and_config_errors_name_the_setting() {
        let mut cfg = Config::new("/home/u/.lcrc");
        cfg.client_id = Some("app-id".into());
        let cases = [
            (
                refusal(
                    "invalid_client",
                    &[7_000_218],
                    "AADSTS7000218: The request body must contain client_assertion or client_secret.",
                ),
                "\"Allow public client flows\" to Yes",
            ),
            (
                refusal(
                    "invalid_request",
                    &[9_002_331],
                    "AADSTS9002331: Application is configured for use by Microsoft Account users only.",
                ),
                "set `tenant: consumers` in the `client:` section (it is `common`)",
            ),
            (
                refusal(
                    "unauthorized_client",
                    &[700_016],
                    "AADSTS700016: Application not found",
                ),
                "no app with client.id app-id",
            ),
            (
                refusal(
                    "invalid_request",
                    &[],
                    "AADSTS90002: Tenant 'x' not found.\r\nTrace ID: 1",
                ),
                "is not a tenant",
            ),
            (
                refusal("invalid_client", &[], "no code here"),
                "refused client.id app-id",
            ),
        ];
        for (e, fix) in cases {
            for flow in [Flow::Refresh, Flow::Code, Flow::Device] {
                let err = refused(flow, &e, &cfg);
                assert!(matches!(err.kind(), ErrorKind::Config { .. }), "{err:?}");
                let text = err.to_string();
                assert!(
                    text.contains(fix) && text.contains("/home/u/.lcrc"),
                    "{text}"
                );
                assert!(
                    !text.contains("run `auth"),
                    "signing in again does not help: {text}"
                );
                assert!(!text.contains("Trace ID"), "first line only: {text}");
            }
        }
        let e = refusal(
            "invalid_request",
            &[700_025],
            "AADSTS700025: Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
        );
        let generic = refused(Flow::Code, &e, &cfg).to_string();
        assert!(
            generic.contains("public client and refused a secret"),
            "{generic}"
        );
        cfg.client_secret = Some("from python-skydrive".into());
        let named = refused(Flow::Code, &e, &cfg).to_string();
        assert!(
            named.contains("remove `secret:` from the `client:` section"),
            "{named}"
        );
        assert!(!named.contains("from python-skydrive\""), "{named}");
    }

    #[test]
    fn signed_out_says_to_sign_in_again_with_the_flows_command() {
        let cfg = Config::new("/c");
        for (e, code) in [
            ("invalid_grant", 70_000),
            ("invalid_grant", 50_076),
            ("interaction_required", 50_079),
            ("consent_required", 65_001),
        ] {
            let refusal = refusal(e, &[code], &format!("AADSTS{code}: words.\nmore"));
            let err = refused(Flow::Refresh, &refusal, &cfg);
            assert!(err.is_auth(), "{err:?}");
            let text = err.to_string();
            assert!(
                text.contains(&format!("({e}: AADSTS{code}: words.)")),
                "{text}"
            );
            assert!(text.ends_with("run `auth` to sign in again"), "{text}");
            let device = refused(Flow::Device, &refusal, &cfg).to_string();
            assert!(device.ends_with("run `auth --device` again"), "{device}");
        }
    }

    #[test]
    fn an_empty_description_leaves_only_the_error_code() {
        let cfg = Config::new("/c");
        let text = refused(Flow::Code, &refusal("access_denied", &[], " "), &cfg).to_string();
        assert!(
            text.contains("was refused (access_denied); run `auth` again"),
            "{text}"
        );
    }

    #[test]
    fn the_aadsts_number_comes_from_the_codes_or_the_description() {
        assert_eq!(refusal("x", &[50_076, 1], "AADSTS9").aadsts(), Some(50_076));
        assert_eq!(
            refusal("x", &[], "AADSTS7000218: no").aadsts(),
            Some(7_000_218)
        );
        assert_eq!(refusal("x", &[], "nothing").aadsts(), None);
    }
}
