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
//! items on stderr (JSON lines there with `--json`, like errors), then one summary line (a
//! JSON line on stdout with `--json`). Sizes follow the shell's one rule (`size_text`).
//!
//! Defaults: the target defaults to the source's name in the current folder of the other
//! side, as in lftp; a source without a name (the drive's root, the local `/`) has no default,
//! since the current folder itself would be mirrored into and, with `-e`, emptied. Filters
//! ignore case, as OneDrive names and the shell's remote globs do.

use std::path::PathBuf;
use std::sync::Arc;

mod output;

use self::output::{incomplete, print_plan, print_problems, print_summary};
use crate::drive::mirror::{self, Direction, Filter, MirrorOptions};
use crate::shell::error::{CmdResult, CommandError, about, exit};
use crate::shell::glob;
use crate::shell::hint;
use crate::shell::lexer::escape;
use crate::shell::progress::Meter;
use crate::shell::session::{Session, join};

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
    /// With -e, delete local items although no earlier mirror into this folder is recorded.
    #[arg(long = "force")]
    pub force: bool,
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
    #[arg(long = "exclude", value_name = "GLOB", value_parser = pattern)]
    pub exclude: Vec<String>,
    /// Take only matching files (repeatable; folders are always descended).
    #[arg(long = "include", value_name = "GLOB", value_parser = pattern)]
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
its source) is a conflict: reported, left alone, exit 6; --overwrite lets the source win,
also over a target item of the other kind (a file where the source has a folder). Deletions
(-e) run last, only when every transfer succeeded and nothing is in conflict, never more
than --max-delete, and in a local folder no earlier mirror recorded only with --force: local
deletions are permanent (remote ones go to the recycle bin). Notebooks, flagged files,
shortcuts, symbolic links and FIFOs are skipped (not failures); names the other side cannot
hold and items that cannot be read are reported (exit 6). A name spelled another way on the
target (case, Unicode form: one name on OneDrive) is that item; its spelling is kept.

GLOB: `*`, `?`, `[...]`, ignoring case; without `/` it matches a name at any depth, with `/`
the path from the mirrored folder; a trailing `/` matches folders only. Excluded items are
neither read nor deleted; with a filter, folders are created only for files copied into them.

TARGET defaults to SOURCE's name in the current folder (of `shared:NAME` NAME, of an id the
item's name); the drive's root (and the local /) has no name, so give the target:
`mirror / DIR`.

Exit: 0 the target mirrors the source (items only on the target, kept without -e, do not
count); 6 some items failed, conflicts, or deletions held back; 2 a bad pattern or no target.
--dry-run prints `mkdir`, `get`/`put` and `rm` lines and exits as the run would.";

/// Runs `mirror`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let (remote_arg, local) = endpoints(sess, &args).await?;
    let remote = sess.target(&remote_arg).await?;
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
        force: args.force,
        filter: args.filters.filter(),
        state_dir: crate::shell::connect::data_dir().map(|d| d.join("mirror")),
        progress: meter.tree(),
        ..MirrorOptions::default()
    };
    let mut report = mirror::mirror(&sess.client, &remote.item, &local, &opts)
        .await
        .map_err(|e| shared_folder_hint(e, sess, &remote, &local, args.reverse))?;
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
/// name in the current folder of the other side; a source without a name has no default).
async fn endpoints(sess: &Session, args: &Args) -> Result<(String, PathBuf), CommandError> {
    if !args.reverse {
        let local = match &args.target {
            Some(t) => PathBuf::from(t),
            None => {
                let t = sess.target(&args.source).await?;
                let Some(name) = sess.name_of(&t).await? else {
                    return Err(nameless("the drive's root", "mirror / DIR"));
                };
                PathBuf::from(name)
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
            let Some(name) = abs.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                return Err(nameless("the local root", "mirror -R / REMOTE_DIR"));
            };
            join(&sess.cwd.path, &name)
        }
    };
    Ok((remote, local))
}

/// The error of a refused run, with, for a folder shared with the user, the command that does
/// copy it: `get -r` or `put -r` (whole each time, `-c` continuing an interrupted one).
/// The remote folder is named as it works from any folder of a new run: its absolute path, or
/// its place and path ([`crate::shell::place::Place::path_label`], `shared:NAME/PATH`) when the
/// session is not on the user's own drive; an argument that was no path, as typed back.
fn shared_folder_hint(
    e: crate::Error,
    sess: &Session,
    remote: &crate::shell::session::Target,
    local: &std::path::Path,
    reverse: bool,
) -> CommandError {
    let shared = e.code() == Some(mirror::SHARED_FOLDER);
    let err = about(&remote.label())(e);
    if !shared {
        return err;
    }
    let folder = match (&sess.place, &remote.path) {
        (Some(place), Some(p)) => place.path_label(p),
        (None, Some(p)) => p.clone(),
        (_, None) => remote.label(),
    };
    let (folder, local) = (escape(&folder), escape(&local.to_string_lossy()));
    let cmd = match reverse {
        false => format!("get -r {folder} {local}"),
        true => format!("put -r {local} {folder}"),
    };
    err.with_hint(format!(
        "{} copies it (whole, each time; `-c` continues an interrupted copy)",
        hint::command(&cmd)
    ))
}

/// No default target for a source without a name: it would be the current folder itself.
fn nameless(what: &str, fix: &str) -> CommandError {
    CommandError::usage(format!(
        "mirror: {what} has no name to give the target, and the current folder is never \
         taken unasked"
    ))
    .with_hint(format!(
        "name the target: `{fix}` (`.` for the current folder)"
    ))
}

/// A `--exclude`/`--include` value: a pattern that can match something.
fn pattern(s: &str) -> Result<String, String> {
    match glob::problem(s) {
        Some(why) => Err(why),
        None => Ok(s.to_owned()),
    }
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
            (folder || !folders_only) && glob::matches(pat, subject, true)
        };
        !exclude.iter().any(hit) && (folder || include.is_empty() || include.iter().any(hit))
    }))
}

#[cfg(test)]
mod tests {
    use super::filter;

    #[test]
    fn bad_patterns_are_refused() {
        assert!(super::pattern("[").is_err() && super::pattern("").is_err());
        assert!(super::pattern("a[b]c").is_ok() && super::pattern("\\[").is_ok());
    }

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
        assert!(
            only("Pics/B.JPG", false),
            "patterns ignore case, as OneDrive names do"
        );
        assert!(!keep("BUILD", true) && !keep("a/B/X.TMP", false));
        assert!(only("Pics", true), "folders are descended");
        assert!(filter(&[], &[]).is_none());
    }
}
