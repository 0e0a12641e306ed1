//! `pwd`: print the current remote folder.

use serde_json::json;

use crate::shell::error::CmdResult;
use crate::shell::output::{self, Format};
use crate::shell::session::Session;

/// Print the current remote folder (with `--json`, also the drive or shared item it is on
/// when that is not your own drive: `"place": "shared:NAME"`).
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `pwd`.
pub fn run(sess: &Session, _args: Args) -> CmdResult {
    let text = match sess.settings.format {
        Format::Json => {
            let id = (!sess.cwd.id.is_empty()).then_some(&sess.cwd.id);
            let mut row = json!({"path": sess.cwd.path, "id": id});
            if let Some(place) = &sess.place {
                row["place"] = place.label().into();
            }
            output::json_line(&row)
        }
        _ => format!("{}\n", output::escape(&sess.cwd.path)),
    };
    output::out(&text)
}
