//! `cd [PATH|-|~|shared:NAME|drive:NAME]`: change the remote folder. The folder is checked on
//! the server (a `cd` to a wrong place must fail, so fail-fast can stop the script before
//! `rm *` runs there), and the path shown keeps the server's case. A shortcut to a shared
//! folder is a folder here like anywhere. `cd shared:NAME[/PATH]` enters an item someone
//! shared with you (as `shared` lists it), where `/` is that item; `cd ~` (or `cd` alone)
//! returns to your own drive's root; `cd -` returns to the previous folder, wherever it was.
//! `cd drive:NAME[/PATH]` goes to PATH on another of your drives, the form `pwd` prints there.

use crate::graph::ItemRef;
use crate::shell::error::{CmdResult, CommandError, about, exit};
use crate::shell::items;
use crate::shell::place::shown_path;
use crate::shell::session::{Folder, Place, Session};

/// Change the current remote folder (your drive's root without PATH or with `~`, the previous
/// folder with `-`, an item shared with you with `shared:NAME`, a folder of another of your
/// drives with `drive:NAME/PATH`).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder: relative, absolute (`/…`), `..`, `id:XYZ`, `-` (the previous one), `~` or
    /// `~/PATH` (your own drive), `shared:NAME[/PATH]` (an item `shared` lists),
    /// `drive:NAME[/PATH]` (a drive `drives` lists).
    #[arg(allow_hyphen_values = true)]
    pub path: Option<String>,
}

/// Runs `cd`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let arg = args.path.as_deref().unwrap_or("~");
    let (place, folder) = match arg {
        "-" => {
            let prev = sess
                .prev
                .clone()
                .ok_or_else(|| CommandError::new(exit::FAILED, "no previous folder"))?;
            (sess.prev_place.clone(), prev)
        }
        "~" => (None, root()),
        _ if arg.starts_with("~/") => {
            let home = sess.client_at(None);
            let path = crate::shell::session::resolve("/", &arg[1..]);
            (None, enter(&home, &ItemRef::path(&path), path).await?)
        }
        _ if arg.starts_with("shared:") && arg.len() > 7 => shared(sess, &arg[7..]).await?,
        _ if arg.starts_with("drive:") && arg.len() > 6 => on_drive(sess, &arg[6..]).await?,
        _ => here(sess, arg).await?,
    };
    sess.go(place, folder);
    if sess.settings.argv_mode {
        sess.note("note: `cd` in a one-shot command has no lasting effect");
    }
    Ok(())
}

fn root() -> Folder {
    Folder {
        id: String::new(),
        path: "/".to_owned(),
    }
}

/// The folder `arg` names where the session is, and the place it puts the session in: a
/// path stays in the session's place; an id (or `shared:NAME`) may name a folder on another
/// drive, where the session follows it (`Session::place_of_folder`).
async fn here(sess: &Session, arg: &str) -> Result<(Option<Place>, Folder), CommandError> {
    let target = sess.expand(&[arg.to_owned()]).await?;
    let [target] = target.as_slice() else {
        return Err(CommandError::usage(format!("{arg}: matches several items")));
    };
    let label = target.label();
    if let Some(path) = &target.path {
        let folder = enter(&sess.client, &target.item, path.clone())
            .await
            .map_err(|e| e.in_command(&label))?;
        return Ok((sess.place.clone(), folder));
    }
    let found = sess
        .fetch_anywhere(&target.item)
        .await
        .map_err(|e| no_access(e, &label))?;
    if !found.is_folder() {
        return Err(CommandError::new(exit::FAILED, "not a folder").in_command(&label));
    }
    sess.place_of_folder(&found).await
}

/// An error fetching a folder by id: a refusal (403, a drive the user cannot list, such as
/// the root of a drive that only shares a folder with them) is exit 7 naming what works.
fn no_access(e: crate::Error, label: &str) -> CommandError {
    if e.status() != Some(403) {
        return CommandError::from(e).in_command(label);
    }
    CommandError::new(
        exit::CONFLICT,
        "you have no access to this folder (another person's drive is reachable only \
         through what they shared with you)",
    )
    .in_command(label)
    .with_hint(format!(
        "{} lists what others shared with you; {} enters one",
        crate::shell::hint::command("shared"),
        crate::shell::hint::command("cd shared:NAME")
    ))
}

/// The folder `item` of `client`, at the absolute `path` the argument gave.
async fn enter(
    client: &crate::graph::GraphClient,
    item: &ItemRef,
    path: String,
) -> Result<Folder, CommandError> {
    let found = client.item(item).await.map_err(about(&path))?;
    if !found.is_folder() {
        return Err(CommandError::new(exit::FAILED, "not a folder").in_command(&path));
    }
    let drive = match client.rooted() {
        None if items::respelled(&found, &path) => Some(client.drive_id().await?),
        _ => None,
    };
    let path = shown_path(&found, &path, drive.as_deref());
    Ok(Folder { id: found.id, path })
}

/// `drive:NAME[/PATH]` (as `pwd` prints it on another drive): the folder at PATH from the
/// root of the drive `drives` shows as NAME (or with that id), and its place.
async fn on_drive(sess: &Session, rest: &str) -> Result<(Option<Place>, Folder), CommandError> {
    let (name, below) = rest.split_once('/').unwrap_or((rest, ""));
    let place = crate::shell::commands::drive::place_named(sess, name).await?;
    let client = sess.client_at(place.as_ref());
    let path = crate::shell::session::resolve("/", below);
    let folder = enter(&client, &ItemRef::path(&path), path.clone())
        .await
        .map_err(|e| e.in_command(&format!("drive:{rest}")))?;
    Ok((place, folder))
}

/// `shared:NAME[/PATH]`: the shared folder (or the folder below it) and its place.
async fn shared(sess: &Session, rest: &str) -> Result<(Option<Place>, Folder), CommandError> {
    let (entry, below) = sess.shared_item(rest).await?;
    let label = format!("shared:{rest}");
    let Some(target) = entry.remote().filter(|_| entry.is_folder()) else {
        return Err(CommandError::new(exit::FAILED, "not a folder").in_command(&label));
    };
    let place = Place::Shared {
        name: entry.name.clone(),
        drive: target.drive_id,
        id: target.id,
    };
    let client = sess.client_at(Some(&place));
    let path = format!("/{}", below.unwrap_or_default());
    let folder = enter(&client, &ItemRef::path(&path), path.clone())
        .await
        .map_err(|e| e.in_command(&label))?;
    Ok((Some(place), folder))
}
