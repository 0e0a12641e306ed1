//! One paging mechanism for every paged call (issue 13): a server that sends the same next
//! link again, or new links that bring nothing new, is stopped with a clear error instead of
//! being followed for ever.

use futures_util::TryStreamExt;
use skydrive::emulator::{Faults, Hostile, Seed};
use skydrive::graph::{MAX_IDLE_PAGES, Page};
use skydrive::{DriveItem, ErrorKind, ItemRef, Result};

use super::{Env, env_with};

/// Every paged call of the library, by name, run once against `env`, with the number of
/// requests it sent.
async fn each_paged_call(env: &Env) -> Vec<(&'static str, Result<usize>, usize)> {
    let c = &env.client;
    let pics = ItemRef::path("Pics");
    let root = c.item(&ItemRef::Root).await.unwrap();
    let mut out = Vec::new();
    macro_rules! call {
        ($name:expr, $call:expr) => {{
            env.emu.clear_request_log();
            let r = $call;
            out.push(($name, r, env.emu.request_log().len()));
        }};
    }
    call!("children", c.children(&pics).await.map(|v| v.len()));
    call!("children_pages", {
        let pages: Result<Vec<Page<DriveItem>>> = c
            .children_pages(&pics, &Default::default())
            .try_collect()
            .await;
        pages.map(|p| p.len())
    });
    call!(
        "search",
        c.search("image", &Default::default())
            .await
            .map(|v| v.len())
    );
    call!("recent", c.recent().await.map(|v| v.len()));
    call!("shared_with_me", c.shared_with_me().await.map(|v| v.len()));
    call!("drives", c.drives().await.map(|v| v.len()));
    call!("permissions", c.permissions(&pics).await.map(|v| v.len()));
    call!(
        "delta",
        c.delta(&ItemRef::Root, None).await.map(|d| d.items.len())
    );
    call!("walk_by_delta", {
        let walked = skydrive::drive::walk_by_delta(c, &root, None).await;
        walked.map(|v| v.len())
    });
    call!("walk_by_listing", {
        let listed = skydrive::drive::walk_by_listing(c, &ItemRef::Root, 1, None).await;
        listed.map(|v| v.len())
    });
    out
}

/// Runs every paged call under `mode`; each must fail with a decode error saying why, after
/// at most `max_pages` pages (plus one item lookup for the walks).
async fn each_call_stops(mode: Hostile, why: &str, max_pages: usize) {
    let env = env_with(Seed::Demo, Faults::default()).await;
    let link = skydrive::LinkOptions {
        link_type: "view".into(),
        ..Default::default()
    };
    env.client
        .create_link(&ItemRef::path("Pics"), &link)
        .await
        .unwrap();
    env.emu.set_faults(Faults {
        hostile: vec![mode],
        ..Faults::default()
    });
    for (name, result, requests) in each_paged_call(&env).await {
        let err = result.expect_err(name);
        assert!(
            matches!(err.kind(), ErrorKind::Decode { .. }),
            "{name}: {err:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains("the server pages in a loop") && text.contains(why),
            "{name}: {text}"
        );
        assert!(
            text.contains("GET /v1.0/"),
            "{name} names the request: {text}"
        );
        assert!(requests <= max_pages + 1, "{name}: {requests} requests");
    }
}

#[tokio::test]
async fn a_repeated_next_link_stops_every_paged_call_at_once() {
    each_call_stops(Hostile::RepeatNextLink, "repeats one already followed", 1).await;
}

#[tokio::test]
async fn next_links_that_bring_nothing_new_stop_every_paged_call() {
    let idle = usize::try_from(MAX_IDLE_PAGES).unwrap();
    each_call_stops(
        Hostile::EndlessNextLink,
        "brought no item not seen before",
        idle + 1,
    )
    .await;
}

#[tokio::test]
async fn a_looping_listing_stops_within_a_few_requests() {
    let env = env_with(Seed::Demo, Faults::default()).await;
    env.emu.set_faults(Faults {
        hostile: vec![Hostile::RepeatNextLink],
        ..Faults::default()
    });
    env.emu.clear_request_log();
    env.client
        .children(&ItemRef::path("Pics"))
        .await
        .unwrap_err();
    assert_eq!(
        env.emu.request_log().len(),
        1,
        "the first page links to itself"
    );
    env.emu.set_faults(Faults {
        hostile: vec![Hostile::EndlessNextLink],
        ..Faults::default()
    });
    env.emu.clear_request_log();
    env.client
        .children(&ItemRef::path("Pics"))
        .await
        .unwrap_err();
    let n = env.emu.request_log().len();
    assert_eq!(n, 1 + usize::try_from(MAX_IDLE_PAGES).unwrap(), "{n}");
}

/// A link in an answer that points away from the Graph host (another port, another host
/// name) never receives the access token: the request is not sent at all.
#[tokio::test]
async fn links_to_other_hosts_never_get_the_token() {
    let env = super::env().await;
    let trap = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    trap.set_nonblocking(true).unwrap();
    let port = trap.local_addr().unwrap().port();
    let graph = env.client.base_url().to_owned();
    let graph_port = graph.rsplit(':').next().unwrap().split('/').next().unwrap();
    for link in [
        format!("http://127.0.0.1:{port}/v1.0/me/drive/root/children?$skiptoken=2"),
        format!("http://localhost:{graph_port}/v1.0/me/drive/root/children"),
    ] {
        let pages: Result<Vec<Page<DriveItem>>> =
            env.client.pages(link.clone()).try_collect().await;
        let err = pages.expect_err(&link);
        assert!(
            err.to_string().contains("only ever sent to the Graph host"),
            "{link}: {err}"
        );
    }
    assert!(trap.accept().is_err(), "nothing connected to the trap");
    assert!(
        env.emu
            .request_log()
            .iter()
            .all(|r| !r.path.contains("children")),
        "the Graph listener saw no request under the wrong host name"
    );
}
