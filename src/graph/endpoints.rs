//! Thin wrappers, one per Graph call: they build the URL, send, decode, and add no policy.

use futures_util::Stream;
use futures_util::stream::{self, TryStreamExt};

use crate::error::Result;
use crate::graph::client::GraphClient;
use crate::graph::locator::ItemRef;
use crate::graph::model::{Drive, DriveItem, Page};

impl GraphClient {
    /// `GET /me/drive`: the drive, with its quota.
    pub async fn drive(&self) -> Result<Drive> {
        self.get_json(self.drive_prefix()).await
    }

    /// `GET {item}`: one item's metadata.
    pub async fn item(&self, item: &ItemRef) -> Result<DriveItem> {
        self.get_json(&item.url_path(self.drive_prefix(), None))
            .await
    }

    /// `GET {item}/children`, one page after another, following `@odata.nextLink` verbatim.
    /// `query` is appended to the first request (e.g. `$top=1000`).
    pub fn children_pages<'a>(
        &'a self,
        item: &ItemRef,
        query: &str,
    ) -> impl Stream<Item = Result<Page<DriveItem>>> + 'a {
        let mut first = item.url_path(self.drive_prefix(), Some("children"));
        if !query.is_empty() {
            first = format!("{first}?{query}");
        }
        stream::try_unfold(Some(first), move |next| async move {
            let Some(url) = next else { return Ok(None) };
            let page: Page<DriveItem> = self.get_json(&url).await?;
            let next = page.next_link.clone();
            Ok(Some((page, next)))
        })
    }

    /// All children of a folder, in the server's order.
    pub async fn children(&self, item: &ItemRef) -> Result<Vec<DriveItem>> {
        let pages: Vec<Page<DriveItem>> =
            self.children_pages(item, "$top=1000").try_collect().await?;
        Ok(pages.into_iter().flat_map(|p| p.value).collect())
    }
}
