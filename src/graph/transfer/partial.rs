//! The local side of a download: the hidden `.NAME.part` file beside the destination (locked
//! for one download at a time, opened, measured and hashed for a resume, discarded when
//! asked) and the local errors worth saying
//! plainly (a missing folder, a full disk, the file size limit).

use std::path::{Path, PathBuf};

use tokio::io::AsyncSeekExt;

use super::state::{self, DownloadState};
use crate::error::{Error, ErrorKind, Result};
use crate::graph::quickxor::QuickXorHash;

/// Removes a download's `.part` and state files when dropped while armed.
pub(super) struct DiscardPartial {
    pub(super) files: [PathBuf; 2],
    pub(super) armed: bool,
}

impl Drop for DiscardPartial {
    fn drop(&mut self) {
        if self.armed {
            for f in &self.files {
                let _ = std::fs::remove_file(f);
            }
        }
    }
}

/// The destination folder must exist and be a folder; checked before any request, so that
/// the error names the folder rather than a temporary file in it.
pub(super) async fn check_local_dir(dir: &Path) -> Result<()> {
    match tokio::fs::metadata(dir).await {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(Error::io(
            dir,
            std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder"),
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(ErrorKind::NotFound(dir.display().to_string()).into())
        }
        Err(e) => Err(Error::io(dir, e)),
    }
}

/// A failed local write, said plainly when a full disk or the file size limit is the cause.
pub(super) fn local_write_error(e: std::io::Error) -> std::io::Error {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::FileTooLarge | K::StorageFull | K::QuotaExceeded => std::io::Error::new(
            e.kind(),
            format!("local disk full or file size limit (ulimit -f) reached: {e}"),
        ),
        _ => e,
    }
}

/// Takes the lock that makes one download at a time write `part` (`.NAME.part`, made if
/// missing, left as it is): two downloads of one file into one folder would otherwise write,
/// cut and rename one partial file under each other. The lock (`flock` on Unix) is held
/// until the returned file is dropped and is released by the system if the process dies.
///
/// # Errors
///
/// [`ErrorKind::Refused`], a conflict (exit 7), at once when another download holds it:
/// "another download is writing NAME (its partial file .NAME.part is in use)";
/// [`ErrorKind::Io`] when the file cannot be made.
pub(super) fn lock_part(part: &Path, name: &str) -> Result<std::fs::File> {
    // A download that finished renamed the `.part` we opened to its final name: the lock
    // then holds that file, not the `.part`, and is taken again on the new `.part`.
    for _ in 0..3 {
        let file = open_write(part)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let part_name = part.file_name().unwrap_or_default().to_string_lossy();
                return Err(Error::refused(
                    name,
                    format!(
                        "another download is writing {name} (its partial file {part_name} is \
                         in use); wait for it to finish"
                    ),
                    true,
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(part, e)),
        }
        if same_file(&file, part) {
            return Ok(file);
        }
    }
    Err(Error::io(
        part,
        std::io::Error::other("the partial file keeps being replaced by another download"),
    ))
}

/// Whether `path` still names the open `file`.
#[cfg(unix)]
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::File, path: &Path) -> bool {
    path.exists()
}

/// Opens `.NAME.part` for positioned writes, `len` bytes long: cut to the bytes one stream
/// keeps, or extended with holes for several streams to fill.
pub(super) fn open_part(part: &Path, len: u64) -> Result<std::fs::File> {
    let file = open_write(part)?;
    file.set_len(len)
        .map_err(|e| Error::io(part, local_write_error(e)))?;
    Ok(file)
}

/// `part` opened for writing, made if missing, its bytes left as they are.
fn open_write(part: &Path) -> Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(false)
        .open(part)
        .map_err(|e| Error::io(part, e))
}

/// Where to start: the length of a matching `.part` that one stream wrote (hashing what it
/// holds), else 0.
pub(super) async fn resume_offset(
    resume: bool,
    part: &Path,
    state_path: &Path,
    want: &DownloadState,
    hasher: &mut QuickXorHash,
) -> Result<u64> {
    let saved = state::load::<DownloadState>(state_path).await;
    if !resume || !saved.is_some_and(|s| s.same_version(want) && s.done.is_none()) {
        return Ok(0);
    }
    let Ok(meta) = tokio::fs::metadata(part).await else {
        return Ok(0);
    };
    if meta.len() > want.size {
        return Ok(0);
    }
    hash_file(part, 0, meta.len(), hasher).await?;
    Ok(meta.len())
}

/// Feeds `len` bytes of `path` from `start` to `hasher`, in bounded chunks.
pub(crate) async fn hash_file(
    path: &Path,
    start: u64,
    len: u64,
    hasher: &mut QuickXorHash,
) -> Result<()> {
    use tokio::io::AsyncReadExt;
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|e| Error::io(path, e))?;
    file.seek(std::io::SeekFrom::Start(start))
        .await
        .map_err(|e| Error::io(path, e))?;
    let mut reader = tokio::io::BufReader::with_capacity(1 << 20, file.take(len));
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = reader
            .read(&mut buf)
            .await
            .map_err(|e| Error::io(path, e))?;
        if n == 0 {
            return Ok(());
        }
        hasher.update(&buf[..n]);
    }
}
