//! A Graph-compatible OneDrive server (design.md §6), used by the tests, `--demo` and the
//! benchmarks. It runs in-process on loopback ([`Emulator::start`]) or standalone
//! (`skydrive-emu`). Its specification is `graph-api.md`: when the two disagree, the sheet wins.

mod routes;
pub mod store;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::config::Config;
use crate::error::{Error, Result};
use store::Store;

/// How to start an emulator.
#[derive(Debug)]
pub struct EmulatorOptions {
    /// Graph listener address; port 0 picks a free port.
    pub addr: SocketAddr,
    /// The drive to serve.
    pub store: Store,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        EmulatorOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            store: Store::demo(DEMO_DRIVE_ID),
        }
    }
}

/// The drive id of the demo drive.
pub const DEMO_DRIVE_ID: &str = "5D1B2C3A4F6E7D80";

/// Shared server state.
pub(crate) struct State {
    pub(crate) store: Mutex<Store>,
    pub(crate) access_token: String,
    pub(crate) graph_base: String,
}

/// A running emulator; stops when dropped.
pub struct Emulator {
    state: Arc<State>,
    refresh_token: String,
    login_url: String,
    shutdown: Option<oneshot::Sender<()>>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("graph_url", &self.state.graph_base)
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Binds the listeners and starts serving on the current tokio runtime.
    pub async fn start(opts: EmulatorOptions) -> Result<Self> {
        let listener = TcpListener::bind(opts.addr)
            .await
            .map_err(|e| Error::io(opts.addr.to_string(), e))?;
        let local = listener
            .local_addr()
            .map_err(|e| Error::io(opts.addr.to_string(), e))?;
        let origin = format!("http://{local}");
        let state = Arc::new(State {
            store: Mutex::new(opts.store),
            access_token: random_token("emu-at-"),
            graph_base: format!("{origin}/v1.0"),
        });
        let app = routes::router(state.clone());
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = rx.await;
            });
            if let Err(e) = serve.await {
                eprintln!("skydrive-emu: server error: {e}");
            }
        });
        Ok(Emulator {
            state,
            refresh_token: random_token("emu-rt-"),
            login_url: format!("{origin}/login"),
            shutdown: Some(tx),
        })
    }

    /// The Graph base URL, e.g. `http://127.0.0.1:PORT/v1.0`.
    pub fn graph_url(&self) -> &str {
        &self.state.graph_base
    }

    /// The identity authority's base URL (token endpoint `{login_url}/{tenant}/oauth2/v2.0/token`).
    pub fn login_url(&self) -> &str {
        &self.login_url
    }

    /// An access token the emulator accepts.
    pub fn access_token(&self) -> &str {
        &self.state.access_token
    }

    /// A config (design.md §5) pointing a client at this emulator, with valid tokens.
    pub fn client_config(&self, path: &Path) -> Config {
        let mut cfg = Config::new(path);
        cfg.client_id = Some("00000000-0000-0000-0000-00000000e3e1".into());
        cfg.graph_url = self.graph_url().to_owned();
        cfg.login_url = self.login_url.clone();
        cfg.access_token = Some(self.state.access_token.clone());
        cfg.refresh_token = Some(self.refresh_token.clone());
        cfg
    }

    /// Writes [`Emulator::client_config`] to `path` (mode 0600).
    pub fn write_config(&self, path: &Path) -> Result<()> {
        self.client_config(path).save()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A random opaque token with a readable prefix.
fn random_token(prefix: &str) -> String {
    let mut buf = [0u8; 24];
    // getrandom only fails on exotic platforms; a fixed token is still unique per process.
    let _ = getrandom::fill(&mut buf);
    let hex: String = buf.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}{hex}")
}
