//! The identity authority (graph-api.md §10): auth code + PKCE, refresh rotation, device code,
//! expiring access tokens.

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine;
use reqwest::Method;
use serde_json::Value;
use sha2::{Digest, Sha256};
use skydrive::emulator::Faults;

use super::{Api, code};

async fn token(api: &Api, form: &[(&str, &str)]) -> (u16, Value) {
    let url = format!("{}/consumers/oauth2/v2.0/token", api.emu.login_url());
    super::decode(api.http.post(url).form(form).send().await.unwrap()).await
}

async fn authorize(api: &Api, challenge: &str) -> String {
    let url = format!("{}/common/oauth2/v2.0/authorize", api.emu.login_url());
    let r = api
        .http
        .get(url)
        .query(&[
            ("client_id", "c"),
            ("response_type", "code"),
            ("redirect_uri", "http://localhost:9/cb"),
            ("state", "st8"),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    let loc = url::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
    assert_eq!(loc.path(), "/cb");
    let q: HashMap<_, _> = loc.query_pairs().into_owned().collect();
    assert_eq!(q["state"], "st8");
    q["code"].clone()
}

/// The form of an authorization_code redemption.
fn code_form<'a>(code: &'a str, verifier: &'a str) -> [(&'a str, &'a str); 5] {
    [
        ("client_id", "c"),
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", "http://localhost:9/cb"),
        ("code_verifier", verifier),
    ]
}

#[tokio::test]
async fn auth_code_with_pkce_then_refresh_rotation() {
    let api = Api::demo().await;
    let verifier = "a-verifier-of-enough-length-0123456789abcdef";
    let challenge =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier));
    let code1 = authorize(&api, &challenge).await;
    let (st, e) = token(&api, &code_form(&code1, "wrong")).await;
    assert_eq!((st, e["error"].as_str()), (400, Some("invalid_grant")));
    assert!(e["error_codes"].is_array() && e["trace_id"].is_string());
    let code2 = authorize(&api, &challenge).await;
    let good = code_form(&code2, verifier);
    let (st, t) = token(&api, &good).await;
    assert_eq!(st, 200, "{t}");
    assert_eq!(t["token_type"], "Bearer");
    let (st, _) = token(&api, &good).await;
    assert_eq!(st, 400, "codes are single-use");
    let access = t["access_token"].as_str().unwrap();
    let r = api
        .http
        .get(api.url("/me/drive"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let rt = t["refresh_token"].as_str().unwrap();
    let (st, t2) = token(
        &api,
        &[
            ("client_id", "c"),
            ("grant_type", "refresh_token"),
            ("refresh_token", rt),
        ],
    )
    .await;
    assert_eq!(st, 200);
    assert_ne!(t2["refresh_token"].as_str().unwrap(), rt, "rotated");
    assert_ne!(t2["access_token"].as_str().unwrap(), access);
    let (st, e) = token(
        &api,
        &[
            ("client_id", "c"),
            ("grant_type", "refresh_token"),
            ("refresh_token", "forged"),
        ],
    )
    .await;
    assert_eq!((st, e["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn device_code_is_pending_first() {
    let api = Api::demo().await;
    let url = format!("{}/common/oauth2/v2.0/devicecode", api.emu.login_url());
    let (st, dc) = super::decode(
        api.http
            .post(url)
            .form(&[("client_id", "c"), ("scope", "Files.ReadWrite.All")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 200);
    assert!(
        dc["user_code"].is_string()
            && dc["verification_uri"].is_string()
            && dc["interval"].is_u64()
    );
    let dcode = dc["device_code"].as_str().unwrap();
    let form = [
        ("client_id", "c"),
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("device_code", dcode),
    ];
    let (st, e) = token(&api, &form).await;
    assert_eq!(
        (st, e["error"].as_str()),
        (400, Some("authorization_pending"))
    );
    let (st, t) = token(&api, &form).await;
    assert_eq!(st, 200);
    assert!(t["access_token"].is_string() && t["refresh_token"].is_string());
}

#[tokio::test]
async fn access_tokens_expire_after_the_ttl() {
    let api = Api::demo().await;
    api.emu.set_faults(Faults {
        token_ttl: Some(Duration::from_secs(1)),
        ..Faults::default()
    });
    let cfg = api.emu.client_config(std::path::Path::new("unused.lcrc"));
    assert!(
        cfg.access_expires.is_some(),
        "expiring tokens come with their expiry"
    );
    let short = api.emu.access_token();
    let r = api
        .http
        .get(api.url("/me/drive"))
        .bearer_auth(&short)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let r = api
        .http
        .get(api.url("/me/drive"))
        .bearer_auth(&short)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(
        r.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("expired_token")
    );
    let (_, e) = super::decode(r).await;
    assert_eq!(code(&e), "InvalidAuthenticationToken");
    let fresh = api.emu.access_token();
    let r = api
        .req(Method::GET, "/me/drive")
        .bearer_auth(fresh)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

/// POSTs `form` to the authority's `endpoint` under `tenant`: status, `Retry-After`,
/// content type and body.
async fn post(
    api: &Api,
    tenant: &str,
    endpoint: &str,
    form: &[(&str, &str)],
) -> (u16, Option<String>, String, String) {
    let url = format!("{}/{tenant}/oauth2/v2.0/{endpoint}", api.emu.login_url());
    let r = api.http.post(url).form(form).send().await.unwrap();
    let header = |h: &str| r.headers().get(h).map(|v| v.to_str().unwrap().to_owned());
    let (retry, ty) = (
        header("retry-after"),
        header("content-type").unwrap_or_default(),
    );
    (r.status().as_u16(), retry, ty, r.text().await.unwrap())
}

#[tokio::test]
async fn login_faults_answer_like_the_identity_platform() {
    use skydrive::emulator::LoginFault as L;
    let refresh = [
        ("client_id", "c"),
        ("grant_type", "refresh_token"),
        ("refresh_token", "x"),
    ];
    let start = [("client_id", "c"), ("scope", "s")];
    let cases = [
        (
            L::Throttled,
            "consumers",
            "token",
            429,
            "temporarily_unavailable",
        ),
        (
            L::Unavailable,
            "consumers",
            "devicecode",
            503,
            "temporarily_unavailable",
        ),
        (
            L::TemporarilyUnavailable,
            "consumers",
            "token",
            400,
            "AADSTS90033",
        ),
        (L::HtmlGateway, "consumers", "token", 502, "<html>"),
        (L::HtmlOk, "consumers", "devicecode", 200, "<!DOCTYPE html>"),
        (
            L::PublicClientOff,
            "consumers",
            "token",
            401,
            "AADSTS7000218",
        ),
        (
            L::ConsumersOnly,
            "common",
            "devicecode",
            400,
            "AADSTS9002331",
        ),
        (
            L::InteractionRequired,
            "consumers",
            "token",
            400,
            "interaction_required",
        ),
    ];
    for (fault, tenant, endpoint, status, says) in cases {
        let api = Api::with(
            skydrive::emulator::Seed::Demo,
            Faults {
                login_fault: Some(fault),
                login_fault_times: 1,
                retry_after: "date:+2".into(),
                ..Faults::default()
            },
        )
        .await;
        let form: &[(&str, &str)] = if endpoint == "token" {
            &refresh
        } else {
            &start
        };
        let (got, retry, ty, body) = post(&api, tenant, endpoint, form).await;
        assert_eq!(got, status, "{fault:?}: {body}");
        assert!(body.contains(says), "{fault:?}: {body}");
        assert_eq!(
            ty.starts_with("text/html"),
            says.contains("html"),
            "{fault:?}: {ty}"
        );
        assert_eq!(retry.is_some(), fault == L::Throttled, "{fault:?}");
        // Once only: the next answer is the honest one.
        let (again, _, _, body) = post(&api, tenant, endpoint, form).await;
        let honest = if endpoint == "token" { 400 } else { 200 };
        assert_eq!(again, honest, "{fault:?} fired once: {body}");
    }
}

#[tokio::test]
async fn a_consumers_only_app_redirects_authorize_with_the_error_and_the_others_pass() {
    let api = Api::with(
        skydrive::emulator::Seed::Demo,
        Faults {
            login_fault: Some(skydrive::emulator::LoginFault::ConsumersOnly),
            ..Faults::default()
        },
    )
    .await;
    let url = format!("{}/common/oauth2/v2.0/authorize", api.emu.login_url());
    let r = api
        .http
        .get(url)
        .query(&[
            ("client_id", "c"),
            ("redirect_uri", "http://localhost:9/cb"),
            ("state", "s1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    let loc = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        loc.contains("error=invalid_request")
            && loc.contains("AADSTS9002331")
            && loc.contains("state=s1"),
        "{loc}"
    );
    let (status, ..) = post(&api, "consumers", "devicecode", &[("client_id", "c")]).await;
    assert_eq!(status, 200, "tenant consumers works");
}

#[tokio::test]
async fn a_public_client_that_sends_a_secret_is_refused() {
    let api = Api::demo().await;
    let form = [
        ("client_id", "c"),
        ("client_secret", "s"),
        ("grant_type", "refresh_token"),
        ("refresh_token", "x"),
    ];
    let (status, _, _, body) = post(&api, "consumers", "token", &form).await;
    assert_eq!(status, 401);
    assert!(
        body.contains("invalid_client") && body.contains("AADSTS700025"),
        "{body}"
    );
}

#[tokio::test]
async fn expires_in_can_be_sent_as_a_string() {
    let api = Api::with(
        skydrive::emulator::Seed::Demo,
        Faults {
            login_fault: Some(skydrive::emulator::LoginFault::ExpiresInString),
            ..Faults::default()
        },
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = api.emu.client_config(&dir.path().join("c"));
    let rt = cfg.refresh_token.unwrap();
    let form = [
        ("client_id", "c"),
        ("grant_type", "refresh_token"),
        ("refresh_token", rt.as_str()),
    ];
    let (status, _, _, body) = post(&api, "consumers", "token", &form).await;
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["expires_in"], "3599");
}
