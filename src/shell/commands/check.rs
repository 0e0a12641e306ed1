//! `check [-P N] [--exclude GLOB] [--include GLOB] LOCAL_DIR REMOTE_DIR`: rclone's check, with
//! its combined report's marks (LOCAL is the source): `*` differs, `+` only local, `-` only
//! remote, `!` could not be compared. Identical files are counted, not listed. Every local file
//! with a remote hash is read and hashed (quickXorHash); the remote folder is walked afresh.

use std::path::PathBuf;

use serde_json::json;

use crate::drive::mirror::{self, CheckOptions, Mismatch};
use crate::shell::error::{CmdResult, CommandError, about, exit};
use crate::shell::output::{self, Format, escape};
use crate::shell::session::Session;

/// Compare a local folder with a remote one by size and quickXorHash.
#[derive(Debug, clap::Args)]
#[command(after_help = HELP)]
pub struct Args {
    /// Files hashed at once.
    #[arg(short = 'P', long = "parallel", default_value_t = 4, value_name = "N")]
    pub parallel: usize,
    /// Which items take part (globs as in `mirror`).
    #[command(flatten)]
    pub filters: super::mirror::Filters,
    /// The local folder.
    #[arg(value_name = "LOCAL_DIR")]
    pub local: PathBuf,
    /// The remote folder.
    #[arg(value_name = "REMOTE_DIR")]
    pub remote: String,
}

const HELP: &str = "\
Prints one line per path that is not identical: `* PATH` differs (size or hash, or a file
against a folder; equal quickXorHashes make equal files whatever OneDrive lists as the size), `+ PATH` only in LOCAL_DIR, `- PATH` only in REMOTE_DIR, `! PATH` not
compared (no hash on the server, unreadable, two local names that are one OneDrive name, a
partial download left by an interrupted transfer), then a summary on stderr. Names that
differ only in case or Unicode form are one name, as on OneDrive. What mirror never copies
(notebooks, shortcuts, symbolic links, FIFOs) is reported as skipped on stderr, not as a
difference. With --json: {\"path\", \"status\": differ|only_local|only_remote|unchecked,
\"detail\"} on stdout, skipped items as {\"path\", \"status\": \"skipped\", \"detail\"} on stderr.

Exit: 0 identical, 6 not.";

/// Runs `check`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let remote = sess.target(&args.remote).await?;
    let opts = CheckOptions {
        parallel: args.parallel.max(1),
        filter: args.filters.filter(),
    };
    let report = mirror::check(&sess.client, &args.local, &remote.item, &opts)
        .await
        .map_err(about(&remote.label()))?;
    let json = sess.settings.format == Format::Json;
    let mut text = String::new();
    let mut counts = [0usize; 4];
    for (path, m) in &report.differences {
        let (i, mark, status, detail) = match m {
            Mismatch::Differ(d) => (0, '*', "differ", d.as_str()),
            Mismatch::OnlyLocal => (1, '+', "only_local", ""),
            Mismatch::OnlyRemote => (2, '-', "only_remote", ""),
            Mismatch::Unchecked(d) => (3, '!', "unchecked", d.as_str()),
        };
        counts[i] += 1;
        if json {
            let v = json!({"path": path, "status": status, "detail": detail});
            text.push_str(&output::json_line(&v));
        } else if detail.is_empty() {
            text.push_str(&format!("{mark} {}\n", escape(path)));
        } else {
            text.push_str(&format!("{mark} {}: {}\n", escape(path), escape(detail)));
        }
    }
    output::out(&text)?;
    if !sess.settings.quiet {
        for (path, why) in &report.skipped {
            if json {
                let v = json!({"path": path, "status": "skipped", "detail": why});
                errprint!("{}", output::json_line(&v));
            } else {
                errln!("check: {}: skipped: {}", escape(path), escape(why));
            }
        }
    }
    for note in &report.notes {
        output::notice(
            sess.settings.format,
            sess.settings.quiet,
            &format!("check: {note}"),
        );
    }
    if !sess.settings.quiet && !json {
        let [differ, local, remote, unchecked] = counts;
        let skipped = match report.skipped.len() {
            0 => String::new(),
            n => format!(", {n} skipped"),
        };
        errln!(
            "check: {} identical, {differ} differ, {local} only local, {remote} only remote, \
             {unchecked} not compared{skipped}",
            report.identical
        );
    }
    if report.differences.is_empty() {
        Ok(())
    } else {
        Err(CommandError::new(
            exit::PARTIAL,
            format!("{} paths are not identical", report.differences.len()),
        ))
    }
}
