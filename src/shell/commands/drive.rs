//! `drive [NAME|ID|~]`: which drive the session is on, or move it to another drive the user
//! can reach (`drives` lists them: on work or school accounts the team sites' libraries
//! besides OneDrive). The session starts at that drive's root, the prompt names the drive,
//! and `drive ~` (or `cd ~`) returns to the user's own drive. Names are compared ignoring
//! case, ids as OneDrive's drive ids compare (`graph::same_drive`: a personal id ignoring
//! case and leading zeros, a work or school `b!…` id exactly).

use serde_json::json;

use crate::graph::{Drive, names, same_drive};
use crate::shell::error::{CmdResult, CommandError, exit};
use crate::shell::hint;
use crate::shell::output::{self, Format};
use crate::shell::session::{Folder, Place, Session};

/// Show the current drive, or move to another drive (`drives` lists them; `~`: your own).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The drive: its name or id as `drives` shows them, or `~` for your own drive.
    pub drive: Option<String>,
}

/// Runs `drive`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let Some(arg) = args.drive else {
        return show(sess).await;
    };
    let root = Folder {
        id: String::new(),
        path: "/".to_owned(),
    };
    if arg == "~" {
        sess.go(None, root);
        return Ok(());
    }
    let place = place_named(sess, &arg).await?;
    sess.go(place, root);
    Ok(())
}

/// The place of the drive `arg` names (its name or id as `drives` shows them): `None` for
/// the user's own drive (`drive NAME`, `cd drive:NAME/PATH`).
///
/// # Errors
///
/// No drive of that name or id (exit 3), several of that name (exit 2), those of the
/// requests.
pub async fn place_named(sess: &Session, arg: &str) -> Result<Option<Place>, CommandError> {
    let drives = sess.home.drives().await?;
    let own = sess.home.drive_id().await?;
    let chosen = pick(&drives, arg)?;
    Ok((!same_drive(&chosen.id, &own)).then(|| Place::Drive {
        name: chosen.name.clone().unwrap_or_else(|| chosen.id.clone()),
        id: chosen.id.clone(),
    }))
}

/// The drive `arg` names: by id, else by name (one only).
fn pick<'a>(drives: &'a [Drive], arg: &str) -> Result<&'a Drive, CommandError> {
    if let Some(d) = drives.iter().find(|d| same_drive(&d.id, arg)) {
        return Ok(d);
    }
    let named: Vec<&Drive> = drives
        .iter()
        .filter(|d| d.name.as_deref().is_some_and(|n| names::same_name(n, arg)))
        .collect();
    match named.as_slice() {
        [one] => Ok(one),
        [] => Err(CommandError::new(
            exit::NOT_FOUND,
            format!("drive {arg}: no drive of that name or id"),
        )
        .with_hint(format!("{} lists your drives", hint::command("drives")))),
        _ => Err(CommandError::usage(format!(
            "drive {arg}: several drives have that name; give its id (see `drives`)"
        ))),
    }
}

/// The drive the session is on: name, type, id, and whether it is the user's own (`own: yes`
/// or `no` as text, a boolean in JSON; the seed's printer would say Python's `True`, and
/// `drive` is no seed command whose output scripts parse that way).
async fn show(sess: &Session) -> CmdResult {
    let drive = sess.client.drive().await?;
    let own = sess.place.is_none();
    let name = drive.name.clone().unwrap_or_default();
    let mut value = json!({"name": name, "type": drive.drive_type, "id": drive.id, "own": own});
    match sess.settings.format {
        Format::Json => output::out(&output::json_line(&value)),
        format => {
            value["own"] = json!(if own { "yes" } else { "no" });
            output::print_object(format, &value)
        }
    }
}
