//! `get [-r] [-c] [-P N] REMOTE... [LOCAL]`: download files (and with `-r` folders). With two
//! or more arguments the last is the local destination (the seed's `get file file_dst`); `-`
//! writes to stdout, as does a seed-style `skydrive-cli get X > file` without LOCAL: one file
//! argument (no pattern, no `-r`, not a folder), piped; anything else saves files as it does on
//! a terminal (`get -r Pics > log` from cron). Files
//! arrive under a temporary name and are renamed once verified; Ctrl-C removes the partial
//! file unless `-c` asked to keep it for resuming. A remote name that is not one safe local
//! file name (`..`, `a/b`, control characters: a broken or hostile server) is refused for that
//! item (exit 7, or 6 when other items succeed); no name can place a file outside LOCAL.
//!
//! A file of at least `--cutoff` (256 MiB) comes in `-n`/`--streams` byte ranges at once (4),
//! each over a connection of its own, as lftp's `pget -n` and rclone's multi-thread streams:
//! servers that limit each connection then give several times one stream's speed. `--streams
//! 1` turns it off; `get -c` continues the ranges an interrupted run left.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use futures_util::stream::{self, StreamExt};

use crate::drive::{self, TreeOptions};
use crate::graph::transfer::{DEFAULT_STREAMS, DownloadOptions};
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
    /// Byte ranges fetched at once for a file of at least --cutoff, each over its own
    /// connection (lftp's pget -n, rclone's --multi-thread-streams); 1 turns it off.
    #[arg(
        short = 'n',
        long = "streams",
        visible_alias = "multi-thread-streams",
        default_value_t = DEFAULT_STREAMS,
        value_name = "N"
    )]
    pub streams: usize,
    /// Files of at least SIZE come in several streams (rclone's --multi-thread-cutoff):
    /// bytes, or with K, M, G, T (powers of 1024, `256M`, `1GiB`).
    #[arg(
        long = "cutoff",
        visible_alias = "multi-thread-cutoff",
        default_value = "256M",
        value_name = "SIZE",
        value_parser = parse_size
    )]
    pub cutoff: u64,
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
        streams: args.streams,
        multi_stream_cutoff: args.cutoff,
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
                streams: args.streams,
                multi_stream_cutoff: args.cutoff,
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

/// A size as rclone writes it: bytes, or a number with `K`, `M`, `G` or `T` (powers of 1024;
/// `Ki`, `KiB` and `KB` read the same), decimals allowed (`1.5G`).
fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t.find(|c: char| !(c.is_ascii_digit() || c == '.'));
    let (number, unit) = t.split_at(digits.unwrap_or(t.len()));
    let shift = match unit
        .to_ascii_lowercase()
        .trim_end_matches('b')
        .trim_end_matches('i')
    {
        "" => 0,
        "k" => 10,
        "m" => 20,
        "g" => 30,
        "t" => 40,
        _ => {
            return Err(format!(
                "{text:?}: expected bytes or a size like 256M, 1G, 512KiB"
            ));
        }
    };
    let n: f64 = number
        .parse()
        .map_err(|_| format!("{text:?}: expected bytes or a size like 256M, 1G, 512KiB"))?;
    Ok((n * 2f64.powi(shift)) as u64)
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_like_rclone() {
        for (text, want) in [
            ("0", 0),
            ("4096", 4096),
            ("256M", 256 << 20),
            ("256Mi", 256 << 20),
            ("1GiB", 1 << 30),
            ("1.5k", 1536),
            ("2T", 2 << 40),
            ("10b", 10),
        ] {
            assert_eq!(super::parse_size(text), Ok(want), "{text}");
        }
        for bad in ["", "M", "12Q", "-1", "1..2G"] {
            assert!(super::parse_size(bad).is_err(), "{bad}");
        }
    }
}
