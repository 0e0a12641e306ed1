//! One child of a cached listing ([`Child`]), kept small: a decoded driveItem of a listing
//! page holds about 4.2 KiB (its 992 bytes of fields, its strings and JSON maps), so a folder
//! of 100,000 children kept whole cost the shell hundreds of MiB (bench/results.md,
//! section 9). A plain file or folder is kept as the walks keep it ([`Listed`]: name, id,
//! kind, size, modification time), about 150 bytes; the parentReference all the children of
//! one listing share is kept once, by the listing. What the cache's users read of a child
//! (names for completion and globs, type, size, time and sharing for `ls -l`, id, drive and
//! a shortcut's target for `cd` and the commands a glob feeds) comes back whole from
//! [`Child::to_item`]; a command that needs more (`info`) asks the server, as it always did.

use crate::drive::{Listed, Record};
use crate::graph::DriveItem;
use crate::graph::model::ItemReference;

/// One child of a cached listing, with its name lower-cased for the listing's index.
#[derive(Debug, Clone)]
pub struct Child {
    kept: Kept,
    /// The lower-cased name, when it differs from the name (most names are lower case).
    lower: Option<Box<str>>,
}

/// How much of a child is kept.
#[derive(Debug, Clone)]
enum Kept {
    /// A plain file, folder or package whose parentReference is the listing's.
    Listed(Listed),
    /// The rare item a [`Listed`] cannot give back exactly: a shortcut or shared item
    /// (`remoteItem`), one without a facet, or one listed with a parentReference of its own.
    Whole(Box<DriveItem>),
}

impl Child {
    /// The child `item` of a listing whose children share `parent` (their parentReference).
    pub fn new(item: DriveItem, parent: Option<&ItemReference>) -> Self {
        let lower = item.name.to_lowercase();
        let lower = (lower != item.name).then(|| lower.into_boxed_str());
        let plain = item.remote_item.is_none()
            && item.deleted.is_none()
            && item.root.is_none()
            && (item.file.is_some() || item.folder.is_some() || item.package.is_some())
            && item.parent_reference.as_ref() == parent;
        let kept = if plain {
            Kept::Listed(Listed::new(item, false))
        } else {
            Kept::Whole(Box::new(item))
        };
        Child { kept, lower }
    }

    /// The name, as the server spells it.
    pub fn name(&self) -> &str {
        match &self.kept {
            Kept::Listed(l) => l.name(),
            Kept::Whole(i) => &i.name,
        }
    }

    /// The name lower-cased: the listing's sort and lookup key.
    pub fn lower(&self) -> &str {
        self.lower.as_deref().unwrap_or_else(|| self.name())
    }

    /// The item id.
    pub fn id(&self) -> &str {
        match &self.kept {
            Kept::Listed(l) => l.id(),
            Kept::Whole(i) => &i.id,
        }
    }

    /// True for folders, shortcuts to shared folders included ([`DriveItem::is_folder`]).
    pub fn is_folder(&self) -> bool {
        match &self.kept {
            Kept::Listed(l) => l.is_folder(),
            Kept::Whole(i) => i.is_folder(),
        }
    }

    /// The last modification time as the server wrote it ([`crate::drive::modified`]).
    pub fn modified(&self) -> Option<&str> {
        match &self.kept {
            Kept::Listed(l) => l.modified(),
            Kept::Whole(i) => crate::drive::modified(i),
        }
    }

    /// The size every command shows and counts ([`DriveItem::shown_size`]).
    pub fn shown_size(&self) -> u64 {
        match &self.kept {
            Kept::Listed(l) => l.shown_size(),
            Kept::Whole(i) => i.shown_size(),
        }
    }

    /// The driveItem as the listing gave it, with what the shell reads of a listed item: id,
    /// name, size, modification time, facets (a folder's `childCount`, a file's MIME type and
    /// hashes are not kept), `package`, `remoteItem`, and `parent`, the parentReference the
    /// listing's children share.
    pub fn to_item(&self, parent: Option<&ItemReference>) -> DriveItem {
        match &self.kept {
            Kept::Listed(l) => DriveItem {
                parent_reference: parent.cloned(),
                ..l.to_item()
            },
            Kept::Whole(i) => (**i).clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(json: serde_json::Value) -> DriveItem {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_plain_child_gives_back_what_the_shell_shows_and_addresses() {
        let parent: ItemReference = serde_json::from_value(serde_json::json!(
            {"driveId": "d1", "driveType": "personal", "id": "D1!1", "path": "/drive/root:/Pics"}
        ))
        .unwrap();
        let item = parsed(serde_json::json!({
            "id": "D1!7", "name": "Beach.JPG", "size": 7, "eTag": "e", "cTag": "c",
            "parentReference": parent,
            "file": {"mimeType": "image/jpeg", "hashes": {"quickXorHash": "h=="}},
            "fileSystemInfo": {"lastModifiedDateTime": "2025-01-01T00:00:00Z"},
            "lastModifiedDateTime": "2025-02-02T00:00:00Z",
            "createdBy": {"user": {"displayName": "x"}}
        }));
        let child = Child::new(item.clone(), Some(&parent));
        assert!(matches!(child.kept, Kept::Listed(_)), "kept compact");
        assert_eq!((child.name(), child.lower()), ("Beach.JPG", "beach.jpg"));
        assert_eq!((child.id(), child.is_folder()), ("D1!7", false));
        assert_eq!(child.modified(), Some("2025-01-01T00:00:00Z"));
        assert_eq!(child.shown_size(), 7);
        let back = child.to_item(Some(&parent));
        assert_eq!(back.parent_reference, item.parent_reference);
        assert_eq!((back.kind(), back.shown_size()), (item.kind(), 7));
        assert_eq!(crate::drive::modified(&back), crate::drive::modified(&item));
        assert_eq!(
            crate::graph::ItemRef::of_item(&back),
            crate::graph::ItemRef::of_item(&item)
        );
    }

    #[test]
    fn shortcuts_and_strangers_are_kept_whole() {
        let shortcut = parsed(serde_json::json!({
            "id": "D1!8", "name": "shared",
            "remoteItem": {"id": "R!1", "file": {}, "size": 3, "parentReference": {"driveId": "r"}}
        }));
        let child = Child::new(shortcut.clone(), None);
        assert!(matches!(child.kept, Kept::Whole(_)));
        assert_eq!(child.to_item(None), shortcut);
        assert_eq!(child.lower(), "shared");
        let elsewhere = parsed(serde_json::json!({
            "id": "D1!9", "name": "a", "folder": {},
            "parentReference": {"driveId": "d2", "id": "D2!1"}
        }));
        let child = Child::new(elsewhere.clone(), None);
        assert!(child.is_folder());
        assert_eq!(
            child.to_item(None),
            elsewhere,
            "its own parentReference kept"
        );
    }
}
