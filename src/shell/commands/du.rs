//! `du [-s] [-h] [PATH]`: space used by a folder and its sub-folders. OneDrive reports a
//! folder's size as the sum of everything below it, so one listing per level is enough.
//! The order is du(1)'s: each folder after the folders it holds, sisters in `ls`'s order,
//! the total last. Sizes follow output::size_text's rule (human on a terminal).

use clap::ArgAction;
use serde_json::json;

use crate::drive;
use crate::shell::error::{CmdResult, about};
use crate::shell::items;
use crate::shell::output::{self, Format};
use crate::shell::session::{Session, join};

/// Show the space used by a folder (and each sub-folder unless -s).
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
    /// The folder.
    pub path: Option<String>,
}

/// Runs `du`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let t = sess.target(args.path.as_deref().unwrap_or("."));
    let root = sess.client.item(&t.item).await.map_err(about(&t.label()))?;
    let base = t.path.clone().unwrap_or_else(|| t.label());
    let mut rows = Vec::new();
    if !args.summary && root.is_folder() {
        let mut folders: Vec<_> = drive::walk(&sess.client, &t.item, 8, None)
            .await?
            .into_iter()
            .filter(|e| e.item.is_folder())
            .collect();
        folders.sort_by(|a, b| items::path_order(sess.settings.format, &a.path, &b.path, false));
        for e in folders {
            rows.push((join(&base, &e.path), items::size(&e.item)));
        }
    }
    rows.push((base, items::size(&root)));
    let fmt = |n: u64| output::size_text(sess.settings.format, args.human, n);
    let text: String = match sess.settings.format {
        Format::Json => rows
            .iter()
            .map(|(p, s)| output::json_line(&json!({"path": p, "size": s})))
            .collect(),
        Format::Table => {
            let cells: Vec<Vec<String>> =
                rows.iter().map(|(p, s)| vec![fmt(*s), p.clone()]).collect();
            output::table(&["Size", "Path"], &cells)
        }
        Format::Seed => rows
            .iter()
            .map(|(p, s)| format!("{}\t{}\n", fmt(*s), output::escape(p)))
            .collect(),
    };
    output::out(&text)
}
