//! Every kind of item (issue 11) through the real binary, on both profiles: shortcuts to
//! shared folders, items shared with you, OneNote notebooks, files OneDrive flagged, and
//! another drive; ids in every form. The `kinds` demo drive holds one of each
//! (`src/emulator/seed.rs`):
//!
//! - yours: `Documents/README.txt`, `Documents/Notebook` (a notebook), `Documents/flagged.exe`
//!   (flagged as malware), `Pics/image1.jpg`, `Pics/image2.jpg`, and `Shared Folder`, a
//!   shortcut to Robin's folder holding `notes.txt` and `sub/a.txt` (read-write);
//! - shared with you by Robin: `Shared Folder`, `Read-only Folder` (read only) and
//!   `budget.txt`.

mod address;
mod agree;
mod dots;
mod drives;
mod forms;
mod ids;
mod notebooks;
mod partials;
mod paths;
mod shared;
mod shortcuts;
mod writes;

use std::collections::BTreeMap;
use std::path::Path;

use crate::shell::{Env, Profile};

/// What each item of the `kinds` drive is, by path from the root, as every command must say.
pub const KINDS: &[(&str, &str)] = &[
    ("Documents", "folder"),
    ("Documents/Notebook", "notebook"),
    ("Documents/README.txt", "file"),
    ("Documents/flagged.exe", "flagged"),
    ("Pics", "folder"),
    ("Pics/image1.jpg", "file"),
    ("Pics/image2.jpg", "file"),
    ("Shared Folder", "folder"),
    ("Shared Folder/notes.txt", "file"),
    ("Shared Folder/sub", "folder"),
    ("Shared Folder/sub/a.txt", "file"),
];

/// A fresh environment of `env`'s profile on the `kinds` drive.
pub fn kinds(env: &Env) -> Env {
    Env::kinds(env.profile)
}

/// `path` → `type` of JSON rows, paths without their leading `/`.
pub fn types(rows: &[serde_json::Value]) -> BTreeMap<String, String> {
    rows.iter()
        .map(|r| {
            let path = r["path"]
                .as_str()
                .unwrap()
                .trim_start_matches('/')
                .to_owned();
            (path, r["type"].as_str().unwrap().to_owned())
        })
        .collect()
}

/// [`KINDS`] below `dir` (`""`: all), as [`types`] gives them.
pub fn expected(dir: &str) -> BTreeMap<String, String> {
    KINDS
        .iter()
        .filter(|(p, _)| dir.is_empty() || p.starts_with(&format!("{dir}/")))
        .map(|(p, t)| ((*p).to_owned(), (*t).to_owned()))
        .collect()
}

/// Every file below `dir`, as sorted `/`-separated relative paths (hidden ones included).
pub fn local_files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = crate::common::files_below(dir)
        .iter()
        .map(|p| p.strip_prefix(dir).unwrap().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

/// The `id` `info` shows for `arg`.
pub fn id_of(env: &Env, arg: &str) -> String {
    env.json(&format!("info '{arg}'"))[0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// True on the work or school profile.
pub fn is_business(env: &Env) -> bool {
    env.profile == Profile::Business
}
