//! Server-side copies (graph-api.md §6): `POST {item}/copy` answers 202 with a monitor URL
//! (polled without the token) that reports the new item's id once the job is done.
//!
//! A copy may land on another drive than its source (into a folder someone shared with you,
//! or out of one): the destination then names its drive (`parentReference.driveId`), and the
//! new item is fetched on that drive
//! (<https://learn.microsoft.com/en-us/graph/api/driveitem-copy>).
//!
//! Every copy starts from the item's answer ([`GraphClient::copy_source`]): a shortcut is one
//! item of the user's drive that points to a shared folder, and copying it would make an
//! empty folder, so its target is copied; a notebook has no content to copy, and is refused.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use crate::error::{Error, Result};
use crate::graph::answer::decode_json;
use crate::graph::client::GraphClient;
use crate::graph::endpoints::Conflict;
use crate::graph::locator::ItemRef;
use crate::graph::model::{AsyncJobStatus, DriveItem};
use crate::graph::names::check_name;
use crate::graph::placed::{Asked, Parent};

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
        let (source, name) = self.copy_source(item, new_name).await?;
        self.post_copy(&source, parent, name.as_deref()).await
    }

    /// What a copy of `item` copies, and under which name (`None`: its own): a shortcut (or a
    /// shared item, `remoteItem`) is followed to the folder or file it points to, on its
    /// owner's drive (`POST /drives/{remoteItem.parentReference.driveId}/items/{remoteItem.id}/copy`,
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
    ) -> Result<(ItemRef, Option<String>)> {
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
        Ok(match found.remote() {
            Some(_) => (ItemRef::content_of(&found), name.or(Some(found.name))),
            None => (item.clone(), name),
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

    /// Polls a copy monitor (no token) every `poll` until the job ends; returns the new item.
    pub async fn wait_copy(&self, monitor: &str, poll: Duration) -> Result<DriveItem> {
        self.wait_copy_on(monitor, poll, None).await
    }

    /// [`GraphClient::wait_copy`] for a copy into drive `drive` (`None`: this client's).
    async fn wait_copy_on(
        &self,
        monitor: &str,
        poll: Duration,
        drive: Option<&str>,
    ) -> Result<DriveItem> {
        loop {
            let resp = self.send_unauthenticated(|http| http.get(monitor)).await?;
            if resp.status().is_redirection() {
                let loc = resp
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
                    .ok_or_else(|| Error::decode("copy monitor", "redirect without Location"))?;
                return self.get_json(&loc).await;
            }
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
                _ => tokio::time::sleep(poll).await,
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
        let (source, name) = self.copy_source(item, new_name).await?;
        let monitor = self.post_copy(&source, parent, name.as_deref()).await?;
        let (parent_id, drive) = destination(parent)?;
        let copied = self
            .wait_copy_on(&monitor, Duration::from_millis(200), drive)
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
