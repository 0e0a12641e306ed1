//! [`ConfigTokens`]: the access token from the config file, refreshed when needed.
//!
//! Refreshes inside one process coalesce on a tokio mutex: whoever comes second finds a new
//! token and uses it. Across processes, the refresh runs under the config file's lock and
//! first re-reads the file: if another process already refreshed, its token is taken (the
//! identity platform rotates refresh tokens, so refreshing twice with the same one would be
//! wasteful or refused). Every new refresh token is saved before it is used; when the file
//! cannot take it (or `conf_save: false`), it is kept in memory and the file is no longer
//! re-read over it, since the file's refresh token is the one just retired.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::sync::Mutex;

use super::{Flow, TokenAnswer, apply_tokens, keep_tokens, refused};
use crate::config::{Config, ConfigLock};
use crate::error::{Error, Result};
use crate::graph::{RetryPolicy, TokenSource};

/// A [`TokenSource`] backed by the config file. Debug output hides the tokens.
pub struct ConfigTokens {
    cfg: Mutex<Config>,
    http: reqwest::Client,
    margin: Duration,
    retry: RetryPolicy,
    /// Set once the user was told that tokens cannot be saved (one warning per run).
    warned: AtomicBool,
}

impl std::fmt::Debug for ConfigTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigTokens")
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}

impl ConfigTokens {
    /// Tokens of `cfg`, refreshed 60 s before they expire.
    pub fn new(cfg: Config) -> Result<Self> {
        Ok(ConfigTokens {
            http: super::http_client(&cfg)?,
            cfg: Mutex::new(cfg),
            margin: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            warned: AtomicBool::new(false),
        })
    }

    /// Token requests wait and retry by `retry` (and report to its `notify`), as Graph
    /// requests do; the default is [`RetryPolicy::default`].
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Refresh this long before `auth.access_expires` instead of 60 s.
    pub fn with_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// A copy of the current config (with the latest tokens).
    pub async fn config(&self) -> Config {
        self.cfg.lock().await.clone()
    }

    /// Refreshes now, whatever the expiry says (the shell's `auth_refresh`).
    pub async fn force_refresh(&self) -> Result<String> {
        let mut cfg = self.cfg.lock().await;
        let stale = cfg.access_token.clone();
        self.refresh_locked(&mut cfg, stale.as_deref()).await
    }

    fn fresh(&self, cfg: &Config) -> Option<String> {
        let token = cfg.access_token.clone()?;
        let Some(expires) = cfg.access_expires.as_deref() else {
            return Some(token);
        };
        let expires =
            time::OffsetDateTime::parse(expires, &time::format_description::well_known::Rfc3339)
                .ok()?;
        let margin = time::Duration::try_from(self.margin).unwrap_or(time::Duration::ZERO);
        (expires - margin > time::OffsetDateTime::now_utc()).then_some(token)
    }

    /// Gets a token newer than `stale`: from the file if another process refreshed, else by
    /// refreshing (under the file lock, taken elsewhere when the config's folder takes no
    /// lock file, or not at all when nowhere does) and saving at once.
    async fn refresh_locked(&self, cfg: &mut Config, stale: Option<&str>) -> Result<String> {
        let lock = ConfigLock::acquire_async(&cfg.path).await.ok();
        // A file that cannot be read now (gone, broken by an edit) leaves the tokens in memory
        // to work with; the save below says so.
        if !cfg.has_unsaved_changes()
            && let Ok(disk) = Config::load(&cfg.path)
        {
            if disk.access_token.as_deref() != stale
                && let Some(t) = self.fresh(&disk)
            {
                *cfg = disk;
                return Ok(t);
            }
            *cfg = disk;
        }
        let refresh = cfg.refresh_token.clone().ok_or_else(|| {
            Error::auth("the access token expired and there is no refresh token; run `auth` to sign in again")
        })?;
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
            ("scope", super::SCOPES),
        ];
        match super::token_request(&self.http, cfg, &form, &self.retry).await? {
            TokenAnswer::Tokens(t) => {
                apply_tokens(cfg, t, true);
                if let Some(n) = keep_tokens(cfg, lock.as_ref())
                    && !self.warned.swap(true, Ordering::SeqCst)
                {
                    self.retry.tell(&n);
                }
                cfg.access_token
                    .clone()
                    .ok_or_else(|| Error::auth("no access token after refresh; run `auth`"))
            }
            TokenAnswer::Refused(e) => Err(refused(Flow::Refresh, &e, cfg)),
        }
    }
}

impl TokenSource for ConfigTokens {
    fn token(&self) -> BoxFuture<'_, Result<String>> {
        Box::pin(async move {
            let mut cfg = self.cfg.lock().await;
            if let Some(t) = self.fresh(&cfg) {
                return Ok(t);
            }
            let stale = cfg.access_token.clone();
            self.refresh_locked(&mut cfg, stale.as_deref()).await
        })
    }

    fn refresh(&self, rejected: String) -> BoxFuture<'_, Result<String>> {
        Box::pin(async move {
            let mut cfg = self.cfg.lock().await;
            if cfg.access_token.as_deref() != Some(rejected.as_str())
                && let Some(t) = self.fresh(&cfg)
            {
                return Ok(t);
            }
            self.refresh_locked(&mut cfg, Some(&rejected)).await
        })
    }
}
