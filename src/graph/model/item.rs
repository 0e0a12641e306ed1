//! `driveItem` and its facets (graph-api.md §2), and the one place that decides whether a
//! name the server sent can become a local file name.

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
    /// True for folders: the root, folders, and shortcuts to folders on other drives, which
    /// `cd`, listings and walks enter like folders ([`DriveItem::kind`] decides).
    pub fn is_folder(&self) -> bool {
        self.kind().is_folder()
    }

    /// True for files, flagged ones included, here or on another drive ([`DriveItem::kind`]
    /// decides; whether the content can be downloaded is [`crate::ItemKind::is_downloadable`]).
    pub fn is_file(&self) -> bool {
        matches!(
            self.kind(),
            super::ItemKind::File | super::ItemKind::Flagged
        )
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
