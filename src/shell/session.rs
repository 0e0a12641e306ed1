//! The shell session: one object holds the client, the current and previous remote folder, the
//! listing cache (shared with the completer), output settings and the last exit status, so
//! that every mode (prompt, script, `-c`, argv) runs commands against the same state.
//!
//! Where on OneDrive the session is (its own drive, another drive, an item shared with the
//! user) is in `place.rs`, what an argument names in `target.rs`, and how a glob among the
//! arguments expands in `glob.rs`, next to this file: the session holds state, those files
//! say what it means.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::cache::{self, DirCache};
use super::connect::Connection;
use super::error::CommandError;
use super::output::Format;
pub use super::place::Place;
pub use super::target::{Spot, Target};
use crate::auth::ConfigTokens;
use crate::graph::{DriveItem, GraphClient};

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

    /// The children of the folder at absolute `path` whose name `keep` accepts, from the cache
    /// when fresh.
    pub async fn listing(
        &self,
        path: &str,
        keep: impl Fn(&str) -> bool,
    ) -> Result<(String, Vec<DriveItem>), CommandError> {
        cache::cached_listing(&self.client, &self.cache, path, keep).await
    }

    /// Locks the listing cache.
    pub fn cache(&self) -> std::sync::MutexGuard<'_, DirCache> {
        cache::lock(&self.cache)
    }

    /// Prints a message on stderr unless `-q` (a `{"notice"}` JSON line with `--json`:
    /// [`super::output::notice`]).
    pub fn note(&self, msg: &str) {
        super::output::notice(self.settings.format, self.settings.quiet, msg);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(resolve("/a/b", "../c/./d"), "/a/c/d");
        assert_eq!(resolve("/a", "/x//y/"), "/x/y");
        assert_eq!(resolve("/", ".."), "/");
        assert_eq!(split_parent("/a/b"), ("/a".into(), "b".into()));
        assert_eq!(split_parent("/a"), ("/".into(), "a".into()));
    }
}
