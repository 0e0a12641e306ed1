//! The local folders a download mirror makes, so that a run that fails leaves none of them
//! behind empty: a mirror that made nothing leaves nothing new (the field report: a failed
//! `mirror` left the empty folder it had created for the target). Only empty folders are ever
//! removed (`remove_dir`), so a file that did land, or anything someone put there meanwhile,
//! keeps its folder.

use std::path::{Path, PathBuf};

/// The folders of `path` (itself and its parents) that do not exist yet, deepest first.
pub(crate) fn missing(path: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut at = Some(path);
    while let Some(p) = at.filter(|p| !p.as_os_str().is_empty()) {
        if std::fs::symlink_metadata(p).is_ok() {
            break;
        }
        out.push(p.to_owned());
        at = p.parent();
    }
    out
}

/// Removes the folders of `dirs` that are empty, in the order given (deepest first); returns
/// the ones removed.
pub(crate) fn remove_empty(dirs: &[PathBuf]) -> Vec<PathBuf> {
    dirs.iter()
        .filter(|d| std::fs::remove_dir(d).is_ok())
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_folders_made_and_still_empty_go() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().join("a/b/c");
        let made = missing(&top);
        assert_eq!(
            made,
            [top.clone(), dir.path().join("a/b"), dir.path().join("a")]
        );
        std::fs::create_dir_all(&top).unwrap();
        std::fs::write(dir.path().join("a/keep.txt"), b"x").unwrap();
        let gone = remove_empty(&made);
        assert_eq!(gone, [top, dir.path().join("a/b")]);
        assert!(dir.path().join("a/keep.txt").exists());
        assert!(missing(dir.path()).is_empty());
    }
}
