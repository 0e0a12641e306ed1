//! Serde types for the Graph resources we use (graph-api.md §2, §8).
//!
//! The same types serve the client (decoding) and the emulator (encoding), so the two cannot
//! drift apart. Unknown fields are ignored on input; absent optional fields are omitted on
//! output, as Graph does.

use serde::{Deserialize, Serialize};

/// A file, folder or other item in a drive (`driveItem`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DriveItem {
    /// Drive-unique, opaque id (personal form `{DRIVEID}!{n}`).
    pub id: String,
    /// Name, unique in its folder ignoring case.
    #[serde(default)]
    pub name: String,
    /// Bytes; for folders the sum of all descendants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Changes on any change of the item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e_tag: Option<String>,
    /// Changes when the content changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub c_tag: Option<String>,
    /// Service-side creation time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date_time: Option<String>,
    /// Service-side modification time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_date_time: Option<String>,
    /// Browser URL of the item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_url: Option<String>,
    /// Where the item lives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_reference: Option<ItemReference>,
    /// Present on files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<FileFacet>,
    /// Present on folders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder: Option<FolderFacet>,
    /// Present (empty) on the drive's root only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<serde_json::Value>,
    /// Client-settable times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_system_info: Option<FileSystemInfo>,
    /// Present on images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<serde_json::Value>,
    /// Present on photos.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<serde_json::Value>,
    /// OneNote packages and the like: neither file nor folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<serde_json::Value>,
    /// The item lives in another drive (shared items).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_item: Option<Box<DriveItem>>,
    /// Present on removed items in delta answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<serde_json::Value>,
    /// Present on special folders (`documents`, `photos`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub special_folder: Option<serde_json::Value>,
    /// Free-text description (personal drives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Sharing state (`owner`, `scope`, `sharedBy`, `sharedDateTime`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared: Option<serde_json::Value>,
    /// Who created the item (identity set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<serde_json::Value>,
    /// Who last changed the item (identity set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_by: Option<serde_json::Value>,
    /// Present on search results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_result: Option<serde_json::Value>,
    /// Present on videos.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<serde_json::Value>,
    /// Present on audio files (personal drives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<serde_json::Value>,
    /// Geographic location, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<serde_json::Value>,
    /// Present when malware was detected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub malware: Option<serde_json::Value>,
    /// WebDAV URL of the item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_dav_url: Option<String>,
    /// Pre-authenticated content URL; never send a token to it.
    #[serde(
        rename = "@microsoft.graph.downloadUrl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub download_url: Option<String>,
}

impl DriveItem {
    /// True for folders (and the root).
    pub fn is_folder(&self) -> bool {
        self.folder.is_some() || self.root.is_some()
    }

    /// True for files.
    pub fn is_file(&self) -> bool {
        self.file.is_some()
    }

    /// The item's name when it is usable as one local path component; otherwise an
    /// [`ErrorKind::UnsafeName`](crate::ErrorKind::UnsafeName) naming it. OneDrive never
    /// sends such names (graph-api.md §1.4), so a refusal means a broken or hostile server;
    /// callers that build local paths from remote names must ask here first, so that no name
    /// can climb out of (`..`, `/etc/x`) or hide in (`a\b`, control characters) the target
    /// folder.
    pub fn local_name(&self) -> crate::Result<&str> {
        let reason = match self.name.as_str() {
            "" => Some("the name is empty"),
            "." | ".." => Some("the name is a relative folder reference"),
            n if n.contains(['/', '\\']) => Some("the name contains a path separator"),
            n if n.contains('\0') => Some("the name contains a NUL byte"),
            n if n.chars().any(char::is_control) => Some("the name contains control characters"),
            _ => None,
        };
        match reason {
            None => Ok(&self.name),
            Some(r) => Err(crate::ErrorKind::UnsafeName {
                name: self.name.clone(),
                reason: format!("{r}; refused as a local file name"),
            }
            .into()),
        }
    }

    /// The base64 quickXorHash, when the server reported one.
    pub fn quick_xor_hash(&self) -> Option<&str> {
        self.file
            .as_ref()?
            .hashes
            .as_ref()?
            .quick_xor_hash
            .as_deref()
    }
}

/// A pointer to an item (`itemReference`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemReference {
    /// Drive id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drive_id: Option<String>,
    /// `personal`, `business` or `documentLibrary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drive_type: Option<String>,
    /// Item id (absent on the root's parent reference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Name of the referenced item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `/drive/root:/A/B` (unencoded names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// The `file` facet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileFacet {
    /// Server-derived MIME type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Content hashes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hashes: Option<Hashes>,
}

/// Content hashes of a file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hashes {
    /// Base64 QuickXorHash (all drive types).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quick_xor_hash: Option<String>,
    /// Uppercase hex SHA-256 (personal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256_hash: Option<String>,
    /// Uppercase hex SHA-1 (deprecated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha1_hash: Option<String>,
}

/// The `folder` facet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FolderFacet {
    /// Number of direct children.
    #[serde(default)]
    pub child_count: u64,
}

/// Client-settable timestamps.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileSystemInfo {
    /// Creation time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date_time: Option<String>,
    /// Modification time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_date_time: Option<String>,
}

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
mod tests {
    use super::*;

    #[test]
    fn error_body_accepts_both_inner_error_spellings() {
        let a: ErrorBody = serde_json::from_str(
            r#"{"error":{"code":"invalidRequest","message":"m","innererror":{"code":"pathIsTooLong"}}}"#,
        )
        .unwrap();
        assert_eq!(a.error.most_specific_code(), "pathIsTooLong");
        let b: ErrorBody = serde_json::from_str(
            r#"{"error":{"code":"itemNotFound","message":"m","innerError":{"date":"d","request-id":"r1"}}}"#,
        )
        .unwrap();
        assert_eq!(b.error.most_specific_code(), "itemNotFound");
        assert_eq!(b.error.request_id(), Some("r1"));
    }

    #[test]
    fn only_plain_names_are_local_names() {
        let named = |n: &str| DriveItem {
            name: n.into(),
            ..Default::default()
        };
        for bad in [
            "", ".", "..", "../x", "a/b", "a\\b", "/etc/x", "a\0", "a\x1b[2J", "a\r",
        ] {
            assert!(named(bad).local_name().is_err(), "{bad:?}");
        }
        for good in ["a", "..a", "a b.txt", "é", ".hidden"] {
            assert_eq!(named(good).local_name().unwrap(), good);
        }
    }

    #[test]
    fn drive_item_ignores_unknown_fields_and_reads_download_url() {
        let item: DriveItem = serde_json::from_str(
            r#"{"id":"A!1","name":"a.txt","size":3,"file":{"hashes":{"quickXorHash":"x"}},
               "unknownFacet":{"x":1},"@microsoft.graph.downloadUrl":"http://127.0.0.1/d"}"#,
        )
        .unwrap();
        assert!(item.is_file() && !item.is_folder());
        assert_eq!(item.quick_xor_hash(), Some("x"));
        assert_eq!(item.download_url.as_deref(), Some("http://127.0.0.1/d"));
    }
}
