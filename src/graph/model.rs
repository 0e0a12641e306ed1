//! Serde types for the Graph resources we use (graph-api.md §2, §8).
//!
//! The same types serve the client (decoding) and the emulator (encoding), so the two cannot
//! drift apart. Unknown fields are ignored on input; absent optional fields are omitted on
//! output, as Graph does.

use serde::{Deserialize, Serialize};

mod item;
mod kind;

pub use item::{DriveItem, FileFacet, FileSystemInfo, FolderFacet, Hashes, ItemReference};
pub use kind::{ItemKind, RemoteTarget, drive_key, same_drive};

/// A drive (`/me/drive`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Drive {
    /// Drive id.
    pub id: String,
    /// `personal`, `business` or `documentLibrary`.
    #[serde(default)]
    pub drive_type: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Owner identity set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<serde_json::Value>,
    /// Storage quota.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota: Option<Quota>,
    /// Browser URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_url: Option<String>,
}

/// Storage quota of a drive, in bytes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Quota {
    /// Total space.
    #[serde(default)]
    pub total: u64,
    /// Used space.
    #[serde(default)]
    pub used: u64,
    /// Free space.
    #[serde(default)]
    pub remaining: u64,
    /// Space used by the recycle bin.
    #[serde(default)]
    pub deleted: u64,
    /// `normal`, `nearing`, `critical` or `exceeded`.
    #[serde(default)]
    pub state: String,
}

/// A sharing permission (`createLink` answer, `/permissions` entries).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Permission {
    /// Permission id.
    #[serde(default)]
    pub id: String,
    /// `read`, `write`, `owner`, ...
    #[serde(default)]
    pub roles: Vec<String>,
    /// The sharing link, for link permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<SharingLink>,
    /// Share id (`s!...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_id: Option<String>,
    /// Whether the link needs a password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_password: Option<bool>,
    /// Expiry (RFC 3339), when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_date_time: Option<String>,
}

/// The `link` of a sharing permission.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SharingLink {
    /// `view`, `edit` or `embed`.
    #[serde(rename = "type", default)]
    pub link_type: String,
    /// `anonymous`, `organization` or `users`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The URL to share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_url: Option<String>,
    /// HTML to embed (embed links only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_html: Option<String>,
}

/// An upload session (`createUploadSession` answer, fragment 202 answers, status GET).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadSession {
    /// Pre-authenticated URL for the fragments; never send a token to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_url: Option<String>,
    /// When the session expires (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_date_time: Option<String>,
    /// Ranges the server still needs, e.g. `["26-"]` or `["0-99", "200-"]`.
    #[serde(default)]
    pub next_expected_ranges: Vec<String>,
}

/// Status of an async job such as a copy (the monitor URL's answer).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AsyncJobStatus {
    /// `ItemCopy`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// 0 to 100.
    #[serde(default)]
    pub percentage_complete: f64,
    /// `notStarted`, `inProgress`, `completed`, `failed`, ...
    #[serde(default)]
    pub status: String,
    /// Id of the new item once completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// Error code on failure (undocumented but seen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
}

/// The signed-in user (`GET /me`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// User id.
    #[serde(default)]
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Sign-in name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_principal_name: Option<String>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail: Option<String>,
}

/// An item of a paged collection, with the key that tells one item from another (its `id`),
/// so that paging can tell a page that brings nothing new ([`crate::GraphClient::pages`]).
pub trait PageItem {
    /// The item's identity within its collection.
    fn page_key(&self) -> &str;
}

impl PageItem for DriveItem {
    fn page_key(&self) -> &str {
        &self.id
    }
}

impl PageItem for Drive {
    fn page_key(&self) -> &str {
        &self.id
    }
}

impl PageItem for Permission {
    fn page_key(&self) -> &str {
        &self.id
    }
}

/// One page of a collection answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Page<T> {
    /// The items of this page.
    #[serde(default = "Vec::new")]
    pub value: Vec<T>,
    /// Absolute URL of the next page, to follow verbatim.
    #[serde(
        rename = "@odata.nextLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_link: Option<String>,
    /// Delta only: the URL to call for later changes.
    #[serde(
        rename = "@odata.deltaLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub delta_link: Option<String>,
}

/// Graph's error envelope: `{"error": {...}}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Graph's error object; `innerError` and `innererror` are both accepted.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetail {
    /// Top-level code (`itemNotFound`, ...).
    #[serde(default)]
    pub code: String,
    /// Human-readable message.
    #[serde(default)]
    pub message: String,
    /// Nested, more specific error.
    #[serde(default, alias = "innererror", skip_serializing_if = "Option::is_none")]
    pub inner_error: Option<Box<InnerError>>,
}

/// A nested error with optional more specific code and diagnostics.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InnerError {
    /// More specific code, when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Server date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Request id.
    #[serde(
        rename = "request-id",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub request_id: Option<String>,
    /// Deeper error.
    #[serde(default, alias = "innererror", skip_serializing_if = "Option::is_none")]
    pub inner_error: Option<Box<InnerError>>,
}

impl ErrorDetail {
    /// The most specific code in the chain of inner errors.
    pub fn most_specific_code(&self) -> &str {
        let mut code = self.code.as_str();
        let mut inner = self.inner_error.as_deref();
        while let Some(e) = inner {
            if let Some(c) = e.code.as_deref() {
                code = c;
            }
            inner = e.inner_error.as_deref();
        }
        code
    }

    /// The request id, from the first inner error that has one.
    pub fn request_id(&self) -> Option<&str> {
        let mut inner = self.inner_error.as_deref();
        while let Some(e) = inner {
            if let Some(id) = e.request_id.as_deref() {
                return Some(id);
            }
            inner = e.inner_error.as_deref();
        }
        None
    }
}

#[cfg(test)]
mod tests;
