//! `info [PATH]` (alias `stat`): an item's full metadata, as the seed printed it (the size in
//! bytes; human on a terminal, as every size there), with `type` saying what the item is as
//! every command treats it (`folder` for a shortcut too, `flagged`, `notebook`, ...:
//! `ItemKind::label`).

use crate::shell::error::{CmdResult, CommandError, about, exit};
use crate::shell::items;
use crate::shell::output::{self, Format};
use crate::shell::session::Session;

/// Show an item's metadata (the current folder by default) and its type (`folder`, `file`,
/// `flagged`, `notebook`, ...).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The item: a path or `id:XYZ`.
    pub path: Option<String>,
}

/// Runs `info`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let arg = args.path.unwrap_or_else(|| ".".to_owned());
    for t in sess.expand(&[arg]).await? {
        let item = sess.client.item(&t.item).await.map_err(about(&t.label()))?;
        let mut value = serde_json::to_value(&item)
            .map_err(|e| CommandError::new(exit::FAILED, format!("cannot show the item: {e}")))?;
        // A pre-authenticated URL is as good as a token: never print it.
        if let Some(map) = value.as_object_mut() {
            map.remove("@microsoft.graph.downloadUrl");
            map.insert("type".into(), items::kind(&item).into());
            // The size every command shows (a notebook's is no download size: 0).
            let size = items::size(&item);
            map.insert("size".into(), size.into());
            if sess.settings.format == Format::Table {
                map.insert("size".into(), output::human_size(size).into());
            }
        }
        output::print_object(sess.settings.format, &value)?;
    }
    Ok(())
}
