//! Users, drives and who may touch what (graph-api.md §1.1, §8, §13).
//!
//! Three identities: the signed-in user ([`ME`]), a second user ([`OTHER`]) who shares
//! folders with them, and on business a SharePoint site ([`SITE`]) whose document library the
//! signed-in user may write. A request acts as the user its token belongs to (the second
//! user's token: [`super::Emulator::other_user_token`]). A user may read and write their own
//! drives; on someone else's drive only what a [`Grant`](super::store::Grant) covers (403
//! `accessDenied` otherwise, and for writes under a read-only grant).

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::ids::{self, Profile};
use super::path::DriveSel;
use super::render::QUOTA_TOTAL;
use super::resp::ApiError;
use super::store::Store;

/// The signed-in user.
pub(crate) const ME: usize = 0;
/// The second user, who shares two folders with [`ME`].
pub(crate) const OTHER: usize = 1;
/// The SharePoint site owning the document library (business only).
pub(crate) const SITE: usize = 2;

/// The id of the emulated site (`/sites/{id}/drive`).
pub(crate) const SITE_ID: &str = "example.sharepoint.com,3f1a2b4c-5d6e-4f70-8192-a3b4c5d6e7f8,0a1b2c3d-4e5f-4061-8293-a4b5c6d7e8f9";

/// A user's id, display name and mail.
pub(crate) struct User {
    pub(crate) id: String,
    pub(crate) name: &'static str,
    pub(crate) mail: &'static str,
}

/// User `i` of a world of profile `p`.
pub(crate) fn user(s: &Store, i: usize) -> User {
    let (name, mail) = match i {
        ME => ("Demo User", "demo@example.invalid"),
        OTHER => ("Robin Example", "robin@example.invalid"),
        _ => ("Team Site", "team@example.invalid"),
    };
    let id = match s.profile {
        // Personal user ids are the owner's drive id in lower case (the "cid").
        Profile::Personal => s
            .drives
            .iter()
            .find(|d| d.owner == i)
            .map(|d| d.id.to_lowercase())
            .unwrap_or_default(),
        Profile::Business => ids::guid(&["user", &i.to_string()]).to_lowercase(),
    };
    User { id, name, mail }
}

/// The identitySet of user `i` (`createdBy`, `lastModifiedBy`, `owner`).
pub(crate) fn identity(s: &Store, i: usize) -> Value {
    let u = user(s, i);
    match s.profile {
        Profile::Personal => json!({"user": {"id": u.id, "displayName": u.name}}),
        Profile::Business => json!({"user": {"id": u.id, "displayName": u.name, "email": u.mail}}),
    }
}

/// `GET /me`.
pub(crate) fn me(s: &Store, i: usize) -> Value {
    let u = user(s, i);
    json!({"id": u.id, "displayName": u.name, "userPrincipalName": u.mail, "mail": u.mail})
}

/// The drive a request addresses, for user `user`; `404 itemNotFound` for unknown drives.
pub(crate) fn select(s: &Store, sel: &DriveSel, user: usize) -> Result<usize, ApiError> {
    let found = match sel {
        DriveSel::Me => s
            .drives
            .iter()
            .position(|d| d.owner == user && d.kind != "documentLibrary"),
        DriveSel::Id(id) => s.drives.iter().position(|d| ids::same_drive(&d.id, id)),
        DriveSel::Site(id) => s
            .drives
            .iter()
            .position(|d| d.kind == "documentLibrary")
            .filter(|_| id.eq_ignore_ascii_case(SITE_ID) || id == "root"),
        DriveSel::User(id) => (0..=OTHER)
            .find(|i| user_matches(s, *i, id))
            .and_then(|i| s.drives.iter().position(|d| d.owner == i)),
    };
    found.ok_or_else(ApiError::not_found)
}

fn user_matches(s: &Store, i: usize, id: &str) -> bool {
    let u = user(s, i);
    u.id.eq_ignore_ascii_case(id) || u.mail.eq_ignore_ascii_case(id)
}

/// Whether `user` may read (or, with `write`, change) item `n`.
pub(crate) fn allowed(s: &Store, user: usize, n: u64, write: bool) -> bool {
    if s.drive_of(n).is_some_and(|d| d.owner == user) {
        return true;
    }
    s.grants
        .iter()
        .any(|g| g.user == user && (g.write || !write) && s.is_within(n, g.item))
}

/// [`allowed`], or `403 accessDenied`.
pub(crate) fn check(s: &Store, user: usize, n: u64, write: bool) -> Result<(), ApiError> {
    if allowed(s, user, n, write) {
        return Ok(());
    }
    let msg = if write && allowed(s, user, n, false) {
        "You have read-only access to this item."
    } else {
        "Access denied. You do not have permission to perform this action or access this resource."
    };
    Err(ApiError::new(StatusCode::FORBIDDEN, "accessDenied", msg))
}

/// The drive id as the drive resource shows it (personal: lower case).
pub(crate) fn shown_id(s: &Store, drive: usize) -> String {
    let id = &s.drives[drive].id;
    match s.profile {
        Profile::Personal => id.to_lowercase(),
        Profile::Business => id.clone(),
    }
}

/// The drive resource with its quota.
pub(crate) fn drive_json(s: &Store, drive: usize) -> Value {
    let d = &s.drives[drive];
    let used = s.size(d.root);
    let remaining = QUOTA_TOTAL.saturating_sub(used);
    let state = match remaining {
        0 => "exceeded",
        r if r < QUOTA_TOTAL / 100 => "critical",
        r if r < QUOTA_TOTAL / 10 => "nearing",
        _ => "normal",
    };
    let id = shown_id(s, drive);
    let mut quota = json!({"total": QUOTA_TOTAL, "used": used, "remaining": remaining,
        "deleted": 0, "state": state});
    let web_url = match s.profile {
        Profile::Personal => format!("https://onedrive.live.com/?cid={id}"),
        Profile::Business if d.kind == "documentLibrary" => {
            "https://example.sharepoint.com/sites/team/Shared%20Documents".to_owned()
        }
        Profile::Business => format!(
            "https://example-my.sharepoint.com/personal/{}/Documents",
            user(s, d.owner).mail.replace(['@', '.'], "_")
        ),
    };
    if s.profile == Profile::Business {
        let files = s.all().filter(|x| x.drive == drive && x.is_file()).count();
        quota["fileCount"] = json!(files);
    }
    json!({"id": id, "driveType": d.kind, "name": d.name, "owner": identity(s, d.owner),
        "quota": quota, "webUrl": web_url})
}

/// `GET /me/drives`: the user's drives, and on business the site library they belong to.
pub(crate) fn list(s: &Store, user: usize) -> Value {
    let value: Vec<Value> = (0..s.drives.len())
        .filter(|i| {
            let d = &s.drives[*i];
            d.owner == user || (user == ME && d.kind == "documentLibrary")
        })
        .map(|i| drive_json(s, i))
        .collect();
    json!({"value": value})
}
