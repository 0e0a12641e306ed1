//! skydrive: a OneDrive library and interactive shell over Microsoft Graph v1.0.
//!
//! Layers, bottom up (as in python-skydrive, the seed):
//! - [`config`]: the `~/.lcrc` file (seed-compatible YAML, locked merge-saves, mode 0600);
//! - [`graph`]: transport (tokens, retries, errors), item addressing, serde models, one thin
//!   wrapper per Graph call, and streamed, resumable, verified [`graph::transfer`]s;
//! - [`auth`]: sign-in (pasted code URL with PKCE, device code, loopback redirect) and
//!   [`auth::ConfigTokens`], which refreshes and saves tokens;
//! - [`drive`]: path resolution, `mkdir -p`, concurrent tree walks, parallel recursive
//!   transfers;
//! - [`shell`]: the `skydrive-cli` REPL, scripts and one-shot commands;
//! - [`emulator`] (feature `emulator`, on by default): a Graph-compatible OneDrive server on
//!   loopback, for tests, benchmarks and `--demo`.
//!
//! Start an emulator, point a client at it through a config file, and list the root:
//!
//! ```
//! # #[tokio::main]
//! # async fn main() -> skydrive::Result<()> {
//! use skydrive::emulator::{Emulator, EmulatorOptions};
//! use skydrive::{Config, ItemRef};
//!
//! let emu = Emulator::start(EmulatorOptions::default()).await?;
//! let dir = tempfile::tempdir().map_err(|e| skydrive::Error::io("tempdir", e))?;
//! let path = dir.path().join("lcrc");
//! emu.write_config(&path)?; // what `skydrive-emu --write-config` writes
//!
//! let client = skydrive::auth::client_from_config(Config::load(&path)?).await?;
//! let names: Vec<String> = client
//!     .children(&ItemRef::Root)
//!     .await?
//!     .into_iter()
//!     .map(|item| item.name)
//!     .collect();
//! assert_eq!(names, ["Documents", "Pics", "Shared Folder"]); // a shortcut to a shared folder
//! # Ok(()) }
//! ```
//!
//! Against the real service, the config names your app's client id and the tokens come from
//! one of the [`auth`] flows; everything else is the same.

// Data from the network, files and the user must never panic the process: outside unit
// tests, a failure is an `Error`, not an `unwrap()` (docs/reliability.md).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
#![warn(missing_docs)]

pub mod auth;
pub mod config;
pub mod drive;
#[cfg(feature = "emulator")]
pub mod emulator;
pub mod error;
pub mod graph;
pub mod shell;

/// The README's Rust example, compiled by `cargo test` so that it cannot fall behind the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeExamples;

pub use auth::{ConfigTokens, client_from_config};
pub use config::Config;
pub use error::{Error, ErrorKind, Result};
pub use graph::transfer::{Cancel, DownloadOptions, Progress, UploadOptions};
pub use graph::{
    Conflict, Drive, DriveItem, GraphClient, ItemKind, ItemRef, LinkOptions, ListOptions,
    Permission, Quota, RetryPolicy, StaticToken, TokenSource, User,
};
