//! A Graph-compatible OneDrive server (design.md §6), used by the tests, `--demo` and the
//! benchmarks. It runs in-process on loopback ([`Emulator::start`]) or standalone
//! (`skydrive-emu`). Its specification is `docs/graph-api.md`: when the two disagree, the
//! notes win.
//!
//! Two listeners, as on the real service: the Graph API (plus the identity authority under
//! `/login`) and a second origin for pre-authenticated content URLs (downloads, upload
//! sessions, copy monitors), whose URLs name another host than the Graph URL (`localhost`
//! where it says `127.0.0.1`; `127.0.0.1` where it says `[::1]`), so that clients prove they
//! drop `Authorization` across hosts, as a stock SDK scoping its token by host name does.
//!
//! Two profiles ([`Profile`]): personal OneDrive (the default) and OneDrive for work or
//! school, which differ in ids, tags, times, hashes, name rules and delta (see the `ids`
//! module). Each world holds several drives: the signed-in user's, a second user's who shares
//! folders with them (the `drives` module), and on business a SharePoint document library.

mod auth;
mod blob;
mod content;
mod copy;
mod delta;
mod drain;
mod drives;
mod faults;
mod fixtures;
mod hostile;
mod ids;
mod items;
mod journal;
mod legacy;
mod listing;
mod log;
mod login_fault;
mod names;
mod node;
mod patch;
mod path;
mod persist;
mod preorder;
mod remote;
mod render;
mod resp;
mod routes;
mod seed;
mod session;
mod setup;
mod sharing;
mod stamp;
mod store;
mod synth;
mod table;
mod tree;
mod upload;
mod versions;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::config::Config;
use crate::error::{Error, Result};
pub use faults::{CopyMonitor, DeviceFlow, Faults, LoginFault, parse_duration};
pub use hostile::Hostile;
pub use ids::Profile;
pub use log::{Listener, LoggedRequest};
use store::Store;
pub use tree::TreeShape;

/// The signed-in user's drive id on the personal profile.
pub const DEMO_DRIVE_ID: &str = "5D1B2C3A4F6E7D80";

/// The second user's drive id on the personal profile (its leading zero is dropped in
/// `remoteItem.parentReference.driveId`, as the service does).
pub const OTHER_DRIVE_ID: &str = "04A7C1E93B5D2F68";

/// The client id written into generated configs.
const CLIENT_ID: &str = "00000000-0000-0000-0000-00000000e3e1";

/// What the drives hold at start (ignored when `data_dir` already holds a world).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Seed {
    /// The seed README's tree (`Documents/README.txt`, `Pics/image1.jpg`,
    /// `Pics/image2.jpg`), and a shortcut `Shared Folder` to a folder the second user shares.
    #[default]
    Demo,
    /// An empty drive.
    Empty,
    /// The demo plus every kind of item: a OneNote notebook (`Documents/Notebook`), a
    /// malware-flagged file (`Documents/flagged.exe`), a shortcut, read-write and read-only
    /// shared folders and a shared file (see the `seed` module).
    Kinds,
    /// Only the seed README's tree: nothing shared, no shortcut (the demo as it was before
    /// the emulator knew other users; tests of commands that do not handle shortcuts yet use
    /// it).
    Readme,
    /// A synthetic tree of any size in the signed-in user's drive, nothing else: `/Big` with
    /// up to 100,000 files, folders `dNN/dNN/...`, files `fNN.bin` with contents made on
    /// demand (the names and the rest are given in the `tree` module's docs).
    Tree(TreeShape),
}

impl std::str::FromStr for Seed {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "demo" => Ok(Seed::Demo),
            "empty" => Ok(Seed::Empty),
            "kinds" => Ok(Seed::Kinds),
            "readme" => Ok(Seed::Readme),
            _ => match s.strip_prefix("tree:") {
                Some(shape) => shape.parse().map(Seed::Tree),
                None => Err(format!(
                    "unknown seed {s:?} (demo, kinds, readme, empty or tree:FOLDERS,FILES[,DEPTH])"
                )),
            },
        }
    }
}

/// How to start an emulator.
#[derive(Clone, Debug)]
pub struct EmulatorOptions {
    /// Graph listener address; port 0 picks a free port. The content listener binds the same
    /// IP on a free port.
    pub addr: SocketAddr,
    /// The drive to start with.
    pub seed: Seed,
    /// Personal (the default) or business.
    pub profile: Profile,
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
            profile: Profile::Personal,
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
    /// Runs `f` on the store under its lock as the signed-in user; with a data dir, on a copy
    /// brought up to date first, and journaled after (see `persist`).
    pub(crate) fn mutate<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        self.mutate_as(drives::ME, f)
    }

    /// [`Shared::mutate`] on behalf of user `user` (who becomes `lastModifiedBy`).
    pub(crate) fn mutate_as<R>(&self, user: usize, f: impl FnOnce(&mut Store) -> R) -> R {
        let mut store = self.lock_store();
        let run = |store: &mut Store| {
            store.actor = user;
            let r = f(store);
            store.actor = drives::ME;
            r
        };
        match &self.persist {
            Some(p) => p.commit(self, &mut store, false, run),
            None => {
                let r = run(&mut store);
                store.take_changes();
                r
            }
        }
    }

    /// Takes in what other processes sharing the data dir committed (before each request).
    pub(crate) fn sync(&self) {
        if let Some(p) = &self.persist {
            p.sync(self, &mut self.lock_store());
        }
    }

    /// The store, locked (never held across an `.await`).
    pub(crate) fn lock_store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The auth tables, locked.
    pub(crate) fn lock_auth(&self) -> std::sync::MutexGuard<'_, auth::Auth> {
        self.auth.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Notes that the tokens changed; with a data dir they are journaled at once.
    pub(crate) fn mark_changed(&self) {
        if let Some(p) = &self.persist {
            p.commit(self, &mut self.lock_store(), true, |_| ());
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
        let (content_l, content_addr) =
            bind(SocketAddr::new(setup::content_ip(opts.addr.ip()), 0)).await?;
        let (graph_addr, content_addr) =
            (setup::reachable(graph_addr), setup::reachable(content_addr));
        let urls = Urls {
            graph_base: format!("http://{graph_addr}/v1.0"),
            login_url: format!("http://{graph_addr}/login"),
            content_origin: format!("http://{}", setup::other_host_name(content_addr)),
        };
        let shared = Arc::new(setup::build_shared(&opts, urls)?);
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
        // A refresh token made just now must outlive this process (a `--data` dir).
        self.shared.mark_changed();
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
}

impl Drop for Emulator {
    fn drop(&mut self) {
        for tx in self.shutdown.drain(..) {
            let _ = tx.send(());
        }
    }
}
