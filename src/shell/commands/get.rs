//! `get [-r] [-c] [-P N] REMOTE... [LOCAL]`: download files (and with `-r` folders). With two
//! or more arguments the last is the local destination (the seed's `get file file_dst`); `-`
//! writes to stdout, as does a seed-style `skydrive-cli get X > file` without LOCAL: one file
//! argument (no pattern, no `-r`, not a folder), piped; anything else saves files as it does on
//! a terminal (`get -r Pics > log` from cron). Files
//! arrive under a temporary name and are renamed once verified; Ctrl-C removes the partial
//! file unless `-c` asked to keep it for resuming. A remote name that is not one safe local
//! file name (`..`, `a/b`, control characters: a broken or hostile server) is refused for that
//! item (exit 7, or 6 when other items succeed); no name can place a file outside LOCAL.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use futures_util::stream::{self, StreamExt};

use crate::drive::{self, TreeOptions};
use crate::graph::transfer::DownloadOptions;
use crate::graph::{DriveItem, ItemRef};
use crate::shell::error::{CmdResult, CommandError, Tally, exit, reason_only};
use crate::shell::progress::Meter;
use crate::shell::session::{Session, Target};

/// Download files (folders with -r); LOCAL `-` writes to stdout. OneNote notebooks and files
/// OneDrive flagged as malware have no content to download: refused (with -r: named, the rest
/// fetched, exit 6).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Download folders with their contents.
    #[arg(short = 'r', long = "recursive")]
    pub recursive: bool,
    /// Continue a partial download (and keep partial files on Ctrl-C).
    #[arg(short = 'c', long = "continue")]
    pub resume: bool,
    /// Files transferred at once.
    #[arg(short = 'P', long = "parallel", default_value_t = 4, value_name = "N")]
    pub parallel: usize,
    /// Remote files (globs allowed), then optionally the local file or folder. OneNote
    /// notebooks and files flagged as malware are refused (no content to download).
    #[arg(required = true, value_name = "REMOTE... [LOCAL]")]
    pub paths: Vec<String>,
}

/// Runs `get`.
pub async fn run(sess: &mut Session, mut args: Args) -> CmdResult {
    let local = (args.paths.len() >= 2).then(|| args.paths.pop().unwrap_or_default());
    let mut targets = sess.expand(&args.paths).await?;
    let to_stdout = match local.as_deref() {
        Some(l) => l == "-",
        None => seed_stdout(sess, &args, &mut targets).await,
    };
    if to_stdout {
        return super::cat::write_all(sess, &targets, false).await;
    }
    fetch_all(sess, &args, &targets, local.as_deref()).await
}

/// The seed's `skydrive-cli get X > file`: argv mode, stdout not a terminal, and one file
/// argument (no `-r`, no pattern, not a folder: its metadata is fetched, and kept).
async fn seed_stdout(sess: &Session, args: &Args, targets: &mut [Target]) -> bool {
    let one = args.paths.len() == 1 && !sess.globs.contains(&args.paths[0]);
    if !(one && !args.recursive && sess.settings.argv_mode) || std::io::stdout().is_terminal() {
        return false;
    }
    let [target] = targets else {
        return false;
    };
    if target.known.is_none() {
        target.known = sess.client.item(&target.item).await.ok();
    }
    // An item that cannot be fetched fails below, in either path, with its own message.
    !target.known.as_ref().is_some_and(DriveItem::is_folder)
}

/// Where a remote item lands; the remote name is used only when it is a safe local name
/// (a hostile server's `..` or `/etc/x` is refused, see `DriveItem::local_name`).
fn local_dest(local: Option<&str>, item: &DriveItem, many: bool) -> crate::Result<PathBuf> {
    Ok(match local {
        None => PathBuf::from(item.local_name()?),
        Some(l) if many || Path::new(l).is_dir() => Path::new(l).join(item.local_name()?),
        Some(l) => PathBuf::from(l),
    })
}

/// A tally plus the files and bytes moved.
#[derive(Default)]
struct Totals {
    tally: Tally,
    files: usize,
    bytes: u64,
}

async fn fetch_all(
    sess: &Session,
    args: &Args,
    targets: &[Target],
    local: Option<&str>,
) -> CmdResult {
    let many = targets.len() > 1;
    if let Some(l) = local
        && many
        && !Path::new(l).is_dir()
    {
        return Err(CommandError::new(
            exit::NOT_FOUND,
            format!("{l}: no such local folder"),
        ));
    }
    let meter = Meter::new(sess);
    let mut t = Totals::default();
    let mut plain = Vec::new();
    for target in targets {
        let item = match &target.known {
            Some(i) => i.clone(),
            None => match sess.client.item(&target.item).await {
                Ok(i) => i,
                Err(e) => {
                    t.tally.record(&target.label(), Err(e.into()), many);
                    continue;
                }
            },
        };
        let to = match local_dest(local, &item, many) {
            Ok(to) => to,
            Err(e) => {
                t.tally.record(&target.label(), Err(e.into()), many);
                continue;
            }
        };
        if !item.is_folder() {
            plain.push((target.clone(), item, to));
        } else if !args.recursive {
            let e = CommandError::new(exit::FAILED, "is a folder (use -r)");
            t.tally.record(&target.label(), Err(e), many);
        } else {
            // A folder of the client's tree by its path (a walk may then use delta), a
            // shortcut where its shared folder is.
            let folder = match (&target.path, item.remote()) {
                (Some(_), None) => target.item.clone(),
                _ => ItemRef::content_of(&item),
            };
            get_folder(sess, args, &folder, &to, &meter, &mut t).await?;
        }
    }
    download_files(sess, args, plain, &meter, many, &mut t).await;
    meter.summary("got", t.files, t.bytes, t.tally.failed() > 0);
    t.tally.finish()
}

async fn get_folder(
    sess: &Session,
    args: &Args,
    folder: &ItemRef,
    to: &Path,
    meter: &Meter,
    t: &mut Totals,
) -> CmdResult {
    let opts = TreeOptions {
        parallel: args.parallel.max(1),
        resume: args.resume,
        discard_partial: !args.resume,
        progress: meter.tree(),
        ..TreeOptions::default()
    };
    let report = drive::get_tree(&sess.client, folder, to, &opts).await?;
    t.files += report.files;
    t.bytes += report.bytes;
    // Successes count too, so that some refused names among good files make exit 6.
    for _ in 0..report.files {
        t.tally.record("", Ok(()), true);
    }
    for (path, e) in report.failed {
        t.tally.record(&path, Err(reason_only(e)), true);
    }
    Ok(())
}

async fn download_files(
    sess: &Session,
    args: &Args,
    plain: Vec<(Target, DriveItem, PathBuf)>,
    meter: &Meter,
    many: bool,
    t: &mut Totals,
) {
    let mut results = stream::iter(plain)
        .map(|(target, item, to)| {
            let opts = DownloadOptions {
                resume: args.resume,
                discard_partial: !args.resume,
                progress: meter.file(&target.label()),
                ..DownloadOptions::default()
            };
            let client = &sess.client;
            async move {
                // Refused from the metadata in hand (a notebook, a flagged file) before any
                // request or local file; else fetched again, fresh, where the item lives.
                let r = match client.downloadable(item).await {
                    Ok(item) => {
                        let at = ItemRef::of_item(&item);
                        client.download_to_file(&at, &to, &opts).await
                    }
                    Err(e) => Err(e),
                };
                (target, r)
            }
        })
        .buffer_unordered(args.parallel.max(1));
    while let Some((target, r)) = results.next().await {
        if let Ok(item) = &r {
            t.files += 1;
            t.bytes += item.size.unwrap_or(0);
        }
        t.tally
            .record(&target.label(), r.map(drop).map_err(reason_only), many);
    }
}
