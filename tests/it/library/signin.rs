//! Sign-in answers (issue 18): one reading of what the identity platform answered, for every
//! flow (refresh, code exchange, device code start and polls), against the emulator's
//! identity authority with each login fault; and token answers that are never lost.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use skydrive::auth::{self, ConfigTokens, DevicePolling};
use skydrive::emulator::{Faults, Listener, LoginFault, Seed};
use skydrive::graph::Notice;
use skydrive::{Config, ErrorKind, GraphClient, RetryPolicy};

use super::{Env, env_with, fast_retry};

async fn with_login_fault(fault: LoginFault, times: u32) -> Env {
    let faults = Faults {
        login_fault: Some(fault),
        login_fault_times: times,
        retry_after: "0".into(),
        ..Faults::default()
    };
    env_with(Seed::Demo, faults).await
}

/// The identity requests the emulator answered.
fn logins(env: &Env) -> usize {
    env.log(Listener::Login).len()
}

/// A retry policy whose notices are collected.
fn heard() -> (RetryPolicy, Arc<Mutex<Vec<Notice>>>) {
    let heard = Arc::new(Mutex::new(Vec::new()));
    let sink = heard.clone();
    let mut policy = fast_retry();
    policy.notify = Some(Arc::new(move |n: &Notice| {
        sink.lock().unwrap().push(n.clone())
    }));
    (policy, heard)
}

async fn refresh(env: &Env, policy: &RetryPolicy) -> skydrive::Result<String> {
    let tokens = ConfigTokens::new(env.config())
        .unwrap()
        .with_retry(policy.clone());
    tokens.force_refresh().await
}

const TRANSIENT: [LoginFault; 5] = [
    LoginFault::Throttled,
    LoginFault::Unavailable,
    LoginFault::TemporarilyUnavailable,
    LoginFault::HtmlGateway,
    LoginFault::HtmlOk,
];

#[tokio::test]
async fn transient_answers_are_retried_like_graph_calls() {
    for fault in TRANSIENT {
        let env = with_login_fault(fault, 2).await;
        let before = env.config().refresh_token;
        refresh(&env, &fast_retry()).await.unwrap();
        assert_eq!(logins(&env), 3, "{fault:?}: two refused, the third answers");
        assert_ne!(env.config().refresh_token, before, "{fault:?}: saved");
    }
}

#[tokio::test]
async fn a_sign_in_service_that_stays_down_ends_transient_and_keeps_the_sign_in() {
    for fault in TRANSIENT {
        let env = with_login_fault(fault, 0).await;
        let before = std::fs::read(env.config_path()).unwrap();
        let err = refresh(&env, &fast_retry()).await.unwrap_err();
        assert!(
            err.is_transient() && !err.is_auth(),
            "{fault:?}: exit 5: {err:?}"
        );
        assert!(
            matches!(err.kind(), ErrorKind::SignInUnavailable { .. }),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains("127.0.0.1:") && text.contains("your saved sign-in is kept"),
            "{text}"
        );
        if matches!(fault, LoginFault::HtmlGateway | LoginFault::HtmlOk) {
            assert!(
                text.contains("an HTML page where a JSON answer was due"),
                "{text}"
            );
        }
        assert_eq!(logins(&env), 7, "{fault:?}: first try and 6 retries");
        assert_eq!(std::fs::read(env.config_path()).unwrap(), before);
    }
}

#[tokio::test]
async fn registration_errors_name_the_setting_in_every_flow() {
    let polling = DevicePolling {
        second: Duration::from_millis(10),
        retry: fast_retry(),
        ..DevicePolling::default()
    };
    // "Allow public client flows" off: the device-code poll, and every other token request.
    let env = with_login_fault(LoginFault::PublicClientOff, 0).await;
    let mut cfg = env.config();
    let err = auth::device_login_with(&mut cfg, &polling, |_| {})
        .await
        .unwrap_err();
    assert_setting(&err, "set \"Allow public client flows\" to Yes");
    assert_setting(
        &refresh(&env, &fast_retry()).await.unwrap_err(),
        "Allow public client flows",
    );
    // A personal-accounts-only app with tenant `common`: already at the device-code start,
    // where the AADSTS text used to be dropped for "Bad Request".
    let env = with_login_fault(LoginFault::ConsumersOnly, 0).await;
    let mut cfg = env.config();
    let err = auth::device_login_with(&mut cfg, &polling, |_| {})
        .await
        .unwrap_err();
    assert_setting(
        &err,
        "set `tenant: consumers` in the `client:` section (it is `common`)",
    );
    assert!(err.to_string().contains("AADSTS9002331"), "{err}");
    let (url, pending) = auth::authorize_url(&cfg).unwrap();
    let landed = browse(&url).await;
    let err = auth::finish_code_login(&mut cfg, pending, &landed)
        .await
        .unwrap_err();
    assert_setting(&err, "`tenant: consumers`");
    cfg.tenant = "consumers".into();
    auth::device_login_with(&mut cfg, &polling, |_| {})
        .await
        .unwrap();
    // A secret from a python-skydrive config, sent by a public client.
    let env = env_with(Seed::Demo, Faults::default()).await;
    let mut cfg = env.config();
    cfg.client_secret = Some("from-python-skydrive".into());
    cfg.save().unwrap();
    let err = refresh(&env, &fast_retry()).await.unwrap_err();
    assert_setting(&err, "remove `secret:` from the `client:` section");
    assert!(!err.to_string().contains("from-python-skydrive"), "{err}");
}

/// `err` is a config error (exit 4) that names `fix` and does not say "run `auth`".
fn assert_setting(err: &skydrive::Error, fix: &str) {
    assert!(matches!(err.kind(), ErrorKind::Config { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains(fix), "{fix}: {text}");
    assert!(!text.contains("run `auth"), "{text}");
}

/// Plays the browser: where the authorize URL redirects to.
async fn browse(url: &str) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap();
    let resp = http.get(url).send().await.unwrap();
    resp.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn signed_out_says_to_run_auth() {
    let env = with_login_fault(LoginFault::InteractionRequired, 0).await;
    let err = refresh(&env, &fast_retry()).await.unwrap_err();
    assert!(err.is_auth(), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("interaction_required: AADSTS50076"), "{text}");
    assert!(text.ends_with("run `auth` to sign in again"), "{text}");
    assert_eq!(logins(&env), 1, "a refusal is not retried");
}

#[tokio::test]
async fn expires_in_sent_as_a_string_is_read() {
    let env = with_login_fault(LoginFault::ExpiresInString, 0).await;
    let mut cfg = env.config();
    auth::refresh(&mut cfg).await.unwrap();
    let expires = env.config().access_expires.unwrap();
    let at = time::OffsetDateTime::parse(&expires, &time::format_description::well_known::Rfc3339)
        .unwrap();
    let left = at - time::OffsetDateTime::now_utc();
    assert!(
        left > time::Duration::minutes(55),
        "3599 s read from a string: {left}"
    );
}

#[tokio::test]
async fn a_token_the_file_cannot_take_is_kept_in_memory_with_one_warning() {
    let faults = Faults {
        token_ttl: Some(Duration::from_secs(1)),
        ..Faults::default()
    };
    let env = env_with(Seed::Demo, faults).await;
    let (policy, heard) = heard();
    let tokens = ConfigTokens::new(env.config())
        .unwrap()
        .with_margin(Duration::ZERO)
        .with_retry(policy.clone());
    let client = GraphClient::new(&env.config().graph_url, Arc::new(tokens))
        .unwrap()
        .with_retry(policy);
    // The file breaks after loading (edited by hand): saving must fail, the answer must not
    // be lost; the refresh token it replaced is retired by rotation.
    let broken = "client: [unclosed\n";
    std::fs::write(env.config_path(), broken).unwrap();
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(1100)).await;
        client.drive().await.unwrap();
    }
    assert_eq!(std::fs::read_to_string(env.config_path()).unwrap(), broken);
    let heard = heard.lock().unwrap();
    assert_eq!(heard.len(), 1, "one warning for three refreshes: {heard:?}");
    let line = heard[0].to_string();
    assert!(
        line.contains("could not be saved") && line.contains("--config"),
        "{line}"
    );
}

#[tokio::test]
async fn conf_save_false_keeps_refreshed_tokens_in_memory_only() {
    let faults = Faults {
        token_ttl: Some(Duration::from_secs(1)),
        ..Faults::default()
    };
    let env = env_with(Seed::Demo, faults).await;
    let text = std::fs::read_to_string(env.config_path()).unwrap();
    let text = format!("conf_save: false\n{text}");
    std::fs::write(env.config_path(), &text).unwrap();
    let (policy, heard) = heard();
    let client = skydrive::auth::client_from_config(Config::load(&env.config_path()).unwrap())
        .await
        .unwrap()
        .with_retry(policy);
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(1100)).await;
        client.drive().await.unwrap();
    }
    assert_eq!(std::fs::read_to_string(env.config_path()).unwrap(), text);
    assert!(heard.lock().unwrap().is_empty(), "asked for: no warning");
}

#[tokio::test]
async fn a_device_code_outlives_a_sign_in_service_down_for_a_while() {
    let env = env_with(Seed::Demo, Faults::default()).await;
    let before = env.config().refresh_token;
    let mut cfg = env.config();
    let polling = DevicePolling {
        second: Duration::from_millis(10),
        retry: fast_retry(),
        ..DevicePolling::default()
    };
    let emu = env.emu.clone();
    // Once the code is shown, the service answers 503 to 7 requests: the first poll and all
    // its retries. The code is still good, so polling goes on and signs in.
    auth::device_login_with(&mut cfg, &polling, move |_| {
        emu.set_faults(Faults {
            login_fault: Some(LoginFault::Unavailable),
            login_fault_times: 7,
            retry_after: "0".into(),
            ..Faults::default()
        })
    })
    .await
    .unwrap();
    assert!(
        logins(&env) >= 9,
        "the start, 7 refused polls (1 + 6 retries), then polls until the code is entered"
    );
    assert_ne!(env.config().refresh_token, before, "saved");
}
