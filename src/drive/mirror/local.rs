//! The local side: a scan of the folder (size and mtime from the file system, no reading), the
//! names OneDrive would refuse when the local side is the source, and quickXorHashes computed
//! only for the files a comparison by content needs.

use std::path::Path;

use futures_util::stream::{self, StreamExt};

use super::Filter;
use super::side::{Entry, Kind, Tree, system_ms};
use crate::drive::local_tree::is_state_file;
use crate::drive::walk::join_rel;
use crate::error::{Error, Result};
use crate::graph::names;
use crate::graph::quickxor::QuickXorHash;

/// Everything below the local folder `root` that `filter` keeps (blocking). A missing `root`
/// is an empty tree when `missing_ok` (a first download), else not found. What the filter
/// leaves out is listed by name and kind but never opened or examined: an excluded folder is
/// not read, so one that cannot be read costs nothing. Symbolic links are not followed (skipped, like anything that is
/// neither file nor folder); this tool's partial downloads are [`Kind::Partial`] and its
/// upload state files are left out; a folder or file that cannot be read is
/// [`Kind::Unreadable`] and the scan goes on.
pub(crate) fn scan(root: &Path, missing_ok: bool, filter: Option<&Filter>) -> Result<Tree> {
    let mut tree = Tree::new();
    match std::fs::metadata(root) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            let e = std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder");
            return Err(Error::io(root, e));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && missing_ok => return Ok(tree),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(crate::ErrorKind::NotFound(root.display().to_string()).into());
        }
        Err(e) => return Err(Error::io(root, e)),
    }
    let mut stack = vec![(root.to_owned(), String::new())];
    while let Some((dir, rel)) = stack.pop() {
        if let Err(e) = scan_folder(&dir, &rel, filter, &mut tree, &mut stack) {
            if rel.is_empty() {
                return Err(Error::io(&dir, e));
            }
            let why = format!("the folder cannot be read: {e}");
            tree.insert(rel, Entry::local(Kind::Unreadable(why)));
        }
    }
    Ok(tree)
}

/// Adds the entries of one folder (`rel` below the root) to `tree` and its sub-folders to
/// `stack`; an error reading the folder itself is returned (the caller marks the folder).
fn scan_folder(
    dir: &Path,
    rel: &str,
    filter: Option<&Filter>,
    tree: &mut Tree,
    stack: &mut Vec<(std::path::PathBuf, String)>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let os_name = entry.file_name();
        let path = join_rel(rel, &os_name.to_string_lossy());
        let file_type = entry.file_type();
        let is_dir = file_type.as_ref().is_ok_and(std::fs::FileType::is_dir);
        if filter.is_some_and(|keep| !keep(&path, is_dir)) {
            // Recorded by name and kind only, never examined: a deletion must know that the
            // folder holding it is not empty.
            let kind = if is_dir {
                Kind::Folder
            } else {
                Kind::File(Default::default())
            };
            tree.insert(path, Entry::local(kind));
            continue;
        }
        let Some(name) = os_name.to_str() else {
            let why = "the local name is not valid UTF-8".to_owned();
            tree.insert(path, Entry::local(Kind::Refused(why)));
            continue;
        };
        if is_state_file(name) {
            if is_partial_download(dir, name) {
                tree.insert(path, Entry::local(Kind::Partial));
            }
            continue;
        }
        let kind = match file_type {
            Ok(t) if t.is_dir() => {
                stack.push((entry.path(), path.clone()));
                Kind::Folder
            }
            Ok(t) if t.is_file() => match entry.metadata() {
                Ok(m) => Kind::File(super::side::FileInfo {
                    size: m.len(),
                    mtime: m.modified().ok().and_then(system_ms),
                    ..Default::default()
                }),
                Err(e) => Kind::Unreadable(format!("cannot be read: {e}")),
            },
            Ok(t) if t.is_symlink() => Kind::Skip("a symbolic link (not followed)".into()),
            Ok(_) => Kind::Skip("neither a file nor a folder".into()),
            Err(e) => Kind::Unreadable(format!("cannot be read: {e}")),
        };
        tree.insert(path, Entry::local(kind));
    }
    Ok(())
}

/// True for this tool's partial downloads in `dir`: a `.NAME.part.json`, and a `.NAME.part`
/// with its `.json` beside it (a download writes that first). A lone `.NAME.part` may be
/// anyone's file and is left alone.
fn is_partial_download(dir: &Path, name: &str) -> bool {
    name.ends_with(".part.json")
        || (name.ends_with(".part") && dir.join(format!("{name}.json")).is_file())
}

/// Marks the entries OneDrive would refuse once uploaded below the remote folder path
/// `remote_base` (`""` when unknown: then only the names are checked): forbidden characters
/// (`\` among them), control characters, reserved names, a path too long (graph-api.md §1.4).
pub(crate) fn refuse_bad_names(tree: &mut Tree, remote_base: &str) {
    for (path, entry) in tree.iter_mut() {
        if !matches!(entry.kind, Kind::Folder | Kind::File(_)) {
            continue;
        }
        let name = super::side::name_of(path);
        let why = names::name_problem(name).or_else(|| {
            names::check_path_len(&format!("{remote_base}/{path}"))
                .err()
                .map(|e| e.to_string())
        });
        if let Some(why) = why {
            entry.kind = Kind::Refused(why);
        }
    }
}

/// Computes the quickXorHash of the local files `paths` (relative to `root`), `parallel` at a
/// time; a file that cannot be read becomes unreadable.
pub(crate) async fn hash_files(tree: &mut Tree, root: &Path, paths: Vec<String>, parallel: usize) {
    let mut hashes = stream::iter(paths)
        .map(|rel| {
            let file = root.join(&rel);
            async move {
                let r = tokio::task::spawn_blocking(move || hash_file(&file))
                    .await
                    .unwrap_or_else(|e| Err(std::io::Error::other(e.to_string())));
                (rel, r)
            }
        })
        .buffer_unordered(parallel.max(1));
    while let Some((rel, r)) = hashes.next().await {
        let Some(entry) = tree.get_mut(&rel) else {
            continue;
        };
        match (r, &mut entry.kind) {
            (Ok(h), Kind::File(f)) => f.hash = Some(h),
            (Err(e), kind) => *kind = Kind::Unreadable(format!("cannot be read: {e}")),
            _ => {}
        }
    }
}

/// The base64 quickXorHash of a local file, read in 1 MiB chunks (blocking).
pub(crate) fn hash_file(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = QuickXorHash::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(hasher.finish_base64());
        }
        hasher.update(&buf[..n]);
    }
}
