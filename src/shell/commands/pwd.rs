//! `pwd`: print the current remote folder.

use serde_json::json;

use crate::shell::error::CmdResult;
use crate::shell::output::{self, Format};
use crate::shell::session::Session;

/// Print the current remote folder.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `pwd`.
pub fn run(sess: &Session, _args: Args) -> CmdResult {
    let text = match sess.settings.format {
        Format::Json => {
            let id = (!sess.cwd.id.is_empty()).then_some(&sess.cwd.id);
            output::json_line(&json!({"path": sess.cwd.path, "id": id}))
        }
        _ => format!("{}\n", output::escape(&sess.cwd.path)),
    };
    output::out(&text)
}
