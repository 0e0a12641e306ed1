//! Server-side copies (graph-api.md §6): `POST {item}/copy` answers 202 with a monitor URL
//! (polled without the token) that reports the new item's id once the job is done.
//!
//! A copy may land on another drive than its source (into a folder someone shared with you,
//! or out of one): the destination then names its drive (`parentReference.driveId`), and the
//! new item is fetched on that drive
//! (<https://learn.microsoft.com/en-us/graph/api/driveitem-copy>).

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
    /// drive ([`ItemRef::OnDrive`] without a path, as [`ItemRef::content_of`] gives it).
    pub async fn start_copy_to(
        &self,
        item: &ItemRef,
        parent: &ItemRef,
        new_name: Option<&str>,
    ) -> Result<String> {
        if let Some(n) = new_name {
            check_name(n)?;
        }
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
    /// [`GraphClient::start_copy_to`]).
    pub async fn copy_to(
        &self,
        item: &ItemRef,
        parent: &ItemRef,
        new_name: Option<&str>,
    ) -> Result<DriveItem> {
        let monitor = self.start_copy_to(item, parent, new_name).await?;
        let (parent_id, drive) = destination(parent)?;
        let copied = self
            .wait_copy_on(&monitor, Duration::from_millis(200), drive)
            .await?;
        let asked = Asked {
            parent: Parent::id(parent_id),
            name: new_name,
            conflict: Conflict::Fail,
        };
        asked.check(&copied)?;
        Ok(copied)
    }
}
