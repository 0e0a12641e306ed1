//! The device code flow: show a short code, poll until the user has entered it elsewhere.

use std::time::{Duration, Instant};

use serde::Deserialize;

use super::answer::{Answer, OAuthError, post};
use super::{Flow, SCOPES, TokenAnswer, apply_tokens, keep_tokens, refused};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::graph::RetryPolicy;

/// What the user must do: open `verification_uri` and enter `user_code`.
#[derive(Clone, Deserialize)]
pub struct DeviceCode {
    device_code: String,
    /// The code to type in.
    pub user_code: String,
    /// Where to type it.
    pub verification_uri: String,
    /// Seconds until the code expires.
    #[serde(default = "default_expiry")]
    pub expires_in: u64,
    /// Seconds between polls.
    #[serde(default = "default_interval")]
    pub interval: u64,
    /// The service's ready-made instruction.
    #[serde(default)]
    pub message: String,
}

fn default_expiry() -> u64 {
    900
}

fn default_interval() -> u64 {
    5
}

impl std::fmt::Debug for DeviceCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceCode")
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("expires_in", &self.expires_in)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

/// Polling knobs; the defaults follow RFC 8628.
#[derive(Debug, Clone)]
pub struct DevicePolling {
    /// Added to the interval on each `slow_down`.
    pub slow_down_step: Duration,
    /// The interval unit (one second; smaller only in tests).
    pub second: Duration,
    /// How transient answers (429, 5xx, `temporarily_unavailable`) to the start and to each
    /// poll are retried, and where notices go.
    pub retry: RetryPolicy,
}

impl Default for DevicePolling {
    fn default() -> Self {
        DevicePolling {
            slow_down_step: Duration::from_secs(5),
            second: Duration::from_secs(1),
            retry: RetryPolicy::default(),
        }
    }
}

/// The longest poll interval honoured, in seconds: a server asking for more is polled this
/// often instead (a wait the server drives stays bounded).
const MAX_INTERVAL: u64 = 60;

/// Signs in with a device code: `on_prompt` shows the code, then we poll until the user has
/// entered it, and save the tokens.
pub async fn device_login(cfg: &mut Config, on_prompt: impl FnOnce(&DeviceCode)) -> Result<()> {
    device_login_with(cfg, &DevicePolling::default(), on_prompt).await
}

/// [`device_login`] with explicit polling knobs.
///
/// # Errors
///
/// An authentication error when the code expires or the user declines (run `auth --device`
/// again); a config error naming the setting when the app registration or the config is
/// wrong (`AADSTS7000218`: "Allow public client flows" is off; `AADSTS9002331`: set
/// `tenant: consumers`); [`crate::ErrorKind::SignInUnavailable`] once retries are spent.
pub async fn device_login_with(
    cfg: &mut Config,
    polling: &DevicePolling,
    on_prompt: impl FnOnce(&DeviceCode),
) -> Result<()> {
    let http = super::http_client(cfg)?;
    let start = [("scope", SCOPES)];
    let code: DeviceCode = match post(&http, cfg, "devicecode", &start, &polling.retry).await? {
        Answer::Json(body) => crate::graph::answer::decode_bytes(&body, "device code")?,
        Answer::Refused(e) => return Err(refused(Flow::Device, &e, cfg)),
    };
    on_prompt(&code);
    let deadline = Instant::now() + polling.second * u32::try_from(code.expires_in).unwrap_or(900);
    let secs = code.interval.clamp(1, MAX_INTERVAL);
    let mut interval = polling.second * u32::try_from(secs).unwrap_or(5);
    loop {
        tokio::time::sleep(interval).await;
        let form = [
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", code.device_code.as_str()),
        ];
        let answer = match super::token_request(&http, cfg, &form, &polling.retry).await {
            Ok(answer) => answer,
            // The device code stays good until it expires: a sign-in service that is down
            // for a while (after the retries) ends no sign-in; the next poll tries again.
            Err(e) if e.is_transient() && Instant::now() < deadline => continue,
            Err(e) => return Err(e),
        };
        let e = match answer {
            TokenAnswer::Tokens(t) => {
                apply_tokens(cfg, t, false);
                if let Some(n) = keep_tokens(cfg, None) {
                    polling.retry.tell(&n);
                }
                return Ok(());
            }
            TokenAnswer::Refused(e) => e,
        };
        match poll_step(&e, Instant::now() < deadline, cfg) {
            Poll::Wait => {}
            Poll::SlowDown => interval += polling.slow_down_step,
            Poll::Stop(err) => return Err(err),
        }
    }
}

/// What to do after a refused poll.
#[derive(Debug)]
enum Poll {
    Wait,
    SlowDown,
    Stop(Error),
}

/// RFC 8628 polling rules, as Microsoft applies them (graph-api.md §10); any other refusal
/// is read like every sign-in answer (see `super::answer`).
fn poll_step(e: &OAuthError, before_deadline: bool, cfg: &Config) -> Poll {
    match e.error.as_str() {
        "authorization_pending" if before_deadline => Poll::Wait,
        "slow_down" if before_deadline => Poll::SlowDown,
        "authorization_pending" | "slow_down" | "expired_token" => Poll::Stop(Error::auth(
            "the device code expired before it was entered; run `auth --device` again",
        )),
        "authorization_declined" => Poll::Stop(Error::auth(
            "sign-in was declined; run `auth --device` again to retry",
        )),
        _ => Poll::Stop(refused(Flow::Device, e, cfg)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(code: &str, before_deadline: bool) -> Poll {
        let e = OAuthError {
            error: code.into(),
            error_description: "AADSTS70016: details".into(),
            error_codes: Vec::new(),
        };
        poll_step(&e, before_deadline, &Config::new("/c"))
    }

    #[test]
    fn polling_follows_rfc_8628() {
        assert!(matches!(step("authorization_pending", true), Poll::Wait));
        assert!(matches!(step("slow_down", true), Poll::SlowDown));
        for (code, words) in [
            ("authorization_pending", "expired"),
            ("expired_token", "expired"),
            ("authorization_declined", "declined"),
            ("bad_verification_code", "bad_verification_code"),
        ] {
            let Poll::Stop(e) = step(code, code != "authorization_pending") else {
                panic!("{code} must stop polling");
            };
            assert!(e.is_auth(), "{e}");
            let text = e.to_string();
            assert!(
                text.contains(words) && text.contains("auth --device"),
                "{text}"
            );
        }
    }
}
