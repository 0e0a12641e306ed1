//! `pwd`: print the current remote folder, and where it is when that is not the user's own
//! drive, in the form `cd` takes back (`shared:Shared Folder/sub`, `drive:Documents/x`,
//! `id:ID/sub`), as the prompt shows it.

use serde_json::json;

use crate::shell::error::CmdResult;
use crate::shell::output::{self, Format};
use crate::shell::session::Session;

/// Print the current remote folder: a path on your own drive, else prefixed by its place
/// (`shared:NAME/PATH`, `drive:NAME/PATH`, `id:ID/PATH`), as `cd` takes it back. With
/// `--json`: `path` (from the place's top), `place` (absent on your own drive), `drive` (the
/// drive's id) and `id` (the folder's id, once known).
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `pwd`.
pub async fn run(sess: &Session, _args: Args) -> CmdResult {
    let text = match sess.settings.format {
        Format::Json => {
            let id = (!sess.cwd.id.is_empty()).then_some(&sess.cwd.id);
            let drive = match &sess.place {
                Some(place) => Some(place.drive().to_owned()),
                None => sess.home.drive_id().await.ok(),
            };
            let mut row = json!({"path": sess.cwd.path, "id": id, "drive": drive});
            if let Some(place) = &sess.place {
                row["place"] = place.label().into();
            }
            output::json_line(&row)
        }
        _ => format!("{}\n", output::escape(&sess.where_label())),
    };
    output::out(&text)
}
