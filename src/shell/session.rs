//! The shell session: one object holds the client, the current and previous remote folder, the
//! listing cache (shared with the completer), output settings and the last exit status, so
//! that every mode (prompt, script, `-c`, argv) runs commands against the same state.
//!
//! Where on OneDrive the session is (its own drive, another drive, an item shared with the
//! user) is in `place.rs`, next to this file.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::cache::{self, DirCache};
use super::connect::Connection;
use super::error::{CommandError, about, exit};
use super::glob;
use super::output::Format;
pub use super::place::Place;
use super::place::item_drive;
use crate::auth::ConfigTokens;
use crate::graph::{DriveItem, GraphClient, ItemRef, RemoteTarget};

/// A remote folder: its id and absolute path (`/` for the root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    /// Item id.
    pub id: String,
    /// Absolute path.
    pub path: String,
}

/// How object arguments are read (design.md §2: `-p`, `-i`, or guess).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Addressing {
    /// Ids when they look like Graph ids (or start with `id:`), paths otherwise.
    #[default]
    Guess,
    /// Always paths (`-p`).
    Path,
    /// Always ids (`-i`).
    Id,
}

/// Output and interaction settings fixed for the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// How results are printed.
    pub format: Format,
    /// `-q`: errors only.
    pub quiet: bool,
    /// `-v`: request details in errors.
    pub verbose: bool,
    /// Progress bars are allowed (stderr is a terminal, no `-q`/`--json`).
    pub progress: bool,
    /// A person answers at a terminal: confirmations may be asked.
    pub interactive: bool,
    /// Seed-style one command from argv: `get X` without LOCAL writes to stdout when piped.
    pub argv_mode: bool,
    /// How object arguments are read.
    pub addressing: Addressing,
}

/// A resolved object argument.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// How to address it.
    pub item: ItemRef,
    /// The absolute path, when known (always for path arguments).
    pub path: Option<String>,
    /// Metadata already fetched while expanding a glob.
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

/// State shared by all commands of one shell run.
#[derive(Debug)]
pub struct Session {
    /// The Graph client of where the session is (see [`Session::place`]).
    pub client: GraphClient,
    /// The client of the user's own drive (`cd ~`).
    pub home: GraphClient,
    /// Where the session is when not on the user's own drive.
    pub place: Option<Place>,
    /// Current remote folder.
    pub cwd: Folder,
    /// The folder before the last `cd` (for `cd -`).
    pub prev: Option<Folder>,
    /// The place of [`Session::prev`].
    pub prev_place: Option<Place>,
    /// The local folder before the last `lcd` (for `lcd -`).
    pub prev_local: Option<std::path::PathBuf>,
    /// Listing cache, shared with the completer.
    pub cache: Arc<Mutex<DirCache>>,
    /// Exit status of the last command.
    pub last_status: u8,
    /// Set by `exit`: the shell stops after the current command with this status.
    pub exit_requested: Option<u8>,
    /// Run settings.
    pub settings: Settings,
    /// Glob patterns among the current command's arguments (as passed to clap).
    pub globs: Vec<String>,
    /// Lines entered in this and earlier interactive sessions (for `history`).
    pub history: Vec<String>,
    /// The config-backed token source, when signed in from a config (`auth_refresh`).
    pub tokens: Option<Arc<ConfigTokens>>,
    /// The config file (`None` in demo mode).
    pub config_path: Option<PathBuf>,
}

impl Session {
    /// A session at the drive root. The root's id is learnt on the first `cd`; until then the
    /// cwd is addressed by path.
    pub fn new(conn: Connection, settings: Settings) -> Self {
        Session {
            home: conn.client.clone(),
            client: conn.client,
            place: None,
            cwd: Folder {
                id: String::new(),
                path: "/".to_owned(),
            },
            prev: None,
            prev_place: None,
            prev_local: None,
            cache: Arc::new(Mutex::new(DirCache::default())),
            last_status: 0,
            exit_requested: None,
            settings,
            globs: Vec::new(),
            history: Vec::new(),
            tokens: conn.tokens,
            config_path: conn.config_path,
        }
    }

    /// Resolves a user path (relative to the cwd, `/` absolute, `..` allowed) to an absolute path.
    pub fn resolve_path(&self, arg: &str) -> String {
        resolve(&self.cwd.path, arg)
    }

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
        let (id, below) = match id.split_once('/') {
            Some((id, below)) => (id, below.trim_matches('/')),
            None => (id, ""),
        };
        if id.is_empty() {
            return Err(CommandError::usage(format!(
                "{arg}: empty id (write `id:ID`, an id as `info` shows it)"
            )));
        }
        let (item, shown) = match below {
            "" => (id_ref(id), format!("id:{id}")),
            below => (id_ref(id).child(below), format!("id:{id}/{below}")),
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
        let found = self.fetch_anywhere(&top).await.map_err(about(arg))?;
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

    /// Reads object arguments ([`Session::target`]), expanding the glob patterns of this
    /// command against cached (or fetched) listings. A pattern that matches nothing names the
    /// item of that literal name, if any; otherwise it is a not-found error. The folder part
    /// of a pattern is read as any argument is (`shared:NAME/*.txt`, `id:ID/*`, a path
    /// through a shortcut).
    pub async fn expand(&self, args: &[String]) -> Result<Vec<Target>, CommandError> {
        let mut out = Vec::new();
        for arg in args {
            if !self.globs.contains(arg) {
                out.push(self.target(arg).await?);
                continue;
            }
            let (dir, pat) = glob::split(arg).ok_or_else(|| {
                CommandError::usage(format!(
                    "{arg}: patterns are allowed in the last path segment only"
                ))
            })?;
            let dir_t = self.target(if dir.is_empty() { "." } else { &dir }).await?;
            let items = match &dir_t.path {
                Some(p) => self.listing(p).await?.1,
                None => self
                    .client
                    .children(&dir_t.item)
                    .await
                    .map_err(about(&dir_t.label()))?,
            };
            let chosen = matching(pat, items);
            if chosen.is_empty() {
                return Err(CommandError::new(
                    exit::NOT_FOUND,
                    format!("{arg}: no match"),
                ));
            }
            for it in chosen {
                out.push(Target {
                    item: ItemRef::of_item(&it),
                    path: dir_t.path.as_deref().map(|d| join(d, &it.name)),
                    shown: join(&dir_t.label(), &it.name),
                    known: Some(it),
                });
            }
        }
        Ok(out)
    }

    /// The children of the folder at absolute `path`, from the cache when fresh.
    pub async fn listing(&self, path: &str) -> Result<(String, Vec<DriveItem>), CommandError> {
        cache::cached_listing(&self.client, &self.cache, path).await
    }

    /// Locks the listing cache.
    pub fn cache(&self) -> std::sync::MutexGuard<'_, DirCache> {
        cache::lock(&self.cache)
    }

    /// Prints a message on stderr unless `-q`.
    pub fn note(&self, msg: &str) {
        if !self.settings.quiet {
            errln!("{msg}");
        }
    }
}

/// The items of a listing that `pat` matches; as in sh, a pattern that matches nothing stands
/// for itself (`get 'a[1].txt'` fetches the file of that name when there is one).
fn matching(pat: &str, items: Vec<DriveItem>) -> Vec<DriveItem> {
    let (matched, rest): (Vec<DriveItem>, Vec<DriveItem>) = items
        .into_iter()
        .partition(|i| glob::matches(pat, &i.name, true));
    if !matched.is_empty() {
        return matched;
    }
    let literal = glob::unescape(pat);
    rest.into_iter()
        .filter(|i| crate::graph::names::same_name(&i.name, &literal))
        .collect()
}

/// Resolves `arg` against the absolute folder `cwd`.
pub fn resolve(cwd: &str, arg: &str) -> String {
    let mut parts: Vec<&str> = if arg.starts_with('/') {
        Vec::new()
    } else {
        cwd.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in arg.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Joins a name onto an absolute folder path.
pub fn join(dir: &str, name: &str) -> String {
    format!("{}/{}", dir.trim_end_matches('/'), name)
}

/// The parent folder of an absolute path and the last segment.
pub fn split_parent(path: &str) -> (String, String) {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(0) => ("/".to_owned(), trimmed[1..].to_owned()),
        Some(i) => (trimmed[..i].to_owned(), trimmed[i + 1..].to_owned()),
        None => ("/".to_owned(), trimmed.to_owned()),
    }
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
    fn paths_and_ids() {
        assert_eq!(resolve("/a/b", "../c/./d"), "/a/c/d");
        assert_eq!(resolve("/a", "/x//y/"), "/x/y");
        assert_eq!(resolve("/", ".."), "/");
        assert_eq!(split_parent("/a/b"), ("/a".into(), "b".into()));
        assert_eq!(split_parent("/a"), ("/".into(), "a".into()));
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
