//! The worlds the emulator starts with, in either profile. Every world has the signed-in
//! user's drive, the second user's drive and, on business, the site's document library (which
//! the signed-in user may write). The seeds differ in what the drives hold:
//!
//! - [`Seed::Demo`]: the seed README's tree (`Documents/README.txt`, `Pics/image1.jpg`,
//!   `Pics/image2.jpg`), the second user's two shared folders (`Shared Folder`, read-write,
//!   and `Read-only Folder`) and a shortcut to `Shared Folder` in the signed-in user's root.
//! - [`Seed::Kinds`]: the demo, plus every other kind of item: a OneNote notebook
//!   `Documents/Notebook` with two sections, a malware-flagged `Documents/flagged.exe`, and a
//!   file shared by the second user (`budget.txt`, read-only, in `sharedWithMe` only).
//! - [`Seed::Readme`]: the seed README's tree only, nothing shared.
//! - [`Seed::Empty`]: nothing in any drive, nothing shared.
//! - [`Seed::Tree`]: a synthetic tree of the given size in the signed-in user's drive (see
//!   `tree`), nothing else.

use super::blob::Blobs;
use super::drives::{ME, OTHER, SITE};
use super::ids::{Profile, business_drive_id};
use super::store::{Grant, ROOT, Store};
use super::tree;
use super::{DEMO_DRIVE_ID, OTHER_DRIVE_ID, Seed};
use crate::error::{Error, Result};

/// The description of the flagged file's `malware` facet.
pub(crate) const MALWARE: &str = "Trojan:Win32/Emulated.A (test signature)";

/// A new world with the given seed.
pub(crate) fn seed(seed: Seed, profile: Profile, blobs: &Blobs) -> Result<Store> {
    let mut s = Store::new(profile);
    let (kind, me_id, other_id) = match profile {
        Profile::Personal => (
            "personal",
            DEMO_DRIVE_ID.to_owned(),
            OTHER_DRIVE_ID.to_owned(),
        ),
        Profile::Business => (
            "business",
            business_drive_id("me"),
            business_drive_id("other"),
        ),
    };
    let me = s.add_drive(&me_id, kind, "OneDrive", ME);
    let mut w = Writer { s, blobs };
    match seed {
        Seed::Empty => {}
        Seed::Tree(shape) => tree::plant(&mut w.s, me, shape),
        _ => w.readme_tree()?,
    }
    let other = w.s.add_drive(&other_id, kind, "OneDrive", OTHER);
    if profile == Profile::Business {
        let site = w.s.add_drive(
            &business_drive_id("site"),
            "documentLibrary",
            "Documents",
            SITE,
        );
        let root = w.s.drives[site].root;
        w.grant(root, true);
        if !matches!(seed, Seed::Empty | Seed::Tree(_)) {
            w.s.actor = SITE;
            w.file(root, "General/Welcome.txt", b"Team documents live here.\n")?;
        }
    }
    if matches!(seed, Seed::Demo | Seed::Kinds) {
        w.shares(other)?;
    }
    if seed == Seed::Kinds {
        w.kinds(other)?;
    }
    w.s.actor = ME;
    Ok(w.s)
}

/// Adds the second user's drive and shares to a world migrated from an older data dir.
pub(crate) fn add_others(s: Store, blobs: &Blobs) -> Result<Store> {
    let mut w = Writer { s, blobs };
    let other = w.s.add_drive(OTHER_DRIVE_ID, "personal", "OneDrive", OTHER);
    w.shares(other)?;
    w.s.actor = ME;
    Ok(w.s)
}

struct Writer<'a> {
    s: Store,
    blobs: &'a Blobs,
}

impl Writer<'_> {
    /// Stores a file at `path` below `root`, creating folders; returns its number.
    fn file(&mut self, root: u64, path: &str, bytes: &[u8]) -> Result<u64> {
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        let parent = self.folder(root, dir);
        let blob = self
            .blobs
            .write_bytes(bytes)
            .map_err(|e| Error::io("blob dir", e))?;
        Ok(self.s.insert(parent, name, Some(blob)))
    }

    /// The folder at `path` below `root`, created if missing.
    fn folder(&mut self, root: u64, path: &str) -> u64 {
        path.split('/')
            .filter(|p| !p.is_empty())
            .fold(root, |cur, name| match self.s.child(cur, name) {
                Some(n) => n,
                None => self.s.insert(cur, name, None),
            })
    }

    fn grant(&mut self, item: u64, write: bool) {
        self.s.grants.push(Grant {
            item,
            user: ME,
            write,
        });
        self.s.changes.other = true;
    }

    /// The seed README's tree, first, so its items keep the numbers they always had.
    fn readme_tree(&mut self) -> Result<()> {
        self.s.actor = ME;
        let docs = self.folder(ROOT, "Documents");
        let pics = self.folder(ROOT, "Pics");
        self.file(
            docs,
            "README.txt",
            b"Welcome to the skydrive-cli demo drive.\n",
        )?;
        self.file(pics, "image1.jpg", &fake_jpeg(1))?;
        self.file(pics, "image2.jpg", &fake_jpeg(2))?;
        Ok(())
    }

    /// The second user's folders, two of them shared, and a shortcut to the writable one.
    fn shares(&mut self, other: usize) -> Result<()> {
        let root = self.s.drives[other].root;
        self.s.actor = OTHER;
        self.file(
            root,
            "Shared Folder/notes.txt",
            b"Notes everyone may edit.\n",
        )?;
        self.file(root, "Shared Folder/sub/a.txt", b"a file one level down\n")?;
        self.file(
            root,
            "Read-only Folder/report.txt",
            b"Read, do not touch.\n",
        )?;
        self.file(root, "Private/secret.txt", b"Not shared with anyone.\n")?;
        let rw = self.folder(root, "Shared Folder");
        let ro = self.folder(root, "Read-only Folder");
        self.grant(rw, true);
        self.grant(ro, false);
        self.s.actor = ME;
        let name = self.s.free_name(ROOT, "Shared Folder");
        let shortcut = self.s.insert(ROOT, &name, None);
        if let Some(node) = self.s.node_mut(shortcut) {
            node.extra_mut().remote = Some(rw);
        }
        Ok(())
    }

    /// A notebook, a flagged file and a shared file.
    fn kinds(&mut self, other: usize) -> Result<()> {
        self.s.actor = ME;
        let book = self.folder(ROOT, "Documents/Notebook");
        if let Some(node) = self.s.node_mut(book) {
            node.extra_mut().package = Some("oneNote".into());
        }
        self.file(book, "Section 1.one", b"<one section>")?;
        self.file(book, "Open Notebook.onetoc2", b"<table of contents>")?;
        let flagged = self.file(
            ROOT,
            "Documents/flagged.exe",
            b"X5O!P%@AP[4\\PZX54(P^)7CC)7}",
        )?;
        if let Some(node) = self.s.node_mut(flagged) {
            node.extra_mut().malware = Some(MALWARE.into());
        }
        let root = self.s.drives[other].root;
        self.s.actor = OTHER;
        let budget = self.file(root, "budget.txt", b"2026: 100 coffees\n")?;
        self.grant(budget, false);
        Ok(())
    }
}

fn fake_jpeg(seed: u8) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0];
    v.extend((0..2048u32).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    v.extend([0xFF, 0xD9]);
    v
}
