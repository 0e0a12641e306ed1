//! What a walk keeps of each item ([`Record`]): the whole [`DriveItem`] for the library's
//! collecting walks (`mirror` and `check` read every property), or a [`Listed`] for the
//! streaming walks of `tree`, `find`, `du`, `ls -R` and `get -r`, which must hold a folder of
//! 100,000 items or the subtrees in flight of a million-item drive in a few MiB each (see
//! `listed.rs`). The walker is written once against this trait, so both kinds of walk share
//! its order, its scheduling and its index.

use super::Listed;
use crate::graph::{DriveItem, ItemRef, RemoteTarget};

/// An item as a walk holds it. Walks ask the server for [`Record::select`] only and convert
/// each item of a page as the page arrives. `download` says whether the walk's files are to
/// be downloaded (`get -r`), which needs their hash, their cTag and their drive.
pub trait Record: Sized + Send + 'static {
    /// The properties a listing or delta page must carry (`$select`), `None` for all.
    fn select(download: bool) -> Option<&'static str>;
    /// The record of an item from a listing or a delta page.
    fn from_item(item: DriveItem, download: bool) -> Self;
    /// The item's name.
    fn name(&self) -> &str;
    /// The item's id.
    fn id(&self) -> &str;
    /// True for what walks enter: folders and shortcuts to folders ([`crate::graph::ItemKind::is_folder`]).
    fn is_folder(&self) -> bool;
    /// For an item on another drive (a shortcut): where it really is.
    fn remote(&self) -> Option<RemoteTarget>;
    /// Where the item's children are ([`ItemRef::content_of`]).
    fn content(&self) -> ItemRef;
    /// True when the name is no safe local path component ([`DriveItem::local_name`]).
    fn unsafe_name(&self) -> bool;
    /// Appends what the index keeps of the item (for [`Listed`], its compact byte form).
    fn encode(&self, out: &mut Vec<u8>);
    /// The record of an item the index kept.
    fn from_listed(listed: Listed) -> Self;
}

impl Record for DriveItem {
    fn select(_: bool) -> Option<&'static str> {
        None
    }
    fn from_item(item: DriveItem, _: bool) -> Self {
        item
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn is_folder(&self) -> bool {
        DriveItem::is_folder(self)
    }
    fn remote(&self) -> Option<RemoteTarget> {
        DriveItem::remote(self)
    }
    fn content(&self) -> ItemRef {
        ItemRef::content_of(self)
    }
    fn unsafe_name(&self) -> bool {
        self.local_name().is_err()
    }
    fn encode(&self, out: &mut Vec<u8>) {
        Listed::new(self.clone(), false).encode(out);
    }
    fn from_listed(listed: Listed) -> Self {
        listed.to_item()
    }
}
