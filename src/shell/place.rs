//! Where the session is: on the signed-in user's own drive (home), on another of their drives
//! (`drive NAME`, a team site's library), or inside an item someone shared with them
//! (`cd shared:NAME`), where paths start at that item since OneDrive answers no `root:` path
//! on a drive you only share a folder of (graph-api.md §12). The session's client follows
//! ([`GraphClient::for_drive`], [`GraphClient::rooted_at`]), the prompt names the place, `cd -`
//! returns to the previous one and `cd ~` home.

use super::error::{CommandError, about, exit};
use super::items;
use super::session::{Folder, Session, Target, join, split_parent};
use super::target::below_anchor;
use crate::graph::{DriveItem, GraphClient, ItemRef, names, same_drive};

/// How many folders a folder reached by id is climbed to find the shared item above it.
const CLIMB: usize = 32;

/// Where the session is when it is not on the user's own drive: shown in the prompt and by
/// `pwd` (`place` in `--json`), and restored by `cd -`.
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
    /// At a folder of another drive reached by id (`cd ID`) that is not below anything
    /// `shared` lists: paths start at that folder, which the prompt names `id:ID`.
    Item {
        /// Its drive.
        drive: String,
        /// Its id there.
        id: String,
    },
}

impl Place {
    /// The place as `pwd` and the prompt begin with it (`drive:Documents`,
    /// `shared:Shared Folder`).
    pub fn label(&self) -> String {
        match self {
            Place::Drive { name, .. } => format!("drive:{name}"),
            Place::Shared { name, .. } => format!("shared:{name}"),
            Place::Item { id, .. } => format!("id:{id}"),
        }
    }

    /// The drive the place is on.
    pub fn drive(&self) -> &str {
        match self {
            Place::Drive { id, .. } => id,
            Place::Shared { drive, .. } | Place::Item { drive, .. } => drive,
        }
    }

    /// `path` (absolute within the place) as the user types it back from anywhere:
    /// `shared:Shared Folder/sub`, `drive:Documents/x`, `id:ID/sub`; the place alone at `/`.
    pub fn path_label(&self, path: &str) -> String {
        match path.trim_matches('/') {
            "" => self.label(),
            rel => format!("{}/{rel}", self.label()),
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
        let rest = arg.trim_start_matches('/');
        let (name, below) = rest.split_once('/').unwrap_or((rest, ""));
        let below = below_anchor(&format!("shared:{arg}"), &format!("shared:{name}"), below)?;
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

    /// The current folder as `pwd` prints it and `cd` takes it back: its path on the user's
    /// own drive, else its place and path there ([`Place::path_label`]).
    pub fn where_label(&self) -> String {
        match &self.place {
            None => self.cwd.path.clone(),
            Some(place) => place.path_label(&self.cwd.path),
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
            Some(Place::Shared { drive, id, .. } | Place::Item { drive, id }) => {
                self.home.rooted_at(drive, id)
            }
        }
    }

    /// The name of the item `t` names, as its copy is named when no name is given (`mirror
    /// SOURCE` alone, lftp's default): the last name of its path or of `shared:NAME[/PATH]`,
    /// else (an id) the item's own name; `None` for a drive's root, which has none.
    ///
    /// # Errors
    ///
    /// Those of fetching an item given by id.
    pub async fn name_of(&self, t: &Target) -> Result<Option<String>, CommandError> {
        let given = t
            .path
            .as_deref()
            .or_else(|| t.shown.strip_prefix("shared:"));
        if let Some(given) = given {
            let name = split_parent(&format!("/{given}")).1;
            return Ok(Some(name).filter(|n| !n.is_empty()));
        }
        let item = match &t.known {
            Some(item) => item.clone(),
            None => self.client.item(&t.item).await.map_err(about(&t.label()))?,
        };
        Ok(Some(item.name).filter(|n| item.root.is_none() && !n.is_empty()))
    }

    /// The drive whose root the session's paths start at: the user's own, or the one
    /// `drive NAME` chose; `None` inside a shared item or a folder reached by id, where paths
    /// start at that item.
    ///
    /// # Errors
    ///
    /// Those of asking for the user's drive (`GET /me/drive`, once).
    pub async fn tree_drive(&self) -> Result<Option<String>, CommandError> {
        Ok(match &self.place {
            None => Some(self.home.drive_id().await?),
            Some(Place::Drive { id, .. }) => Some(id.clone()),
            Some(_) => None,
        })
    }

    /// How output names target `t` (fetched as `found`), so that what a command prints
    /// below it (`find`, `du`, `tree`, `ls`) is typed back as it is printed, where the
    /// session is:
    /// - a path: that path with the server's spelling of the names ([`shown_path`]);
    /// - `shared:NAME[/PATH]`: as given;
    /// - an id: the item's path when it is in the session's place (`/Documents` on the
    ///   user's own drive, `/sub` inside `shared:Shared Folder`), `shared:NAME/PATH` when it
    ///   is below an item shared with the user, else the argument (`id:ID[/PATH]`, which every
    ///   command takes back).
    ///
    /// # Errors
    ///
    /// Those of asking for the user's drive, and of the requests finding the shared item
    /// above an id's item ([`Session::place_of_folder`]).
    pub async fn base_of(&self, t: &Target, found: &DriveItem) -> Result<String, CommandError> {
        if let Some(path) = &t.path {
            let drive = if items::respelled(found, path) {
                self.tree_drive().await?
            } else {
                None
            };
            return Ok(shown_path(found, path, drive.as_deref()));
        }
        if t.shown.starts_with("shared:") || item_drive(found).is_none() {
            return Ok(t.label());
        }
        let (place, folder) = self.place_of_folder(found).await?;
        Ok(match place {
            p if p == self.place => folder.path,
            Some(p @ Place::Shared { .. }) => p.path_label(&folder.path),
            _ => t.label(),
        })
    }

    /// The item `item` names, fetched where the session is; an id the session's drive does
    /// not know is looked for on the user's own drive and on the drives of what `shared`
    /// lists, since a work account's ids do not name their drive (graph-api.md §13). Used
    /// where an id may name an item on another drive (every id argument, `cd ID`, the folder
    /// of `put`, `mkdir`, `mv`, `cp`).
    ///
    /// # Errors
    ///
    /// The first answer's error when no shared drive knows the id either; a refusal (403) on
    /// a shared drive that knows it.
    pub async fn fetch_anywhere(&self, item: &ItemRef) -> crate::Result<DriveItem> {
        let first = match self.client.item(item).await {
            Err(e) if e.is_not_found() => e,
            done => return done,
        };
        let ItemRef::Id(id) = item else {
            return Err(first);
        };
        let mut drives: Vec<String> = Vec::new();
        if self.place.is_some() {
            drives.push(self.home.drive_id().await?);
        }
        for entry in self.home.shared_with_me().await.unwrap_or_default() {
            if let Some(t) = entry.remote()
                && !drives.iter().any(|d| same_drive(d, &t.drive_id))
            {
                drives.push(t.drive_id);
            }
        }
        for drive in drives {
            let there = ItemRef::OnDrive {
                drive,
                id: id.clone(),
                path: None,
            };
            match self.home.item(&there).await {
                Err(e) if e.is_not_found() => {}
                done => return done,
            }
        }
        Err(first)
    }

    /// Where folder `found` (fetched by id, on any drive) is, as a place and a path there, so
    /// that paths below it address it and never a folder of the same name elsewhere:
    /// - on the drive the session's place is on (or the user's own drive), where Graph gives
    ///   its path (`parentReference.path`): that place (or home) and that path;
    /// - else below the shared item the session is in, or below one `shared` lists: that
    ///   shared place and the path from it, found by climbing `parentReference.id`;
    /// - else [`Place::Item`]: rooted at the folder itself.
    pub async fn place_of_folder(
        &self,
        found: &DriveItem,
    ) -> Result<(Option<Place>, Folder), CommandError> {
        let drive = item_drive(found);
        if let Some(Place::Drive { id, .. }) = &self.place
            && let Some(path) = items::path_on(found, id)
        {
            return Ok((self.place.clone(), folder(found, path)));
        }
        let own = self.home.drive_id().await?;
        if let Some(path) = items::path_on(found, &own) {
            return Ok((None, folder(found, path)));
        }
        let Some(drive) = drive else {
            return Ok((self.place.clone(), folder(found, "/".into())));
        };
        if let Some((place, path)) = self.climb(found, &drive).await? {
            return Ok((Some(place), folder(found, path)));
        }
        let place = Place::Item {
            drive,
            id: found.id.clone(),
        };
        Ok((Some(place), folder(found, "/".into())))
    }

    /// The shared place above `found` (the one the session is in, or one `shared` lists) and
    /// the path from it, climbing at most [`CLIMB`] parents; `None` when none is above it.
    async fn climb(
        &self,
        found: &DriveItem,
        drive: &str,
    ) -> Result<Option<(Place, String)>, CommandError> {
        let mut tops: Vec<Place> = self
            .place
            .iter()
            .filter(|p| matches!(p, Place::Shared { .. }))
            .cloned()
            .collect();
        for entry in self.home.shared_with_me().await.unwrap_or_default() {
            if let Some(t) = entry.remote() {
                tops.push(Place::Shared {
                    name: entry.name,
                    drive: t.drive_id,
                    id: t.id,
                });
            }
        }
        let is_top = |id: &str| {
            tops.iter().find(|p| match p {
                Place::Shared {
                    drive: d, id: top, ..
                } => same_drive(d, drive) && top.eq_ignore_ascii_case(id),
                _ => false,
            })
        };
        let mut names = Vec::new();
        let mut cur = found.clone();
        for _ in 0..CLIMB {
            if let Some(top) = is_top(&cur.id) {
                names.reverse();
                return Ok(Some((top.clone(), format!("/{}", names.join("/")))));
            }
            let Some(parent) = cur.parent_reference.as_ref().and_then(|r| r.id.clone()) else {
                break;
            };
            names.push(cur.name.clone());
            let up = ItemRef::OnDrive {
                drive: drive.to_owned(),
                id: parent,
                path: None,
            };
            match self.home.item(&up).await {
                Ok(item) => cur = item,
                Err(_) => break,
            }
        }
        Ok(None)
    }
}

/// The drive an item is on (`parentReference.driveId`), if the answer names it.
pub(super) fn item_drive(item: &DriveItem) -> Option<String> {
    item.parent_reference
        .as_ref()
        .and_then(|r| r.drive_id.clone())
        .filter(|d| !d.is_empty())
}

fn folder(found: &DriveItem, path: String) -> Folder {
    Folder {
        id: found.id.clone(),
        path,
    }
}

/// The path to show for `found`, reached by the absolute path `asked` of a session whose
/// paths start at the root of `drive` (`None`: at a shared item, or not needed since the
/// server spells the path as asked, [`items::respelled`]): the server's path when it is the
/// one asked for but for case (the server's spelling), else `asked` with the server's
/// spelling of the last name (a path through a shortcut, inside a shared item).
pub fn shown_path(found: &DriveItem, asked: &str, drive: Option<&str>) -> String {
    let server = drive.and_then(|d| items::path_on(found, d));
    let same = |a: &str, b: &str| {
        let (a, b): (Vec<&str>, Vec<&str>) = (a.split('/').collect(), b.split('/').collect());
        a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| names::same_name(x, y))
    };
    match server {
        Some(s) if same(&s, asked) => s,
        _ if asked == "/" => asked.to_owned(),
        _ => join(&split_parent(asked).0, &found.name),
    }
}
