//! `tree [-L N] [-d] [PATH]`: the folder tree, printed as the walk finds it (each folder's
//! line needs only the folders above it). Piped, it prints the seed's nested form
//! (`OneDrive:` / `  Documents:` / `    README.txt: file`; the seed printed `SkyDrive:` for
//! the root, we print `OneDrive:`, or the folder's own name); on a terminal a drawn tree under
//! a root line `OneDrive` (or the folder's name); with `--json` one line per item with its
//! depth. Sisters come in `ls`'s order (items::name_order); a name is one name whatever it
//! holds (a `/` from a hostile server included), since lines follow the walk, not paths.

use crate::drive::{Listed, Record, Visit, Visits, Walk, WalkEntry, WalkOptions};
use crate::shell::error::{CmdResult, CommandError, about, exit};
use crate::shell::items::{self, Lines};
use crate::shell::output::{self, Format};
use crate::shell::session::{Session, join};

/// Show the folder tree (the current folder by default).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Descend at most N levels.
    #[arg(short = 'L', value_name = "N")]
    pub level: Option<usize>,
    /// Folders only.
    #[arg(short = 'd')]
    pub dirs_only: bool,
    /// The folder.
    pub path: Option<String>,
}

/// Runs `tree`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let t = sess.target(args.path.as_deref().unwrap_or(".")).await?;
    let format = sess.settings.format;
    let opts = WalkOptions {
        max_depth: args.level,
        ..items::walk_options(format)
    };
    let walk = Walk::<Listed>::start(&sess.client, &t.item, opts)
        .await
        .map_err(about(&t.label()))?;
    let root = walk.root();
    if !root.is_folder() {
        return Err(CommandError::new(
            exit::FAILED,
            format!("{}: not a folder", t.label()),
        ));
    }
    let name = if root.root.is_some() {
        "OneDrive"
    } else {
        root.name.as_str()
    };
    let mut out = Lines::default();
    match format {
        Format::Table => out.push(&format!("{}\n", output::escape(name)))?,
        Format::Seed => out.push(&format!("{}:\n", output::escape(name)))?,
        Format::Json => {}
    }
    let base = sess.base_of(&t, root).await?;
    // For each level above the current item: whether the folder there was the last sister.
    let mut lasts: Vec<bool> = Vec::new();
    let mut visits = Visits::new(walk, args.dirs_only);
    while let Some(step) = out.wait(visits.next()).await? {
        if let Visit::Item { entry, last } = step.map_err(about(&t.label()))? {
            let line = match format {
                Format::Json => {
                    let mut row = items::row(&entry.item.to_item(), &join(&base, &entry.path));
                    row["depth"] = entry.depth.into();
                    output::json_line(&row)
                }
                Format::Seed => seed_line(&entry),
                Format::Table => drawn_line(&entry, last, &mut lasts),
            };
            out.push(&line)?;
        }
        if out.closed() {
            return Ok(());
        }
    }
    out.flush()
}

/// The seed's line: `name:` for a folder, `name: type` for anything else, indented by two
/// per level.
fn seed_line(entry: &WalkEntry<Listed>) -> String {
    let pad = "  ".repeat(entry.depth);
    let name = output::escape(entry.item.name());
    if entry.item.is_folder() {
        format!("{pad}{name}:\n")
    } else {
        format!("{pad}{name}: {}\n", items::seed_type(&entry.item.to_item()))
    }
}

/// The drawn line, with box-drawing branches; `lasts` says, for each level above, whether a
/// sister follows there.
fn drawn_line(entry: &WalkEntry<Listed>, last: bool, lasts: &mut Vec<bool>) -> String {
    lasts.truncate(entry.depth.saturating_sub(1));
    let mut line: String = lasts
        .iter()
        .map(|l| if *l { "    " } else { "│   " })
        .collect();
    line.push_str(if last { "└── " } else { "├── " });
    line.push_str(&output::escape(entry.item.name()));
    if entry.item.is_folder() {
        line.push('/');
    }
    line.push('\n');
    lasts.push(last);
    line
}
