//! The quickXorHash of a file being uploaded in a session, built as its fragments go out, and
//! the check of the committed item against it: the one place that says what a failed check
//! means (the remote file now holds other content) and how to fix it.

use std::path::Path;

use super::partial::hash_file;
use super::upload::Fragment;
use crate::error::{ErrorKind, Result};
use crate::graph::model::DriveItem;
use crate::graph::quickxor::QuickXorHash;

/// The local file's quickXorHash, fed as fragments go out (and caught up from the file when
/// a resumed session skips bytes this run never read).
#[derive(Default)]
pub(super) struct RunningHash {
    hasher: QuickXorHash,
    upto: u64,
}

impl RunningHash {
    /// Adds a fragment: its own hash when it comes next (the usual case), else its bytes
    /// through [`RunningHash::feed`].
    pub(super) async fn add(&mut self, path: &Path, f: &Fragment) -> Result<()> {
        if f.offset != self.upto {
            return self.feed(path, f.offset, &f.data).await;
        }
        self.hasher.combine(&f.hash);
        self.upto += f.data.len() as u64;
        Ok(())
    }

    /// Feeds the fragment at `offset`; bytes hashed before (a resent fragment) are skipped.
    async fn feed(&mut self, path: &Path, offset: u64, data: &[u8]) -> Result<()> {
        if offset > self.upto {
            hash_file(path, self.upto, offset - self.upto, &mut self.hasher).await?;
            self.upto = offset;
        }
        let seen = usize::try_from(self.upto - offset).unwrap_or(usize::MAX);
        if let Some(new) = data.get(seen..) {
            self.hasher.update(new);
            self.upto += new.len() as u64;
        }
        Ok(())
    }
}

impl RunningHash {
    /// Checks the committed `item` against the `size` bytes sent and, when this run hashed
    /// them all, their hash.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Integrity`] saying that the remote file now holds content that is not
    /// the local file's, and to run `put` again.
    pub(super) fn check(&self, item: &DriveItem, size: u64) -> Result<()> {
        let differs = if let Some(held) = item.size.filter(|&s| s != size) {
            format!("sent {size} bytes, the server holds {held}")
        } else if self.upto == size
            && item
                .quick_xor_hash()
                .is_some_and(|h| h != self.hasher.finish_base64())
        {
            "the server's quickXorHash differs from the local file's".to_owned()
        } else {
            return Ok(());
        };
        Err(ErrorKind::Integrity {
            name: item.name.clone(),
            detail: format!(
                "{differs}; the remote {} now holds content that is not this file's; run `put` \
                 again to replace it",
                item.name
            ),
        }
        .into())
    }
}
