//! What a download fetches and from where: the one rule, for `get`, `get -r` and `cat` alike,
//! that decides from an item's metadata whether it has content to download at all (OneNote
//! notebooks and other packages have none, and their `/content` answers 404; a file OneDrive
//! flagged as malware has its content refused with 403 `malwareDetected`: graph-api.md §13),
//! so that no request is sent and no local file made for them; and the content URL, which the
//! `/content` redirect names and which never receives the token.

use crate::error::{Error, Result};
use crate::graph::client::GraphClient;
use crate::graph::locator::ItemRef;
use crate::graph::model::DriveItem;

impl GraphClient {
    /// The pre-authenticated URL of an item's content: `GET {item}/content` answers 302 and we
    /// take its `Location` instead of following it (so the token never reaches that host).
    pub async fn content_url(&self, item: &ItemRef) -> Result<String> {
        let resp = self
            .at(item, Some("content"), |_, path| async move {
                let url = self.url(&path);
                self.send(|http| http.get(&url)).await
            })
            .await?;
        resp.headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or_else(|| Error::decode("content", "no redirect to the content URL"))
    }

    /// The metadata to download `meta` by: refused from the metadata alone, before any file
    /// is made or content asked for, when the item has no content to download (a folder, a
    /// OneNote notebook or other package, a file OneDrive flagged as malware:
    /// [`crate::ItemKind::why_not_downloadable`]); for a shortcut or shared entry that lists a
    /// file on another drive without its facets, the file's own metadata on that drive.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::Refused`] (not a conflict) naming the item and why; those of
    /// [`GraphClient::item`].
    pub async fn downloadable(&self, meta: DriveItem) -> Result<DriveItem> {
        let meta = match meta.remote() {
            Some(_) if meta.file.is_none() => self.item(&ItemRef::content_of(&meta)).await?,
            _ => meta,
        };
        match meta.kind().why_not_downloadable() {
            Some(why) => Err(Error::refused(meta.name.clone(), why, false)),
            None => Ok(meta),
        }
    }
}

/// True for answers that refuse an item's content for good: 403 (flagged as malware, no
/// access), 404 (gone, or no content such as a notebook's), 410 (gone).
pub(super) fn refused_for_good(e: &Error) -> bool {
    matches!(e.status(), Some(403 | 404 | 410))
}
