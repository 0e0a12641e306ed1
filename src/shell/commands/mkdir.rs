//! `mkdir [-p] PATH...`: create folders, where any argument names them (a path, below
//! `shared:NAME` or `id:ID`: `Session::spot`). Without `-p` the parent must exist and the name must
//! be free (exit 7 when it is taken); with `-p` missing parents are created and existing
//! folders are fine. New folders go straight into the listing cache. A name OneDrive would
//! refuse fails the whole command (exit 7) before any request.

use crate::drive;
use crate::graph::endpoints::Conflict;
use crate::graph::{ItemRef, names};
use crate::shell::error::{CmdResult, CommandError, Tally};
use crate::shell::session::{Session, Spot, split_parent};

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
    let mut spots = Vec::with_capacity(args.paths.len());
    for p in &args.paths {
        let spot = sess.spot(p).await?;
        names::check_path(&spot.path)?;
        spots.push(spot);
    }
    let mut tally = Tally::default();
    let many = args.paths.len() > 1;
    for (arg, spot) in args.paths.iter().zip(&spots) {
        let r = make(sess, spot, args.parents).await;
        let label = if spot.here { &spot.path } else { arg };
        tally.record(label, r, many);
    }
    tally.finish()
}

/// Creates the folder at `spot` (and with `parents` the folders above it).
async fn make(sess: &Session, spot: &Spot, parents: bool) -> CmdResult {
    let (parent, name) = split_parent(&spot.path);
    if name.is_empty() {
        return Err(CommandError::usage("the root folder exists already"));
    }
    let item = if parents {
        drive::mkdir_p(&spot.client, &spot.path).await?
    } else {
        spot.client
            .create_folder(&ItemRef::path(&parent), &name, Conflict::Fail)
            .await?
    };
    if let Some(pid) = item.parent_reference.as_ref().and_then(|r| r.id.clone())
        && spot.here
    {
        sess.cache().upsert(&pid, &parent, item);
    }
    Ok(())
}
