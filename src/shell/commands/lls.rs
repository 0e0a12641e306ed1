//! `lls [-l] [PATH]`: list a local folder, in `ls`'s order (folders marked with `/`; sizes
//! human on a terminal, exact bytes when piped).

use std::path::PathBuf;

use crate::shell::error::{CmdResult, CommandError, exit};
use crate::shell::items;
use crate::shell::output::{self, Format};

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
pub fn run(format: Format, args: Args) -> CmdResult {
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
    rows.sort_by(|a, b| items::name_order(format, &a.0, &b.0));
    let text: String = rows
        .iter()
        .map(|(name, dir, size)| {
            let slash = if *dir { "/" } else { "" };
            if args.long {
                let size = output::size_text(format, false, *size);
                format!("{size:>12}  {}{slash}\n", output::escape(name))
            } else {
                format!("{}{slash}\n", output::escape(name))
            }
        })
        .collect();
    output::out(&text)
}
