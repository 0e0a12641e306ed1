//! Where the session is: on the signed-in user's own drive (home), on another of their drives
//! (`drive NAME`, a team site's library), or inside an item someone shared with them
//! (`cd shared:NAME`), where paths start at that item since OneDrive answers no `root:` path
//! on a drive you only share a folder of (graph-api.md §12). The session's client follows
//! ([`GraphClient::for_drive`], [`GraphClient::rooted_at`]), the prompt names the place, `cd -`
//! returns to the previous one and `cd ~` home.

use super::error::{CommandError, exit};
use super::session::{Folder, Session};
use crate::graph::{DriveItem, GraphClient};

/// Where the session is when it is not on the user's own drive: shown in the prompt and by
/// `pwd --json`, and restored by `cd -`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Another of the user's drives (`drive NAME`): its name and id.
    Drive {
        /// Display name.
        name: String,
        /// Drive id.
        id: String,
    },
    /// Inside an item someone shared (`cd shared:NAME`): its name, and its drive and id.
    Shared {
        /// The shared item's name.
        name: String,
        /// Its drive.
        drive: String,
        /// Its id there.
        id: String,
    },
}

impl Place {
    /// The label the prompt shows (`drive:Documents`, `shared:Shared Folder`).
    pub fn label(&self) -> String {
        match self {
            Place::Drive { name, .. } => format!("drive:{name}"),
            Place::Shared { name, .. } => format!("shared:{name}"),
        }
    }
}

impl Session {
    /// The item someone shared with the user named by the first segment of `arg` (as
    /// `shared` lists it, compared as OneDrive compares names), and the rest of `arg`.
    pub async fn shared_item(
        &self,
        arg: &str,
    ) -> Result<(DriveItem, Option<String>), CommandError> {
        let arg = arg.trim_start_matches('/');
        let (name, below) = match arg.split_once('/') {
            Some((n, b)) => (
                n,
                Some(b.trim_matches('/').to_owned()).filter(|b| !b.is_empty()),
            ),
            None => (arg, None),
        };
        let all = self.home.shared_with_me().await?;
        let mut found = all
            .into_iter()
            .filter(|i| crate::graph::names::same_name(&i.name, name));
        match (found.next(), found.next()) {
            (Some(one), None) => Ok((one, below)),
            (None, _) => Err(CommandError::new(
                exit::NOT_FOUND,
                format!("shared:{name}: nothing of that name is shared with you"),
            )
            .with_hint(format!(
                "{} lists what others shared with you",
                super::hint::command("shared")
            ))),
            (Some(_), Some(_)) => Err(CommandError::usage(format!(
                "shared:{name}: several items shared with you have that name"
            ))),
        }
    }

    /// Moves the session to `folder` at `place` (`cd`, `cd shared:…`, `drive`, `cd ~`), with
    /// the place's client, remembering where it was for `cd -`; a change of place empties the
    /// listing cache, whose paths belong to the place.
    pub fn go(&mut self, place: Option<Place>, folder: Folder) {
        if place == self.place && folder == self.cwd {
            return;
        }
        if place != self.place {
            self.cache().flush();
            self.client = self.client_at(place.as_ref());
        }
        self.prev_place = std::mem::replace(&mut self.place, place);
        self.prev = Some(std::mem::replace(&mut self.cwd, folder));
    }

    /// The client of `place` (`None`: home).
    pub fn client_at(&self, place: Option<&Place>) -> GraphClient {
        match place {
            None => self.home.clone(),
            Some(Place::Drive { id, .. }) => self.home.for_drive(id),
            Some(Place::Shared { drive, id, .. }) => self.home.rooted_at(drive, id),
        }
    }
}
