//! `mirror [-R] [-c] [-e] [-P N] [--max-delete N] [--exclude GLOB] [--include GLOB]
//! [--checksum] [--overwrite] [--dry-run] SOURCE [TARGET]`: lftp's mirror, made incremental by
//! delta (the library's `drive::mirror` has the rules and why). The options keep lftp's names
//! where lftp has them (`-R`, `-c`/`--continue`, `-e`/`--delete`, `-P`/`--parallel`,
//! `--dry-run`); the rest take rclone's (`--max-delete`, `--checksum`, `--exclude`,
//! `--include`, globs rather than lftp's regular expressions) and mc mirror's (`--overwrite`).
//! lftp's `-n` means "only newer", so the dry run has no short form.
//!
//! Output: a dry run prints its plan on stdout (`mkdir`, `get`/`put`, `rm` lines, or JSON
//! lines with `--json`); every run reports conflicts, refused names, failures and skipped
//! items on stderr, then one summary line (a JSON line on stdout with `--json`).

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::drive::mirror::{self, Direction, Filter, MirrorOptions, MirrorReport, Step};
use crate::error::escape_controls;
use crate::shell::error::{CmdResult, CommandError, about, exit};
use crate::shell::glob;
use crate::shell::output::{self, Format, escape, human_size};
use crate::shell::progress::Meter;
use crate::shell::session::{Session, join, split_parent};

/// Make a local folder a copy of a remote one (-R: a remote folder a copy of a local one).
#[derive(Debug, clap::Args)]
#[command(after_help = HELP)]
pub struct Args {
    /// Reverse: upload the local SOURCE into the remote TARGET.
    #[arg(short = 'R', long = "reverse")]
    pub reverse: bool,
    /// Continue partial transfers of an interrupted run (and keep them on Ctrl-C).
    #[arg(short = 'c', long = "continue")]
    pub resume: bool,
    /// Delete target items the source does not have (remote ones to the recycle bin).
    #[arg(short = 'e', long = "delete")]
    pub delete: bool,
    /// Delete nothing when more than N items would go.
    #[arg(long = "max-delete", value_name = "N")]
    pub max_delete: Option<usize>,
    /// Files transferred at once.
    #[arg(short = 'P', long = "parallel", default_value_t = 4, value_name = "N")]
    pub parallel: usize,
    /// Which items take part.
    #[command(flatten)]
    pub filters: Filters,
    /// Compare files of equal size by quickXorHash instead of mtime.
    #[arg(long = "checksum")]
    pub checksum: bool,
    /// Let the source win conflicts (files changed on both sides).
    #[arg(long = "overwrite")]
    pub overwrite: bool,
    /// Print what would be done; change nothing.
    #[arg(long = "dry-run")]
    pub dry_run: bool,
    /// The remote folder (with -R: the local folder).
    #[arg(value_name = "SOURCE")]
    pub source: String,
    /// The local folder (with -R: the remote folder); default: SOURCE's name here.
    #[arg(value_name = "TARGET")]
    pub target: Option<String>,
}

/// `--exclude` and `--include`, shared by `mirror` and `check`.
#[derive(Debug, Clone, clap::Args)]
pub struct Filters {
    /// Leave out matching items (repeatable; see `help mirror`).
    #[arg(long = "exclude", value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Take only matching files (repeatable; folders are always descended).
    #[arg(long = "include", value_name = "GLOB")]
    pub include: Vec<String>,
}

impl Filters {
    /// The library filter of these patterns (see the help text), `None` without patterns.
    pub fn filter(&self) -> Option<Filter> {
        filter(&self.include, &self.exclude)
    }
}

const HELP: &str = "\
Files are equal when size and mtime (to the second) agree, or with --checksum their
quickXorHash. The first run compares everything; later runs ask OneDrive only for what
changed since (a saved delta link in $SKYDRIVE_HOME/mirror), so an unchanged folder costs two
requests.

A file changed on both sides since the last run (with no record of one: a target newer than
its source) is a conflict: reported, left alone, exit 6; --overwrite lets the source win.
Deletions (-e) run last, only when every transfer succeeded and nothing is in conflict, and
never more than --max-delete. Notebooks, flagged files, shortcuts and symbolic links are
skipped (not failures); names the other side cannot hold are reported and skipped (exit 6).

GLOB: `*`, `?`, `[...]`; without `/` it matches a name at any depth, with `/` the path from
the mirrored folder; a trailing `/` matches folders only. Excluded items are never deleted.

Exit: 0 the target mirrors the source; 6 some items failed, conflicts, or deletions held back.
--dry-run prints `mkdir`, `get`/`put` and `rm` lines and exits as the run would.";

/// Runs `mirror`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let (remote_arg, local) = endpoints(sess, &args)?;
    let remote = sess.target(&remote_arg);
    let meter = Meter::new(sess);
    let opts = MirrorOptions {
        direction: if args.reverse {
            Direction::Upload
        } else {
            Direction::Download
        },
        parallel: args.parallel.max(1),
        resume: args.resume,
        delete: args.delete,
        max_delete: args.max_delete,
        checksum: args.checksum,
        overwrite: args.overwrite,
        dry_run: args.dry_run,
        filter: args.filters.filter(),
        state_dir: crate::shell::connect::data_dir().map(|d| d.join("mirror")),
        progress: meter.tree(),
        ..MirrorOptions::default()
    };
    let mut report = mirror::mirror(&sess.client, &remote.item, &local, &opts)
        .await
        .map_err(about(&remote.label()))?;
    if args.reverse && !args.dry_run {
        sess.cache().flush();
    }
    if args.dry_run {
        print_plan(sess, &report, args.reverse)?;
    }
    let complete = report.is_complete();
    let failed = std::mem::take(&mut report.failed);
    let n_failed = failed.len();
    print_problems(sess, &report, failed);
    print_summary(sess, &report, &args, n_failed)?;
    if complete {
        Ok(())
    } else {
        Err(incomplete(&report, n_failed))
    }
}

/// The remote folder argument and the local folder, defaults filled in (lftp's: the source's
/// name in the current folder of the other side).
fn endpoints(sess: &Session, args: &Args) -> Result<(String, PathBuf), CommandError> {
    if !args.reverse {
        let local = match &args.target {
            Some(t) => PathBuf::from(t),
            None => {
                let t = sess.target(&args.source);
                let path = t.path.ok_or_else(|| {
                    CommandError::usage("mirror: give the local folder (TARGET) for an id")
                })?;
                let name = split_parent(&path).1;
                PathBuf::from(if name.is_empty() { "." } else { name.as_str() })
            }
        };
        return Ok((args.source.clone(), local));
    }
    let local = PathBuf::from(&args.source);
    let remote = match &args.target {
        Some(t) => t.clone(),
        None => {
            let abs = std::fs::canonicalize(&local)
                .map_err(|e| CommandError::new(exit::NOT_FOUND, format!("{}: {e}", args.source)))?;
            let name = abs.file_name().map(|n| n.to_string_lossy().into_owned());
            join(&sess.cwd.path, &name.unwrap_or_default())
        }
    };
    Ok((remote, local))
}

/// The `--include`/`--exclude` filter (see the help text), `None` without patterns.
fn filter(include: &[String], exclude: &[String]) -> Option<Filter> {
    if include.is_empty() && exclude.is_empty() {
        return None;
    }
    let (include, exclude) = (include.to_vec(), exclude.to_vec());
    Some(Arc::new(move |path: &str, folder: bool| {
        let hit = |pat: &String| {
            let (pat, folders_only) = match pat.strip_suffix('/') {
                Some(p) => (p, true),
                None => (pat.as_str(), false),
            };
            let anchored = pat.contains('/');
            let pat = pat.trim_start_matches('/');
            let subject = if anchored {
                path
            } else {
                path.rsplit('/').next().unwrap_or(path)
            };
            (folder || !folders_only) && glob::matches(pat, subject, false)
        };
        !exclude.iter().any(hit) && (folder || include.is_empty() || include.iter().any(hit))
    }))
}

/// The plan of a dry run on stdout: `mkdir D/`, `get F (SIZE)` / `put F (SIZE)`, `rm X`.
fn print_plan(sess: &Session, report: &MirrorReport, upload: bool) -> CmdResult {
    let json = sess.settings.format == Format::Json;
    let verb = if upload { "put" } else { "get" };
    let mut text = String::new();
    for step in &report.steps {
        let (action, path, extra) = match step {
            Step::Mkdir(p) => ("mkdir", p, json!({})),
            Step::Transfer(p, size) => (verb, p, json!({"size": size})),
            Step::Delete(p, items) => ("rm", p, json!({"items": items})),
        };
        if json {
            let mut v = json!({"action": action, "path": path});
            if let (Value::Object(m), Value::Object(e)) = (&mut v, extra) {
                m.extend(e);
            }
            text.push_str(&output::json_line(&v));
        } else {
            let note = match step {
                Step::Mkdir(_) => "/".to_owned(),
                Step::Transfer(_, size) => format!(" ({})", human_size(*size)),
                Step::Delete(_, n) if *n > 1 => format!(" ({n} items)"),
                Step::Delete(..) => String::new(),
            };
            text.push_str(&format!("{action} {}{note}\n", escape(path)));
        }
    }
    output::out(&text)
}

/// Conflicts, failures (each with its message), skipped items (unless `-q`) and held
/// deletions, on stderr.
fn print_problems(sess: &Session, report: &MirrorReport, failed: Vec<(String, crate::Error)>) {
    for (path, why) in &report.conflicts {
        eprintln!("mirror: {}: conflict: {}", escape(path), escape(why));
    }
    for (path, e) in failed {
        let message = escape_controls(&CommandError::from(e).message);
        eprintln!("mirror: {}: {message}", escape(&path));
    }
    if !sess.settings.quiet {
        for (path, why) in &report.skipped {
            eprintln!("mirror: {}: skipped: {}", escape(path), escape(why));
        }
    }
    if let Some(held) = &report.held {
        eprintln!("mirror: {held}");
    }
}

/// One summary line: on stderr, or a JSON line on stdout with `--json`.
fn print_summary(sess: &Session, report: &MirrorReport, args: &Args, failed: usize) -> CmdResult {
    let planned = |f: fn(&Step) -> bool| report.steps.iter().filter(|s| f(s)).count();
    let (copied, folders, deleted, bytes) = if args.dry_run {
        let bytes = report.steps.iter().map(|s| match s {
            Step::Transfer(_, n) => *n,
            _ => 0,
        });
        let deleted = report.steps.iter().map(|s| match s {
            Step::Delete(_, n) if report.held.is_none() => *n,
            _ => 0,
        });
        (
            planned(|s| matches!(s, Step::Transfer(..))),
            planned(|s| matches!(s, Step::Mkdir(_))),
            deleted.sum(),
            bytes.sum(),
        )
    } else {
        (report.copied, report.folders, report.deleted, report.bytes)
    };
    if sess.settings.format == Format::Json {
        let v = json!({"dry_run": args.dry_run, "copied": copied, "bytes": bytes,
            "folders": folders, "deleted": deleted, "unchanged": report.unchanged,
            "kept": report.kept, "skipped": report.skipped.len(),
            "conflicts": report.conflicts.len(), "failed": failed,
            "full_scan": report.full_scan});
        return output::out(&output::json_line(&v));
    }
    if sess.settings.quiet {
        return Ok(());
    }
    let (copy, create, delete) = match args.dry_run {
        true => ("would copy", "would create", "would delete"),
        false => ("copied", "created", "deleted"),
    };
    let mut line = format!(
        "mirror: {copy} {copied} files ({}), {create} {folders} folders, {delete} {deleted} \
         items, {} unchanged",
        human_size(bytes),
        report.unchanged
    );
    for (n, what) in [
        (report.skipped.len(), "skipped"),
        (report.conflicts.len(), "in conflict"),
        (failed, "failed"),
    ] {
        if n > 0 {
            line.push_str(&format!(", {n} {what}"));
        }
    }
    eprintln!("{line}");
    if report.kept > 0 {
        eprintln!(
            "mirror: {} items only on the target kept (-e/--delete removes them)",
            report.kept
        );
    }
    Ok(())
}

/// Exit 6: the target is not (or, in a dry run, would not be) a mirror of the source.
fn incomplete(report: &MirrorReport, failed: usize) -> CommandError {
    let mut parts = Vec::new();
    if failed > 0 {
        parts.push(format!("{failed} failed"));
    }
    if !report.conflicts.is_empty() {
        parts.push(format!("{} in conflict", report.conflicts.len()));
    }
    if report.held.is_some() {
        parts.push("deletions held back".to_owned());
    }
    CommandError::new(
        exit::PARTIAL,
        format!("not a complete mirror: {}", parts.join(", ")),
    )
}

#[cfg(test)]
mod tests {
    use super::filter;

    #[test]
    fn globs_match_names_at_any_depth_paths_from_the_top_and_folders_with_a_slash() {
        let s = |v: &[&str]| v.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>();
        let keep = filter(&[], &s(&["*.tmp", "/build/", "docs/old*"])).unwrap();
        assert!(!keep("a/b/x.tmp", false));
        assert!(!keep("build", true) && keep("build", false) && keep("a/build", true));
        assert!(!keep("docs/old.txt", false) && keep("a/docs/old.txt", false));
        assert!(keep("a/b/x.txt", false));
        let only = filter(&s(&["*.jpg"]), &[]).unwrap();
        assert!(only("Pics/a.jpg", false) && !only("Pics/a.png", false));
        assert!(only("Pics", true), "folders are descended");
        assert!(filter(&[], &[]).is_none());
    }
}
