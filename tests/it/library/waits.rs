//! The one wait policy (issue 13): `Retry-After` in every form HTTP allows, a cap above which
//! the request fails at once saying how long the server asked for, long waits announced, and
//! unreadable values falling back to backoff.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use skydrive::emulator::{Faults, Seed};
use skydrive::graph::Notice;
use skydrive::{ErrorKind, ItemRef, RetryPolicy};

use super::{env_with, fast_retry};

/// An emulator that throttles every `every`th Graph request with `Retry-After: value`.
async fn throttled(every: u32, value: &str) -> super::Env {
    let faults = Faults {
        throttle_every: every,
        retry_after: value.into(),
        ..Faults::default()
    };
    env_with(Seed::Demo, faults).await
}

/// Two item requests (the second throttled); how long they took and the statuses seen.
async fn two_requests(env: &super::Env, policy: RetryPolicy) -> (Duration, Vec<u16>) {
    let client = env.client.clone().with_retry(policy);
    env.emu.clear_request_log();
    let started = Instant::now();
    client.item(&ItemRef::Root).await.unwrap();
    client.item(&ItemRef::Root).await.unwrap();
    let statuses = env.emu.request_log().iter().map(|r| r.status).collect();
    (started.elapsed(), statuses)
}

#[tokio::test]
async fn a_decimal_retry_after_is_rounded_up_and_waited_out() {
    // Graph's own sample sends `2.128`; 0.2 s rounds up to a whole second as well.
    let env = throttled(2, "0.2").await;
    let (took, statuses) = two_requests(&env, fast_retry()).await;
    assert_eq!(statuses, [200, 429, 200]);
    assert!(took >= Duration::from_secs(1), "waited only {took:?}");
}

#[tokio::test]
async fn an_http_date_retry_after_is_waited_out() {
    let env = throttled(2, "date:+2").await;
    let (took, statuses) = two_requests(&env, fast_retry()).await;
    assert_eq!(statuses, [200, 429, 200]);
    // HTTP-dates have whole seconds: 2 s ahead is between 1 and 2 s away when read.
    assert!(took >= Duration::from_secs(1), "waited only {took:?}");
    assert!(took < Duration::from_secs(4), "waited {took:?}");
}

#[tokio::test]
async fn an_unreadable_retry_after_falls_back_to_backoff() {
    let env = throttled(2, "soon").await;
    let (took, statuses) = two_requests(&env, fast_retry()).await;
    assert_eq!(statuses, [200, 429, 200]);
    assert!(
        took < Duration::from_secs(1),
        "backoff is 5 ms here: {took:?}"
    );
}

#[tokio::test]
async fn a_wait_above_the_cap_fails_at_once_saying_how_long() {
    // 150,100 s (41 hours) was seen in the field.
    for value in ["150100", "301", "86400.5"] {
        let env = throttled(1, value).await;
        env.emu.clear_request_log();
        let started = Instant::now();
        let err = env.client.item(&ItemRef::Root).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(2), "{value}");
        assert_eq!(env.emu.request_log().len(), 1, "{value}: no retry");
        assert!(err.is_transient(), "{value}: exit 5 in the shell: {err}");
        assert!(
            matches!(err.kind(), ErrorKind::WaitTooLong { status: 429, .. }),
            "{err:?}"
        );
        let text = err.to_string();
        let asked = match value {
            "150100" => "150100 s (41 h 41 min)",
            "301" => "301 s (5 min 1 s)",
            _ => "86401 s (24 h)",
        };
        assert!(
            text.contains(asked) && text.contains("than the 300 s (5 min) this tool waits for"),
            "{text}"
        );
        assert!(text.contains("127.0.0.1:"), "names the host: {text}");
    }
}

#[tokio::test]
async fn long_waits_are_announced_once_each_and_short_ones_not_at_all() {
    let heard = Arc::new(Mutex::new(Vec::<Notice>::new()));
    let sink = heard.clone();
    let policy = RetryPolicy {
        announce_after: Duration::from_millis(900),
        notify: Some(Arc::new(move |n: &Notice| {
            sink.lock().unwrap().push(n.clone())
        })),
        ..fast_retry()
    };
    let env = throttled(2, "1").await;
    two_requests(&env, policy.clone()).await;
    let env = throttled(2, "0").await;
    two_requests(&env, policy).await;
    let heard = heard.lock().unwrap();
    assert_eq!(heard.len(), 1, "{heard:?}");
    let Notice::Wait {
        host,
        delay,
        asked,
        status,
        retry,
    } = &heard[0]
    else {
        panic!("{heard:?}");
    };
    assert!(host.starts_with("127.0.0.1:"), "{host}");
    assert_eq!(
        (*delay, *asked, *status, *retry),
        (Duration::from_secs(1), true, Some(429), (1, 6))
    );
    let line = heard[0].to_string();
    assert!(
        line.starts_with("waiting 1 s: 127.0.0.1:") && line.contains("HTTP 429"),
        "{line}"
    );
}
