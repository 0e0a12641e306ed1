//! `mv SRC... DST`: move or rename files and folders on the server (no data moves).

use crate::drive;
use crate::graph::{DriveItem, ItemRef, names};
use crate::shell::error::{CmdResult, CommandError, Tally, about, exit, reason_only};
use crate::shell::session::{Session, Target, split_parent};

/// Move or rename files and folders (into DST if it is a folder), within one drive: into or out
/// of a shared folder, copy then remove.
#[derive(Debug, clap::Args)]
#[command(override_usage = "mv SRC... DST")]
pub struct Args {
    /// Sources, then the destination: a folder (by path or id) to move them into, or a new
    /// path; on the same drive (into or out of a shared folder, use cp then rm).
    #[arg(required = true, num_args = 2.., value_name = "PATH")]
    pub paths: Vec<String>,
}

/// Runs `mv`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let placement = place(sess, args.paths).await?;
    let many = placement.sources.len() > 1;
    let mut tally = Tally::default();
    for src in &placement.sources {
        let r = drive::move_to(&sess.client, &src.item, &placement.to).await;
        let r = r.map(|item| {
            if let Some(p) = &src.path {
                let mut cache = sess.cache();
                let old_parent = cache.folder_id(&split_parent(p).0).map(str::to_owned);
                if let Some(op) = old_parent {
                    cache.remove(&op, &item.id, p);
                }
            }
            placement.record(sess, item);
        });
        tally.record(&src.label(), r.map_err(reason_only), many);
    }
    tally.finish()
}

/// Where `mv` and `cp` put their sources.
pub struct Placement {
    /// The expanded sources.
    pub sources: Vec<Target>,
    /// The folder receiving them, and the new name when DST names one item rather than an
    /// existing folder.
    pub to: drive::Destination,
    /// The receiving folder's absolute path where the session is (for the listing cache);
    /// `None` when DST is elsewhere (`shared:NAME/…`, `id:ID/…`).
    pub parent_path: Option<String>,
}

impl Placement {
    /// Tells the listing cache that `item` now is in the receiving folder; when that folder is
    /// not where the session is (its path there unknown: it may still be a folder the cache
    /// holds, by another name), the cache is emptied instead.
    pub fn record(&self, sess: &Session, item: DriveItem) {
        let mut cache = sess.cache();
        match &self.parent_path {
            Some(path) => cache.upsert(&self.to.folder_id(), path, item),
            None => cache.flush(),
        }
    }
}

/// Resolves `SRC... DST` (the last path is DST); several sources need DST to be an existing
/// folder, and names OneDrive treats as one (`a/x.txt b/X.txt`) are refused. A DST whose last
/// segment OneDrive would refuse as a name is refused first; neither check sends a request
/// for path arguments. DST is found as [`Session::spot`] finds it (a path where the session
/// is, `shared:NAME[/PATH]`, `id:ID[/PATH]`); a DST that is an item itself (an id,
/// `shared:NAME`) names a folder to put the sources in, as a path to a folder does
/// ([`drive::destination_item`]).
pub async fn place(sess: &Session, mut paths: Vec<String>) -> Result<Placement, CommandError> {
    let dst = paths.pop().unwrap_or_default();
    let spot = sess.spot(&dst).await?;
    let (client, dst_path) = (&spot.client, spot.path.clone());
    drive::check_destination(&dst_path)?;
    let sources = sess.expand(&paths).await?;
    if sources.len() > 1 {
        check_distinct(sess, &sources).await?;
    }
    let an_item = !spot.here && dst_path == "/";
    let to = match sources.as_slice() {
        _ if an_item => drive::destination_item(client, &ItemRef::path("/"), &dst)
            .await
            .map_err(about(&dst))?,
        [one] => drive::destination_for(client, &dst_path, &one.item).await?,
        _ => drive::destination(client, &dst_path).await?,
    };
    if sources.len() > 1 && to.name.is_some() {
        return Err(CommandError::new(
            exit::NOT_FOUND,
            format!("{dst}: no such folder"),
        ));
    }
    let parent_path = match &to.name {
        Some(_) => split_parent(&dst_path).0,
        None => dst_path,
    };
    let parent_path = spot.here.then_some(parent_path);
    Ok(Placement {
        sources,
        to,
        parent_path,
    })
}

/// Refuses sources that would land under one name in the destination folder (graph-api.md
/// §13): each source's name comes from its path or listing, or (an id alone) its metadata.
async fn check_distinct(sess: &Session, sources: &[Target]) -> Result<(), CommandError> {
    let mut named = Vec::with_capacity(sources.len());
    for t in sources {
        let name = match (&t.known, &t.path) {
            (Some(item), _) => item.name.clone(),
            (None, Some(p)) => split_parent(p).1,
            (None, None) => {
                sess.client
                    .item(&t.item)
                    .await
                    .map_err(about(&t.label()))?
                    .name
            }
        };
        named.push((t.label(), name));
    }
    names::check_distinct(named.iter().map(|(l, n)| (l.as_str(), n.as_str())))?;
    Ok(())
}
