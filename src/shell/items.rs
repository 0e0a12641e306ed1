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

use serde_json::{Value, json};

use crate::graph::DriveItem;
use crate::shell::error::CmdResult;
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

/// The seed's type name: `photo`, `video`, `audio` by facet or MIME type, else `file`; an
/// item that is no plain file says what it is (`flagged`, `notebook`, `package`, `folder`).
pub fn seed_type(item: &DriveItem) -> &'static str {
    let kind = item.kind();
    if kind != crate::ItemKind::File {
        return kind.label();
    }
    let mime = item
        .file
        .as_ref()
        .and_then(|f| f.mime_type.as_deref())
        .unwrap_or("");
    let ext = item
        .name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if item.photo.is_some()
        || item.image.is_some()
        || mime.starts_with("image/")
        || matches!(
            ext.as_str(),
            "jpg" | "jpeg" | "png" | "gif" | "heic" | "webp"
        )
    {
        "photo"
    } else if mime.starts_with("video/") || matches!(ext.as_str(), "mp4" | "mov" | "mkv") {
        "video"
    } else if mime.starts_with("audio/") || matches!(ext.as_str(), "mp3" | "flac" | "m4a") {
        "audio"
    } else {
        "file"
    }
}

/// The order of two names in a listing printed in `format` (see the module docs).
pub fn name_order(format: Format, a: &str, b: &str) -> Ordering {
    if format != Format::Table {
        return a.cmp(b);
    }
    let (x, y) = (
        a.chars().flat_map(char::to_lowercase),
        b.chars().flat_map(char::to_lowercase),
    );
    x.cmp(y).then_with(|| a.cmp(b))
}

/// The order of two `/`-separated paths, segment by segment in [`name_order`]; a folder comes
/// before what it holds with `parents_first` (as `find` walks), after it otherwise (as `du`
/// sums).
pub fn path_order(format: Format, a: &str, b: &str, parents_first: bool) -> Ordering {
    let mut left = a.split('/').filter(|s| !s.is_empty());
    let mut right = b.split('/').filter(|s| !s.is_empty());
    loop {
        match (left.next(), right.next()) {
            (Some(x), Some(y)) => match name_order(format, x, y) {
                Ordering::Equal => continue,
                other => return other,
            },
            (None, None) => return Ordering::Equal,
            (None, Some(_)) if parents_first => return Ordering::Less,
            (Some(_), None) if parents_first => return Ordering::Greater,
            (None, Some(_)) => return Ordering::Greater,
            (Some(_), None) => return Ordering::Less,
        }
    }
}

/// Last modification time (the file system's, else the server's).
pub fn modified(item: &DriveItem) -> Option<&str> {
    item.file_system_info
        .as_ref()
        .and_then(|f| f.last_modified_date_time.as_deref())
        .or(item.last_modified_date_time.as_deref())
}

/// Size in bytes as every command shows and counts it ([`DriveItem::shown_size`]: a
/// shortcut's folder's size, nothing for a notebook; 0 when the server did not say).
pub fn size(item: &DriveItem) -> u64 {
    item.shown_size()
}

/// The item's absolute path from its parent reference (`/drive/root:/a`), if given.
pub fn path_of(item: &DriveItem) -> Option<String> {
    if item.root.is_some() {
        return Some("/".to_owned());
    }
    let parent = item.parent_reference.as_ref()?.path.as_deref()?;
    let (_, rel) = parent.split_once("root:")?;
    let rel = rel.trim_end_matches('/');
    Some(format!("{rel}/{}", item.name))
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
    let text = match format {
        Format::Json => list
            .iter()
            .map(|(i, p)| output::json_line(&row(i, p)))
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
                        kind_shown(i),
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

/// Pairs items with their paths (from the parent reference, else the bare name).
pub fn with_paths(list: Vec<DriveItem>) -> Vec<(DriveItem, String)> {
    list.into_iter()
        .map(|i| {
            let p = path_of(&i).unwrap_or_else(|| i.name.clone());
            (i, p)
        })
        .collect()
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
        assert_eq!(path_of(&it).as_deref(), Some("/Pics/a.JPG"));
        assert_eq!(seed_type(&it), "photo");
    }

    #[test]
    fn names_sort_ignoring_case_and_paths_by_segment() {
        let t = Format::Table;
        let mut names = vec!["Pics", "it's", "b", "B", "Ä", "a"];
        names.sort_by(|a, b| name_order(t, a, b));
        assert_eq!(names, ["a", "B", "b", "it's", "Pics", "Ä"]);
        names.sort_by(|a, b| name_order(Format::Seed, a, b));
        assert_eq!(names, ["B", "Pics", "a", "b", "it's", "Ä"]);
        let mut paths = vec!["/b", "/a/z", "/a", "/A b", "/a/Y"];
        paths.sort_by(|a, b| path_order(t, a, b, true));
        assert_eq!(paths, ["/a", "/a/Y", "/a/z", "/A b", "/b"]);
        paths.sort_by(|a, b| path_order(t, a, b, false));
        assert_eq!(paths, ["/a/Y", "/a/z", "/a", "/A b", "/b"]);
    }
}
