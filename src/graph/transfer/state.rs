//! Small JSON state files that let a transfer resume in a later run.
//!
//! A download keeps `.NAME.part` (the bytes so far) and `.NAME.part.json` (which remote
//! version they belong to) beside its destination, a folder it writes anyway. An upload keeps
//! `NAME~HASH.upload.json` (the session URL and what identifies the local file: size,
//! mtime, inode and a hash of its first and last MiB) in the data
//! directory's `uploads` folder, never beside its source: a source folder is not ours to
//! write (it may be read-only, or another user's), and the session URL is a secret that a
//! shared folder would show. Each is written atomically (mode 0600, in a folder made 0700); a
//! state file that does not parse or no longer matches is ignored and the transfer starts
//! over.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::spans::Spans;
use crate::error::{Error, Result};

/// What a partial download belongs to, and for one in several ranges, what it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct DownloadState {
    pub id: String,
    pub tag: Option<String>,
    pub size: u64,
    /// The spans a download in several ranges has written (the `.part` has holes); `None`:
    /// one stream, the `.part` holds the bytes from 0 to its length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done: Option<Spans>,
}

impl DownloadState {
    /// Whether `saved` belongs to the same remote version (whatever it holds).
    pub(crate) fn same_version(&self, saved: &DownloadState) -> bool {
        (&self.id, &self.tag, self.size) == (&saved.id, &saved.tag, saved.size)
    }
}

/// An upload session to pick up again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct UploadState {
    pub upload_url: String,
    pub target: String,
    pub size: u64,
    pub mtime: String,
    /// The local file's (device, inode) on Unix.
    #[serde(default)]
    pub inode: Option<(u64, u64)>,
    /// A fingerprint of the local file's content (`upload_source::Source::sample`); a state
    /// file without one (an older version's) is not resumed.
    #[serde(default)]
    pub sample: Option<String>,
}

/// `dir/.NAME{suffix}` for `file`. File systems cap a name at 255 bytes, and OneDrive names may
/// be 255 characters, so a name too long for that is cut and made unique again with a hash of
/// the whole name (`.NAME-CUT~HASH{suffix}`).
pub(crate) fn hidden_sibling(dir: &Path, file_name: &str, suffix: &str) -> PathBuf {
    let full = format!(".{file_name}{suffix}");
    if full.len() <= MAX_NAME {
        return dir.join(full);
    }
    dir.join(cut_name(
        ".",
        file_name,
        &format!("~{:016x}{suffix}", fnv64(file_name)),
    ))
}

/// The longest file name most file systems take, in bytes.
const MAX_NAME: usize = 255;

/// `{prefix}{name}{tail}` with `name` cut (at a character boundary) to fit [`MAX_NAME`].
fn cut_name(prefix: &str, name: &str, tail: &str) -> String {
    let mut cut = name.len().min(MAX_NAME - prefix.len() - tail.len());
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{prefix}{}{tail}", &name[..cut])
}

/// FNV-1a, 64 bits: a short stable name for a long text (not a secret).
fn fnv64(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `dir/NAME~HASH.upload.json`, the state file of an upload of the local file `file_name`;
/// `identity` names the source and the target in full (two uploads never share a file), the
/// name is there for whoever looks into the folder.
pub(crate) fn upload_state_file(dir: &Path, file_name: &str, identity: &str) -> PathBuf {
    let tail = format!("~{:016x}.upload.json", fnv64(identity));
    dir.join(cut_name("", file_name, &tail))
}

/// Where upload state goes when the options name no folder: `uploads` in the data directory
/// ([`crate::config::data_dir`]); `None` without one (uploads then cannot resume in a later
/// run).
pub(crate) fn default_upload_dir() -> Option<PathBuf> {
    crate::config::data_dir().map(|d| d.join("uploads"))
}

pub(crate) async fn load<T: DeserializeOwned>(path: &Path) -> Option<T> {
    let bytes = tokio::fs::read(path).await.ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Writes `value` to `path` atomically (mode 0600), making its folder (mode 0700) if needed.
pub(crate) async fn save<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    write(path, value, true).await
}

/// [`save`] without waiting for the disk: for progress saved often during a transfer.
pub(crate) async fn save_progress<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    write(path, value, false).await
}

async fn write<T: Serialize>(path: &Path, value: &T, sync: bool) -> Result<()> {
    let bytes = serde_json::to_vec(value).map_err(|e| Error::decode("transfer state", e))?;
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            make_private_dir(dir)?;
        }
        if sync {
            crate::config::write_private(&path, &bytes)
        } else {
            crate::config::write_private_unsynced(&path, &bytes)
        }
    })
    .await
    .map_err(|e| Error::decode("transfer state", e))?
}

/// Creates `dir` and its missing parents, those new ones readable by the owner only.
fn make_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| Error::io(dir, e))
}

pub(crate) async fn remove(path: &Path) {
    // A state file that cannot be removed is harmless: it no longer matches and is ignored.
    let _ = tokio::fs::remove_file(path).await;
}

/// A file's mtime as RFC 3339 (what `fileSystemInfo` takes and what state files compare).
pub(crate) fn rfc3339(t: SystemTime) -> String {
    time::OffsetDateTime::from(t)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_names_get_short_distinct_state_files() {
        let dir = std::path::Path::new("/d");
        let short = super::hidden_sibling(dir, "a.txt", ".part");
        assert_eq!(short, dir.join(".a.txt.part"));
        let a = "é".repeat(127) + "a";
        let b = "é".repeat(127) + "b";
        let (pa, pb) = (
            super::hidden_sibling(dir, &a, ".part.json"),
            super::hidden_sibling(dir, &b, ".part.json"),
        );
        assert_ne!(pa, pb);
        for p in [pa, pb] {
            let name = p.file_name().unwrap().to_str().unwrap();
            assert!(name.len() <= 255 && name.ends_with(".part.json"), "{name}");
        }
    }

    #[test]
    fn upload_state_files_are_named_by_source_and_target() {
        let dir = std::path::Path::new("/d");
        let a =
            super::upload_state_file(dir, "big.bin", "https://g\n/me/drive/root:/a\n/x/big.bin");
        let b =
            super::upload_state_file(dir, "big.bin", "https://g\n/me/drive/root:/b\n/x/big.bin");
        assert_ne!(a, b);
        let name = a.file_name().unwrap().to_str().unwrap();
        assert!(
            name.starts_with("big.bin~") && name.ends_with(".upload.json"),
            "{name}"
        );
        let long = super::upload_state_file(dir, &"é".repeat(200), "x");
        assert!(long.file_name().unwrap().len() <= 255);
    }
}
