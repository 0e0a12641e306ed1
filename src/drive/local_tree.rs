//! What a local folder holds, for an upload (`put -r`) or a mirror: its folders and files as
//! `/`-separated relative paths, and every name OneDrive would refuse or take for another,
//! found before the first request so a refused tree sends nothing.

use std::path::{Path, PathBuf};

use super::walk::join_rel;
use crate::error::{Error, Result};
use crate::graph::names;

/// Every path below local folder `local` that OneDrive would refuse once uploaded under the
/// remote folder path `remote_base` (`""` when unknown: then only the names are checked, not
/// the full path's length), as invalid-name errors naming the relative path, and every pair
/// of names in one folder that OneDrive would take for one ([`crate::error::ErrorKind::NameClash`], relative
/// paths). Blocking.
pub fn invalid_local_names(local: &Path, remote_base: &str) -> Result<Vec<Error>> {
    Ok(list_local(local, remote_base)?.bad)
}

/// What is below a local folder, as `/`-separated relative paths.
pub(super) struct LocalTree {
    /// Folders, parents first.
    pub(super) dirs: Vec<String>,
    /// Files.
    pub(super) files: Vec<String>,
    /// Paths OneDrive would refuse (bad names, too long, not UTF-8).
    pub(super) bad: Vec<Error>,
}

/// Lists the folders and files below `root` (skipping our own hidden state files and anything
/// that is neither a file nor a folder) and checks each name, each full path below the
/// remote folder `base`, and each folder's names among themselves (two that OneDrive treats
/// as one would replace or merge with each other) against OneDrive's rules.
pub(super) fn list_local(root: &Path, base: &str) -> Result<LocalTree> {
    let mut tree = LocalTree {
        dirs: Vec::new(),
        files: Vec::new(),
        bad: Vec::new(),
    };
    let mut stack: Vec<(PathBuf, String)> = vec![(root.to_owned(), String::new())];
    while let Some((dir, rel)) = stack.pop() {
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
            let entry = entry.map_err(|e| Error::io(&dir, e))?;
            let ty = entry.file_type().map_err(|e| Error::io(entry.path(), e))?;
            let name = entry.file_name();
            let shown = name.to_string_lossy().into_owned();
            if (ty.is_dir() || ty.is_file()) && !is_state_file(&shown) {
                entries.push((name, shown, ty.is_dir(), entry.path()));
            }
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let rels: Vec<String> = entries.iter().map(|e| join_rel(&rel, &e.1)).collect();
        let named = rels
            .iter()
            .zip(&entries)
            .map(|(r, e)| (r.as_str(), e.1.as_str()));
        tree.bad.extend(names::clashes(named));
        for ((name, _, is_dir, path), child) in entries.into_iter().zip(rels) {
            if let Some(e) = local_name_problem(&name, &child, base) {
                tree.bad.push(e);
            }
            if is_dir {
                tree.dirs.push(child.clone());
                stack.push((path, child));
            } else {
                tree.files.push(child);
            }
        }
    }
    tree.dirs.sort();
    tree.files.sort();
    tree.bad.sort_by_key(ToString::to_string);
    Ok(tree)
}

/// Why the local entry `name` (at relative path `rel`) cannot be uploaded below `base`.
fn local_name_problem(name: &std::ffi::OsStr, rel: &str, base: &str) -> Option<Error> {
    let Some(name) = name.to_str() else {
        return Some(names::invalid(rel, "the local name is not valid UTF-8"));
    };
    if let Some(reason) = names::name_problem(name) {
        return Some(names::invalid(rel, reason));
    }
    names::check_path_len(&format!("{base}/{rel}")).err()
}

pub(crate) fn is_state_file(name: &str) -> bool {
    name.starts_with('.')
        && (name.ends_with(".part")
            || name.ends_with(".part.json")
            || name.ends_with(".upload.json"))
}
