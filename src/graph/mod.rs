//! Microsoft Graph: the HTTP layer and thin 1:1 endpoint wrappers.
//!
//! Layers, as in the seed: [`client`] (transport, tokens, retries) -> [`endpoints`] (one method
//! per Graph call, no policy) -> [`transfer`] (streamed, resumable content transfers) -> the
//! convenience layer in [`crate::drive`].

pub mod answer;
pub mod client;
mod copy;
pub mod endpoints;
pub mod locator;
pub mod model;
pub mod mounts;
pub mod names;
mod placed;
pub mod quickxor;
pub mod transfer;
pub mod wait;

pub use client::{GraphClient, StaticToken, TokenSource};
pub use endpoints::{Conflict, Delta, LinkOptions, ListOptions, MAX_IDLE_PAGES};
pub use locator::ItemRef;
pub use model::{
    Drive, DriveItem, ItemKind, Page, PageItem, Permission, Quota, RemoteTarget, User, drive_key,
    same_drive,
};
pub use wait::{Notice, Notify, RetryPolicy};
