//! Item addressing: `ItemRef` to Graph URL path (graph-api.md §1.1, §1.2).
//!
//! Graph addresses an item by id (`items/{id}`), as the root (`root`), by a path relative to
//! the root (`root:/a/b:`) or by a path relative to another item (`items/{id}:/a/b:`). Each path
//! segment is percent-encoded on its own: space as `%20` (never `+`), `#`, `%`, `+` and every
//! non-ASCII byte encoded, so names that look like URL syntax survive the trip.
//!
//! What lives on another drive (the folder a shortcut points to, an item someone shared) is
//! addressed on that drive, by id, with paths below it relative to that item
//! ([`ItemRef::OnDrive`]): `root:` paths never reach into it (graph-api.md §1.1, §12,
//! <https://learn.microsoft.com/en-us/graph/api/resources/remoteitem>).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::graph::model::DriveItem;

/// Characters left literal in a path segment: RFC 3986 unreserved plus a few safe sub-delims.
/// `+` is always encoded (some Graph front-ends read it as a space), and so are `:` and `#`.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b'@');

/// How an item is addressed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ItemRef {
    /// The drive's root folder.
    Root,
    /// An item by its id.
    Id(String),
    /// A path relative to the root, `/`-separated, unencoded (`Documents/a b.txt`).
    Path(String),
    /// A path relative to the item with the given id.
    IdPath(String, String),
    /// An item on drive `drive` by its id there, or with `path` the item at that path below
    /// it (`/drives/{drive}/items/{id}` and `/drives/{drive}/items/{id}:/{path}:`): for
    /// everything that lives on another drive than the client's.
    OnDrive {
        /// The drive's id.
        drive: String,
        /// The item's id on that drive.
        id: String,
        /// A `/`-separated, unencoded path below the item, if any.
        path: Option<String>,
    },
}

impl ItemRef {
    /// A path from the root; an empty path or `/` means the root itself.
    pub fn path(path: &str) -> Self {
        let trimmed = path.trim_matches('/');
        if trimmed.is_empty() {
            ItemRef::Root
        } else {
            ItemRef::Path(trimmed.to_owned())
        }
    }

    /// The item called `name` inside this folder (addressed by path, so it may not exist yet).
    pub fn child(&self, name: &str) -> ItemRef {
        let name = name.trim_matches('/');
        match self {
            ItemRef::Root => ItemRef::path(name),
            ItemRef::Id(id) => ItemRef::IdPath(id.clone(), name.to_owned()),
            ItemRef::Path(p) => ItemRef::path(&format!("{p}/{name}")),
            ItemRef::IdPath(id, p) => ItemRef::IdPath(id.clone(), format!("{p}/{name}")),
            ItemRef::OnDrive { drive, id, path } => ItemRef::OnDrive {
                drive: drive.clone(),
                id: id.clone(),
                path: Some(match path.as_deref().map(|p| p.trim_matches('/')) {
                    Some(p) if !p.is_empty() => format!("{p}/{name}"),
                    _ => name.to_owned(),
                }),
            },
        }
    }

    /// The item itself, on its own drive: `/drives/{parentReference.driveId}/items/{id}`
    /// (for renaming, moving or removing it; a shortcut is the shortcut). An item whose
    /// answer names no drive is addressed by id on the client's drive.
    pub fn of_item(item: &DriveItem) -> ItemRef {
        let drive = item
            .parent_reference
            .as_ref()
            .and_then(|p| p.drive_id.clone());
        match drive.filter(|d| !d.is_empty()) {
            Some(drive) => ItemRef::OnDrive {
                drive,
                id: item.id.clone(),
                path: None,
            },
            None => ItemRef::Id(item.id.clone()),
        }
    }

    /// Where the item's children and content are: for a shortcut or a shared item
    /// (`remoteItem`) the item it points to, on that item's drive
    /// ([`DriveItem::remote`]); for any other item the item itself ([`ItemRef::of_item`]).
    pub fn content_of(item: &DriveItem) -> ItemRef {
        match item.remote() {
            Some(t) => ItemRef::OnDrive {
                drive: t.drive_id,
                id: t.id,
                path: None,
            },
            None => ItemRef::of_item(item),
        }
    }

    /// The path below the client's root (or below the item of an [`ItemRef::IdPath`] or
    /// [`ItemRef::OnDrive`]) that this reference names, if it names one.
    pub fn rel_path(&self) -> Option<&str> {
        match self {
            ItemRef::Path(p) | ItemRef::IdPath(_, p) => Some(p),
            ItemRef::OnDrive { path, .. } => path.as_deref(),
            ItemRef::Root | ItemRef::Id(_) => None,
        }
    }

    /// The URL path of the item below a drive prefix (e.g. `/me/drive`), without the action.
    /// `suffix` is an optional relationship or action (`children`, `content`, ...).
    pub fn url_path(&self, drive: &str, suffix: Option<&str>) -> String {
        let (base, rel) = match self {
            ItemRef::Root => (format!("{drive}/root"), None),
            ItemRef::Id(id) => (format!("{drive}/items/{}", encode_segment(id)), None),
            ItemRef::Path(p) => (format!("{drive}/root"), Some(p.as_str())),
            ItemRef::IdPath(id, p) => (
                format!("{drive}/items/{}", encode_segment(id)),
                Some(p.as_str()),
            ),
            ItemRef::OnDrive { drive, id, path } => (
                format!(
                    "/drives/{}/items/{}",
                    encode_segment(drive),
                    encode_segment(id)
                ),
                path.as_deref(),
            ),
        };
        let rel = rel.map(|p| p.trim_matches('/')).filter(|p| !p.is_empty());
        match (rel, suffix) {
            (None, None) => base,
            (None, Some(s)) => format!("{base}/{s}"),
            (Some(p), None) => format!("{base}:/{}:", encode_path(p)),
            (Some(p), Some(s)) => format!("{base}:/{}:/{s}", encode_path(p)),
        }
    }
}

/// Percent-encodes one path segment (a name).
pub fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// Percent-encodes a `/`-separated path segment by segment.
pub fn encode_path(path: &str) -> String {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(encode_segment)
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use percent_encoding::percent_decode_str;
    use proptest::prelude::*;

    #[test]
    fn addresses_each_form() {
        let d = "/me/drive";
        assert_eq!(
            ItemRef::Root.url_path(d, Some("children")),
            "/me/drive/root/children"
        );
        assert_eq!(ItemRef::path("/").url_path(d, None), "/me/drive/root");
        assert_eq!(
            ItemRef::path("Docs/a b#1+%.txt").url_path(d, Some("content")),
            "/me/drive/root:/Docs/a%20b%231%2B%25.txt:/content"
        );
        assert_eq!(
            ItemRef::Id("AB!12".into()).url_path(d, None),
            "/me/drive/items/AB!12"
        );
        assert_eq!(
            ItemRef::IdPath("AB!12".into(), "x/é".into()).url_path(d, None),
            "/me/drive/items/AB!12:/x/%C3%A9:"
        );
        assert_eq!(ItemRef::Root.child("a"), ItemRef::Path("a".into()));
        assert_eq!(
            ItemRef::Id("X!1".into())
                .child("b c")
                .url_path(d, Some("content")),
            "/me/drive/items/X!1:/b%20c:/content"
        );
        let other = ItemRef::OnDrive {
            drive: "b!x y".into(),
            id: "01AB".into(),
            path: None,
        };
        assert_eq!(
            other.url_path(d, Some("children")),
            "/drives/b!x%20y/items/01AB/children"
        );
        assert_eq!(
            other
                .child("sub")
                .child("a.txt")
                .url_path(d, Some("content")),
            "/drives/b!x%20y/items/01AB:/sub/a.txt:/content"
        );
    }

    proptest! {
        #[test]
        fn paths_round_trip_segment_by_segment(
            segs in proptest::collection::vec("[^/]{1,12}", 1..5),
        ) {
            let joined = segs.join("/");
            let url = ItemRef::path(&joined).url_path("/me/drive", Some("children"));
            let rel = url
                .strip_prefix("/me/drive/root:/")
                .and_then(|r| r.strip_suffix(":/children"))
                .unwrap();
            prop_assert_eq!(rel.matches(':').count(), 0);
            let back: Vec<String> = rel
                .split('/')
                .map(|s| percent_decode_str(s).decode_utf8().unwrap().into_owned())
                .collect();
            prop_assert_eq!(back, segs);
        }

        #[test]
        fn segment_round_trips(name in "[^/]{1,40}") {
            let enc = encode_segment(&name);
            prop_assert!(!enc.contains([' ', '#', '+', ':', '/', '?']));
            prop_assert_eq!(percent_decode_str(&enc).decode_utf8().unwrap(), name);
        }
    }
}
