//! `ls [-l] [-h] [-a] [-t|-S] [-r] [-1] [PATH...]`: list folders (or show files). `ls` always
//! asks the server and refreshes the listing cache, so what it shows is never stale.
//! `-h` means human sizes here (as in coreutils); help is `--help`. Names sort as
//! items::name_order says (ignoring case on a terminal); sizes follow output::size_text's rule
//! (human on a terminal). Like every command taking several paths, a path that cannot be
//! listed is reported and the others are still listed (exit 6 when some failed).

use clap::ArgAction;

use crate::graph::DriveItem;
use crate::shell::cache;
use crate::shell::error::{CmdResult, CommandError, Tally};
use crate::shell::items;
use crate::shell::output::{self, Format};
use crate::shell::session::{Session, Target, join};

/// List a folder's contents (the current folder by default).
#[derive(Debug, clap::Args)]
#[command(disable_help_flag = true)]
pub struct Args {
    /// Long listing: type (folder, file, flagged, notebook; a shortcut's owner), size and
    /// modification time.
    #[arg(short = 'l')]
    pub long: bool,
    /// Human-readable sizes (1.5K, 12M) when piped too (they are on a terminal).
    #[arg(short = 'h')]
    pub human: bool,
    /// Show names starting with `.` too.
    #[arg(short = 'a')]
    pub all: bool,
    /// Sort by modification time, newest first.
    #[arg(short = 't', conflicts_with = "by_size")]
    pub by_time: bool,
    /// Sort by size, largest first.
    #[arg(short = 'S')]
    pub by_size: bool,
    /// Reverse the order.
    #[arg(short = 'r')]
    pub reverse: bool,
    /// One name per line (the default when piped).
    #[arg(short = '1')]
    pub one: bool,
    /// Print help.
    #[arg(long, action = ArgAction::Help)]
    pub help: Option<bool>,
    /// Folders or files to list.
    pub paths: Vec<String>,
}

/// Runs `ls`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let paths = if args.paths.is_empty() {
        vec![".".to_owned()]
    } else {
        args.paths.clone()
    };
    let targets = sess.expand(&paths).await?;
    let many = targets.len() > 1;
    let mut tally = Tally::default();
    let mut n = 0;
    for t in &targets {
        let (folder, kids) = match list(sess, t).await {
            Ok(found) => found,
            Err(e) => {
                tally.record(&t.label(), Err(e), many);
                continue;
            }
        };
        let dir = t.path.clone().unwrap_or_else(|| t.label());
        let is_folder = folder.is_some();
        let mut list: Vec<(DriveItem, String)> = match folder {
            Some(id) => {
                if dir.starts_with('/') {
                    sess.cache().store(&id, &dir, kids.clone());
                }
                kids.into_iter()
                    .map(|k| {
                        let p = join(&dir, &k.name);
                        (k, p)
                    })
                    .collect()
            }
            None => kids.into_iter().map(|k| (k, dir.clone())).collect(),
        };
        list.retain(|(i, _)| args.all || !i.name.starts_with('.'));
        sort(sess.settings.format, &mut list, &args);
        if many && sess.settings.format != Format::Json && is_folder {
            let sep = if n > 0 { "\n" } else { "" };
            output::out(&format!("{sep}{}:\n", output::escape(&dir)))?;
        }
        print(sess, &args, &list)?;
        n += 1;
        tally.record(&t.label(), Ok(()), many);
    }
    tally.finish()
}

/// The target's children and its id when it is a folder, else the target alone. The current
/// folder (checked by `cd`) is listed at once; any other path is fetched first, so that a
/// notebook shows as itself rather than its sections, and a shortcut's shared folder is
/// listed on its own drive.
async fn list(
    sess: &Session,
    t: &Target,
) -> Result<(Option<String>, Vec<DriveItem>), CommandError> {
    if let Some(known) = &t.known {
        return cache::list_item(&sess.client, known).await;
    }
    if t.path.as_deref() == Some(sess.cwd.path.as_str()) {
        return cache::list_folder(&sess.client, &t.item).await;
    }
    let item = sess.client.item(&t.item).await?;
    cache::list_item(&sess.client, &item).await
}

fn sort(format: Format, list: &mut [(DriveItem, String)], args: &Args) {
    list.sort_by(|(a, _), (b, _)| items::name_order(format, &a.name, &b.name));
    if args.by_time {
        list.sort_by(|(a, _), (b, _)| items::modified(b).cmp(&items::modified(a)));
    } else if args.by_size {
        list.sort_by_key(|(i, _)| std::cmp::Reverse(items::size(i)));
    }
    if args.reverse {
        list.reverse();
    }
}

fn print(sess: &Session, args: &Args, list: &[(DriveItem, String)]) -> CmdResult {
    let size = |i: &DriveItem| output::size_text(sess.settings.format, args.human, items::size(i));
    let text = match sess.settings.format {
        Format::Json => list
            .iter()
            .map(|(i, p)| output::json_line(&items::row(i, p)))
            .collect(),
        Format::Seed if args.long => {
            let rows: Vec<serde_json::Value> = list
                .iter()
                .map(|(i, _)| {
                    let mut row = serde_json::json!({"name": i.name, "size": size(i),
                        "modified": items::modified(i), "type": items::kind(i)});
                    if let Some((owner, _)) = items::sharing(i) {
                        row["shared"] = owner.into();
                    }
                    row
                })
                .collect();
            output::seed_yaml(&serde_json::Value::Array(rows))
        }
        Format::Seed => list
            .iter()
            .map(|(i, _)| format!("- {}\n", output::escape(&i.name)))
            .collect(),
        Format::Table if args.long => {
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|(i, _)| {
                    let name = if i.is_folder() {
                        format!("{}/", i.name)
                    } else {
                        i.name.clone()
                    };
                    let when = items::modified(i).unwrap_or("").to_owned();
                    vec![name, items::kind_shown(i), size(i), when]
                })
                .collect();
            output::table(&["Name", "Type", "Size", "Modified"], &rows)
        }
        Format::Table => list
            .iter()
            .map(|(i, _)| {
                let slash = if i.is_folder() { "/" } else { "" };
                format!("{}{slash}\n", output::escape(&i.name))
            })
            .collect(),
    };
    output::out(&text)
}
