//! `du [-s] [-h] [PATH]`: space used by a folder and its sub-folders, summed from the files
//! below them as a walk finds them (the walk of `tree`, `find` and `get -r`): a shortcut's
//! shared folder counts with what it holds, a flagged file counts, and a OneNote notebook does
//! not (its size is no download size, and `get -r` does not fetch it): it is named on stderr
//! instead. OneDrive's own folder sizes would count the notebook and not the shortcut, so they
//! are not used. The order is du(1)'s: each folder after the folders it holds, sisters in
//! `ls`'s order, the total last; each line is printed as soon as its folder is summed, so
//! only the sums of the folders on the walk's current path are held. Sizes follow
//! output::size_text's rule (human on a terminal).

use clap::ArgAction;
use serde_json::json;

use crate::drive::{Listed, Record, Visit, Visits, Walk};
use crate::shell::error::{CmdResult, about};
use crate::shell::items::{self, Lines};
use crate::shell::output::{self, Format};
use crate::shell::session::{Session, join};

/// Show the space used by a folder (and each sub-folder unless -s); OneNote notebooks are not
/// counted (each is named on stderr).
#[derive(Debug, clap::Args)]
#[command(disable_help_flag = true)]
pub struct Args {
    /// Only the total.
    #[arg(short = 's')]
    pub summary: bool,
    /// Human-readable sizes when piped too (they are on a terminal).
    #[arg(short = 'h')]
    pub human: bool,
    /// Print help.
    #[arg(long, action = ArgAction::Help)]
    pub help: Option<bool>,
    /// The folder (a shortcut's folder counts; OneNote notebooks do not, named on stderr).
    pub path: Option<String>,
}

/// Runs `du`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let t = sess.target(args.path.as_deref().unwrap_or(".")).await?;
    let format = sess.settings.format;
    let walk = Walk::<Listed>::start(&sess.client, &t.item, items::walk_options(format))
        .await
        .map_err(about(&t.label()))?;
    let base = sess.base_of(&t, walk.root()).await?;
    let mut out = Lines::default();
    let root = walk.root();
    if !root.is_folder() {
        let size = if root.kind().is_package() {
            0
        } else {
            items::size(root)
        };
        out.push(&line(format, args.human, &base, size))?;
        return out.flush();
    }
    // The sums of the folders from the root down to the walk's current folder.
    let mut sums: Vec<u64> = vec![0];
    let mut visits = Visits::new(walk, false);
    while let Some(step) = out.wait(visits.next()).await? {
        match step.map_err(about(&t.label()))? {
            Visit::Item { entry, .. } if entry.item.is_folder() => sums.push(0),
            Visit::Item { entry, .. } if entry.item.kind().is_package() => {
                let what = entry.item.kind().why_not_downloadable().unwrap_or_default();
                let path = output::escape(&join(&base, &entry.path));
                sess.note(&format!("du: {path}: not counted: {what}"));
            }
            Visit::Item { entry, .. } => {
                if let Some(sum) = sums.last_mut() {
                    *sum += entry.item.shown_size();
                }
            }
            Visit::Done { path, depth } => {
                let size = sums.pop().unwrap_or(0);
                if let Some(parent) = sums.last_mut() {
                    *parent += size;
                }
                if depth == 0 {
                    out.push(&line(format, args.human, &base, size))?;
                } else if !args.summary {
                    out.push(&line(format, args.human, &join(&base, &path), size))?;
                }
            }
        }
        if out.closed() {
            return Ok(());
        }
    }
    out.flush()
}

/// One folder's line: du(1)'s `SIZE<tab>PATH` when piped, aligned columns on a terminal, a
/// JSON row with `--json`.
fn line(format: Format, human: bool, path: &str, size: u64) -> String {
    let shown = output::size_text(format, human, size);
    match format {
        Format::Json => output::json_line(&json!({"path": path, "size": size})),
        Format::Table => format!("{shown:>5}  {}\n", output::escape(path)),
        Format::Seed => format!("{shown}\t{}\n", output::escape(path)),
    }
}
