//! `cd [PATH|-]`: change the remote folder. The folder is checked on the server (a `cd` to a
//! wrong place must fail, so fail-fast can stop the script before `rm *` runs there), and the
//! path shown keeps the server's case.

use crate::shell::error::{CmdResult, CommandError, about, exit};
use crate::shell::items;
use crate::shell::session::{Folder, Session};

/// Change the current remote folder (`/` without PATH, the previous one with `-`).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder: relative, absolute (`/…`), `..`, `id:XYZ`, or `-` for the previous one.
    #[arg(allow_hyphen_values = true)]
    pub path: Option<String>,
}

/// Runs `cd`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let next = match args.path.as_deref() {
        Some("-") => sess
            .prev
            .clone()
            .ok_or_else(|| CommandError::new(exit::FAILED, "no previous folder"))?,
        other => {
            let arg = other.unwrap_or("/");
            let target = sess.expand(&[arg.to_owned()]).await?;
            let [target] = target.as_slice() else {
                return Err(CommandError::usage(format!("{arg}: matches several items")));
            };
            let item = sess
                .client
                .item(&target.item)
                .await
                .map_err(about(&target.label()))?;
            if !item.is_folder() {
                return Err(CommandError::new(
                    exit::FAILED,
                    format!("{}: not a folder", target.label()),
                ));
            }
            let path = items::path_of(&item)
                .or_else(|| target.path.clone())
                .unwrap_or_else(|| "/".to_owned());
            Folder { id: item.id, path }
        }
    };
    if next.id != sess.cwd.id || next.path != sess.cwd.path {
        sess.prev = Some(std::mem::replace(&mut sess.cwd, next));
    }
    if sess.settings.argv_mode {
        sess.note("note: `cd` in a one-shot command has no lasting effect");
    }
    Ok(())
}
