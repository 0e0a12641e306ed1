//! The compact record of the streaming walks ([`Listed`]): a decoded driveItem takes about
//! 1 KiB before its strings (992 bytes of fields), a [`Listed`] 56 bytes and one allocation
//! for all its text, so a folder of 100,000 items or the subtrees in flight of a million-item
//! drive fit in a few MiB each. Its byte form for the index is in `listed/encoding.rs`.

mod encoding;

pub(super) use encoding::{put_varint, take, varint};

use super::record::Record;
use crate::graph::model::{FileFacet, FileSystemInfo, FolderFacet, Hashes, ItemReference};
use crate::graph::{DriveItem, ItemKind, ItemRef, RemoteTarget};

/// What a streaming walk keeps of an item: its name, id and modification time in one string
/// (with, for a download, its quickXorHash and cTag, else eTag), the drive a folder or a
/// downloaded file is on, its size, its [`ItemKind`] and media type, and for the rare
/// shortcut or package what only they have. Enough to show it in every format
/// ([`Listed::to_item`]), to enter it and, when made for a download, to download and verify
/// it (about 150 bytes for a personal item, 200 with what a download needs).
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    /// name, id, modified, hash, tag and drive, one after the other.
    text: Box<str>,
    /// Where each of the first five fields of `text` ends.
    ends: [u32; 5],
    /// Bytes (the item's own `size`); `u64::MAX` when the server sent none.
    size: u64,
    kind: Kind,
    media: Media,
    extra: Option<Box<Extra>>,
}

/// [`ItemKind`] without the package type (kept in [`Extra`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Folder,
    File,
    Flagged,
    Notebook,
    Package,
}

/// What the seed's `tree` calls a file ([`media_type`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Media {
    File,
    Photo,
    Video,
    Audio,
}

/// What only shortcuts, shared items and packages carry.
#[derive(Debug, Clone, PartialEq)]
struct Extra {
    remote: Option<Box<DriveItem>>,
    package: Option<serde_json::Value>,
}

/// The properties a [`Listed`] is made from (graph-api.md §3: `$select` must name all).
const SHOWN: &str = "id,name,size,file,folder,package,remoteItem,malware,root,deleted,\
    parentReference,fileSystemInfo,lastModifiedDateTime,image,photo,video,audio";

/// [`SHOWN`], and the tags a download keeps to tell a version from the next.
const DOWNLOADED: &str = "id,name,size,file,folder,package,remoteItem,malware,root,deleted,\
    parentReference,fileSystemInfo,lastModifiedDateTime,image,photo,video,audio,cTag,eTag";

impl Record for Listed {
    fn select(download: bool) -> Option<&'static str> {
        Some(if download { DOWNLOADED } else { SHOWN })
    }
    fn from_item(item: DriveItem, download: bool) -> Self {
        Listed::new(item, download)
    }
    fn name(&self) -> &str {
        self.field(0)
    }
    fn id(&self) -> &str {
        self.field(1)
    }
    fn is_folder(&self) -> bool {
        self.kind == Kind::Folder
    }
    fn remote(&self) -> Option<RemoteTarget> {
        self.extra.as_ref()?.remote.as_ref()?;
        self.to_item().remote()
    }
    fn content(&self) -> ItemRef {
        match self.remote() {
            Some(t) => ItemRef::OnDrive {
                drive: t.drive_id,
                id: t.id,
                path: None,
            },
            None => self.at(),
        }
    }
    fn unsafe_name(&self) -> bool {
        self.local_name().is_err()
    }
    fn encode(&self, out: &mut Vec<u8>) {
        Listed::encode(self, out);
    }
    fn from_listed(listed: Listed) -> Self {
        listed
    }
}

impl Listed {
    /// The record of `item`; with `download`, with what a download needs.
    pub fn new(item: DriveItem, download: bool) -> Self {
        let kind = match item.kind() {
            ItemKind::Folder => Kind::Folder,
            ItemKind::Flagged => Kind::Flagged,
            ItemKind::Notebook => Kind::Notebook,
            ItemKind::Package(_) => Kind::Package,
            ItemKind::File | ItemKind::Deleted => Kind::File,
        };
        let media = match media_type(&item) {
            "photo" => Media::Photo,
            "video" => Media::Video,
            "audio" => Media::Audio,
            _ => Media::File,
        };
        let drive = item.parent_reference.as_ref();
        let drive = drive.and_then(|p| p.drive_id.as_deref());
        let tag = item.c_tag.as_deref().or(item.e_tag.as_deref());
        let (text, ends) = joined([
            item.name.as_str(),
            item.id.as_str(),
            modified(&item).unwrap_or(""),
            item.quick_xor_hash().filter(|_| download).unwrap_or(""),
            tag.filter(|_| download).unwrap_or(""),
            drive
                .filter(|_| download || kind == Kind::Folder)
                .unwrap_or(""),
        ]);
        let extra = (item.remote_item.is_some() || item.package.is_some()).then(|| {
            Box::new(Extra {
                remote: item.remote_item,
                package: item.package,
            })
        });
        Listed {
            text,
            ends,
            size: item.size.unwrap_or(u64::MAX),
            kind,
            media,
            extra,
        }
    }

    /// Field `i` of the text (0 name, 1 id, 2 modified, 3 hash, 4 tag, 5 drive).
    fn field(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let end = self.ends.get(i).map_or(self.text.len(), |e| *e as usize);
        self.text.get(start..end).unwrap_or("")
    }

    fn opt(&self, i: usize) -> Option<String> {
        Some(self.field(i))
            .filter(|f| !f.is_empty())
            .map(str::to_owned)
    }

    /// The item's own address: by id, on its drive when the listing named one.
    fn at(&self) -> ItemRef {
        match self.opt(5) {
            Some(drive) => ItemRef::OnDrive {
                drive,
                id: self.id().to_owned(),
                path: None,
            },
            None => ItemRef::Id(self.id().to_owned()),
        }
    }

    /// The name, when it is usable as one local path component ([`DriveItem::local_name`]).
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::UnsafeName`] naming it.
    pub fn local_name(&self) -> crate::Result<&str> {
        let probe = DriveItem {
            name: self.name().to_owned(),
            ..DriveItem::default()
        };
        probe.local_name()?;
        Ok(self.name())
    }

    /// The last modification time as the server wrote it (the file system's, else the
    /// service's).
    pub fn modified(&self) -> Option<&str> {
        Some(self.field(2)).filter(|m| !m.is_empty())
    }

    /// What the item is.
    pub fn kind(&self) -> ItemKind {
        match self.kind {
            Kind::Folder => ItemKind::Folder,
            Kind::File => ItemKind::File,
            Kind::Flagged => ItemKind::Flagged,
            Kind::Notebook => ItemKind::Notebook,
            Kind::Package => self.to_item().kind(),
        }
    }

    /// True for files, flagged ones included ([`DriveItem::is_file`]).
    pub fn is_file(&self) -> bool {
        matches!(self.kind, Kind::File | Kind::Flagged)
    }

    /// The size every command shows and counts ([`DriveItem::shown_size`]).
    pub fn shown_size(&self) -> u64 {
        match &self.extra {
            Some(_) => self.to_item().shown_size(),
            None if self.size == u64::MAX => 0,
            None => self.size,
        }
    }

    /// The driveItem this record was made from, with the properties it keeps: id, name,
    /// size, times, facets (a folder's `childCount` is not kept), a shortcut's `remoteItem`,
    /// and, as [`Listed::new`] says, hash, tag and drive.
    pub fn to_item(&self) -> DriveItem {
        let file = matches!(self.kind, Kind::File | Kind::Flagged).then(|| FileFacet {
            mime_type: None,
            hashes: self.opt(3).map(|h| Hashes {
                quick_xor_hash: Some(h),
                ..Hashes::default()
            }),
        });
        let facet = |m: Media| (self.media == m).then(|| serde_json::json!({}));
        let extra = self.extra.as_deref();
        DriveItem {
            id: self.id().to_owned(),
            name: self.name().to_owned(),
            size: (self.size != u64::MAX).then_some(self.size),
            c_tag: self.opt(4),
            parent_reference: self.opt(5).map(|d| ItemReference {
                drive_id: Some(d),
                ..ItemReference::default()
            }),
            file,
            folder: (self.kind == Kind::Folder && extra.is_none_or(|e| e.remote.is_none()))
                .then(FolderFacet::default),
            file_system_info: self.opt(2).map(|m| FileSystemInfo {
                last_modified_date_time: Some(m),
                ..FileSystemInfo::default()
            }),
            photo: facet(Media::Photo),
            video: facet(Media::Video),
            audio: facet(Media::Audio),
            package: extra.and_then(|e| e.package.clone()),
            malware: (self.kind == Kind::Flagged).then(|| serde_json::json!({})),
            remote_item: extra.and_then(|e| e.remote.clone()),
            ..DriveItem::default()
        }
    }
}

/// `fields` in one string, and where each but the last ends.
fn joined(fields: [&str; 6]) -> (Box<str>, [u32; 5]) {
    let mut text = String::with_capacity(fields.iter().map(|f| f.len()).sum());
    let mut ends = [0u32; 5];
    for (i, f) in fields.iter().enumerate() {
        text.push_str(f);
        if let Some(end) = ends.get_mut(i) {
            *end = u32::try_from(text.len()).unwrap_or(u32::MAX);
        }
    }
    (text.into_boxed_str(), ends)
}

/// The last modification time of `item` as the server wrote it: the file system's (what the
/// user's device said), else the service's.
pub fn modified(item: &DriveItem) -> Option<&str> {
    item.file_system_info
        .as_ref()
        .and_then(|f| f.last_modified_date_time.as_deref())
        .or(item.last_modified_date_time.as_deref())
}

/// What the seed's `tree` calls a file: `photo`, `video` or `audio` by facet, MIME type or
/// extension, else `file`.
pub fn media_type(item: &DriveItem) -> &'static str {
    let mime = item
        .file
        .as_ref()
        .and_then(|f| f.mime_type.as_deref())
        .unwrap_or("");
    let ext = item
        .name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if item.photo.is_some()
        || item.image.is_some()
        || mime.starts_with("image/")
        || matches!(
            ext.as_str(),
            "jpg" | "jpeg" | "png" | "gif" | "heic" | "webp"
        )
    {
        "photo"
    } else if item.video.is_some()
        || mime.starts_with("video/")
        || matches!(ext.as_str(), "mp4" | "mov" | "mkv")
    {
        "video"
    } else if item.audio.is_some()
        || mime.starts_with("audio/")
        || matches!(ext.as_str(), "mp3" | "flac" | "m4a")
    {
        "audio"
    } else {
        "file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_item_gives_back_what_commands_show_and_downloads_need() {
        let item: DriveItem = serde_json::from_value(serde_json::json!({
            "id": "D!s1", "name": "a.jpg", "size": 7, "cTag": "c1", "eTag": "e1",
            "parentReference": {"driveId": "d", "id": "D!s0", "path": "/drive/root:"},
            "file": {"mimeType": "image/jpeg", "hashes": {"quickXorHash": "h=="}},
            "fileSystemInfo": {"lastModifiedDateTime": "2025-01-01T00:00:00Z"},
            "createdBy": {"user": {"displayName": "x"}}
        }))
        .unwrap();
        let listed = Listed::new(item.clone(), true);
        let back = listed.to_item();
        assert_eq!((listed.name(), listed.id()), ("a.jpg", "D!s1"));
        assert_eq!(back.kind(), item.kind());
        assert_eq!(back.size, Some(7));
        assert_eq!(back.quick_xor_hash(), Some("h=="));
        assert_eq!(back.c_tag.as_deref(), Some("c1"));
        assert_eq!(media_type(&back), "photo");
        assert_eq!(listed.modified(), Some("2025-01-01T00:00:00Z"));
        assert_eq!(ItemRef::of_item(&back), ItemRef::of_item(&item));
        assert!(!listed.unsafe_name());
        let shown = Listed::new(item, false).to_item();
        assert_eq!(
            (shown.quick_xor_hash(), shown.c_tag.as_deref()),
            (None, None)
        );
        assert_eq!(
            shown.parent_reference, None,
            "a file's drive only for a download"
        );
    }

    #[test]
    fn shortcuts_and_notebooks_keep_what_makes_them_so() {
        let shortcut: DriveItem = serde_json::from_value(serde_json::json!({
            "id": "D!s2", "name": "Shared",
            "remoteItem": {"id": "R!s9", "folder": {"childCount": 1}, "size": 5,
                "parentReference": {"driveId": "r"}}
        }))
        .unwrap();
        let listed = Listed::new(shortcut.clone(), false);
        assert!(listed.is_folder());
        assert_eq!(listed.remote(), shortcut.remote());
        assert_eq!(listed.to_item().shown_size(), 5);
        let notebook: DriveItem = serde_json::from_value(serde_json::json!({
            "id": "D!s3", "name": "..", "package": {"type": "oneNote"}, "size": 9
        }))
        .unwrap();
        let listed = Listed::new(notebook, false);
        assert_eq!(listed.kind(), ItemKind::Notebook);
        assert!(!listed.is_folder() && listed.unsafe_name());
    }
}
