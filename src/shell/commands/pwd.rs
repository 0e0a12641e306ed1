//! `pwd`: print the current remote folder, and where it is when that is not the user's own
//! drive, in the form `cd` takes back (`shared:Shared Folder/sub`, `drive:Documents/x`,
//! `id:ID/sub`), as the prompt shows it. With `--json` the row also says where the folder
//! lives for Graph: a folder reached through a shortcut lives on its owner's drive, not on the
//! drive the session's paths start at, so `drive` and `id` are asked of the server (one
//! request) rather than taken from the session's place.

use serde_json::json;

use crate::graph::ItemRef;
use crate::shell::error::CmdResult;
use crate::shell::output::{self, Format};
use crate::shell::place::item_drive;
use crate::shell::session::{Place, Session};

/// Print the current remote folder: a path on your own drive, else prefixed by its place
/// (`shared:NAME/PATH`, `drive:NAME/PATH`, `id:ID/PATH`), as `cd` takes it back. With the
/// global `--json` (`skydrive-cli --json -c pwd`): `path` (from the place's top), `place`
/// (null on your own drive), and `drive` and `id`, the drive the folder lives on and its id
/// there, so that `/drives/{drive}/items/{id}` addresses it (the shared folder's for a
/// shortcut).
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `pwd`.
pub async fn run(sess: &Session, _args: Args) -> CmdResult {
    let text = match sess.settings.format {
        Format::Json => {
            let (drive, id) = located(sess).await;
            let row = json!({
                "path": sess.cwd.path,
                "place": sess.place.as_ref().map(Place::label),
                "drive": drive,
                "id": id,
            });
            output::json_line(&row)
        }
        _ => format!("{}\n", output::escape(&sess.where_label())),
    };
    output::out(&text)
}

/// The drive the current folder lives on and its id there, from the server's answer for it
/// (a shortcut: the shared folder it points to); when that request fails, what the session
/// knows: the place's drive (or the user's) and the folder's id once known.
async fn located(sess: &Session) -> (Option<String>, Option<String>) {
    let found = sess.client.item(&ItemRef::path(&sess.cwd.path)).await.ok();
    if let Some(item) = &found {
        if let Some(t) = item.remote() {
            return (Some(t.drive_id), Some(t.id));
        }
        if let Some(drive) = item_drive(item) {
            return (Some(drive), Some(item.id.clone()));
        }
    }
    let drive = match &sess.place {
        Some(place) => Some(place.drive().to_owned()),
        None => sess.home.drive_id().await.ok(),
    };
    let id = found.map_or_else(|| sess.cwd.id.clone(), |item| item.id);
    (drive, Some(id).filter(|id| !id.is_empty()))
}
