//! What an item is: the one answer every command and every walk asks for.
//!
//! A driveItem's facets do not say it plainly. A shortcut to a shared folder ("Add shortcut to
//! My files") carries `remoteItem` with `folder` inside it and may have no top-level `folder`
//! facet at all; a OneNote notebook carries `package` and neither `file` nor `folder`, and its
//! `/content` answers 404; a file OneDrive flagged carries `malware` and its `/content` answers
//! 403 `malwareDetected`; delta answers mark removed items with `deleted`. When each command
//! reads the facets on its own, they disagree (a shortcut listed as a 0-byte file, a notebook
//! downloaded). So [`DriveItem::kind`] is the only place that reads them, and commands branch on
//! the [`ItemKind`] it returns.
//!
//! Sources: driveItem resource
//! (<https://learn.microsoft.com/en-us/graph/api/resources/driveitem>), remoteItem
//! (<https://learn.microsoft.com/en-us/graph/api/resources/remoteitem>), package
//! (<https://learn.microsoft.com/en-us/graph/api/resources/package>), malware
//! (<https://learn.microsoft.com/en-us/graph/api/resources/malware>); docs/graph-api.md §2, §13.

use super::DriveItem;

/// What an item is, as every command must treat it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemKind {
    /// A folder (or the root). On another drive when [`DriveItem::remote`] says so.
    Folder,
    /// A file. On another drive when [`DriveItem::remote`] says so.
    File,
    /// A file OneDrive flagged as malware: listed, but its content is refused (403
    /// `malwareDetected`), so it is never downloaded.
    Flagged,
    /// A OneNote notebook (`package.type == "oneNote"`): neither file nor folder, with no
    /// downloadable content; its sections are its children.
    Notebook,
    /// Another kind of package (`package.type` as the server named it): neither file nor
    /// folder, with no downloadable content.
    Package(String),
    /// Removed (delta answers only).
    Deleted,
}

impl ItemKind {
    /// True when the item holds children a user can `cd` into and walks descend into: folders
    /// and shortcuts to folders. Notebooks are not: their sections are not files.
    pub fn is_folder(&self) -> bool {
        matches!(self, ItemKind::Folder)
    }

    /// True when the item has content that can be downloaded (files, local or remote).
    pub fn is_downloadable(&self) -> bool {
        matches!(self, ItemKind::File)
    }

    /// True for items that are neither files nor folders (notebooks and other packages).
    pub fn is_package(&self) -> bool {
        matches!(self, ItemKind::Notebook | ItemKind::Package(_))
    }

    /// The type name shown by `ls -l`, `tree`, `info` and in `--json` (`type`): `folder`,
    /// `file`, `flagged`, `notebook`, `package`, `deleted`.
    pub fn label(&self) -> &'static str {
        match self {
            ItemKind::Folder => "folder",
            ItemKind::File => "file",
            ItemKind::Flagged => "flagged",
            ItemKind::Notebook => "notebook",
            ItemKind::Package(_) => "package",
            ItemKind::Deleted => "deleted",
        }
    }

    /// Why an item of this kind cannot be downloaded, for messages (`None` when it can).
    pub fn why_not_downloadable(&self) -> Option<&'static str> {
        match self {
            ItemKind::File => None,
            ItemKind::Folder => Some("it is a folder (use -r)"),
            ItemKind::Flagged => Some(
                "OneDrive flagged it as malware and refuses to serve its content \
                 (open it at onedrive.com to review it)",
            ),
            ItemKind::Notebook => Some(
                "it is a OneNote notebook, which has no downloadable content \
                 (open it in OneNote)",
            ),
            ItemKind::Package(_) => Some("it is a package, which has no downloadable content"),
            ItemKind::Deleted => Some("it was deleted"),
        }
    }
}

/// Where an item that lives on another drive really is: the drive and the item id there.
/// Children, content and paths below it are addressed there
/// (`/drives/{drive_id}/items/{id}`), never through the shortcut's own id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteTarget {
    /// The other drive's id (`remoteItem.parentReference.driveId`).
    pub drive_id: String,
    /// The item's id on that drive (`remoteItem.id`).
    pub id: String,
}

impl RemoteTarget {
    /// True when `other` names the same item (drive ids compared by [`same_drive`]).
    pub fn same(&self, other: &RemoteTarget) -> bool {
        same_drive(&self.drive_id, &other.drive_id) && self.id.eq_ignore_ascii_case(&other.id)
    }
}

/// True when two drive ids name one drive, compared as each form requires (graph-api.md
/// §1.1, §13): a personal drive id (hex digits) is sent in upper case in some answers and in
/// lower case in others, and without its leading zeros in `remoteItem.parentReference.driveId`,
/// so case and leading zeros are ignored; a work or school drive id (`b!…`, base64) is
/// case-sensitive and compared exactly.
pub fn same_drive(a: &str, b: &str) -> bool {
    drive_key(a) == drive_key(b)
}

/// The canonical form of a drive id, equal for two ids exactly when [`same_drive`] is true
/// (for keys of maps and file names): a personal id in lower case without leading zeros, any
/// other id as it is.
pub fn drive_key(id: &str) -> String {
    if !id.is_empty() && id.bytes().all(|c| c.is_ascii_hexdigit()) {
        id.trim_start_matches('0').to_ascii_lowercase()
    } else {
        id.to_owned()
    }
}

impl DriveItem {
    /// What this item is (see the module docs): the facets of `remoteItem` count for a
    /// shortcut or shared item that has none of its own.
    pub fn kind(&self) -> ItemKind {
        if self.deleted.is_some() {
            return ItemKind::Deleted;
        }
        let facets = self
            .remote_item
            .as_deref()
            .filter(|_| self.folder.is_none() && self.file.is_none() && self.package.is_none());
        let of = facets.unwrap_or(self);
        if let Some(package) = &of.package {
            let ty = package.get("type").and_then(|t| t.as_str()).unwrap_or("");
            return if ty.eq_ignore_ascii_case("oneNote") {
                ItemKind::Notebook
            } else {
                ItemKind::Package(ty.to_owned())
            };
        }
        if of.folder.is_some() || self.root.is_some() {
            ItemKind::Folder
        } else if self.malware.is_some() || of.malware.is_some() {
            ItemKind::Flagged
        } else {
            // `file`, or no facet at all (an answer trimmed by `$select`): a file, whose
            // download is refused with the server's own error if it has no content.
            ItemKind::File
        }
    }

    /// For an item that lives on another drive (a shortcut or a shared item, `remoteItem`),
    /// where it really is; `None` for items of this drive.
    pub fn remote(&self) -> Option<RemoteTarget> {
        let remote = self.remote_item.as_deref()?;
        let drive_id = remote.parent_reference.as_ref()?.drive_id.clone()?;
        (!remote.id.is_empty()).then(|| RemoteTarget {
            drive_id,
            id: remote.id.clone(),
        })
    }

    /// The size to show and to count in `du`: the remote item's for shortcuts (the shortcut's
    /// own `size` is 0 or absent), nothing for packages (a notebook's `size` is not a download
    /// size), else the item's.
    pub fn shown_size(&self) -> u64 {
        if self.kind().is_package() {
            return 0;
        }
        let own = self.size.unwrap_or(0);
        match self.remote_item.as_deref() {
            Some(r) if own == 0 => r.size.unwrap_or(0),
            _ => own,
        }
    }
}

#[cfg(test)]
mod drive_id_tests {
    use super::{drive_key, same_drive};

    #[test]
    fn personal_drive_ids_ignore_case_and_leading_zeros() {
        assert!(same_drive("04A7C1E93B5D2F68", "4a7c1e93b5d2f68"));
        assert!(same_drive("5d1b2c3a4f6e7d80", "5D1B2C3A4F6E7D80"));
        assert!(!same_drive("04A7C1E93B5D2F68", "5D1B2C3A4F6E7D80"));
        assert_eq!(drive_key("04A7C1E93B5D2F68"), "4a7c1e93b5d2f68");
    }

    #[test]
    fn business_drive_ids_are_case_sensitive() {
        let a = "b!Vk5hT2xBbnRlc3QxMjM0NTY3ODkwYWJjZGVmZ2hpams";
        assert!(same_drive(a, a));
        assert!(!same_drive(a, &a.to_ascii_lowercase()));
        assert!(!same_drive(a, &a.to_ascii_uppercase()));
        assert_eq!(drive_key(a), a);
    }
}
