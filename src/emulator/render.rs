//! The JSON shapes of graph-api.md §2 and §8: driveItem (ids, eTag/cTag, parentReference with
//! path, hashes, folder size and childCount, downloadUrl), drive with quota, and `$select`.

use base64::Engine;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Shared;
use super::store::{ROOT, Store};
use crate::graph::model::{
    Drive, DriveItem, FileFacet, FileSystemInfo, FolderFacet, Hashes, ItemReference, Quota,
};

/// The quota of every emulated drive: 25 GiB, the free SkyDrive of the seed README (`quota: 25.0G`).
pub(crate) const QUOTA_TOTAL: u64 = 25 * 1024 * 1024 * 1024;

/// The driveItem of number `n` (`None` when it does not exist).
pub(crate) fn item(shared: &Shared, s: &Store, n: u64) -> Option<DriveItem> {
    let node = s.get(n)?;
    let id = s.id_of(n);
    let b64 = |t: String| base64::engine::general_purpose::STANDARD.encode(t);
    let mut item = DriveItem {
        id: id.clone(),
        name: node.name.clone(),
        size: Some(s.size(n)),
        e_tag: Some(format!("a{}", b64(format!("{id}.{}", node.seq)))),
        c_tag: Some(format!("a{}", b64(format!("t:{id}.{}", node.cseq)))),
        created_date_time: Some(node.created.clone()),
        last_modified_date_time: Some(node.modified.clone()),
        web_url: Some(format!("https://onedrive.live.com/redir?resid={id}")),
        file_system_info: Some(FileSystemInfo {
            created_date_time: Some(node.fs_created.clone()),
            last_modified_date_time: Some(node.fs_modified.clone()),
        }),
        special_folder: node.special.as_ref().map(|name| json!({"name": name})),
        ..DriveItem::default()
    };
    let drive_ref = ItemReference {
        drive_id: Some(s.drive_id.to_lowercase()),
        drive_type: Some("personal".into()),
        ..ItemReference::default()
    };
    item.parent_reference = Some(match node.parent {
        Some(p) => ItemReference {
            id: Some(s.id_of(p)),
            name: s.get(p).filter(|_| p != ROOT).map(|pn| pn.name.clone()),
            path: Some(s.path_of(p)),
            ..drive_ref
        },
        None => drive_ref,
    });
    match &node.blob {
        Some(blob) => {
            item.file = Some(FileFacet {
                mime_type: Some(mime_type(&node.name).into()),
                hashes: Some(Hashes {
                    quick_xor_hash: Some(blob.quick_xor.clone()),
                    sha256_hash: Some(blob.sha256.clone()),
                    sha1_hash: None,
                }),
            });
            item.download_url = Some(download_url(shared, n));
        }
        None => {
            item.folder = Some(FolderFacet {
                child_count: node.children.len() as u64,
            });
            if node.parent.is_none() {
                item.root = Some(json!({}));
            }
        }
    }
    Some(item)
}

/// The item as JSON, cut down to `select` (comma list) when given.
pub(crate) fn item_value(shared: &Shared, s: &Store, n: u64, select: Option<&str>) -> Value {
    let v = item(shared, s, n)
        .and_then(|i| serde_json::to_value(i).ok())
        .unwrap_or(Value::Null);
    apply_select(v, select)
}

/// Keeps only the `$select`ed properties (the downloadUrl only when named).
pub(crate) fn apply_select(mut v: Value, select: Option<&str>) -> Value {
    let Some(select) = select else {
        return v;
    };
    let wanted: Vec<String> = select
        .split(',')
        .map(|f| f.trim().to_lowercase())
        .map(|f| match f.as_str() {
            "content.downloadurl" => "@microsoft.graph.downloadurl".to_owned(),
            _ => f,
        })
        .collect();
    if let Value::Object(map) = &mut v {
        map.retain(|k, _| wanted.contains(&k.to_lowercase()));
    }
    v
}

/// The pre-authenticated URL of a file's content (on the content listener).
pub(crate) fn download_url(shared: &Shared, n: u64) -> String {
    format!(
        "{}/download/{n}?tempauth={}",
        shared.urls.content_origin,
        tempauth(shared, n)
    )
}

/// The signature that makes a download URL valid.
pub(crate) fn tempauth(shared: &Shared, n: u64) -> String {
    let digest = Sha256::digest(format!("{}:{n}", shared.secret).as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The drive resource with its quota.
pub(crate) fn drive(s: &Store) -> Drive {
    let used = s.size(ROOT);
    let remaining = QUOTA_TOTAL.saturating_sub(used);
    let state = match remaining {
        0 => "exceeded",
        r if r < QUOTA_TOTAL / 100 => "critical",
        r if r < QUOTA_TOTAL / 10 => "nearing",
        _ => "normal",
    };
    let id = s.drive_id.to_lowercase();
    Drive {
        id: id.clone(),
        drive_type: "personal".into(),
        name: Some("OneDrive".into()),
        owner: Some(json!({"user": {"id": id, "displayName": "Demo User"}})),
        quota: Some(Quota {
            total: QUOTA_TOTAL,
            used,
            remaining,
            deleted: 0,
            state: state.into(),
        }),
        web_url: Some(format!("https://onedrive.live.com/?cid={id}")),
    }
}

/// A server-derived MIME type from the file name.
pub(crate) fn mime_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_lowercase());
    match ext.as_deref() {
        Some("txt" | "md" | "log") => "text/plain",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("pdf") => "application/pdf",
        Some("json") => "application/json",
        Some("html" | "htm") => "text/html",
        Some("zip") => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_keeps_only_named_properties() {
        let v = json!({"id": "1", "name": "a", "@microsoft.graph.downloadUrl": "u", "size": 1});
        let got = apply_select(v.clone(), Some("id,Name"));
        assert_eq!(got, json!({"id": "1", "name": "a"}));
        let got = apply_select(v, Some("id,@microsoft.graph.downloadUrl"));
        assert_eq!(got, json!({"id": "1", "@microsoft.graph.downloadUrl": "u"}));
        assert_eq!(mime_type("X.JPG"), "image/jpeg");
    }
}
