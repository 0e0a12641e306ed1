//! Building the session's client: from the config file (tokens refreshed and saved by the
//! sign-in layer), or from the embedded demo emulator. A missing or token-less config still
//! yields a client, so that `auth` can run; its first request fails with exit code 4 and a hint.

use std::path::PathBuf;
use std::sync::Arc;

use futures_util::future::BoxFuture;

use super::error::{CommandError, exit};
use super::output::{self, Format};
use super::session::Settings;
use crate::auth::ConfigTokens;
use crate::config::Config;
use crate::graph::{GraphClient, Notice, Notify, RetryPolicy, TokenSource};

/// A client and what the shell needs to sign in again.
pub struct Connection {
    /// The Graph client.
    pub client: GraphClient,
    /// The config-backed token source (`auth_refresh`), when signed in from a config.
    pub tokens: Option<Arc<ConfigTokens>>,
    /// The config file, `None` in demo mode.
    pub config_path: Option<PathBuf>,
}

/// A token source for a config without tokens: every request fails with a sign-in hint.
struct NotSignedIn(PathBuf);

impl TokenSource for NotSignedIn {
    fn token(&self) -> BoxFuture<'_, crate::Result<String>> {
        Box::pin(async move {
            let why = if self.0.symlink_metadata().is_ok() {
                "not signed in (no auth.access_token)"
            } else {
                "no such config file, so not signed in"
            };
            Err(crate::Error::auth(format!("{}: {why}", self.0.display())))
        })
    }
    fn refresh(&self, _rejected: String) -> BoxFuture<'_, crate::Result<String>> {
        self.token()
    }
}

/// The directory for history and the demo drive: `$SKYDRIVE_HOME`, else the platform's data
/// directory (`~/.local/share/skydrive-cli` on Linux). Tests point it at a temp dir.
pub fn data_dir() -> Option<PathBuf> {
    crate::config::data_dir()
}

/// Where the library's notices (long waits, warnings) go: one line each on stderr, a JSON
/// object with `--json`, nothing with `-q`.
pub fn notices(settings: Settings) -> Option<Notify> {
    if settings.quiet {
        return None;
    }
    Some(Arc::new(move |n: &Notice| {
        if settings.format == Format::Json {
            errprint!(
                "{}",
                output::json_line(&serde_json::json!({"notice": n.to_string()}))
            );
        } else {
            errln!("{}", crate::error::escape_controls(&n.to_string()));
        }
    }))
}

/// Loads the config at `path` (a missing file is an empty config) and builds a client whose
/// notices go to `notify`.
pub fn from_config(path: PathBuf, notify: Option<Notify>) -> Result<Connection, CommandError> {
    // A dangling link is not "no config": loading it says what is wrong.
    let cfg = if path.symlink_metadata().is_ok() {
        Config::load(&path).map_err(|e| CommandError::new(exit::FAILED, e.to_string()))?
    } else {
        Config::new(&path)
    };
    client_for(cfg, notify)
}

/// A client for a loaded config; sign-in and Graph requests share one retry policy, whose
/// notices go to `notify`.
pub fn client_for(cfg: Config, notify: Option<Notify>) -> Result<Connection, CommandError> {
    let path = cfg.path.clone();
    let base = cfg.graph_url.clone();
    let policy = retry_policy(notify);
    let signed_in = cfg.access_token.is_some() || cfg.refresh_token.is_some();
    super::hint::set_signed_in(signed_in);
    if !signed_in {
        let client = GraphClient::new(&base, Arc::new(NotSignedIn(path.clone())))?;
        return Ok(Connection {
            client: client.with_retry(policy),
            tokens: None,
            config_path: Some(path),
        });
    }
    let tokens = Arc::new(ConfigTokens::new(cfg)?.with_retry(policy.clone()));
    Ok(Connection {
        client: GraphClient::new(&base, tokens.clone())?.with_retry(policy),
        tokens: Some(tokens),
        config_path: Some(path),
    })
}

/// The default retry policy reporting to `notify`, with the first backoff delay from
/// `$SKYDRIVE_RETRY_DELAY_MS` when set (the delay doubles with each retry; a `Retry-After`
/// from the server still wins), and [`RetryPolicy::max_wait`] from `$SKYDRIVE_MAX_WAIT_MS`.
/// Tests of the "always failing" or "stalled" kind use them to reach exit 5 quickly; the
/// number of retries is fixed.
pub fn retry_policy(notify: Option<Notify>) -> RetryPolicy {
    let mut policy = RetryPolicy {
        notify,
        ..RetryPolicy::default()
    };
    let ms = |var: &str| -> Option<std::time::Duration> {
        let ms = std::env::var(var).ok()?.trim().parse().ok()?;
        Some(std::time::Duration::from_millis(ms))
    };
    if let Some(d) = ms("SKYDRIVE_RETRY_DELAY_MS") {
        policy.base_delay = d;
    }
    if let Some(d) = ms("SKYDRIVE_MAX_WAIT_MS") {
        policy.max_wait = d;
    }
    policy
}

/// Keeps the demo emulator serving for as long as the shell runs.
#[cfg(feature = "emulator")]
pub type Demo = Option<crate::emulator::Emulator>;
/// Nothing to keep without the emulator.
#[cfg(not(feature = "emulator"))]
pub type Demo = ();

/// Starts the demo emulator and a client for it. The demo drive lives in `DATA_DIR/demo`
/// (`DATA_DIR/demo-business` for the business profile), so the seed README's sequence (`put`,
/// then `ls` in a new process) works across runs; delete that folder to start over.
///
/// `$SKYDRIVE_DEMO_PROFILE` (`personal`, the default, or `business`) picks the kind of
/// OneDrive, and `$SKYDRIVE_DEMO_SEED` (`demo`, the default, `kinds`, `readme` or `empty`)
/// what a new demo drive holds (an existing one keeps what it has).
#[cfg(feature = "emulator")]
pub async fn demo(notify: Option<Notify>) -> Result<(Demo, Connection), CommandError> {
    use crate::emulator::{Emulator, EmulatorOptions, Profile, Seed};
    use crate::graph::StaticToken;
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let bad = |name: &str, e: String| CommandError::usage(format!("${name}: {e}"));
    let profile = match env("SKYDRIVE_DEMO_PROFILE") {
        Some(p) => p
            .parse::<Profile>()
            .map_err(|e| bad("SKYDRIVE_DEMO_PROFILE", e))?,
        None => Profile::Personal,
    };
    let seed = match env("SKYDRIVE_DEMO_SEED") {
        Some(s) => s
            .parse::<Seed>()
            .map_err(|e| bad("SKYDRIVE_DEMO_SEED", e))?,
        None => Seed::Demo,
    };
    let folder = match profile {
        Profile::Personal => "demo",
        Profile::Business => "demo-business",
    };
    let opts = EmulatorOptions {
        data_dir: data_dir().map(|d| d.join(folder)),
        profile,
        seed,
        ..EmulatorOptions::default()
    };
    let emu = Emulator::start(opts).await?;
    let client = GraphClient::new(
        emu.graph_url(),
        Arc::new(StaticToken(emu.access_token().to_owned())),
    )?
    .with_retry(retry_policy(notify));
    let conn = Connection {
        client,
        tokens: None,
        config_path: None,
    };
    Ok((Some(emu), conn))
}

/// `--demo` needs the emulator.
#[cfg(not(feature = "emulator"))]
pub async fn demo(_notify: Option<Notify>) -> Result<(Demo, Connection), CommandError> {
    Err(CommandError::usage("--demo needs the `emulator` feature"))
}
