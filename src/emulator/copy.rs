//! Async copy (graph-api.md §6): `POST .../copy` answers 202 with a monitor URL on the content
//! listener; the copy runs in a task (blobs are duplicated on disk). The monitor reports
//! `inProgress` on its first poll and `completed` with `resourceId` once done, so clients
//! exercise their polling loop. [`super::CopyMonitor`] makes it stall, move slowly, ask for
//! waits or vanish, so that a client's wait on it can be shown bounded and visible.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Body;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::IntoResponse;
use serde_json::Value;

use super::Shared;
use super::blob::Blob;
use super::drives::{check, select};
use super::faults::{CopyMonitor, retry_after_value};
use super::items::{check_conflict, resolve};
use super::names::check_name;
use super::path::{DriveSel, ItemPath};
use super::resp::{ApiError, ApiResult, ErrorHeaders, json_response, random_hex};
use super::routes::{Ctx, json_body};
use super::store::Store;
use crate::graph::model::AsyncJobStatus;

/// A copy job's state.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    result: Option<Result<String, String>>,
    polls: u32,
}

/// One item of the copied tree: index of its parent entry, name, content. Only files and
/// folders are copied: a notebook's sections come along as a folder of files, a shortcut as
/// an empty folder.
type Entry = (Option<usize>, String, Option<Blob>);

/// `POST .../copy` (conflictBehavior from the query, default `fail`).
pub(crate) async fn start(shared: &Arc<Shared>, ctx: &Ctx, p: &ItemPath, body: Body) -> ApiResult {
    let body = json_body(body).await?;
    let src = resolve(shared, p)?;
    let conflict = check_conflict(ctx.q("@microsoft.graph.conflictBehavior").unwrap_or("fail"))?;
    let (parent, name) = {
        let s = shared.lock_store();
        let node = s.node(src)?;
        let target = body.get("parentReference");
        let drive = match target
            .and_then(|r| r.get("driveId"))
            .and_then(Value::as_str)
        {
            Some(d) => select(&s, &DriveSel::Id(d.to_owned()), p.user)?,
            None => node.drive,
        };
        let parent = match target.and_then(|r| r.get("id")).and_then(Value::as_str) {
            Some(id) => s.parse_id(drive, id).ok_or_else(ApiError::not_found)?,
            None => node
                .parent
                .ok_or_else(|| ApiError::bad_request("The root cannot be copied"))?,
        };
        let name = body
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(&node.name)
            .to_owned();
        if !s.node(parent)?.is_container() || s.is_within(parent, src) {
            return Err(ApiError::bad_request("The copy target folder is invalid"));
        }
        check(&s, p.user, parent, true)?;
        if conflict == "fail" && s.child(parent, &name).is_some() {
            return Err(ApiError::name_exists(&name));
        }
        check_name(s.profile, &name)?;
        (parent, name)
    };
    let job = random_hex(16);
    jobs(shared).insert(
        job.clone(),
        Job {
            result: None,
            polls: 0,
        },
    );
    let (shared2, job2, user) = (shared.clone(), job.clone(), p.user);
    tokio::spawn(async move {
        let result = run(&shared2, src, (parent, user), &name, &conflict).await;
        if let Some(j) = jobs(&shared2).get_mut(&job2) {
            j.result = Some(result);
        }
    });
    let location = format!("{}/monitor/{job}", shared.urls.content_origin);
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)]).into_response())
}

fn jobs(shared: &Shared) -> std::sync::MutexGuard<'_, HashMap<String, Job>> {
    shared.jobs.lock().unwrap_or_else(|p| p.into_inner())
}

/// Copies the tree at `src` into `parent` as `name`; returns the new item's id or an error code.
async fn run(
    shared: &Shared,
    src: u64,
    (parent, user): (u64, usize),
    name: &str,
    conflict: &str,
) -> Result<String, String> {
    let entries = snapshot(shared, src, name)?;
    let copied = duplicate_all(shared, entries).await?;
    let res = shared.mutate_as(user, |s| place(s, &copied, parent, conflict));
    let doomed: Vec<Blob> = match &res {
        Ok((_, old)) => old.clone(),
        Err(_) => copied.into_iter().filter_map(|e| e.2).collect(),
    };
    shared.blobs.remove_all(doomed);
    res.map(|(id, _)| id).map_err(str::to_owned)
}

/// The tree below `src`, parents first, with the top renamed to `name`.
fn snapshot(shared: &Shared, src: u64, name: &str) -> Result<Vec<Entry>, String> {
    let s = shared.lock_store();
    let mut index = HashMap::from([(src, 0usize)]);
    let root = s.get(src).ok_or("itemNotFound")?;
    let mut out: Vec<Entry> = vec![(None, name.to_owned(), root.blob.clone())];
    for d in s.descendants(src) {
        let node = s.get(d).ok_or("itemNotFound")?;
        let p = node.parent.and_then(|p| index.get(&p).copied());
        index.insert(d, out.len());
        out.push((p, node.name.to_string(), node.blob.clone()));
    }
    Ok(out)
}

/// Gives every file of the tree its own copy of the content (removed again on failure).
async fn duplicate_all(shared: &Shared, entries: Vec<Entry>) -> Result<Vec<Entry>, String> {
    let mut copied: Vec<Entry> = Vec::with_capacity(entries.len());
    for (p, name, blob) in entries {
        let blob = match blob {
            Some(b) => match shared.blobs.duplicate(&b).await {
                Ok(b) => Some(b),
                Err(_) => {
                    shared
                        .blobs
                        .remove_all(copied.into_iter().filter_map(|e| e.2));
                    return Err("generalException".into());
                }
            },
            None => None,
        };
        copied.push((p, name, blob));
    }
    Ok(copied)
}

/// Inserts the copied tree under `parent`; returns the new id and the blobs replaced.
fn place(
    s: &mut Store,
    copied: &[Entry],
    parent: u64,
    conflict: &str,
) -> Result<(String, Vec<Blob>), &'static str> {
    let first = copied.first().map(|e| e.1.clone()).unwrap_or_default();
    let mut old = Vec::new();
    let top_name = match (s.child(parent, &first), conflict) {
        (None, _) => first,
        (Some(_), "rename") => s.free_name(parent, &first),
        (Some(existing), "replace") => {
            old = s.remove(existing);
            first
        }
        (Some(_), _) => return Err("nameAlreadyExists"),
    };
    let mut made: Vec<u64> = Vec::with_capacity(copied.len());
    for (p, name, blob) in copied {
        let (under, name) = match p.and_then(|pi| made.get(pi).copied()) {
            None => (parent, top_name.as_str()),
            Some(under) => (under, name.as_str()),
        };
        made.push(s.insert(under, name, blob.clone()));
    }
    let top = made.first().copied().ok_or("itemNotFound")?;
    Ok((s.id_of(top), old))
}

/// `GET /monitor/{id}` on the content listener, answered as [`Faults::copy_monitor`] says.
///
/// [`Faults::copy_monitor`]: super::Faults::copy_monitor
pub(crate) fn monitor(shared: &Shared, m: &Method, id: &str) -> ApiResult {
    if m != Method::GET {
        return Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "invalidRequest",
            "Use GET",
        ));
    }
    let faults = shared.faults.get();
    let (result, polls) = {
        let mut jobs = jobs(shared);
        let job = jobs.get_mut(id).ok_or_else(ApiError::not_found)?;
        job.polls += 1;
        (job.result.clone(), job.polls)
    };
    let retry_after = || retry_after_value(&faults.retry_after, SystemTime::now());
    let (answer, retry_after) = match (faults.copy_monitor, polls) {
        (CopyMonitor::Stall, _) => (Answer::Running("inProgress", 50.0), None),
        (CopyMonitor::Slow, 1) => (Answer::Running("notStarted", 0.0), None),
        (CopyMonitor::Slow, 2..5) => (
            Answer::Running("inProgress", f64::from(polls - 1) * 25.0),
            None,
        ),
        (CopyMonitor::Busy, 1) => {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "serviceNotAvailable",
                "The service is temporarily unavailable.",
            )
            .with_headers(ErrorHeaders {
                retry_after: Some(retry_after()),
                ..ErrorHeaders::default()
            }));
        }
        (CopyMonitor::Busy, 2) => (Answer::Running("inProgress", 50.0), Some(retry_after())),
        (CopyMonitor::Gone, 2..) if result.is_some() => return Err(ApiError::not_found()),
        (_, 1) => (Answer::Running("inProgress", 50.0), None),
        _ => (Answer::Ended(result), None),
    };
    let mut resp = answer.render();
    if let Some(v) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    Ok(resp)
}

/// What a monitor poll reports.
enum Answer {
    /// The job runs: its status (`notStarted`, `inProgress`) and percentage.
    Running(&'static str, f64),
    /// The job's result, once there is one (`None`: it still runs).
    Ended(Option<Result<String, String>>),
}

impl Answer {
    /// The monitor's answer: `202` with the status while the job runs, `200` once it ended.
    fn render(self) -> axum::response::Response {
        let mut st = AsyncJobStatus {
            operation: Some("ItemCopy".into()),
            ..AsyncJobStatus::default()
        };
        let code = match self {
            Answer::Ended(Some(Ok(id))) => {
                st.status = "completed".into();
                st.percentage_complete = 100.0;
                st.resource_id = Some(id);
                StatusCode::OK
            }
            Answer::Ended(Some(Err(code))) => {
                st.status = "failed".into();
                st.error_code = Some(code);
                StatusCode::OK
            }
            Answer::Ended(None) => return Answer::Running("inProgress", 50.0).render(),
            Answer::Running(status, percent) => {
                st.status = status.into();
                st.percentage_complete = percent;
                StatusCode::ACCEPTED
            }
        };
        json_response(code, &st)
    }
}
