//! The one check every write runs on its answer: the item the server names must be the one
//! asked for, in the folder asked for.
//!
//! A front-end that decodes `%XX` in paths twice (abraunegg#1342, graph-api.md §13) stores
//! `x%41.txt` as `xA.txt`, or in another folder, and answers `201 Created` all the same; a
//! client that trusts the status reports success for a file that does not exist under its
//! name. So creating a folder, uploading (simple or by session), renaming, moving and copying
//! compare the answer's `name` and `parentReference` with the request and fail with
//! [`ErrorKind::Misplaced`], naming both, when they differ. Differences OneDrive makes on
//! purpose pass: case and Unicode normalisation (an existing item keeps its spelling, see
//! [`names::same_name`]) and, with [`Conflict::Rename`], the `name 1.txt` it picks.

use crate::error::{ErrorKind, Result};
use crate::graph::endpoints::Conflict;
use crate::graph::locator::ItemRef;
use crate::graph::model::DriveItem;
use crate::graph::names;

/// The folder a write asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Parent<'a> {
    /// By id.
    Id(&'a str),
    /// By path from the root (`""`: the root).
    Path(&'a str),
    /// Not known to the caller (an id-relative path, a rename in place).
    Unknown,
}

impl<'a> Parent<'a> {
    /// The folder with id `id`; `root`, an alias rather than the root's id, is not compared.
    pub(crate) fn id(id: &'a str) -> Self {
        if id.eq_ignore_ascii_case("root") {
            Parent::Unknown
        } else {
            Parent::Id(id)
        }
    }
}

/// What a write asked for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Asked<'a> {
    pub(crate) parent: Parent<'a>,
    /// The new name, when the write names one.
    pub(crate) name: Option<&'a str>,
    pub(crate) conflict: Conflict,
}

impl<'a> Asked<'a> {
    /// A write that creates or replaces the item `target` (`parent.child(name)`).
    pub(crate) fn target(target: &'a ItemRef, conflict: Conflict) -> Self {
        let (parent, name) = match target {
            ItemRef::Path(p) => match p.rsplit_once('/') {
                Some((dir, name)) => (Parent::Path(dir), Some(name)),
                None => (Parent::Path(""), Some(p.as_str())),
            },
            ItemRef::IdPath(id, p)
            | ItemRef::OnDrive {
                id, path: Some(p), ..
            } => match p.rsplit_once('/') {
                Some((_, name)) => (Parent::Unknown, Some(name)),
                None => (Parent::id(id), Some(p.as_str())),
            },
            ItemRef::Root | ItemRef::Id(_) | ItemRef::OnDrive { path: None, .. } => {
                (Parent::Unknown, None)
            }
        };
        Asked {
            parent,
            name,
            conflict,
        }
    }

    /// A write that creates `name` inside `parent`.
    pub(crate) fn child(parent: &'a ItemRef, name: &'a str, conflict: Conflict) -> Self {
        let parent = match parent {
            ItemRef::Root => Parent::Path(""),
            ItemRef::Path(p) => Parent::Path(p),
            ItemRef::Id(id) | ItemRef::OnDrive { id, path: None, .. } => Parent::id(id),
            ItemRef::IdPath(..) | ItemRef::OnDrive { .. } => Parent::Unknown,
        };
        Asked {
            parent,
            name: Some(name),
            conflict,
        }
    }

    /// Fails with [`ErrorKind::Misplaced`] when `got` is not what was asked for.
    pub(crate) fn check(&self, got: &DriveItem) -> Result<()> {
        let name_ok = self.name.is_none_or(|asked| {
            names::same_name(asked, &got.name)
                || (self.conflict == Conflict::Rename && renamed(asked, &got.name))
        });
        let parent_ok = self.parent_ok(got);
        if name_ok && parent_ok {
            return Ok(());
        }
        let reference = got.parent_reference.as_ref();
        let got_path = reference
            .and_then(|r| r.path.as_deref())
            .map(|p| folder(below_root(p)));
        let asked_dir = match self.parent {
            Parent::Id(id) => format!("id:{id}/"),
            Parent::Path(p) => folder(p),
            Parent::Unknown => String::new(),
        };
        // The folder is right: name it as the answer does, by path when it has one.
        let (asked_dir, answered_dir) = match (parent_ok, got_path) {
            (true, Some(path)) => (path.clone(), path),
            (true, None) => (asked_dir.clone(), asked_dir),
            (false, path) => {
                let by_id = reference
                    .and_then(|r| r.id.as_deref())
                    .map(|id| format!("id:{id}/"));
                let answered = match self.parent {
                    Parent::Id(_) => by_id,
                    _ => path,
                };
                (asked_dir, answered.unwrap_or_default())
            }
        };
        Err(ErrorKind::Misplaced {
            asked: format!("{asked_dir}{}", self.name.unwrap_or(&got.name)),
            answered: format!("{answered_dir}{}", got.name),
        }
        .into())
    }

    fn parent_ok(&self, got: &DriveItem) -> bool {
        let Some(reference) = &got.parent_reference else {
            return true;
        };
        match self.parent {
            Parent::Unknown => true,
            Parent::Id(id) => reference
                .id
                .as_deref()
                .is_none_or(|got| got.eq_ignore_ascii_case(id)),
            Parent::Path(p) => reference.path.as_deref().is_none_or(|path| {
                let got = below_root(path);
                same_path(p, got) || same_path(p, &percent_decoded(got))
            }),
        }
    }
}

/// The part of a `parentReference.path` below the drive root (`/drive/root:/A/B` → `A/B`).
fn below_root(path: &str) -> &str {
    path.split_once("root:")
        .map_or(path, |(_, rel)| rel)
        .trim_matches('/')
}

/// `/A/B/` for the folder path `A/B` (`/` for the root), as messages show folders.
fn folder(path: &str) -> String {
    match path.trim_matches('/') {
        "" => "/".to_owned(),
        p => format!("/{p}/"),
    }
}

/// True when two `/`-separated paths name one folder on OneDrive.
fn same_path(a: &str, b: &str) -> bool {
    let segments = |p: &str| {
        p.split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let (a, b) = (segments(a), segments(b));
    a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| names::same_name(x, y))
}

fn percent_decoded(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// True when `got` is the name OneDrive picks for `asked` under [`Conflict::Rename`]:
/// `stem N.ext` (`a 1.txt` for `a.txt`, `Folder 2` for `Folder`).
fn renamed(asked: &str, got: &str) -> bool {
    let (stem, ext) = match asked.rfind('.') {
        Some(i) if i > 0 => asked.split_at(i),
        _ => (asked, ""),
    };
    let (got, stem, ext) = (
        names::name_key(got),
        names::name_key(stem),
        names::name_key(ext),
    );
    got.strip_prefix(&stem)
        .and_then(|r| r.strip_prefix(' '))
        .and_then(|r| r.strip_suffix(&ext))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::ItemReference;

    fn item(parent_id: &str, path: &str, name: &str) -> DriveItem {
        DriveItem {
            name: name.into(),
            parent_reference: Some(ItemReference {
                id: Some(parent_id.into()),
                path: Some(path.into()),
                ..ItemReference::default()
            }),
            ..DriveItem::default()
        }
    }

    #[test]
    fn what_onedrive_does_on_purpose_passes() {
        let docs = ItemRef::path("Docs/x%41.txt");
        let asked = Asked::target(&docs, Conflict::Replace);
        asked
            .check(&item("D!2", "/drive/root:/Docs", "x%41.txt"))
            .unwrap();
        asked
            .check(&item("D!2", "/drive/root:/docs", "X%41.TXT"))
            .unwrap();
        asked
            .check(&item("D!2", "/drive/root:/Docs", "x%41.txt"))
            .unwrap();
        let renaming = Asked::target(&docs, Conflict::Rename);
        renaming
            .check(&item("D!2", "/drive/root:/Docs", "x%41 12.txt"))
            .unwrap();
        let by_id = ItemRef::IdPath("d!2".into(), "Folder".into());
        Asked::target(&by_id, Conflict::Rename)
            .check(&item("D!2", "/drive/root:/Docs", "Folder 1"))
            .unwrap();
        let alias = ItemRef::Id("root".into());
        Asked::child(&alias, "a", Conflict::Fail)
            .check(&item("D!101", "/drive/root:", "a"))
            .unwrap();
        let root = ItemRef::Root;
        Asked::child(&root, "café", Conflict::Fail)
            .check(&item("D!1", "/drive/root:", "cafe\u{301}"))
            .unwrap();
        // An answer without a parent reference says nothing against it.
        let bare = DriveItem {
            name: "x%41.txt".into(),
            ..DriveItem::default()
        };
        asked.check(&bare).unwrap();
    }

    #[test]
    fn another_name_or_folder_is_misplaced_and_both_are_named() {
        let docs = ItemRef::path("Docs/x%41.txt");
        let asked = Asked::target(&docs, Conflict::Replace);
        let err = asked
            .check(&item("D!2", "/drive/root:/Docs", "xA.txt"))
            .unwrap_err();
        let ErrorKind::Misplaced { asked: a, answered } = err.kind() else {
            panic!("{err:?}");
        };
        assert_eq!(
            (a.as_str(), answered.as_str()),
            ("/Docs/x%41.txt", "/Docs/xA.txt")
        );
        let err = asked
            .check(&item("D!3", "/drive/root:/Other", "x%41.txt"))
            .unwrap_err();
        assert!(err.to_string().contains("\"/Other/x%41.txt\""), "{err}");
        let renaming = Asked::target(&docs, Conflict::Rename);
        for wrong in ["xA 1.txt", "x%41 .txt", "x%41 1a.txt", "x%41.txt 1"] {
            let got = item("D!2", "/drive/root:/Docs", wrong);
            assert!(renaming.check(&got).is_err(), "{wrong}");
        }
        let parent = ItemRef::Id("D!7".into());
        let err = Asked::child(&parent, "a%2Fb", Conflict::Fail)
            .check(&item("D!8", "/drive/root:/a", "b"))
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("\"id:D!8/b\" where \"id:D!7/a%2Fb\""),
            "{err}"
        );
        // The right folder by id: both named by the answer's path.
        let err = Asked::child(&parent, "x%41", Conflict::Fail)
            .check(&item("d!7", "/drive/root:/Docs", "xA"))
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("\"/Docs/xA\" where \"/Docs/x%41\""),
            "{err}"
        );
    }
}
