//! Drive items as the shell shows them: one stable JSON shape for `--json` (field names are an
//! interface for scripts), the seed's type names for `tree`, and the item's absolute path.

use serde_json::{Value, json};

use crate::graph::DriveItem;
use crate::shell::output::{self, Format};

/// `folder` or `file`.
pub fn kind(item: &DriveItem) -> &'static str {
    if item.is_folder() { "folder" } else { "file" }
}

/// The seed's type name: `photo`, `video`, `audio` by facet or MIME type, else `file`.
pub fn seed_type(item: &DriveItem) -> &'static str {
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

/// Last modification time (the file system's, else the server's).
pub fn modified(item: &DriveItem) -> Option<&str> {
    item.file_system_info
        .as_ref()
        .and_then(|f| f.last_modified_date_time.as_deref())
        .or(item.last_modified_date_time.as_deref())
}

/// Size in bytes (0 when the server did not say).
pub fn size(item: &DriveItem) -> u64 {
    item.size.unwrap_or(0)
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

/// The `--json` row of an item at `path`.
pub fn row(item: &DriveItem, path: &str) -> Value {
    json!({
        "name": item.name,
        "path": path,
        "type": kind(item),
        "size": size(item),
        "modified": modified(item),
        "id": item.id,
    })
}

/// Prints items found by a query (`recent`, `shared`, `search`, `find`): names when piped, a
/// table on a terminal, rows with `--json`.
pub fn print_found(format: Format, list: &[(DriveItem, String)]) {
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
                        kind(i).to_owned(),
                        output::human_size(size(i)),
                        modified(i).unwrap_or("").to_owned(),
                    ]
                })
                .collect();
            output::table(&["Path", "Type", "Size", "Modified"], &rows)
        }
    };
    output::out(&text);
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
}
