//! Library tests: the client, sign-in, config and transfers against the in-process emulator
//! over real loopback HTTP.

mod auth;
mod config;
mod drive;
mod endpoints;
mod faults;
mod names;
mod paging;
mod signin;
mod transfer;
mod waits;
mod walks;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use skydrive::emulator::{Emulator, EmulatorOptions, Faults, Listener, Seed};
use skydrive::{Config, GraphClient, RetryPolicy};

/// A running emulator, a config file written for it, and a client using that file.
pub struct Env {
    pub emu: Arc<Emulator>,
    pub dir: tempfile::TempDir,
    pub client: GraphClient,
}

impl Env {
    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("lcrc")
    }

    pub fn config(&self) -> Config {
        Config::load(&self.config_path()).unwrap()
    }

    /// Requests answered by the given listener, as `METHOD path`.
    pub fn log(&self, listener: Listener) -> Vec<String> {
        self.emu
            .request_log()
            .into_iter()
            .filter(|r| r.listener == listener)
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
    }
}

/// Short delays so fault tests run in milliseconds.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 6,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}

pub async fn env_with(seed: Seed, faults: Faults) -> Env {
    env_of(EmulatorOptions {
        seed,
        faults,
        ..EmulatorOptions::default()
    })
    .await
}

/// An emulator started with `opts`, and a client for it.
pub async fn env_of(opts: EmulatorOptions) -> Env {
    let emu = Emulator::start(opts).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lcrc");
    emu.write_config(&path).unwrap();
    let client = skydrive::auth::client_from_config(Config::load(&path).unwrap())
        .await
        .unwrap()
        .with_retry(fast_retry());
    Env {
        emu: Arc::new(emu),
        dir,
        client,
    }
}

pub async fn env() -> Env {
    env_with(Seed::Demo, Faults::default()).await
}

pub async fn empty_env() -> Env {
    env_with(Seed::Empty, Faults::default()).await
}

pub use crate::common::pattern;
