//! Reading object arguments, the one way every command does (README "Addressing"): a path
//! from the current folder, an id (`id:ID[/PATH]`, a Graph-looking id, anything with `-i`),
//! or `shared:NAME[/PATH]`, into a [`Target`] that says how to address the item and how to
//! name it in messages; and where a folder to create in is ([`Spot`]). Kept apart from the
//! session's state (`session.rs`) and from where the session is (`place.rs`): this is what
//! an argument means, whatever the command.

use super::error::{CommandError, about};
use super::place::item_drive;
use super::session::{Addressing, Session, resolve};
use crate::graph::{DriveItem, GraphClient, ItemRef, RemoteTarget};

/// A resolved object argument.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// How to address it.
    pub item: ItemRef,
    /// The absolute path, when known (always for path arguments).
    pub path: Option<String>,
    /// Metadata already fetched (a glob's match, an id found on another drive).
    pub known: Option<DriveItem>,
    /// How messages name it, in a form the user can type back: the path, or
    /// `shared:NAME/PATH`, or `id:ID/PATH`.
    pub shown: String,
}

impl Target {
    /// How messages name the item: a path, `shared:NAME/PATH` or `id:ID/PATH`, never an
    /// internal form.
    pub fn label(&self) -> String {
        self.shown.clone()
    }
}

/// Where a folder argument is, for creating in it ([`Session::spot`]).
#[derive(Debug, Clone)]
pub struct Spot {
    /// A client whose paths reach the folder.
    pub client: GraphClient,
    /// Its absolute path for that client.
    pub path: String,
    /// True when the client is the session's own (its paths are the listing cache's).
    pub here: bool,
}

impl Session {
    /// Reads an object argument, the one way every command does (README "Addressing"):
    /// `shared:NAME[/PATH]` (an item `shared` lists, or a path below it; not with `-p`),
    /// `id:ID[/PATH]`, a Graph-looking id (unless `-p`), anything with `-i`, else a path from
    /// the current folder. An id names an item of the drive the session is on, or of the
    /// drive a personal id names.
    ///
    /// # Errors
    ///
    /// `shared:NAME` naming nothing shared with the user (exit 3) or several items (exit 2);
    /// an empty id (exit 2).
    pub async fn target(&self, arg: &str) -> Result<Target, CommandError> {
        if let Some(rest) = shared_arg(arg, self.settings.addressing) {
            let (entry, below) = self.shared_item(rest).await?;
            let mut item = ItemRef::content_of(&entry);
            let mut shown = format!("shared:{}", entry.name);
            if let Some(below) = below {
                item = item.child(&below);
                shown = format!("{shown}/{below}");
            }
            return Ok(Target {
                item,
                path: None,
                known: None,
                shown,
            });
        }
        let t = self.plain_target(arg)?;
        self.placed(t).await
    }

    /// A target given by a work account's id, which names no drive (graph-api.md §13),
    /// addressed on the drive that knows it: the session's, the user's own, or one of what
    /// `shared` lists ([`Session::fetch_anywhere`]); the item fetched is kept as the target's
    /// metadata. Costs one request per such id; an id nothing knows is left for the command
    /// to report as not found.
    async fn placed(&self, mut t: Target) -> Result<Target, CommandError> {
        let (id, below) = match &t.item {
            ItemRef::Id(id) => (id.clone(), None),
            ItemRef::IdPath(id, below) => (id.clone(), Some(below.clone())),
            _ => return Ok(t),
        };
        let Ok(found) = self.fetch_anywhere(&ItemRef::Id(id.clone())).await else {
            return Ok(t);
        };
        let elsewhere = match self.client.drive_id().await {
            Ok(here) => item_drive(&found).filter(|d| !crate::graph::same_drive(d, &here)),
            Err(_) => None,
        };
        if let Some(drive) = elsewhere {
            t.item = ItemRef::OnDrive {
                drive,
                id,
                path: below.clone(),
            };
        }
        if below.is_none() {
            t.known = Some(found);
        }
        Ok(t)
    }

    /// [`Session::target`] for what needs no request: ids and paths.
    fn plain_target(&self, arg: &str) -> Result<Target, CommandError> {
        let id = match self.settings.addressing {
            Addressing::Id => Some(arg.strip_prefix("id:").unwrap_or(arg)),
            Addressing::Path => None,
            Addressing::Guess => arg
                .strip_prefix("id:")
                .or_else(|| looks_like_id(arg).then_some(arg)),
        };
        let Some(id) = id else {
            let path = self.resolve_path(arg);
            return Ok(Target {
                item: ItemRef::path(&path),
                shown: path.clone(),
                path: Some(path),
                known: None,
            });
        };
        let (id, below) = id.split_once('/').unwrap_or((id, ""));
        if id.is_empty() {
            return Err(CommandError::usage(format!(
                "{arg}: empty id (write `id:ID`, an id as `info` shows it)"
            )));
        }
        let anchor = format!("id:{id}");
        let (item, shown) = match below_anchor(arg, &anchor, below)? {
            None => (id_ref(id), anchor),
            Some(below) => (id_ref(id).child(&below), format!("{anchor}/{below}")),
        };
        Ok(Target {
            item,
            path: None,
            known: None,
            shown,
        })
    }

    /// Where a folder to create or to put into is: a client whose paths reach it, and its
    /// path there (`mkdir`, `put`'s folder, the destination of `mv` and `cp`). A path is
    /// where the session is; `shared:NAME[/PATH]` is below that shared item, and `id:ID[/PATH]`
    /// below that item, wherever it is; `here` is true for the session's own place (whose
    /// listing cache the path belongs to).
    ///
    /// # Errors
    ///
    /// Those of [`Session::target`], and of fetching the item an id names.
    pub async fn spot(&self, arg: &str) -> Result<Spot, CommandError> {
        let target = self.target(arg).await?;
        if let Some(path) = target.path {
            return Ok(Spot {
                client: self.client.clone(),
                path,
                here: true,
            });
        }
        let (top, below) = match &target.item {
            ItemRef::OnDrive { drive, id, path } => (
                ItemRef::OnDrive {
                    drive: drive.clone(),
                    id: id.clone(),
                    path: None,
                },
                path.clone(),
            ),
            ItemRef::IdPath(id, p) => (ItemRef::Id(id.clone()), Some(p.clone())),
            other => (other.clone(), None),
        };
        // An id alone was fetched already to find its drive ([`Session::target`]).
        let found = match (target.known, &below) {
            (Some(known), None) => known,
            _ => self.fetch_anywhere(&top).await.map_err(about(arg))?,
        };
        let drive = found
            .parent_reference
            .as_ref()
            .and_then(|r| r.drive_id.clone());
        let anchor = match (found.remote(), drive) {
            (Some(t), _) => t,
            (None, Some(drive_id)) => RemoteTarget {
                drive_id,
                id: found.id.clone(),
            },
            (None, None) => RemoteTarget {
                drive_id: self.client.drive_id().await?,
                id: found.id.clone(),
            },
        };
        Ok(Spot {
            client: self.home.rooted_at(&anchor.drive_id, &anchor.id),
            path: resolve("/", below.as_deref().unwrap_or("")),
            here: false,
        })
    }
}

/// The PATH below an anchor (`id:ID/PATH`, `shared:NAME/PATH`, named `anchor` as typed),
/// normalised on the client as a plain path is ([`resolve`]): empty and `.` segments dropped,
/// `a/..` cancelled; `None` for the anchor itself. Graph is never sent a `.` or `..` segment
/// (it reads them as names, or refuses the path).
///
/// A `..` above the anchor is refused rather than resolved: the anchor's parent is not
/// reachable in this form (for a shared item it is its owner's folder, not the user's; for an
/// id it may be on a drive the session cannot address by path), and dropping the `..` would
/// write into the anchor instead of its parent.
///
/// # Errors
///
/// A `..` that climbs above the anchor (exit 2), naming `arg` and how to name the parent.
pub(super) fn below_anchor(
    arg: &str,
    anchor: &str,
    below: &str,
) -> Result<Option<String>, CommandError> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in below.split('/') {
        match seg {
            "" | "." => {}
            ".." if parts.pop().is_none() => return Err(climbs_above(arg, anchor)),
            ".." => {}
            name => parts.push(name),
        }
    }
    Ok(Some(parts.join("/")).filter(|p| !p.is_empty()))
}

/// The refusal of a `..` above `anchor` in `arg`, saying how the parent can be named.
fn climbs_above(arg: &str, anchor: &str) -> CommandError {
    let err = CommandError::usage(format!("{arg}: `..` climbs above {anchor}"));
    if anchor.starts_with("shared:") {
        return err.with_hint(format!(
            "{anchor} is the top of what was shared with you: the folder above it is its \
             owner's; name paths below it"
        ));
    }
    err.with_hint(format!(
        "name the parent by its own id or path ({} shows where {anchor} is)",
        super::hint::command(&format!("info {}", shell_words::quote(anchor)))
    ))
}

/// An item id as an address: a personal id names its drive (`{driveId}!…`), so it is read
/// on that drive wherever the session is (an item of a folder someone shared, pasted from
/// `info`); any other id on the drive the session is on.
fn id_ref(id: &str) -> ItemRef {
    match id.split_once('!') {
        Some((drive, _)) if looks_like_id(id) => ItemRef::OnDrive {
            drive: drive.to_owned(),
            id: id.to_owned(),
            path: None,
        },
        _ => ItemRef::Id(id.to_owned()),
    }
}

/// The part after `shared:` of an argument naming an item shared with the user (not with
/// `-p`, which reads every argument as a path).
fn shared_arg(arg: &str, addressing: Addressing) -> Option<&str> {
    match addressing {
        Addressing::Path => None,
        _ => arg.strip_prefix("shared:").filter(|r| !r.is_empty()),
    }
}

/// True for Graph item ids in every form OneDrive uses (graph-api.md §1.1, §13): personal
/// `{driveId}!{n}` and, since 2025, `{driveId}!s{32 hex}` (the root's too), with the drive id
/// of 16 hex digits in either case (or 15, its leading zero dropped); business `01` and 32
/// characters of base32 (upper case letters and digits).
pub fn looks_like_id(s: &str) -> bool {
    if let Some((drive, n)) = s.split_once('!') {
        let hex32 =
            n.len() == 33 && n.starts_with('s') && n[1..].bytes().all(|b| b.is_ascii_hexdigit());
        let number = !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
        return matches!(drive.len(), 15 | 16)
            && drive.bytes().all(|b| b.is_ascii_hexdigit())
            && (hex32 || number);
    }
    s.len() == 34
        && s.starts_with("01")
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_below_an_anchor() {
        let below = |b: &str| below_anchor("arg", "id:X", b).map_err(|e| e.to_string());
        assert_eq!(below(""), Ok(None));
        assert_eq!(below("./"), Ok(None));
        assert_eq!(below("a/./b/"), Ok(Some("a/b".into())));
        assert_eq!(below("a/b/../c"), Ok(Some("a/c".into())));
        assert_eq!(below("a/.."), Ok(None));
        assert!(below("..").is_err());
        assert!(below("a/../../b").is_err());
        assert!(below("./../a").is_err());
    }

    #[test]
    fn ids_in_every_form() {
        assert!(looks_like_id("5D1B2C3A4F6E7D80!103"));
        assert!(looks_like_id(
            "5D1B2C3A4F6E7D80!sea8cc6beffdb43d7976fbc7da445c639"
        ));
        assert!(looks_like_id("01ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));
        assert!(looks_like_id("5d1b2c3a4f6e7d80!1"));
        assert!(looks_like_id(
            "5d1b2c3a4f6e7d80!sEA8CC6BEFFDB43D7976FBC7DA445C639"
        ));
        assert!(!looks_like_id("Pics"));
        assert!(!looks_like_id("Notes!1.txt"));
        assert!(!looks_like_id("5D1B2C3A4F6E7D80!s12"));
        assert!(!looks_like_id("01abcdefghijklmnopqrstuvwxyz234567"));
    }
}
