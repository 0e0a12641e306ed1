//! The JSON shapes of graph-api.md §2 and §13: driveItem (ids, eTag/cTag, parentReference,
//! hashes, folder size and childCount, downloadUrl, `createdBy`/`lastModifiedBy`, and the
//! facets of the other kinds: `package`, `remoteItem`, `malware`) in each profile's form, and
//! `$select`. Rendered here as JSON rather than through the client's model types, so the
//! emulator says what the service says whatever the client reads.

use base64::Engine;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Shared;
use super::drives::{identity, user};
use super::ids::{Profile, guid};
use super::store::{Node, Store};

/// The quota of every emulated drive: 25 GiB, the free SkyDrive of the seed README (`quota: 25.0G`).
pub(crate) const QUOTA_TOTAL: u64 = 25 * 1024 * 1024 * 1024;

/// Which answer an item is rendered for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Form {
    /// GET, listings, uploads.
    Plain,
    /// Delta: no `parentReference.path` (graph-api.md §8).
    Delta,
}

/// The eTag of item `n` (business: `"{GUID},N"` with its quotes).
pub(crate) fn etag(s: &Store, node: &Node) -> String {
    match s.profile {
        Profile::Personal => {
            let b64 = base64::engine::general_purpose::STANDARD;
            format!(
                "a{}",
                b64.encode(format!("{}.{}", s.id_of(node.n), node.seq))
            )
        }
        Profile::Business => format!("\"{{{}}},{}\"", item_guid(s, node), node.seq),
    }
}

/// The cTag of item `n`; business folders have none.
pub(crate) fn ctag(s: &Store, node: &Node) -> Option<String> {
    match s.profile {
        Profile::Personal => {
            let b64 = base64::engine::general_purpose::STANDARD;
            Some(format!(
                "a{}",
                b64.encode(format!("t:{}.{}", s.id_of(node.n), node.cseq))
            ))
        }
        Profile::Business if node.is_file() => {
            Some(format!("\"c:{{{}}},{}\"", item_guid(s, node), node.cseq))
        }
        Profile::Business => None,
    }
}

/// Whether a client's `If-Match`/`If-None-Match` value names this tag (quotes ignored).
pub(crate) fn tag_matches(want: &str, tag: &str) -> bool {
    want.trim().trim_matches('"') == tag.trim_matches('"')
}

fn item_guid(s: &Store, node: &Node) -> String {
    let drive = s.drives.get(node.drive).map_or("", |d| d.id.as_str());
    guid(&[drive, &node.n.to_string()])
}

/// The driveItem of number `n` (`None` when it does not exist).
pub(crate) fn item(shared: &Shared, s: &Store, n: u64, form: Form) -> Option<Value> {
    let node = s.get(n)?;
    let p = s.profile;
    let mut v = json!({
        "id": s.id_of(n),
        "name": node.name,
        "size": s.size(node.remote().unwrap_or(n)),
        "eTag": etag(s, node),
        "createdDateTime": node.created.show(p),
        "lastModifiedDateTime": node.modified.show(p),
        "webUrl": web_url(s, n),
    });
    // Nested values are moved in: `json!` would copy them (it serializes what it is given),
    // and every item of every page is made here.
    v["fileSystemInfo"] = fs_info(p, node);
    v["createdBy"] = identity(s, node.by[0]);
    v["lastModifiedBy"] = identity(s, node.by[1]);
    v["parentReference"] = parent_ref(s, node, form);
    if let Some(c) = ctag(s, node) {
        v["cTag"] = json!(c);
    }
    facets(shared, s, node, &mut v);
    Some(v)
}

/// The facets saying what the item is.
fn facets(shared: &Shared, s: &Store, node: &Node, v: &mut Value) {
    if let Some(blob) = &node.blob {
        let mut hashes = json!({"quickXorHash": blob.quick_xor()});
        if let (Profile::Personal, Some(sha)) = (s.profile, blob.sha256()) {
            hashes["sha256Hash"] = json!(sha);
        }
        v["file"] = json!({"mimeType": mime_type(&node.name), "hashes": hashes});
        v["@microsoft.graph.downloadUrl"] = json!(download_url(shared, node.n));
    } else if let Some(kind) = node.package() {
        v["package"] = json!({"type": kind});
    } else if let Some(target) = node.remote() {
        v["remoteItem"] = remote_item(s, target);
    } else {
        v["folder"] = json!({"childCount": node.children.len()});
        if node.parent.is_none() {
            v["root"] = json!({});
        }
    }
    if let Some(name) = node.special() {
        v["specialFolder"] = json!({"name": name});
    }
    if let Some(d) = node.malware() {
        v["malware"] = json!({"description": d});
    }
}

/// The `remoteItem` facet describing item `target` on its own drive (shortcuts, shared
/// items): its kind, and a `parentReference` whose drive id is lower case without leading
/// zeros (graph-api.md §1.1).
pub(crate) fn remote_item(s: &Store, target: u64) -> Value {
    let Some(node) = s.get(target) else {
        return Value::Null;
    };
    let Some(drive) = s.drives.get(node.drive) else {
        return Value::Null;
    };
    let mut drive_id = drive.id.clone();
    if s.profile == Profile::Personal {
        drive_id = drive_id.to_lowercase().trim_start_matches('0').to_owned();
    }
    let mut r = json!({
        "id": s.id_of(target),
        "name": node.name,
        "size": s.size(target),
        "webUrl": web_url(s, target),
        "fileSystemInfo": fs_info(s.profile, node),
        "createdBy": identity(s, node.by[0]),
        "lastModifiedBy": identity(s, node.by[1]),
        "parentReference": {"driveId": drive_id, "driveType": drive.kind},
        "shared": {"owner": identity(s, drive.owner), "scope": "users"},
    });
    if let Some(p) = node.parent {
        r["parentReference"]["id"] = json!(s.id_of(p));
    }
    if let Some(blob) = &node.blob {
        r["file"] = json!({"mimeType": mime_type(&node.name),
            "hashes": {"quickXorHash": blob.quick_xor()}});
    } else if let Some(kind) = node.package() {
        r["package"] = json!({"type": kind});
    } else {
        r["folder"] = json!({"childCount": node.children.len()});
    }
    r
}

fn fs_info(p: Profile, node: &Node) -> Value {
    json!({"createdDateTime": node.fs_created.show(p),
        "lastModifiedDateTime": node.fs_modified.show(p)})
}

/// `parentReference`: a root has only the drive; delta answers carry no `path`.
fn parent_ref(s: &Store, node: &Node, form: Form) -> Value {
    let Some(drive) = s.drives.get(node.drive) else {
        return Value::Null;
    };
    // Personal: the signed-in user's drive in lower case, another user's (a shared folder
    // queried on its own drive) in upper case (see `super::ids`).
    let drive_id = match s.profile {
        Profile::Personal if drive.owner == 0 => drive.id.to_lowercase(),
        _ => drive.id.clone(),
    };
    let mut r = json!({"driveId": drive_id, "driveType": drive.kind});
    if drive.kind == "documentLibrary" {
        r["siteId"] = json!(super::drives::SITE_ID);
    }
    let Some(p) = node.parent else {
        return r;
    };
    r["id"] = json!(s.id_of(p));
    if let Some(pn) = s.get(p).filter(|pn| pn.parent.is_some()) {
        r["name"] = json!(pn.name);
    }
    if form == Form::Plain {
        r["path"] = json!(path_of(s, p));
    }
    r
}

/// The `parentReference.path` form of item `n`: `/drive/root:/A/B` on the signed-in user's
/// personal drive, `/drives/{id}/root:/A/B` elsewhere.
pub(crate) fn path_of(s: &Store, n: u64) -> String {
    let names = s.names_of(n);
    let drive = s.drive_of(n);
    let prefix = match drive {
        Some(d) if s.profile == Profile::Personal && d.owner == 0 => "/drive/root:".to_owned(),
        Some(d) if s.profile == Profile::Personal => {
            format!("/drives/{}/root:", d.id.to_lowercase())
        }
        Some(d) => format!("/drives/{}/root:", d.id),
        None => "/drive/root:".to_owned(),
    };
    if names.is_empty() {
        prefix
    } else {
        format!("{prefix}/{}", names.join("/"))
    }
}

fn web_url(s: &Store, n: u64) -> String {
    match s.profile {
        Profile::Personal => format!("https://onedrive.live.com/redir?resid={}", s.id_of(n)),
        Profile::Business => {
            let owner = s.drive_of(n).map_or(0, |d| d.owner);
            let names: Vec<String> = s
                .names_of(n)
                .iter()
                .map(|x| {
                    percent_encoding::utf8_percent_encode(x, percent_encoding::NON_ALPHANUMERIC)
                        .to_string()
                })
                .collect();
            format!(
                "https://example-my.sharepoint.com/personal/{}/Documents/{}",
                user(s, owner).mail.replace(['@', '.'], "_"),
                names.join("/")
            )
        }
    }
}

/// The item as JSON, cut down to `select` (comma list) when given.
pub(crate) fn item_value(shared: &Shared, s: &Store, n: u64, select: Option<&str>) -> Value {
    apply_select(
        item(shared, s, n, Form::Plain).unwrap_or(Value::Null),
        select,
    )
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
        tempauth(shared, &n.to_string())
    )
}

/// The signature that makes a content URL for `what` valid.
pub(crate) fn tempauth(shared: &Shared, what: &str) -> String {
    let digest = Sha256::digest(format!("{}:{what}", shared.secret).as_bytes());
    super::ids::hex(&digest[..16])
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
        Some("one") => "application/msonenote",
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
        assert!(tag_matches("\"{A},1\"", "\"{A},1\""));
        assert!(tag_matches("aXYZ", "aXYZ"));
    }
}
