//! A Graph-compatible OneDrive server (design.md §6), used by the tests, `--demo` and the
//! benchmarks. It runs in-process on loopback ([`Emulator::start`]) or standalone
//! (`skydrive-emu`). Its specification is `graph-api.md`: when the two disagree, the sheet wins.
//!
//! Two listeners, as on the real service: the Graph API (plus the identity authority under
//! `/login`) and a second origin for pre-authenticated content URLs (downloads, upload
//! sessions, copy monitors), so that clients prove they drop `Authorization` across origins.

mod auth;
mod blob;
mod content;
mod copy;
mod delta;
mod faults;
mod hostile;
mod items;
mod listing;
mod log;
mod path;
mod persist;
mod render;
mod resp;
mod routes;
mod seed;
mod session;
mod sharing;
mod store;
mod upload;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::config::Config;
use crate::error::{Error, Result};
pub use faults::{DeviceFlow, Faults, LoginFault, parse_duration};
pub use hostile::Hostile;
pub use log::{Listener, LoggedRequest};
use store::{ROOT, Store};

/// The drive id of emulated drives.
pub const DEMO_DRIVE_ID: &str = "5D1B2C3A4F6E7D80";

/// The client id written into generated configs.
const CLIENT_ID: &str = "00000000-0000-0000-0000-00000000e3e1";

/// What the drive holds at start (ignored when `data_dir` already holds a drive).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Seed {
    /// The seed README's tree: `Documents/README.txt`, `Pics/image1.jpg`, `Pics/image2.jpg`.
    #[default]
    Demo,
    /// An empty drive.
    Empty,
}

/// How to start an emulator.
#[derive(Clone, Debug)]
pub struct EmulatorOptions {
    /// Graph listener address; port 0 picks a free port. The content listener binds the same
    /// IP on a free port.
    pub addr: SocketAddr,
    /// The drive to start with.
    pub seed: Seed,
    /// Keep blobs and the tree here so the drive survives restarts; `None`: a temp dir.
    pub data_dir: Option<PathBuf>,
    /// Faults to inject from the start.
    pub faults: Faults,
    /// Also append every request to this file, one JSON object per line (for benchmarks).
    pub request_log_file: Option<PathBuf>,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        EmulatorOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: Seed::Demo,
            data_dir: None,
            faults: Faults::default(),
            request_log_file: None,
        }
    }
}

/// The public origins of the two listeners.
#[derive(Debug, Clone)]
pub(crate) struct Urls {
    /// `http://127.0.0.1:P/v1.0`.
    pub(crate) graph_base: String,
    /// `http://127.0.0.1:P/login`.
    pub(crate) login_url: String,
    /// `http://127.0.0.1:Q`.
    pub(crate) content_origin: String,
}

/// State shared by all handlers.
pub(crate) struct Shared {
    pub(crate) store: Mutex<Store>,
    pub(crate) blobs: blob::Blobs,
    pub(crate) auth: Mutex<auth::Auth>,
    pub(crate) sessions: Mutex<HashMap<String, session::Session>>,
    pub(crate) jobs: Mutex<HashMap<String, copy::Job>>,
    pub(crate) faults: faults::FaultState,
    pub(crate) log: log::RequestLog,
    pub(crate) urls: Urls,
    /// Signs pre-authenticated download URLs.
    pub(crate) secret: String,
    pub(crate) persist: Option<persist::Persister>,
}

impl Shared {
    /// Runs `f` on the store under its lock, then marks the drive changed (saved soon after
    /// when persisting).
    pub(crate) fn mutate<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        let r = {
            let mut store = self.lock_store();
            f(&mut store)
        };
        self.mark_changed();
        r
    }

    /// The store, locked (never held across an `.await`).
    pub(crate) fn lock_store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The auth tables, locked.
    pub(crate) fn lock_auth(&self) -> std::sync::MutexGuard<'_, auth::Auth> {
        self.auth.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Notes that the tree or tokens changed; with a data dir they are written soon after
    /// (see `persist`).
    pub(crate) fn mark_changed(&self) {
        if let Some(p) = &self.persist {
            p.mark_dirty();
        }
    }
}

/// A running emulator; stops when dropped.
pub struct Emulator {
    shared: Arc<Shared>,
    shutdown: Vec<oneshot::Sender<()>>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("graph_url", &self.shared.urls.graph_base)
            .field("content_origin", &self.shared.urls.content_origin)
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Binds the Graph and content listeners and starts serving on the current tokio runtime.
    pub async fn start(opts: EmulatorOptions) -> Result<Self> {
        let bind = |addr: SocketAddr| async move {
            let l = TcpListener::bind(addr)
                .await
                .map_err(|e| Error::io(addr.to_string(), e))?;
            let local = l.local_addr().map_err(|e| Error::io(addr.to_string(), e))?;
            Ok::<_, Error>((l, local))
        };
        let (graph_l, graph_addr) = bind(opts.addr).await?;
        let (content_l, content_addr) = bind(SocketAddr::new(opts.addr.ip(), 0)).await?;
        let (graph_addr, content_addr) = (reachable(graph_addr), reachable(content_addr));
        let urls = Urls {
            graph_base: format!("http://{graph_addr}/v1.0"),
            login_url: format!("http://{graph_addr}/login"),
            content_origin: format!("http://{content_addr}"),
        };
        let shared = Arc::new(build_shared(&opts, urls)?);
        let mut shutdown = Vec::new();
        for (listener, app) in [
            (graph_l, routes::graph_router(shared.clone())),
            (content_l, routes::content_router(shared.clone())),
        ] {
            let (tx, rx) = oneshot::channel::<()>();
            shutdown.push(tx);
            // Small answers must not wait for a delayed ACK (Nagle): the real service's
            // latency is the one the `latency` fault emulates, not 40 ms stalls of loopback.
            let listener = listener.tap_io(|tcp| {
                if let Err(e) = tcp.set_nodelay(true) {
                    eprintln!("skydrive-emu: TCP_NODELAY: {e}");
                }
            });
            tokio::spawn(async move {
                let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                    let _ = rx.await;
                });
                if let Err(e) = serve.await {
                    eprintln!("skydrive-emu: server error: {e}");
                }
            });
        }
        if shared.persist.is_some() {
            tokio::spawn(persist::write_behind(Arc::downgrade(&shared)));
        }
        Ok(Emulator { shared, shutdown })
    }

    /// The Graph base URL, e.g. `http://127.0.0.1:PORT/v1.0`.
    pub fn graph_url(&self) -> &str {
        &self.shared.urls.graph_base
    }

    /// The identity authority's base URL (token endpoint `{login_url}/{tenant}/oauth2/v2.0/token`).
    pub fn login_url(&self) -> &str {
        &self.shared.urls.login_url
    }

    /// The second listener's origin (download URLs, upload sessions, copy monitors).
    pub fn content_origin(&self) -> &str {
        &self.shared.urls.content_origin
    }

    /// A currently valid access token (a fresh one when tokens expire, see [`Faults::token_ttl`]).
    pub fn access_token(&self) -> String {
        let ttl = self.shared.faults.get().token_ttl;
        let token = self.shared.lock_auth().current_access(ttl);
        self.shared.mark_changed();
        token
    }

    /// A config (design.md §5) pointing a client at this emulator, with valid tokens (and
    /// `access_expires` when tokens expire).
    pub fn client_config(&self, path: &Path) -> Config {
        let access = self.access_token();
        let (refresh, expires) = {
            let mut auth = self.shared.lock_auth();
            (auth.primary_refresh(), auth.expires_at(&access))
        };
        let mut cfg = Config::new(path);
        cfg.client_id = Some(CLIENT_ID.into());
        cfg.graph_url = self.graph_url().to_owned();
        cfg.login_url = self.login_url().to_owned();
        cfg.access_token = Some(access);
        cfg.refresh_token = Some(refresh);
        cfg.access_expires = expires;
        cfg
    }

    /// Writes [`Emulator::client_config`] to `path` (mode 0600).
    pub fn write_config(&self, path: &Path) -> Result<()> {
        self.client_config(path).save()
    }

    /// Replaces the injected faults; their counters restart.
    pub fn set_faults(&self, f: Faults) {
        self.shared.faults.set(f);
    }

    /// Every request answered so far (since the last [`Emulator::clear_request_log`]).
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.shared.log.snapshot()
    }

    /// Forgets the request log.
    pub fn clear_request_log(&self) {
        self.shared.log.clear();
    }

    /// Stores a file at `path` (`/`-separated, from the root), creating folders; returns its id.
    /// An existing file is replaced.
    ///
    /// # Panics
    ///
    /// When the blob directory cannot be written (a test setup failure).
    pub fn put_file(&self, path: &str, bytes: &[u8]) -> String {
        let (dir, name) = path
            .trim_matches('/')
            .rsplit_once('/')
            .unwrap_or(("", path));
        let name = name.trim_matches('/');
        let parent = self.mkdir_n(dir);
        let blob = match self.shared.blobs.write_bytes(bytes) {
            Ok(b) => b,
            Err(e) => panic!("emulator: cannot write a blob: {e}"),
        };
        let (id, old) = self.shared.mutate(|s| match s.child(parent, name) {
            Some(n) if s.get(n).is_some_and(|node| !node.is_folder()) => {
                (s.id_of(n), s.set_content(n, blob))
            }
            _ => {
                let n = s.insert(parent, name, Some(blob));
                (s.id_of(n), None)
            }
        });
        if let Some(old) = old {
            self.shared.blobs.remove(&old.key);
        }
        id
    }

    /// The drive id (uppercase hex; item ids are `{drive id}!{n}`).
    pub fn drive_id(&self) -> String {
        self.shared.lock_store().drive_id.clone()
    }

    /// Creates the folder `path` and any missing parents; returns its id.
    pub fn mkdir_p(&self, path: &str) -> String {
        let n = self.mkdir_n(path);
        self.shared.lock_store().id_of(n)
    }

    fn mkdir_n(&self, path: &str) -> u64 {
        self.shared.mutate(|s| {
            path.split('/')
                .filter(|p| !p.is_empty())
                .fold(ROOT, |cur, name| match s.child(cur, name) {
                    Some(n) => n,
                    None => s.insert(cur, name, None),
                })
        })
    }

    /// The bytes of the file at `path`, for byte-exact assertions in tests.
    pub fn file_bytes(&self, path: &str) -> Option<Vec<u8>> {
        let key = {
            let s = self.shared.lock_store();
            let n = path
                .split('/')
                .filter(|p| !p.is_empty())
                .try_fold(ROOT, |cur, name| s.child(cur, name))?;
            s.get(n)?.blob.as_ref()?.key.clone()
        };
        self.shared.blobs.read(&key).ok()
    }

    /// Makes every open upload session expire now (to test expiry without waiting).
    pub fn expire_upload_sessions(&self) {
        session::expire_all(&self.shared);
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        persist::flush_shared(&self.shared);
        for tx in self.shutdown.drain(..) {
            let _ = tx.send(());
        }
    }
}

/// The address to put in URLs: a wildcard bind (`0.0.0.0`, `::`) is reached on loopback.
fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => {
            SocketAddr::from(([127, 0, 0, 1], addr.port()))
        }
        ip if ip.is_unspecified() => SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, addr.port())),
        _ => addr,
    }
}

/// Loads or seeds the drive and assembles the shared state.
fn build_shared(opts: &EmulatorOptions, urls: Urls) -> Result<Shared> {
    let io_err = |p: &Path, e| Error::io(p.to_owned(), e);
    let blob_dir = opts.data_dir.as_ref().map(|d| d.join("blobs"));
    let blobs = blob::Blobs::open(blob_dir.clone())
        .map_err(|e| io_err(blob_dir.as_deref().unwrap_or(Path::new("temp dir")), e))?;
    let persister = opts.data_dir.as_ref().map(|d| persist::Persister::new(d));
    let loaded = match &persister {
        Some(p) => p.load()?,
        None => None,
    };
    let fresh = loaded.is_none();
    let (store, auth) = match loaded {
        Some((store, auth)) => {
            let live = store
                .all()
                .filter_map(|n| n.blob.as_ref())
                .map(|b| b.key.clone())
                .collect();
            if let Err(e) = blobs.retain(&live) {
                eprintln!("skydrive-emu: cleaning the blob dir: {e}");
            }
            (store, auth)
        }
        None => (seed::seed(opts.seed, &blobs)?, auth::Auth::default()),
    };
    let shared = Shared {
        store: Mutex::new(store),
        blobs,
        auth: Mutex::new(auth),
        sessions: Mutex::new(HashMap::new()),
        jobs: Mutex::new(HashMap::new()),
        faults: faults::FaultState::new(opts.faults.clone()),
        log: match &opts.request_log_file {
            Some(path) => log::RequestLog::with_sink(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|e| Error::io(path, e))?,
            ),
            None => log::RequestLog::default(),
        },
        urls,
        secret: resp::random_hex(16),
        persist: persister,
    };
    if fresh && let Some(p) = &shared.persist {
        p.mark_dirty();
        p.flush(&shared).map_err(|e| Error::io(p.path(), e))?;
    }
    Ok(shared)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_binds_are_advertised_on_loopback() {
        let any: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(reachable(any).to_string(), "127.0.0.1:8080");
        let any6: SocketAddr = "[::]:9".parse().unwrap();
        assert_eq!(reachable(any6).to_string(), "[::1]:9");
        let lo: SocketAddr = "127.0.0.2:1".parse().unwrap();
        assert_eq!(reachable(lo), lo);
    }
}
