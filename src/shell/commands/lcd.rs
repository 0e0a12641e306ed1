//! `lcd [DIR|-]`: change the local folder (where `get` saves and `put` reads).

use std::path::PathBuf;

use crate::shell::error::{CmdResult, CommandError, exit};
use crate::shell::session::Session;

/// Change the local folder (home without DIR, the previous one with `-`).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The local folder, or `-`.
    #[arg(allow_hyphen_values = true)]
    pub dir: Option<String>,
}

/// Runs `lcd`.
pub fn run(sess: &mut Session, args: Args) -> CmdResult {
    let target = match args.dir.as_deref() {
        Some("-") => sess
            .prev_local
            .clone()
            .ok_or_else(|| CommandError::new(exit::FAILED, "no previous local folder"))?,
        Some(d) => PathBuf::from(d),
        None => std::env::var_os("HOME")
            .map(PathBuf::from)
            .ok_or_else(|| CommandError::new(exit::FAILED, "HOME is not set"))?,
    };
    let here = std::env::current_dir().ok();
    std::env::set_current_dir(&target).map_err(|e| {
        let code = if e.kind() == std::io::ErrorKind::NotFound {
            exit::NOT_FOUND
        } else {
            exit::FAILED
        };
        CommandError::new(code, format!("{}: {e}", target.display()))
    })?;
    sess.prev_local = here;
    Ok(())
}
