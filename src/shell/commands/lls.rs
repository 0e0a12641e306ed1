//! `lls [-l] [PATH]`: list a local folder, sorted by name (folders marked with `/`).

use std::path::PathBuf;

use crate::shell::error::{CmdResult, CommandError, exit};
use crate::shell::output;

/// List a local folder (the local cwd by default).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Show sizes.
    #[arg(short = 'l')]
    pub long: bool,
    /// The local folder.
    pub path: Option<PathBuf>,
}

/// Runs `lls`.
pub fn run(args: Args) -> CmdResult {
    let dir = args.path.unwrap_or_else(|| PathBuf::from("."));
    let entries = std::fs::read_dir(&dir).map_err(|e| {
        let code = if e.kind() == std::io::ErrorKind::NotFound {
            exit::NOT_FOUND
        } else {
            exit::FAILED
        };
        CommandError::new(code, format!("{}: {e}", dir.display()))
    })?;
    let mut rows: Vec<(String, bool, u64)> = entries
        .filter_map(Result::ok)
        .map(|e| {
            let meta = e.metadata().ok();
            (
                e.file_name().to_string_lossy().into_owned(),
                meta.as_ref().is_some_and(|m| m.is_dir()),
                meta.map_or(0, |m| m.len()),
            )
        })
        .collect();
    rows.sort();
    let text: String = rows
        .iter()
        .map(|(name, dir, size)| {
            let slash = if *dir { "/" } else { "" };
            if args.long {
                format!("{size:>12}  {}{slash}\n", output::escape(name))
            } else {
                format!("{}{slash}\n", output::escape(name))
            }
        })
        .collect();
    output::out(&text);
    Ok(())
}
