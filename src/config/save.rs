//! Saving the config file where users keep it, without losing what they wrote or a token.
//!
//! - Only the lines of the keys the tool owns change (the `edit` module); the result is parsed
//!   back and must equal the expected document, else the file is written whole from it
//!   (comments are then lost, never values).
//! - A config that is a symbolic link (into a dotfiles folder) stays one: the file it points
//!   to is replaced, by a temp file beside that file and a rename.
//! - The lock is a side file beside the (resolved) config. When that folder takes no new file
//!   (read-only, owned by someone else), the lock is taken in the user's cache folder
//!   (`~/.cache/skydrive-cli/locks`) or the temp folder instead, named by the config's path,
//!   so that commands still run and processes sharing the config still take turns.
//! - `conf_save: false` (the seed's setting) means the file is never written; a save then
//!   does nothing and the new values live in memory ([`Config::has_unsaved_changes`]).
//!
//! - A config whose folder takes no new file (a read-only folder, one owned by someone else)
//!   while the file itself can be written is rewritten in place (truncate, write, fsync, mode
//!   0600) rather than not at all: the save then is not atomic, and the caller says so once
//!   ([`Saved::InPlace`]). With rotating refresh tokens, a token not saved is a sign-out on
//!   the next run, a worse risk than a write cut short by a crash.
//!
//! A save that fails leaves the file as it was. Callers holding new sign-in tokens keep them
//! in memory and say so once (see `crate::auth`), since the identity platform has already
//! retired the refresh token they replaced.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};
use sha2::{Digest, Sha256};

use super::yaml::parse_doc;
use super::{Config, edit};
use crate::error::{Error, Result};

/// An exclusive lock on a config file (a side `.lock` file), held until dropped.
#[derive(Debug)]
pub struct ConfigLock {
    _file: fs::File,
}

impl ConfigLock {
    /// Blocks until the lock on the config at `path` is ours: `NAME.lock` beside the file
    /// (beside its target, for a symbolic link), else a lock file named after the config's
    /// path in the user's cache folder or the temp folder (see the module docs).
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::Io`] naming the side lock file when no place takes a lock file.
    pub fn acquire(path: &Path) -> Result<Self> {
        let target = write_target(path);
        let beside = sibling(&target, ".lock");
        let first = match lock_at(&beside) {
            Ok(lock) => return Ok(lock),
            Err(e) => e,
        };
        let key = Sha256::digest(target.to_string_lossy().as_bytes());
        let name = format!("{}.lock", hex(&key[..12]));
        for dir in fallback_lock_dirs() {
            if fs::create_dir_all(&dir).is_ok()
                && let Ok(lock) = lock_at(&dir.join(&name))
            {
                return Ok(lock);
            }
        }
        Err(Error::io(&beside, first))
    }

    /// [`ConfigLock::acquire`] without blocking the async runtime.
    pub async fn acquire_async(path: &Path) -> Result<Self> {
        let path = path.to_owned();
        tokio::task::spawn_blocking(move || ConfigLock::acquire(&path))
            .await
            .map_err(|e| Error::config("config lock", e.to_string()))?
    }
}

fn lock_at(path: &Path) -> std::io::Result<ConfigLock> {
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    file.lock()?;
    Ok(ConfigLock { _file: file })
}

/// Where a lock goes when the config's folder takes no file: the user's cache folder, then
/// a per-user folder in the temp folder.
fn fallback_lock_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(base) = directories::BaseDirs::new() {
        dirs.push(base.cache_dir().join("skydrive-cli").join("locks"));
    }
    let user = std::env::var("USER").unwrap_or_else(|_| "user".into());
    dirs.push(std::env::temp_dir().join(format!("skydrive-cli-{user}-locks")));
    dirs
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The file a save replaces: the target of a symbolic link (all links followed), else
/// `path` itself.
fn write_target(path: &Path) -> PathBuf {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link && let Ok(target) = fs::canonicalize(path) {
        return target;
    }
    path.to_owned()
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

impl Config {
    /// Saves the keys this tool owns that changed since this config was loaded (all set keys
    /// for a config made with [`Config::new`]), keeping every other key, comment and blank
    /// line as it is on disk now. Locked, atomic, mode 0600; through a symbolic link into its
    /// target. Afterwards `self` holds the merged result, so tokens another process saved
    /// meanwhile are picked up. With `conf_save: false` nothing is written.
    ///
    /// # Errors
    ///
    /// The file on disk does not parse ([`crate::ErrorKind::Config`], untouched), or it cannot
    /// be read, locked or written ([`crate::ErrorKind::Io`]); `self` then keeps its values.
    pub fn save(&mut self) -> Result<()> {
        if self.no_save {
            return Ok(());
        }
        let lock = ConfigLock::acquire(&self.path)?;
        self.save_locked(&lock)
    }

    /// [`Config::save`] while the caller already holds the file's lock.
    pub fn save_locked(&mut self, lock: &ConfigLock) -> Result<()> {
        self.save_locked_how(lock).map(drop)
    }

    /// [`Config::save_locked`], saying how the file was written (see [`Saved`]).
    ///
    /// # Errors
    ///
    /// Those of [`Config::save`].
    pub fn save_locked_how(&mut self, _lock: &ConfigLock) -> Result<Saved> {
        if self.no_save {
            return Ok(Saved::NotWritten);
        }
        let old = match fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // Gone since we read it: write everything we know, not only the changes.
                self.on_disk = None;
                String::new()
            }
            Err(e) => return Err(Error::io(&self.path, e)),
        };
        let text = self.render(&old)?;
        let how = write_private_file(&self.path, text.as_bytes(), true)?;
        *self = Config::parse(&self.path, &text)?;
        Ok(how)
    }

    /// The new text of a file now holding `old`, in `old`'s line ending style: a file written
    /// with CRLF line ends (on Windows, or by a Windows editor) keeps them on every line,
    /// the tool's own lines included, rather than ending up with mixed ends.
    fn render(&self, old: &str) -> Result<String> {
        if !old.contains("\r\n") {
            return self.render_lf(old);
        }
        let text = self.render_lf(&old.replace("\r\n", "\n"))?;
        Ok(text.replace('\n', "\r\n"))
    }

    /// The new text of a file now holding `old` (LF line ends): edited in place when the
    /// editor manages and the result reads back as the merged document, else that document
    /// written whole.
    fn render_lf(&self, old: &str) -> Result<String> {
        let mut doc = parse_doc(&self.path, old)?;
        let changes = self.changes();
        Config::merge_into(&mut doc, &changes);
        let edited = changes.iter().try_fold(old.to_owned(), |text, (s, k, v)| {
            edit::set(&text, s, k, v.as_deref())
        });
        if let Some(text) = edited
            && parse_doc(&self.path, &text).ok().as_ref() == Some(&doc)
        {
            return Ok(text);
        }
        if doc == Value::Mapping(Mapping::new()) {
            return Ok(String::new());
        }
        serde_yaml::to_string(&doc).map_err(|e| Error::config(&self.path, e.to_string()))
    }
}

/// How a save wrote the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// Atomically: a temp file beside it, then a rename.
    Atomic,
    /// In place (truncated and rewritten, then synced), because its folder takes no new file:
    /// a crash during the write could leave it cut short.
    InPlace,
    /// Not at all: `conf_save: false`.
    NotWritten,
}

/// Writes `bytes` to `path` atomically (temp file beside it, then rename), mode 0600. A
/// symbolic link stays a link: the file it points to is replaced. When the folder takes no
/// new file but the file exists and can be written, it is rewritten in place instead.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    write_private_file(path, bytes, true).map(drop)
}

/// [`write_private`] without waiting for the disk (no fsync): for state that is advice, saved
/// often while a large file is being written (an fsync then may wait for that file's data).
pub fn write_private_unsynced(path: &Path, bytes: &[u8]) -> Result<()> {
    write_private_file(path, bytes, false).map(drop)
}

fn write_private_file(path: &Path, bytes: &[u8], sync: bool) -> Result<Saved> {
    let target = write_target(path);
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".lcrc-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o600));
    }
    let mut tmp = match builder.tempfile_in(dir) {
        Ok(tmp) => tmp,
        Err(e) => {
            return match write_in_place(&target, bytes) {
                Some(Ok(())) => Ok(Saved::InPlace),
                Some(Err(e)) => Err(Error::io(&target, e)),
                None => Err(Error::io(dir, e)),
            };
        }
    };
    // The file itself, not the wrapper, whose errors repeat the temp file's path.
    let file = tmp.as_file_mut();
    file.write_all(bytes)
        .and_then(|()| if sync { file.sync_all() } else { Ok(()) })
        .map_err(|e| Error::io(&target, e))?;
    tmp.persist(&target)
        .map_err(|e| Error::io(&target, e.error))?;
    Ok(Saved::Atomic)
}

/// Rewrites the existing regular file `target` in place (truncate, write, fsync), mode 0600:
/// for a folder that takes no temp file. `None` when there is no such file to open for writing.
fn write_in_place(target: &Path, bytes: &[u8]) -> Option<std::io::Result<()>> {
    if !fs::metadata(target).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let mut file = fs::OpenOptions::new().write(true).open(target).ok()?;
    Some((|| {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(fs::Permissions::from_mode(0o600))?;
        }
        file.set_len(0)?;
        file.write_all(bytes)?;
        file.sync_all()
    })())
}
