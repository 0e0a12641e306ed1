//! The HTTP layer: one reqwest client, bearer tokens and retries (answers are read in
//! [`super::answer`]).
//!
//! Every Graph call goes through [`GraphClient::send`], which adds the token (only ever to the
//! Graph base URL, never to pre-authenticated download/upload/monitor URLs), retries transient
//! failures under the one wait policy of [`super::wait`] (429/503 after `Retry-After`, other
//! 5xx and network faults with jittered exponential backoff, a bounded number of times),
//! refreshes the token once on a 401, and turns error answers into [`Error`]s carrying the
//! most specific Graph code.
//!
//! Success answers a server gets wrong are told apart: a body cut off before its
//! Content-Length is a network fault, so a JSON GET is sent again under the same retry policy
//! (transient, exit 5 in the shell, once retries are spent); a complete body that is not the
//! expected JSON (cut short, not JSON, wrong types) is a decode error naming the request as
//! `GET /v1.0/path` (no host, no query) and is not retried (exit 1).

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::graph::answer::{
    decode_bytes, decode_json, error_from_response, host_of, network_error, read_body,
    request_label,
};
use crate::graph::model::RemoteTarget;
use crate::graph::mounts::{SharedMounts, new_table};
use crate::graph::wait::{Notice, RetryPolicy};

/// Supplies access tokens; implemented by the sign-in layer (and by a fixed token for tests).
pub trait TokenSource: Send + Sync {
    /// A currently valid access token (refreshing first if it is about to expire).
    fn token(&self) -> BoxFuture<'_, Result<String>>;
    /// Called after the server refused `rejected` with 401: get a new token, or fail with an
    /// authentication error that says how to sign in again.
    fn refresh(&self, rejected: String) -> BoxFuture<'_, Result<String>>;
}

/// A fixed token that cannot be refreshed (demo mode, tests, `--token`).
#[derive(Clone)]
pub struct StaticToken(pub String);

impl std::fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaticToken(<redacted>)")
    }
}

impl TokenSource for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<String>> {
        Box::pin(async move { Ok(self.0.clone()) })
    }
    fn refresh(&self, _rejected: String) -> BoxFuture<'_, Result<String>> {
        Box::pin(async {
            Err(Error::auth(
                "the access token was refused and cannot be refreshed; run `auth` to sign in again",
            ))
        })
    }
}

/// A Graph API client: base URL, drive prefix, token source and one HTTP connection pool.
///
/// Paths (`ItemRef::Path`) are relative to the client's root: the signed-in user's drive
/// (`/me/drive`), another drive ([`GraphClient::for_drive`]) or an item on some drive, such as
/// a folder someone shared ([`GraphClient::rooted_at`]). Paths through shortcuts are sent to
/// the shortcut's drive ([`crate::graph::mounts`]).
#[derive(Clone)]
pub struct GraphClient {
    http: reqwest::Client,
    base: String,
    drive: String,
    root: Option<RemoteTarget>,
    mounts: SharedMounts,
    drive_id: Arc<std::sync::OnceLock<String>>,
    tokens: Arc<dyn TokenSource>,
    retry: RetryPolicy,
}

impl std::fmt::Debug for GraphClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraphClient")
            .field("base", &self.base)
            .field("drive", &self.drive)
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

impl GraphClient {
    /// A client for `base` (e.g. `https://graph.microsoft.com/v1.0`) using `tokens`.
    pub fn new(base: &str, tokens: Arc<dyn TokenSource>) -> Result<Self> {
        let http = http_builder(base)
            .read_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| Error::decode("HTTP client set-up", e))?;
        Ok(GraphClient {
            http,
            base: base.trim_end_matches('/').to_owned(),
            drive: "/me/drive".to_owned(),
            root: None,
            mounts: new_table(),
            drive_id: Arc::default(),
            tokens,
            retry: RetryPolicy::default(),
        })
    }

    /// The same client addressing drive `id` (`/drives/{id}`, its root and paths from it)
    /// instead of `/me/drive`: another of the user's drives (`/me/drives`, a team site's
    /// library).
    pub fn for_drive(&self, id: &str) -> Self {
        let mut other = self.clone();
        other.drive = format!("/drives/{}", crate::graph::locator::encode_segment(id));
        other.root = None;
        other.mounts = new_table();
        other.drive_id = Arc::new(std::sync::OnceLock::from(id.to_owned()));
        other
    }

    /// The same client rooted at item `id` of drive `drive`: [`crate::ItemRef::Root`] is that
    /// item, paths are below it (`/drives/{drive}/items/{id}:/path:`) and ids are read on that
    /// drive. This is how a folder someone shared with you is entered: OneDrive answers no
    /// `root:` path on a drive you only share a folder of (graph-api.md §12).
    pub fn rooted_at(&self, drive: &str, id: &str) -> Self {
        let mut other = self.for_drive(drive);
        other.root = Some(RemoteTarget {
            drive_id: drive.to_owned(),
            id: id.to_owned(),
        });
        other
    }

    /// The item this client is rooted at ([`GraphClient::rooted_at`]), if any.
    pub fn rooted(&self) -> Option<&RemoteTarget> {
        self.root.as_ref()
    }

    /// The id of the drive this client addresses (for `/me/drive` asked once, `GET /me/drive`,
    /// and remembered by every clone).
    ///
    /// # Errors
    ///
    /// Those of the request.
    pub async fn drive_id(&self) -> Result<String> {
        if let Some(id) = self.drive_id.get() {
            return Ok(id.clone());
        }
        let drive: crate::graph::model::Drive = self.get_json(&self.drive).await?;
        Ok(self.drive_id.get_or_init(|| drive.id).clone())
    }

    /// The client's table of shortcuts (shared by its clones).
    pub(crate) fn mounts(&self) -> &std::sync::Mutex<crate::graph::mounts::Mounts> {
        &self.mounts
    }

    /// Replaces the read timeout (default 60 s): the longest wait for the next bytes of an
    /// answer. There is no total timeout, so a long transfer that keeps moving never times out.
    pub fn with_read_timeout(mut self, timeout: Duration) -> Result<Self> {
        self.http = http_builder(&self.base)
            .read_timeout(timeout)
            .build()
            .map_err(|e| Error::decode("HTTP client set-up", e))?;
        Ok(self)
    }

    /// Replaces the retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The Graph base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The drive prefix used for item URLs (`/me/drive` or `/drives/{id}`); in a rooted client
    /// the drive of the item it is rooted at.
    pub fn drive_prefix(&self) -> &str {
        &self.drive
    }

    /// The shared HTTP client (for pre-authenticated URLs, which take no token).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Passes `notice` to the retry policy's [`RetryPolicy::notify`], if set.
    pub fn tell(&self, notice: &Notice) {
        self.retry.tell(notice);
    }

    /// Absolute URL for a Graph path (`/me/drive`) or an absolute URL given verbatim.
    pub fn url(&self, path_or_url: &str) -> String {
        if path_or_url.starts_with("http://") || path_or_url.starts_with("https://") {
            path_or_url.to_owned()
        } else {
            format!("{}{}", self.base, path_or_url)
        }
    }

    /// Sends an authenticated Graph request built by `build` (called again for each attempt, so
    /// a body is rebuilt for every retry), with retries, and returns the successful (2xx or 3xx)
    /// response. A 401 triggers one token refresh and a resend.
    pub async fn send<F>(&self, build: F) -> Result<Response>
    where
        F: Fn(&reqwest::Client) -> RequestBuilder,
    {
        self.execute(build, true).await
    }

    /// Like [`GraphClient::send`] for pre-authenticated URLs (download, upload session, copy
    /// monitor): the same retries, but no `Authorization` header, ever.
    pub async fn send_unauthenticated<F>(&self, build: F) -> Result<Response>
    where
        F: Fn(&reqwest::Client) -> RequestBuilder,
    {
        self.execute(build, false).await
    }

    async fn execute<F>(&self, build: F, authenticated: bool) -> Result<Response>
    where
        F: Fn(&reqwest::Client) -> RequestBuilder,
    {
        let mut token = if authenticated {
            Some(self.tokens.token().await?)
        } else {
            None
        };
        let mut refreshed = false;
        let mut attempt = 0;
        loop {
            let mut req = build(&self.http);
            if let Some(t) = &token {
                req = req.bearer_auth(t);
            }
            let req = req.build().map_err(network_error)?;
            if token.is_some() {
                self.check_token_host(req.url())?;
            }
            let host = host_of(req.url());
            let write = !matches!(*req.method(), Method::GET | Method::HEAD);
            let err = match self.http.execute(req).await {
                Ok(resp) if resp.status().is_success() || resp.status().is_redirection() => {
                    return Ok(resp);
                }
                Ok(resp) if resp.status() == StatusCode::UNAUTHORIZED && !refreshed => {
                    let Some(old) = token.take() else {
                        return Err(error_from_response(resp).await);
                    };
                    refreshed = true;
                    token = Some(self.tokens.refresh(old).await?);
                    continue;
                }
                Ok(resp) => read_only(error_from_response(resp).await, write && authenticated),
                Err(e) => network_error(e),
            };
            self.retry.pause(attempt, err, &host).await?;
            attempt += 1;
        }
    }

    /// Refuses to send the access token anywhere but the Graph base URL's origin (scheme, host
    /// and port): absolute URLs come from the server's answers (`@odata.nextLink`, delta
    /// links, a saved state file), and one that points elsewhere must not receive the token.
    fn check_token_host(&self, url: &reqwest::Url) -> Result<()> {
        let graph = reqwest::Url::parse(&self.base).map_err(|e| Error::decode("Graph URL", e))?;
        if url.origin() == graph.origin() {
            return Ok(());
        }
        Err(Error::decode(
            "a link in the server's answer",
            format!(
                "it points to {}, not to the Graph host {}; the access token is only ever sent \
                 to the Graph host, so the request was not sent",
                host_of(url),
                host_of(&graph)
            ),
        ))
    }

    /// Sends `method` to a Graph path with an optional JSON body and decodes the JSON answer.
    pub async fn request_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path_or_url: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<T> {
        let label = request_label(&method, &self.url(path_or_url));
        let resp = self.request(method, path_or_url, body).await?;
        decode_json(resp, &label).await
    }

    /// Sends `method` to a Graph path with an optional JSON body; returns the raw response.
    pub async fn request(
        &self,
        method: Method,
        path_or_url: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Response> {
        let url = self.url(path_or_url);
        self.send(|http| {
            let req = http.request(method.clone(), &url);
            match body {
                Some(b) => req.json(b),
                None => req,
            }
        })
        .await
    }

    /// GETs a Graph path or absolute URL and decodes the JSON answer. An answer cut off
    /// before its end is a network fault: the GET is sent again, as the retry policy allows.
    pub async fn get_json<T: DeserializeOwned>(&self, path_or_url: &str) -> Result<T> {
        let url = self.url(path_or_url);
        let label = request_label(&Method::GET, &url);
        let mut attempt = 0;
        loop {
            let resp = self.send(|http| http.request(Method::GET, &url)).await?;
            let host = host_of(resp.url());
            match read_body(resp, &label).await {
                Ok(body) => return decode_bytes(&body, &label),
                Err(e) => self.retry.pause(attempt, e, &host).await?,
            }
            attempt += 1;
        }
    }
}

/// A Graph write's 403 `accessDenied` as [`crate::ErrorKind::ReadOnly`] (what it means for a
/// write: the user may read the item, not change it); other errors unchanged.
fn read_only(e: Error, write: bool) -> Error {
    match e.kind() {
        crate::ErrorKind::Graph {
            status: 403,
            code,
            message,
            ..
        } if write && code == "accessDenied" => crate::ErrorKind::ReadOnly {
            status: 403,
            code: code.clone(),
            message: message.clone(),
        }
        .into(),
        _ => e,
    }
}

/// The common HTTP set-up: connect timeout, no automatic redirects (we follow `/content`
/// ourselves, without the token), our User-Agent. A loopback `base` (the emulator) bypasses
/// any system proxy; anything else is HTTPS-only.
pub(crate) fn http_builder(base: &str) -> reqwest::ClientBuilder {
    let builder = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!(
            "ISV|skydrive-cli|skydrive-cli/",
            env!("CARGO_PKG_VERSION")
        ));
    if crate::config::url_is_loopback(base) {
        // Plain http on loopback needs no CA store; loading it reads every file of
        // /etc/ssl/certs (292 here) and was most of `-c pwd`'s 13 ms start-up.
        builder.no_proxy().tls_certs_only(std::iter::empty())
    } else {
        builder.https_only(true)
    }
}
