//! `rm [-r] [-f] PATH...`: delete files and folders (to the recycle bin). Globs allowed; each
//! failure is reported and the others still go. As POSIX rm, an operand whose last component
//! is `.` or `..` is refused (exit 2) before anything is sent. A folder needs `-r`; `-r` asks once on a
//! terminal, and in scripts refuses without `-f` (nothing is ever read from the script).

use std::io::Write;

use crate::drive;
use crate::shell::error::{CmdResult, CommandError, Tally, exit, reason_only};
use crate::shell::session::{Session, Target, split_parent};

/// Remove files and folders (deleted items go to the recycle bin); a shortcut to a shared folder
/// is removed alone, without -r, and the folder stays with its owner.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Remove folders with their contents.
    #[arg(short = 'r', short_alias = 'R', long = "recursive")]
    pub recursive: bool,
    /// Do not ask; needed with `-r` in scripts.
    #[arg(short = 'f', long = "force")]
    pub force: bool,
    /// Object(s) to remove (a shortcut to a shared folder: the shortcut only, without -r).
    #[arg(required = true, value_name = "object")]
    pub paths: Vec<String>,
}

/// Runs `rm`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    if let Some(dot) = args.paths.iter().find(|p| ends_in_dot(p)) {
        return Err(
            CommandError::usage(format!("{dot}: refusing to remove '.' or '..'")).with_hint(
                "name the folder itself, by its path or id (from inside it: `rm -r ../NAME`)",
            ),
        );
    }
    let targets = sess.expand(&args.paths).await?;
    if args.recursive && !args.force {
        confirm(sess, &targets)?;
    }
    let many = targets.len() > 1;
    let mut tally = Tally::default();
    for t in &targets {
        let r = remove(sess, t, args.recursive).await;
        tally.record(&t.label(), r, many);
    }
    tally.finish()
}

/// True when the last component of operand `arg` is `.` or `..`, in any form (`.`, `a/..`,
/// `../`, `Shared Folder/.`, `shared:NAME/.`, `id:ID/..`): POSIX rm refuses such an operand,
/// since it names the folder the user is in or above, by the name of where they stand (a
/// shortcut's `.` would remove the shortcut). Checked before any request.
fn ends_in_dot(arg: &str) -> bool {
    let last = arg.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let last = last
        .strip_prefix("id:")
        .or_else(|| last.strip_prefix("shared:"))
        .unwrap_or(last);
    matches!(last, "." | "..")
}

fn confirm(sess: &Session, targets: &[Target]) -> CmdResult {
    if !sess.settings.interactive {
        return Err(CommandError::usage(
            "rm -r in a script needs -f (no confirmation is read from a script)",
        )
        .with_hint("add -f: `rm -rf PATH`"));
    }
    let names: Vec<String> = targets.iter().map(Target::label).collect();
    errprint!(
        "remove {} recursively (to the recycle bin)? [y/N] ",
        names.join(", ")
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().read_line(&mut answer);
    if matches!(answer.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(CommandError::new(exit::FAILED, "not removed"))
    }
}

async fn remove(sess: &Session, t: &Target, recursive: bool) -> CmdResult {
    // The tally names the item by its path: a refusal's reason is enough.
    drive::rm(&sess.client, &t.item, recursive)
        .await
        .map_err(reason_only)?;
    if let Some(path) = &t.path {
        let mut cache = sess.cache();
        let parent = cache
            .folder_id(&split_parent(path).0)
            .map(str::to_owned)
            .unwrap_or_default();
        let id = t.known.as_ref().map(|k| k.id.clone()).unwrap_or_default();
        cache.remove(&parent, &id, path);
    }
    Ok(())
}
