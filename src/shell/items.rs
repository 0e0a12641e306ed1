//! Drive items as the shell shows them: one stable JSON shape for `--json` (field names are an
//! interface for scripts), the seed's type names for `tree`, the item's absolute path, and the
//! one order of names in every listing.
//!
//! Order ([`name_order`]): on a terminal, names ignoring case (`it's/` before `Pics/`), as
//! GNU `ls` sorts in a UTF-8 locale and lftp's `cls -I` (names equal but for case in code point
//! order). For programs (the seed's text when piped, `--json`) by code point (`Pics` before
//! `it's`), as the seed sorted and `LC_ALL=C ls` does: stable whatever the locale, and the
//! seed's scripts and README session see the order they always saw.

use std::cmp::Ordering;
use std::io::Write;
use std::task::Poll;

use serde_json::{Value, json};

use crate::drive::{Listed, NameOrder, WalkOptions};
use crate::graph::DriveItem;
use crate::shell::error::{CmdResult, CommandError};
use crate::shell::output::{self, Format};

/// The type every command shows (`ls -l`, `find`, `--json`'s `type`): `folder` (shortcuts
/// to shared folders too), `file`, `flagged`, `notebook`, `package`
/// ([`crate::ItemKind::label`]).
pub fn kind(item: &DriveItem) -> &'static str {
    item.kind().label()
}

/// For an item on someone else's drive (a shortcut, an item shared with you): the owner's
/// name (or, when the server names none, `someone else`) and the drive's id.
pub fn sharing(item: &DriveItem) -> Option<(String, String)> {
    let target = item.remote()?;
    let remote = item.remote_item.as_deref()?;
    let name = |v: Option<&Value>| {
        v.and_then(|v| v.pointer("/user/displayName"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let owner = name(remote.shared.as_ref().and_then(|s| s.get("owner")))
        .or_else(|| name(remote.created_by.as_ref()))
        .unwrap_or_else(|| "someone else".to_owned());
    Some((owner, target.drive_id))
}

/// The type as `ls -l` shows it on a terminal: [`kind`], and for a shared item whose it is
/// (`folder, shared by Robin Example`).
pub fn kind_shown(item: &DriveItem) -> String {
    match sharing(item) {
        Some((owner, _)) => format!("{}, shared by {owner}", kind(item)),
        None => kind(item).to_owned(),
    }
}

/// The seed's type name: `photo`, `video`, `audio` by facet, MIME type or extension
/// ([`crate::drive::media_type`]), else `file`; an item that is no plain file says what it is
/// (`flagged`, `notebook`, `package`, `folder`).
pub fn seed_type(item: &DriveItem) -> &'static str {
    match item.kind() {
        crate::ItemKind::File => crate::drive::media_type(item),
        kind => kind.label(),
    }
}

/// The order of names in a listing printed in `format` (see the module docs).
pub fn order(format: Format) -> NameOrder {
    if format == Format::Table {
        NameOrder::IgnoreCase
    } else {
        NameOrder::CodePoint
    }
}

/// How the shell's commands walk a tree (`tree`, `find`, `du`, `ls -R`): in `ls`'s order for
/// `format`, keeping the drive's index in the data directory (`index/`, see
/// `src/drive/walk/index.rs`).
pub fn walk_options(format: Format) -> WalkOptions {
    WalkOptions {
        order: order(format),
        index: crate::shell::connect::data_dir().map(|d| d.join("index")),
        ..WalkOptions::default()
    }
}

/// The order of two names in a listing printed in `format` (see the module docs).
pub fn name_order(format: Format, a: &str, b: &str) -> Ordering {
    order(format).compare(a, b)
}

/// Last modification time (the file system's, else the server's).
pub fn modified(item: &DriveItem) -> Option<&str> {
    crate::drive::modified(item)
}

/// Size in bytes as every command shows and counts it ([`DriveItem::shown_size`]: a
/// shortcut's folder's size, nothing for a notebook; 0 when the server did not say).
pub fn size(item: &DriveItem) -> u64 {
    item.shown_size()
}

/// The item's absolute path on drive `drive` (its path from that drive's root:
/// `parentReference.path`, `/drive/root:/a` or `/drives/{id}/root:/a`, and its name; `/` for
/// the root); `None` when the answer gives no path or the item is on another drive (a path
/// from Robin's root is no path on yours: graph-api.md §12). The drive is the answer's
/// `parentReference.driveId`, else the one the path names, compared as drive ids are
/// ([`crate::graph::same_drive`]); an answer naming neither is taken to be on `drive`.
pub fn path_on(item: &DriveItem, drive: &str) -> Option<String> {
    let parent = item.parent_reference.as_ref();
    let path = parent.and_then(|r| r.path.as_deref());
    let named = parent
        .and_then(|r| r.drive_id.as_deref())
        .filter(|d| !d.is_empty())
        .or_else(|| path?.strip_prefix("/drives/")?.split('/').next());
    if named.is_some_and(|d| !crate::graph::same_drive(d, drive)) {
        return None;
    }
    tree_path(item)
}

/// True when the answer gives `item` a path from its drive's root other than `asked` (in
/// case): only then is there something to learn from [`path_on`], and its drive worth
/// asking for.
pub fn respelled(item: &DriveItem, asked: &str) -> bool {
    tree_path(item).is_some_and(|p| p != asked)
}

/// The item's path from its drive's root as the answer gives it, whichever drive that is.
fn tree_path(item: &DriveItem) -> Option<String> {
    if item.root.is_some() {
        return Some("/".to_owned());
    }
    let path = item.parent_reference.as_ref()?.path.as_deref()?;
    let (_, rel) = path.split_once("root:")?;
    Some(format!("{}/{}", rel.trim_end_matches('/'), item.name))
}

/// The `--json` row of an item at `path`; an item on someone else's drive also has
/// `"shared": {"owner": NAME, "drive": ID}`.
pub fn row(item: &DriveItem, path: &str) -> Value {
    let mut row = json!({
        "name": item.name,
        "path": path,
        "type": kind(item),
        "size": size(item),
        "modified": modified(item),
        "id": item.id,
    });
    if let Some((owner, drive)) = sharing(item) {
        row["shared"] = json!({"owner": owner, "drive": drive});
    }
    row
}

/// Prints items found by a query (`recent`, `shared`, `search`, `find`): names when piped, a
/// table on a terminal, rows with `--json`.
pub fn print_found(format: Format, list: &[(DriveItem, String)]) -> CmdResult {
    print_found_in(format, list, &std::collections::HashSet::new())
}

/// [`print_found`] where the items whose ids are in `sections` lie inside a OneNote notebook
/// (a package): their type is `section`, not `file` (`recent` and `search` find them).
pub fn print_found_in(
    format: Format,
    list: &[(DriveItem, String)],
    sections: &std::collections::HashSet<String>,
) -> CmdResult {
    let section = |i: &DriveItem| sections.contains(&i.id);
    let text = match format {
        Format::Json => list
            .iter()
            .map(|(i, p)| {
                let mut row = row(i, p);
                if section(i) {
                    row["type"] = "section".into();
                }
                output::json_line(&row)
            })
            .collect(),
        Format::Seed => list
            .iter()
            .map(|(_, p)| format!("- {}\n", output::escape(p)))
            .collect(),
        Format::Table => {
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|(i, p)| {
                    vec![
                        p.clone(),
                        if section(i) {
                            "section".to_owned()
                        } else {
                            kind_shown(i)
                        },
                        output::size_text(format, false, size(i)),
                        modified(i).unwrap_or("").to_owned(),
                    ]
                })
                .collect();
            output::table(&["Path", "Type", "Size", "Modified"], &rows)
        }
    };
    output::out(&text)
}

/// One item found by a walk (`find`), as its line in `format`: the row with `--json`, the
/// path when piped (`- /a/b`), and on a terminal type, size, time and path in columns, with
/// `(shared by OWNER)` after the path of an item on someone else's drive (a table would need
/// the whole walk to size its columns; these lines come as it goes).
pub fn found_line(format: Format, found: &Listed, path: &str) -> String {
    match format {
        Format::Seed => format!("- {}\n", output::escape(path)),
        Format::Json => output::json_line(&row(&found.to_item(), path)),
        Format::Table => {
            let item = &found.to_item();
            let shared = sharing(item).map(|(owner, _)| format!("  (shared by {owner})"));
            format!(
                "{:<8} {:>5}  {:<24}  {}{}\n",
                kind(item),
                output::size_text(format, false, size(item)),
                modified(item).unwrap_or(""),
                output::escape(path),
                output::escape(&shared.unwrap_or_default())
            )
        }
    }
}

/// Pairs items with their paths on `drive` ([`path_on`]; `None`: the session's paths start
/// at a shared item, not at a drive's root), else their bare names.
pub fn with_paths(list: Vec<DriveItem>, drive: Option<&str>) -> Vec<(DriveItem, String)> {
    list.into_iter()
        .map(|i| {
            let p = drive
                .and_then(|d| path_on(&i, d))
                .unwrap_or_else(|| i.name.clone());
            (i, p)
        })
        .collect()
}

/// Lines a command prints as it finds them (a walk's): gathered, and written out in blocks
/// of [`Lines::BLOCK`] bytes and whenever the command is about to wait ([`Lines::wait`]), so
/// output flows as the walk goes at the cost of few writes. A reader that went away
/// (`| head`) is no failure ([`output::written`]); [`Lines::closed`] then tells the command
/// to stop walking.
#[derive(Debug, Default)]
pub struct Lines {
    buf: String,
    closed: bool,
}

impl Lines {
    /// Bytes gathered before they are written out.
    pub const BLOCK: usize = 64 << 10;

    /// Adds `text` (whole lines).
    pub fn push(&mut self, text: &str) -> CmdResult {
        self.buf.push_str(text);
        if self.buf.len() >= Self::BLOCK {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes out what is gathered.
    pub fn flush(&mut self) -> CmdResult {
        if self.buf.is_empty() || self.closed {
            self.buf.clear();
            return Ok(());
        }
        let mut stdout = std::io::stdout().lock();
        let result = stdout
            .write_all(self.buf.as_bytes())
            .and_then(|()| stdout.flush());
        self.closed = matches!(&result, Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe);
        self.buf.clear();
        output::written(result)
    }

    /// True once the reader of standard output went away.
    pub fn closed(&self) -> bool {
        self.closed
    }

    /// Awaits `next`, writing out what is gathered first if it has to wait.
    pub async fn wait<F: Future>(&mut self, next: F) -> Result<F::Output, CommandError> {
        let mut next = std::pin::pin!(next);
        if let Poll::Ready(v) = futures_util::poll!(next.as_mut()) {
            return Ok(v);
        }
        self.flush()?;
        Ok(next.await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::ItemReference;

    #[test]
    fn paths_and_types() {
        let it = DriveItem {
            name: "a.JPG".into(),
            parent_reference: Some(ItemReference {
                path: Some("/drive/root:/Pics".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(
            path_on(&it, "5d1b2c3a4f6e7d80").as_deref(),
            Some("/Pics/a.JPG")
        );
        assert_eq!(seed_type(&it), "photo");
    }

    #[test]
    fn a_path_is_one_only_on_its_own_drive() {
        let on = |drive: Option<&str>, path: &str| DriveItem {
            name: "x".into(),
            parent_reference: Some(ItemReference {
                drive_id: drive.map(str::to_owned),
                path: Some(path.into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let mine = "5D1B2C3A4F6E7D80";
        let robins = on(Some("04A7C1E93B5D2F68"), "/drives/04a7c1e93b5d2f68/root:/S");
        assert_eq!(path_on(&robins, mine), None);
        assert_eq!(path_on(&robins, "4a7c1e93b5d2f68").as_deref(), Some("/S/x"));
        let by_path = on(None, "/drives/04a7c1e93b5d2f68/root:/S");
        assert_eq!(path_on(&by_path, mine), None);
        assert_eq!(
            path_on(&on(None, "/drive/root:"), mine).as_deref(),
            Some("/x")
        );
        let b = on(Some("b!AbC"), "/drives/b!AbC/root:/S");
        assert_eq!(path_on(&b, "b!abc"), None);
        assert_eq!(path_on(&b, "b!AbC").as_deref(), Some("/S/x"));
    }

    #[test]
    fn names_sort_ignoring_case_on_a_terminal_and_by_code_point_for_programs() {
        let t = Format::Table;
        let mut names = vec!["Pics", "it's", "b", "B", "Ä", "a"];
        names.sort_by(|a, b| name_order(t, a, b));
        assert_eq!(names, ["a", "B", "b", "it's", "Pics", "Ä"]);
        names.sort_by(|a, b| name_order(Format::Seed, a, b));
        assert_eq!(names, ["B", "Pics", "a", "b", "it's", "Ä"]);
    }
}
