//! Small JSON state files that let a transfer resume in a later run.
//!
//! A download keeps `.NAME.part` (the bytes so far) and `.NAME.part.json` (which remote
//! version they belong to); an upload keeps `.NAME.upload.json` (the session URL and the local
//! file's size and mtime). Each is written atomically; a state file that does not parse or no
//! longer matches is ignored and the transfer starts over.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What a partial download belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct DownloadState {
    pub id: String,
    pub tag: Option<String>,
    pub size: u64,
}

/// An upload session to pick up again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct UploadState {
    pub upload_url: String,
    pub target: String,
    pub size: u64,
    pub mtime: String,
}

/// `dir/.NAME{suffix}` for `file`. File systems cap a name at 255 bytes, and OneDrive names may
/// be 255 characters, so a name too long for that is cut and made unique again with a hash of
/// the whole name (`.NAME-CUT~HASH{suffix}`).
pub(crate) fn hidden_sibling(dir: &Path, file_name: &str, suffix: &str) -> PathBuf {
    const MAX: usize = 255;
    let full = format!(".{file_name}{suffix}");
    if full.len() <= MAX {
        return dir.join(full);
    }
    let hash = file_name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let tail = format!("~{hash:016x}{suffix}");
    let mut cut = MAX - 1 - tail.len();
    while !file_name.is_char_boundary(cut) {
        cut -= 1;
    }
    dir.join(format!(".{}{tail}", &file_name[..cut]))
}

pub(crate) async fn load<T: DeserializeOwned>(path: &Path) -> Option<T> {
    let bytes = tokio::fs::read(path).await.ok()?;
    serde_json::from_slice(&bytes).ok()
}

pub(crate) async fn save<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let bytes = serde_json::to_vec(value).map_err(|e| Error::decode("transfer state", e))?;
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || crate::config::write_private(&path, &bytes))
        .await
        .map_err(|e| Error::decode("transfer state", e))?
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
}
