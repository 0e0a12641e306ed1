//! `mkdir [-p] PATH...`: create folders. Without `-p` the parent must exist and the name must
//! be free (exit 7 when it is taken); with `-p` missing parents are created and existing
//! folders are fine. New folders go straight into the listing cache. A name OneDrive would
//! refuse fails the whole command (exit 7) before any request.

use crate::drive;
use crate::graph::endpoints::Conflict;
use crate::graph::{ItemRef, names};
use crate::shell::error::{CmdResult, CommandError, Tally};
use crate::shell::session::{Session, split_parent};

/// Create folders.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Create missing parents; an existing folder is not an error.
    #[arg(short = 'p', long = "parents")]
    pub parents: bool,
    /// The folders to create.
    #[arg(required = true)]
    pub paths: Vec<String>,
}

/// Runs `mkdir`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    for p in &args.paths {
        let path = sess.resolve_path(p);
        names::check_path(&path)?;
    }
    let mut tally = Tally::default();
    let many = args.paths.len() > 1;
    for p in &args.paths {
        let path = sess.resolve_path(p);
        let r = make(sess, &path, args.parents).await;
        tally.record(&path, r, many);
    }
    tally.finish()
}

async fn make(sess: &Session, path: &str, parents: bool) -> CmdResult {
    let (parent, name) = split_parent(path);
    if name.is_empty() {
        return Err(CommandError::usage("the root folder exists already"));
    }
    let item = if parents {
        drive::mkdir_p(&sess.client, path).await?
    } else {
        sess.client
            .create_folder(&ItemRef::path(&parent), &name, Conflict::Fail)
            .await?
    };
    if let Some(pid) = item.parent_reference.as_ref().and_then(|r| r.id.clone()) {
        sess.cache().upsert(&pid, &parent, item);
    }
    Ok(())
}
