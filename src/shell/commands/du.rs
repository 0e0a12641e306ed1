//! `du [-s] [-h] [PATH]`: space used by a folder and its sub-folders, summed from the files
//! below them as a walk finds them (the walk of `tree`, `find` and `get -r`): a shortcut's
//! shared folder counts with what it holds, a flagged file counts, and a OneNote notebook does
//! not (its size is no download size, and `get -r` does not fetch it): it is named on stderr
//! instead. OneDrive's own folder sizes would count the notebook and not the shortcut, so they
//! are not used. The order is du(1)'s: each folder after the folders it holds, sisters in
//! `ls`'s order, the total last. Sizes follow output::size_text's rule (human on a terminal).

use std::collections::HashMap;

use clap::ArgAction;
use serde_json::json;

use crate::drive;
use crate::shell::error::{CmdResult, about};
use crate::shell::items;
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
    let t = sess.target(args.path.as_deref().unwrap_or("."));
    let root = sess.client.item(&t.item).await.map_err(about(&t.label()))?;
    let base = t.path.clone().unwrap_or_else(|| t.label());
    let mut totals: HashMap<String, u64> = HashMap::new();
    let mut folders = Vec::new();
    if root.is_folder() {
        let entries = drive::walk(&sess.client, &t.item, 8, None)
            .await
            .map_err(about(&t.label()))?;
        for e in entries {
            if e.item.is_folder() {
                totals.entry(e.path.clone()).or_default();
                folders.push(e.path);
            } else if e.item.kind().is_package() {
                let what = e.item.kind().why_not_downloadable().unwrap_or_default();
                sess.note(&format!(
                    "du: {}: not counted: {what}",
                    output::escape(&join(&base, &e.path))
                ));
            } else {
                add_to_ancestors(&mut totals, &e.path, items::size(&e.item));
            }
        }
    } else if !root.kind().is_package() {
        totals.insert(String::new(), items::size(&root));
    }
    let mut rows = Vec::new();
    if !args.summary {
        folders.sort_by(|a, b| items::path_order(sess.settings.format, a, b, false));
        for f in folders {
            let size = totals.get(&f).copied().unwrap_or(0);
            rows.push((join(&base, &f), size));
        }
    }
    rows.push((base, totals.get("").copied().unwrap_or(0)));
    print(sess, &args, &rows)
}

/// Adds `size` to every folder above the walk path `path`, the walk's root (`""`) included.
fn add_to_ancestors(totals: &mut HashMap<String, u64>, path: &str, size: u64) {
    let mut at = path;
    loop {
        at = at.rsplit_once('/').map_or("", |(parent, _)| parent);
        *totals.entry(at.to_owned()).or_default() += size;
        if at.is_empty() {
            return;
        }
    }
}

fn print(sess: &Session, args: &Args, rows: &[(String, u64)]) -> CmdResult {
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
