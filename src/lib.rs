//! skydrive: a OneDrive library and interactive shell over Microsoft Graph v1.0.
//!
//! Layers, bottom up (as in python-skydrive, the seed):
//! - [`graph`]: transport (tokens, retries, errors), item addressing, serde models and one thin
//!   wrapper per Graph call;
//! - [`config`]: the `~/.lcrc` file (seed-compatible YAML, locked atomic saves, mode 0600);
//! - [`shell`]: the `skydrive-cli` REPL, scripts and one-shot commands;
//! - [`emulator`] (feature `emulator`, on by default): a Graph-compatible OneDrive server on
//!   loopback, for tests, benchmarks and `--demo`.
//!
//! ```no_run
//! # async fn demo() -> skydrive::Result<()> {
//! use std::sync::Arc;
//! use skydrive::{GraphClient, ItemRef, StaticToken};
//!
//! let client = GraphClient::new(
//!     "https://graph.microsoft.com/v1.0",
//!     Arc::new(StaticToken("ACCESS-TOKEN".into())),
//! )?;
//! for item in client.children(&ItemRef::Root).await? {
//!     println!("{}", item.name);
//! }
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod auth;
pub mod config;
pub mod drive;
#[cfg(feature = "emulator")]
pub mod emulator;
pub mod error;
pub mod graph;
pub mod shell;

pub use config::Config;
pub use error::{Error, ErrorKind, Result};
pub use graph::{Drive, DriveItem, GraphClient, ItemRef, Quota, StaticToken, TokenSource};
