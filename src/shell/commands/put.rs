//! `put [-r] [-c] [-P N] [-n|--rename] LOCAL... [REMOTE_FOLDER]`: upload files (and with `-r`
//! folders) into the current or given remote folder. Existing names are replaced by default
//! (the seed's and Graph's default); `-n` refuses (exit 7), `--rename` keeps both. Small files
//! go up in one request, larger ones by an upload session. An interrupted session is kept (its
//! URL under `uploads/` in the data directory, never beside the file, whose folder may be
//! read-only): `put -c` continues it if the file is unchanged, a plain `put` cancels it and
//! starts over, like `get` and `get -c`. Only regular files and folders are uploaded: a FIFO,
//! socket or device is refused (reading a FIFO would wait for a writer forever), and so is a
//! name a pattern matches that is not UTF-8 (no OneDrive name can hold it), before anything is
//! sent.

use std::path::{Path, PathBuf};

use futures_util::stream::{self, StreamExt};

use crate::drive::{self, TreeOptions};
use crate::error::escape_controls;
use crate::graph::endpoints::Conflict;
use crate::graph::transfer::UploadOptions;
use crate::graph::{DriveItem, ItemRef, names};
use crate::shell::error::{CmdResult, CommandError, Tally, about, exit};
use crate::shell::glob;
use crate::shell::output;
use crate::shell::progress::Meter;
use crate::shell::session::{Session, Spot, join};

/// Upload files (folders with -r) into the current or given remote folder.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Upload folders with their contents.
    #[arg(short = 'r', long = "recursive")]
    pub recursive: bool,
    /// Continue the upload session an interrupted run left (without -c, start over).
    #[arg(short = 'c', long = "continue")]
    pub resume: bool,
    /// Files transferred at once.
    #[arg(short = 'P', long = "parallel", default_value_t = 4, value_name = "N")]
    pub parallel: usize,
    /// Refuse to replace an existing name (exit 7).
    #[arg(short = 'n', long = "no-clobber", visible_alias = "no-overwrite")]
    pub no_clobber: bool,
    /// Keep both: the server picks a new name.
    #[arg(long, conflicts_with = "no_clobber")]
    pub rename: bool,
    /// Local files (globs allowed), then optionally the remote folder.
    #[arg(required = true, value_name = "LOCAL... [REMOTE_FOLDER]")]
    pub paths: Vec<String>,
}

/// Where and how uploads go.
struct Plan {
    folder: DriveItem,
    /// Where the folder is (a client whose paths reach it, and its path there).
    spot: Spot,
    conflict: Conflict,
    meter: Meter,
}

/// A tally plus the files and bytes moved.
#[derive(Default)]
struct Totals {
    tally: Tally,
    files: usize,
    bytes: u64,
}

/// Runs `put`.
pub async fn run(sess: &mut Session, mut args: Args) -> CmdResult {
    let remote = if args.paths.len() >= 2 {
        args.paths.pop().unwrap_or_default()
    } else {
        ".".to_owned()
    };
    let locals = local_files(sess, &args.paths)?;
    let spot = sess.spot(&remote).await?;
    check_names(&locals, args.recursive, Some(&spot.path))?;
    let folder = spot
        .client
        .item(&ItemRef::path(&spot.path))
        .await
        .map_err(about(&remote))?;
    if !folder.is_folder() {
        return Err(CommandError::new(
            exit::FAILED,
            format!("{remote}: not a folder (put's last argument is the folder to put into)"),
        )
        .with_hint("to store a file under another name, put it into its folder, then `mv` it"));
    }
    let plan = Plan {
        folder,
        spot,
        conflict: if args.no_clobber {
            Conflict::Fail
        } else if args.rename {
            Conflict::Rename
        } else {
            Conflict::Replace
        },
        meter: Meter::new(sess),
    };
    let many = locals.len() > 1;
    let mut t = Totals::default();
    let mut plain = Vec::new();
    for local in locals {
        if let Some(what) = crate::shell::special_file(&local) {
            let e = CommandError::new(exit::FAILED, format!("is {what}, not a file (not sent)"));
            t.tally.record(&local.display().to_string(), Err(e), many);
        } else if !local.is_dir() {
            plain.push(local);
        } else if !args.recursive {
            let e = CommandError::new(exit::FAILED, "is a folder (use -r)");
            t.tally.record(&local.display().to_string(), Err(e), many);
        } else {
            put_folder(sess, &args, &plan, &local, &mut t).await?;
        }
    }
    upload_files(sess, &args, &plan, plain, many, &mut t).await;
    plan.meter
        .summary("put", t.files, t.bytes, t.tally.failed() > 0);
    t.tally.finish()
}

async fn put_folder(
    sess: &Session,
    args: &Args,
    plan: &Plan,
    local: &Path,
    t: &mut Totals,
) -> CmdResult {
    let name = file_name(local)?;
    let made = drive::mkdir_p(&plan.spot.client, &join(&plan.spot.path, &name)).await?;
    let opts = TreeOptions {
        parallel: args.parallel.max(1),
        resume: args.resume,
        conflict: plan.conflict,
        progress: plan.meter.tree(),
        ..TreeOptions::default()
    };
    let into = ItemRef::content_of(&made);
    let report = drive::put_tree(&sess.client, local, &into, &opts).await?;
    t.files += report.files;
    t.bytes += report.bytes;
    for (path, e) in report.failed {
        t.tally.record(&path, Err(e.into()), true);
    }
    Ok(())
}

async fn upload_files(
    sess: &Session,
    args: &Args,
    plan: &Plan,
    plain: Vec<PathBuf>,
    many: bool,
    t: &mut Totals,
) {
    let parent = ItemRef::content_of(&plan.folder);
    let mut results = stream::iter(plain)
        .map(|local| {
            let opts = UploadOptions {
                conflict: plan.conflict,
                resume: args.resume,
                progress: plan.meter.file(&local.display().to_string()),
                ..UploadOptions::default()
            };
            let (client, parent) = (&sess.client, &parent);
            async move {
                let r = match file_name(&local) {
                    Ok(name) => client
                        .upload_file(parent, &name, &local, &opts)
                        .await
                        .map_err(CommandError::from),
                    Err(e) => Err(e),
                };
                (local, r)
            }
        })
        .buffer_unordered(args.parallel.max(1));
    while let Some((local, r)) = results.next().await {
        if let Ok(item) = &r {
            t.files += 1;
            t.bytes += item.size.unwrap_or(0);
            if file_name(&local).is_ok_and(|n| n != item.name) {
                // `--rename` (or the server) chose another name: say which.
                sess.note(&format!(
                    "put: {} stored as {}",
                    escape_controls(&local.display().to_string()),
                    output::escape(&item.name)
                ));
            }
            remember(
                sess,
                &plan.folder,
                plan.spot.here.then_some(plan.spot.path.as_str()),
                item.clone(),
            );
        }
        t.tally
            .record(&local.display().to_string(), r.map(drop), many);
    }
}

/// Refuses the whole command, before any request, when any name to be created (a file, a
/// folder given with `-r`, anything below it) would be refused by OneDrive, or when two of
/// them would be one name there (case, Unicode normalisation: `File.txt` and `file.txt`, two
/// sources named alike, `sub/` and `SUB/`); every such path is listed. `base` is the remote
/// folder's path, when known, for the path-length limit. `--rename` does not lift a clash:
/// it keeps both of a source and a name already on OneDrive, never two sources.
fn check_names(locals: &[PathBuf], recursive: bool, base: Option<&str>) -> CmdResult {
    let base = base.unwrap_or("");
    let mut bad = Vec::new();
    let mut sent = Vec::new();
    for local in locals {
        let is_dir = local.is_dir();
        if is_dir && !recursive {
            continue;
        }
        let Ok(name) = file_name(local) else {
            continue;
        };
        let shown = local.display().to_string();
        let remote = join(base, &name);
        match names::name_problem(&name) {
            Some(reason) => bad.push(names::invalid(&shown, reason)),
            None => bad.extend(names::check_path_len(&remote).err()),
        }
        if is_dir {
            let inner = drive::invalid_local_names(local, &remote).map_err(CommandError::from)?;
            bad.extend(inner.into_iter().map(|e| prefixed(&shown, e)));
        }
        sent.push((shown, name));
    }
    bad.extend(names::clashes(
        sent.iter().map(|(s, n)| (s.as_str(), n.as_str())),
    ));
    let n = bad.len();
    let hint = "rename it locally (OneDrive would refuse it), then run put again";
    match n {
        0 => Ok(()),
        // A clash's message says both paths and the fix.
        1 if matches!(bad[0].kind(), crate::ErrorKind::NameClash { .. }) => {
            Err(CommandError::from(bad.remove(0)))
        }
        1 => Err(CommandError::from(bad.remove(0)).with_hint(hint)),
        _ => {
            for e in &bad {
                errln!("put: {}", escape_controls(&e.to_string()));
            }
            Err(CommandError::new(
                exit::CONFLICT,
                format!("{n} local names cannot be uploaded; nothing was sent"),
            )
            .with_hint("rename them locally, then run put again"))
        }
    }
}

/// An error about `rel` below the local folder `dir` (an invalid name, a name clash), naming
/// `dir/rel`.
fn prefixed(dir: &str, e: crate::Error) -> crate::Error {
    let full = |rel: &str| format!("{}/{rel}", dir.trim_end_matches('/'));
    match e.kind() {
        crate::ErrorKind::InvalidName { name, reason } => {
            names::invalid(&full(name), reason.clone())
        }
        crate::ErrorKind::NameClash { first, second } => crate::ErrorKind::NameClash {
            first: full(first),
            second: full(second),
        }
        .into(),
        _ => e,
    }
}

fn remember(sess: &Session, folder: &DriveItem, path: Option<&str>, item: DriveItem) {
    if let Some(p) = path {
        let id = folder.remote().map_or_else(|| folder.id.clone(), |t| t.id);
        sess.cache().upsert(&id, p, item);
    }
}

fn file_name(p: &Path) -> Result<String, CommandError> {
    p.file_name()
        .and_then(|n| n.to_str())
        .map(str::to_owned)
        .ok_or_else(|| CommandError::usage(format!("{}: no usable file name", p.display())))
}

/// The local arguments with glob patterns expanded (in the last path segment).
fn local_files(sess: &Session, args: &[String]) -> Result<Vec<PathBuf>, CommandError> {
    let mut out = Vec::new();
    for a in args {
        if !sess.globs.contains(a) {
            let p = PathBuf::from(a);
            if !p.exists() {
                return Err(CommandError::new(
                    exit::NOT_FOUND,
                    format!("{a}: no such local file"),
                ));
            }
            out.push(p);
            continue;
        }
        let (dir, pat) = glob::split(a)
            .ok_or_else(|| CommandError::usage(format!("{a}: pattern in a folder part")))?;
        let dir_path = if dir.is_empty() {
            PathBuf::from(".")
        } else {
            PathBuf::from(&dir)
        };
        let entries = std::fs::read_dir(&dir_path).map_err(|e| {
            CommandError::new(exit::NOT_FOUND, format!("{}: {e}", dir_path.display()))
        })?;
        let names: Vec<std::ffi::OsString> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        if let Some(bad) = names
            .iter()
            .find(|n| n.to_str().is_none() && glob::matches(pat, &n.to_string_lossy(), false))
        {
            let shown = escape_controls(&Path::new(&dir).join(bad).display().to_string());
            return Err(CommandError::new(
                exit::CONFLICT,
                format!("{shown}: the local name is not UTF-8, which no OneDrive name can hold; nothing was sent"),
            )
            .with_hint("rename it (e.g. with `convmv`), or leave it out of the pattern"));
        }
        let mut found: Vec<PathBuf> = names
            .into_iter()
            .filter_map(|n| n.into_string().ok())
            .filter(|n| glob::matches(pat, n, false))
            .map(|n| {
                if dir.is_empty() {
                    PathBuf::from(n)
                } else {
                    Path::new(&dir).join(n)
                }
            })
            .collect();
        if found.is_empty() {
            return Err(CommandError::new(exit::NOT_FOUND, format!("{a}: no match")));
        }
        found.sort();
        out.append(&mut found);
    }
    Ok(out)
}
