//! Server-side copies (graph-api.md §6): `POST {item}/copy` answers 202 with a monitor URL
//! (polled without the token) that reports the new item's id once the job is done.
//!
//! A copy may land on another drive than its source (into a folder someone shared with you,
//! or out of one): the destination then names its drive (`parentReference.driveId`), and the
//! new item is fetched on that drive
//! (<https://learn.microsoft.com/en-us/graph/api/driveitem-copy>).
//!
//! The wait on the job is bounded and visible, in one place ([`GraphClient::wait_copy`]): the
//! monitor is polled every 200 ms at first, the interval doubling to 3 s (a `Retry-After` on
//! its answer asks for more, and a 429 or 503 is retried under the [`crate::RetryPolicy`]); a
//! job whose status and percentage stay the same for [`crate::RetryPolicy::max_wait`] (5
//! minutes) ends the wait with [`crate::ErrorKind::CopyUnfinished`], a transient error (exit
//! 5), as does a monitor that vanishes (404) before it said how the copy ended; and a wait
//! past [`crate::RetryPolicy::announce_after`] is told as [`crate::graph::Notice::Copying`],
//! at most every 30 s. Progress resets the clock, not the interval: a long copy that moves is
//! polled every 3 s.
//!
//! Every copy starts from the item's answer ([`GraphClient::copy_source`]): a shortcut is one
//! item of the user's drive that points to a shared folder, and copying it would make an
//! empty folder, so its target is copied; a notebook has no content to copy, and is refused.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use crate::error::{Error, Result};
use crate::graph::answer::{decode_json, host_of, retry_after_of};
use crate::graph::client::GraphClient;
use crate::graph::endpoints::Conflict;
use crate::graph::locator::ItemRef;
use crate::graph::model::{AsyncJobStatus, DriveItem};
use crate::graph::names::check_name;
use crate::graph::placed::{Asked, Parent};

mod watch;

use watch::{POLL_FIRST, Watch};

/// The folder a copy goes to: its id, and its drive when it names one.
fn destination(parent: &ItemRef) -> Result<(&str, Option<&str>)> {
    match parent {
        ItemRef::Id(id) => Ok((id, None)),
        ItemRef::OnDrive {
            drive,
            id,
            path: None,
        } => Ok((id, Some(drive))),
        other => Err(Error::refused(
            format!("{other:?}"),
            "a copy's destination must be a folder given by id",
            false,
        )),
    }
}

impl GraphClient {
    /// `POST {item}/copy`: starts a copy into folder `parent_id`; returns the monitor URL.
    pub async fn start_copy(
        &self,
        item: &ItemRef,
        parent_id: &str,
        new_name: Option<&str>,
    ) -> Result<String> {
        self.start_copy_to(item, &ItemRef::Id(parent_id.to_owned()), new_name)
            .await
    }

    /// [`GraphClient::start_copy`] into `parent`: a folder by id ([`ItemRef::Id`]) or on its
    /// drive ([`ItemRef::OnDrive`] without a path, as [`ItemRef::content_of`] gives it). What
    /// is copied is what [`GraphClient::copy_source`] says.
    pub async fn start_copy_to(
        &self,
        item: &ItemRef,
        parent: &ItemRef,
        new_name: Option<&str>,
    ) -> Result<String> {
        let (source, name, _) = self.copy_source(item, new_name).await?;
        self.post_copy(&source, parent, name.as_deref()).await
    }

    /// What a copy of `item` copies, under which name (`None`: its own), and the name the copy
    /// will have (for messages): a shortcut (or a shared item, `remoteItem`) is followed to
    /// the folder or file it points to, on its owner's drive
    /// (`POST /drives/{remoteItem.parentReference.driveId}/items/{remoteItem.id}/copy`,
    /// graph-api.md §13), and the copy takes the shortcut's name, so `cp SHORTCUT DEST` copies
    /// the shared content instead of the shortcut, an empty folder of the user's own. One
    /// `GET` of the item before the copy.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::Refused`] (a conflict, exit 7), nothing sent, for a notebook or
    /// another package: it has no content of its own (its `/content` answers 404), and
    /// OneNote, not a copy of its parts, makes a copy of a notebook; a name OneDrive would
    /// refuse; else those of the request.
    pub async fn copy_source(
        &self,
        item: &ItemRef,
        new_name: Option<&str>,
    ) -> Result<(ItemRef, Option<String>, String)> {
        if let Some(n) = new_name {
            check_name(n)?;
        }
        let found = self.item(item).await?;
        let kind = found.kind();
        if kind.is_package() {
            return Err(Error::refused(
                found.name,
                format!(
                    "is a {}, which cannot be copied: it has no content of its own \
                     (make a copy in OneNote)",
                    kind.label()
                ),
                true,
            ));
        }
        let name = new_name.map(str::to_owned);
        let label = name.clone().unwrap_or_else(|| found.name.clone());
        Ok(match found.remote() {
            Some(_) => (ItemRef::content_of(&found), Some(label.clone()), label),
            None => (item.clone(), name, label),
        })
    }

    /// `POST {item}/copy` into `parent` as it is asked: the monitor URL.
    async fn post_copy(
        &self,
        item: &ItemRef,
        parent: &ItemRef,
        new_name: Option<&str>,
    ) -> Result<String> {
        let (id, drive) = destination(parent)?;
        let mut body = json!({"parentReference": {"id": id}});
        if let Some(d) = drive {
            body["parentReference"]["driveId"] = json!(d);
        }
        if let Some(n) = new_name {
            body["name"] = json!(n);
        }
        let body = &body;
        let resp = self
            .at(item, Some("copy"), |_, path| async move {
                self.request(Method::POST, &path, Some(body)).await
            })
            .await?;
        resp.headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or_else(|| Error::decode("copy", "202 answer without a Location monitor URL"))
    }

    /// Polls a copy monitor (pre-authenticated: without the token) until the job ends;
    /// returns the new item. The first poll comes at once, the next after `poll`, the interval
    /// doubling up to 3 s, longer when the monitor's `Retry-After` asks for it.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::CopyUnfinished`] (transient) when the job's status and percentage
    /// stay the same for [`crate::RetryPolicy::max_wait`], or the monitor answers 404;
    /// [`crate::ErrorKind::WaitTooLong`] for a `Retry-After` above `max_wait`; a Graph error
    /// for a failed job; else those of the requests.
    pub async fn wait_copy(&self, monitor: &str, poll: Duration) -> Result<DriveItem> {
        self.wait_copy_on(monitor, poll, None, "the item").await
    }

    /// [`GraphClient::wait_copy`] for a copy into drive `drive` (`None`: this client's) that
    /// will be called `name`.
    async fn wait_copy_on(
        &self,
        monitor: &str,
        poll: Duration,
        drive: Option<&str>,
        name: &str,
    ) -> Result<DriveItem> {
        let mut watch = Watch::new(self.retry_policy(), name, poll);
        loop {
            let resp = match self.send_unauthenticated(|http| http.get(monitor)).await {
                Err(e) if e.is_not_found() => {
                    return Err(
                        watch.unfinished("lost its monitor (HTTP 404) before saying how it ended")
                    );
                }
                answer => answer?,
            };
            if resp.status().is_redirection() {
                let loc = resp
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
                    .ok_or_else(|| Error::decode("copy monitor", "redirect without Location"))?;
                return self.get_json(&loc).await;
            }
            let asked = retry_after_of(&resp);
            let host = host_of(resp.url());
            let status: AsyncJobStatus = decode_json(resp, "copy monitor").await?;
            match status.status.as_str() {
                "completed" => {
                    let id = status.resource_id.ok_or_else(|| {
                        Error::decode("copy monitor", "completed without resourceId")
                    })?;
                    let new = match drive {
                        Some(d) => ItemRef::OnDrive {
                            drive: d.to_owned(),
                            id,
                            path: None,
                        },
                        None => ItemRef::Id(id),
                    };
                    return self.item(&new).await;
                }
                "failed" | "deleteFailed" => {
                    let code = status.error_code.unwrap_or_else(|| "copyFailed".into());
                    return Err(Error::graph(
                        500,
                        code,
                        "the server could not copy the item",
                    ));
                }
                _ => {
                    watch.running(&status)?;
                    self.retry_policy().check_asked(asked, &host, Some(202))?;
                    tokio::time::sleep(watch.next_delay(asked)).await;
                }
            }
        }
    }

    /// Copies an item into folder `parent_id` and waits for the copy to finish. A copy that
    /// ends under another name or folder than asked is [`crate::ErrorKind::Misplaced`].
    pub async fn copy(
        &self,
        item: &ItemRef,
        parent_id: &str,
        new_name: Option<&str>,
    ) -> Result<DriveItem> {
        self.copy_to(item, &ItemRef::Id(parent_id.to_owned()), new_name)
            .await
    }

    /// [`GraphClient::copy`] into `parent`, a folder on this or another drive (see
    /// [`GraphClient::start_copy_to`]; a shortcut copies what it points to, a notebook is
    /// refused: [`GraphClient::copy_source`]).
    pub async fn copy_to(
        &self,
        item: &ItemRef,
        parent: &ItemRef,
        new_name: Option<&str>,
    ) -> Result<DriveItem> {
        let (source, name, label) = self.copy_source(item, new_name).await?;
        let monitor = self.post_copy(&source, parent, name.as_deref()).await?;
        let (parent_id, drive) = destination(parent)?;
        let copied = self
            .wait_copy_on(&monitor, POLL_FIRST, drive, &label)
            .await?;
        let asked = Asked {
            parent: Parent::id(parent_id),
            name: name.as_deref(),
            conflict: Conflict::Fail,
        };
        asked.check(&copied)?;
        Ok(copied)
    }
}
