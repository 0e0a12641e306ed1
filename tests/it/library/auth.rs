//! Sign-in flows and token refresh against the emulator's identity authority.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use skydrive::auth::{self, ConfigTokens, DevicePolling};
use skydrive::emulator::{Faults, Listener, Seed};
use skydrive::{Config, GraphClient};

use super::{env, env_with, fast_retry};

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap()
}

/// Plays the browser: opens the authorize URL and returns where it redirects.
async fn browser(url: &str) -> String {
    let resp = no_redirects().get(url).send().await.unwrap();
    assert_eq!(resp.status(), 302);
    resp.headers()["location"].to_str().unwrap().to_owned()
}

fn token_posts(env: &super::Env) -> usize {
    env.log(Listener::Login)
        .iter()
        .filter(|l| l.starts_with("POST") && l.ends_with("/token"))
        .count()
}

#[tokio::test]
async fn pasted_code_login_replaces_old_tokens_and_works() {
    let env = env().await;
    let mut cfg = env.config();
    let old_refresh = cfg.refresh_token.clone();
    let (url, pending) = auth::authorize_url(&cfg).unwrap();
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    assert!(url.contains("nativeclient"), "{url}");
    let landed = browser(&url).await;
    auth::finish_code_login(&mut cfg, pending, &landed)
        .await
        .unwrap();
    let saved = env.config();
    assert_ne!(saved.refresh_token, old_refresh);
    assert_eq!(saved.refresh_token, cfg.refresh_token);
    assert!(saved.access_expires.is_some());
    let client = auth::client_from_config(saved).await.unwrap();
    assert_eq!(
        client
            .children(&skydrive::ItemRef::Root)
            .await
            .unwrap()
            .len(),
        3,
        "Documents, Pics and the shortcut Shared Folder"
    );
}

#[tokio::test]
async fn code_login_checks_state_and_reports_refusals() {
    let env = env().await;
    let mut cfg = env.config();
    let before = std::fs::read_to_string(env.config_path()).unwrap();
    let (url, pending) = auth::authorize_url(&cfg).unwrap();
    let landed = browser(&url).await;
    let forged = landed.replace("state=", "state=x");
    let err = auth::finish_code_login(&mut cfg, pending.clone(), &forged)
        .await
        .unwrap_err();
    assert!(err.is_auth() && err.to_string().contains("state"), "{err}");
    // The identity platform sends this attempt's `state` back with an error too.
    let state = landed
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("state="))
        .unwrap();
    let denied = format!(
        "{}?error=access_denied&error_description=The+user+said+no&state={state}",
        auth::NATIVE_REDIRECT
    );
    let err = auth::finish_code_login(&mut cfg, pending, &denied)
        .await
        .unwrap_err();
    assert!(
        err.is_auth() && err.to_string().contains("access_denied"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(env.config_path()).unwrap(), before);
}

#[tokio::test]
async fn device_code_login_polls_until_granted() {
    let env = env().await;
    let mut cfg = env.config();
    cfg.refresh_token = Some("old-refresh".into());
    let shown = Arc::new(Mutex::new(String::new()));
    let polling = DevicePolling {
        second: Duration::from_millis(10),
        ..DevicePolling::default()
    };
    let seen = shown.clone();
    auth::device_login_with(&mut cfg, &polling, move |code| {
        *seen.lock().unwrap() = code.user_code.clone();
    })
    .await
    .unwrap();
    assert!(!shown.lock().unwrap().is_empty());
    assert!(token_posts(&env) >= 2, "one pending poll, then the grant");
    let saved = env.config();
    assert_ne!(saved.refresh_token.as_deref(), Some("old-refresh"));
    auth::client_from_config(saved)
        .await
        .unwrap()
        .drive()
        .await
        .unwrap();
}

#[tokio::test]
async fn loopback_login_receives_the_redirect() {
    let env = env().await;
    let mut cfg = env.config();
    let old = cfg.access_token.clone();
    auth::loopback_login(&mut cfg, |url| {
        let url = url.to_owned();
        assert!(
            url.contains("redirect_uri=http%3A%2F%2Flocalhost%3A"),
            "{url}"
        );
        tokio::spawn(async move {
            let http = reqwest::Client::builder().no_proxy().build().unwrap();
            let page = http.get(&url).send().await.unwrap().text().await.unwrap();
            assert!(page.contains("Sign-in received"), "{page}");
        });
    })
    .await
    .unwrap();
    assert_ne!(cfg.access_token, old);
    assert_eq!(env.config().access_token, cfg.access_token);
}

#[tokio::test]
async fn expired_token_is_refreshed_on_401_then_before_expiry() {
    let faults = Faults {
        token_ttl: Some(Duration::from_secs(1)),
        ..Faults::default()
    };
    let env = env_with(Seed::Demo, faults).await;
    let old_refresh = env.config().refresh_token;
    // A client that does not know when its token expires finds out from a 401.
    let mut unknown = env.config();
    unknown.access_expires = None;
    let client = client_with_margin(unknown, Duration::ZERO);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    env.emu.clear_request_log();
    client.drive().await.unwrap();
    let log = env.emu.request_log();
    assert!(log.iter().any(|r| r.status == 401), "first try refused");
    assert_eq!(token_posts(&env), 1);
    let saved = env.config();
    assert_ne!(
        saved.refresh_token, old_refresh,
        "new refresh token saved at once"
    );
    assert!(saved.access_expires.is_some());
    // A client that knows the expiry (1 s, inside its 60 s margin) refreshes before sending.
    env.emu.clear_request_log();
    env.client.drive().await.unwrap();
    assert!(env.emu.request_log().iter().all(|r| r.status != 401));
    assert_eq!(token_posts(&env), 1);
}

fn client_with_margin(cfg: Config, margin: Duration) -> GraphClient {
    let base = cfg.graph_url.clone();
    let tokens = ConfigTokens::new(cfg).unwrap().with_margin(margin);
    GraphClient::new(&base, Arc::new(tokens))
        .unwrap()
        .with_retry(fast_retry())
}

#[tokio::test]
async fn concurrent_refreshes_coalesce_within_and_across_clients() {
    let faults = Faults {
        token_ttl: Some(Duration::from_secs(1)),
        ..Faults::default()
    };
    let env = env_with(Seed::Demo, faults).await;
    // Two independent token sources on one file, as two shells would have.
    let a = client_with_margin(env.config(), Duration::ZERO);
    let b = client_with_margin(env.config(), Duration::ZERO);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    env.emu.clear_request_log();
    let calls = (0..4).map(|i| {
        let c = if i % 2 == 0 { a.clone() } else { b.clone() };
        async move { c.drive().await }
    });
    for r in futures_util::future::join_all(calls).await {
        r.unwrap();
    }
    assert_eq!(token_posts(&env), 1, "one refresh for both clients");
    let saved = env.config();
    let fresh = auth::client_from_config(saved).await.unwrap();
    fresh.drive().await.unwrap();
}

#[tokio::test]
async fn a_refused_refresh_says_how_to_sign_in_and_hides_tokens() {
    let env = env().await;
    let mut cfg = env.config();
    cfg.access_token = Some("emu-at-bogus-secret".into());
    cfg.refresh_token = Some("emu-rt-bogus-secret".into());
    cfg.save().unwrap();
    let client = auth::client_from_config(cfg.clone()).await.unwrap();
    let err = client.drive().await.unwrap_err();
    assert!(err.is_auth(), "{err:?}");
    let text = format!("{err} {err:?} {cfg:?} {client:?}");
    assert!(text.contains("auth"), "{text}");
    assert!(!text.contains("bogus-secret"), "{text}");
}

#[tokio::test]
async fn no_tokens_at_all_is_an_auth_error() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = Config::new(dir.path().join("lcrc"));
    let err = auth::client_from_config(cfg).await.unwrap_err();
    assert!(err.is_auth() && err.to_string().contains("auth"), "{err}");
}

#[tokio::test]
async fn a_pending_login_survives_between_runs() {
    let env = env().await;
    let cfg = env.config();
    let (url, pending) = auth::authorize_url(&cfg).unwrap();
    pending.save(&env.config_path()).unwrap();
    let landed = browser(&url).await;
    // A later `auth URL` run: a fresh config, the pending login from its file.
    let mut later = env.config();
    let pending = auth::PendingLogin::take(&env.config_path())
        .unwrap()
        .unwrap();
    auth::finish_code_login(&mut later, pending, &landed)
        .await
        .unwrap();
    assert!(
        auth::PendingLogin::take(&env.config_path())
            .unwrap()
            .is_none()
    );
    assert_ne!(env.config().access_token, cfg.access_token);
}

#[tokio::test]
async fn auth_refresh_rotates_and_saves() {
    let env = env().await;
    let mut cfg = env.config();
    let before = cfg.refresh_token.clone();
    auth::refresh(&mut cfg).await.unwrap();
    assert_ne!(cfg.refresh_token, before);
    assert_eq!(env.config().refresh_token, cfg.refresh_token);
    auth::client_from_config(cfg)
        .await
        .unwrap()
        .drive()
        .await
        .unwrap();
}

#[tokio::test]
async fn two_processes_refreshing_one_config_both_go_on() {
    let faults = Faults {
        token_ttl: Some(Duration::from_secs(1)),
        ..Faults::default()
    };
    let env = env_with(Seed::Demo, faults).await;
    let old_refresh = env.config().refresh_token;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    env.emu.clear_request_log();
    // Two real `skydrive-cli` processes, each with its own token source, race to refresh.
    let runs = (0..2).map(|_| {
        let path = env.config_path();
        let home = env.dir.path().to_owned();
        tokio::task::spawn_blocking(move || {
            crate::common::cli(&home)
                .arg("--config")
                .arg(&path)
                .args(["-c", "quota"])
                .output()
                .unwrap()
        })
    });
    for out in futures_util::future::join_all(runs).await {
        let out = out.unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("quota:"));
    }
    assert!(
        (1..=2).contains(&token_posts(&env)),
        "each process refreshes at most once"
    );
    let saved = env.config();
    assert_ne!(
        saved.refresh_token, old_refresh,
        "the rotated token is saved"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.config_path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // What the file holds still works: a third client refreshes with it if it must.
    let fresh = auth::client_from_config(saved).await.unwrap();
    fresh.drive().await.unwrap();
    auth::refresh(&mut env.config()).await.unwrap();
}

#[tokio::test]
async fn device_code_login_follows_slow_down_decline_and_expiry() {
    use skydrive::emulator::DeviceFlow;
    let polling = DevicePolling {
        second: Duration::from_millis(10),
        slow_down_step: Duration::from_millis(50),
        ..DevicePolling::default()
    };
    for (flow, refused) in [
        (DeviceFlow::SlowDown, None),
        (DeviceFlow::Declined, Some("declined")),
        (DeviceFlow::Expired, Some("expired")),
    ] {
        let faults = Faults {
            device_flow: flow,
            ..Faults::default()
        };
        let env = env_with(Seed::Demo, faults).await;
        let mut cfg = env.config();
        let started = std::time::Instant::now();
        let result = auth::device_login_with(&mut cfg, &polling, |_| {}).await;
        match refused {
            None => {
                result.unwrap();
                assert!(token_posts(&env) >= 3, "slow_down, pending, grant");
                assert!(
                    started.elapsed() >= Duration::from_millis(50),
                    "slow_down lengthens the interval"
                );
            }
            Some(word) => {
                let err = result.unwrap_err();
                assert!(err.is_auth(), "{flow:?}: {err}");
                assert!(err.to_string().contains(word), "{flow:?}: {err}");
                assert_eq!(
                    token_posts(&env),
                    1,
                    "{flow:?}: no polling after a final answer"
                );
            }
        }
    }
}
