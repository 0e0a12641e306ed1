//! What a mirror did, or in a dry run would do: the report, built from the plan and then from
//! what [`super::apply`] carried out, and the synced records the next run starts from.

use std::collections::BTreeMap;

use super::apply;
use super::plan;
use super::side::{Kind, Tree, is_below};
use super::state::{Print, Synced};
use super::{Direction, MirrorOptions};
use crate::error::Error;
use crate::graph::names;

/// One step of a mirror's plan (what a dry run prints).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Remove this target item first, so that the source's item of the other kind can take
    /// its place (`overwrite`; relative path, items that disappear with it).
    Replace(String, usize),
    /// Create this target folder (relative path).
    Mkdir(String),
    /// Transfer this file (relative path, bytes).
    Transfer(String, u64),
    /// Delete this target item (relative path, items that disappear with it).
    Delete(String, usize),
    /// Remove this partial download of this tool, whose file is no longer to be fetched
    /// (relative path).
    RemovePartial(String),
}

/// What a mirror did (or, in a dry run, would do). Paths are relative to the mirrored folders.
#[derive(Debug, Default)]
pub struct MirrorReport {
    /// The plan, in order: folders, transfers, deletions.
    pub steps: Vec<Step>,
    /// Files transferred.
    pub copied: usize,
    /// Bytes transferred.
    pub bytes: u64,
    /// Folders created.
    pub folders: usize,
    /// Items deleted (and items replaced by an item of the other kind).
    pub deleted: usize,
    /// Partial downloads removed.
    pub partials: usize,
    /// Files already equal.
    pub unchanged: usize,
    /// Of `unchanged`, the files OneDrive lists with a size other than their content's while
    /// the quickXorHashes match (graph-api.md §13): equal, and said once.
    pub listed_size_off: usize,
    /// Target items the source lacks, kept (no `delete`).
    pub kept: usize,
    /// Items never mirrored, with why (not failures).
    pub skipped: Vec<(String, String)>,
    /// Files changed on both sides (or a file facing a folder), left alone, with why.
    pub conflicts: Vec<(String, String)>,
    /// Names refused and transfers or deletions that failed.
    pub failed: Vec<(String, Error)>,
    /// Why the planned deletions were not carried out.
    pub held: Option<String>,
    /// True when the remote folder was enumerated whole (no usable state from a last run).
    pub full_scan: bool,
}

impl MirrorReport {
    /// True when the target is now a mirror of the source: nothing failed, no conflict, no
    /// deletion held back.
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty() && self.conflicts.is_empty() && self.held.is_none()
    }
}

impl MirrorReport {
    /// Adds what was carried out.
    pub(super) fn absorb(&mut self, done: apply::Done) {
        self.copied = done.copied;
        self.bytes = done.bytes;
        self.folders = done.folders;
        self.deleted = done.deleted;
        self.partials = done.partials;
        self.failed.extend(done.failed);
        self.held = done.held;
    }
}

/// The comparison rules of `opts` over the records `base`; `recorded` says whether an
/// earlier run of this pair left a state.
pub(super) fn rules<'a>(
    opts: &'a MirrorOptions,
    base: &'a BTreeMap<String, Synced>,
    recorded: bool,
) -> plan::Rules<'a> {
    plan::Rules {
        base,
        source_is_local: opts.direction == Direction::Upload,
        delete: opts.delete,
        overwrite: opts.overwrite,
        checksum: opts.checksum,
        filter: opts.filter.as_ref(),
        max_delete: opts.max_delete,
        local_deletes_vouched: recorded || opts.force,
    }
}

/// The report of a dry run: the plan as the real run would carry it out, without the
/// deletions it would hold back (and saying why).
pub(super) fn dry_run(plan: &plan::Plan) -> MirrorReport {
    let mut report = of_plan(plan);
    report.held = plan.hold(plan.failures());
    if report.held.is_some() {
        report.steps.retain(|s| !matches!(s, Step::Delete(..)));
    }
    report
}

/// A report holding what the plan says (nothing done yet).
pub(super) fn of_plan(plan: &plan::Plan) -> MirrorReport {
    let replaced = plan
        .replaced
        .iter()
        .map(|d| Step::Replace(d.path.clone(), d.items));
    let mkdirs = plan.mkdirs.iter().map(|p| Step::Mkdir(p.clone()));
    let transfers = plan
        .transfers
        .iter()
        .map(|t| Step::Transfer(t.path.clone(), t.size));
    let deletes = plan
        .deletes
        .iter()
        .map(|d| Step::Delete(d.path.clone(), d.items));
    let partials = plan.partials.iter().map(|p| Step::RemovePartial(p.clone()));
    let refused = plan
        .refused
        .iter()
        .map(|(p, why)| (p.clone(), names::invalid(p, why.clone())));
    let unreadable = plan.unreadable.iter().map(|(p, why)| {
        let e = std::io::Error::other(why.clone());
        (p.clone(), Error::io(p, e))
    });
    MirrorReport {
        steps: replaced
            .chain(mkdirs)
            .chain(transfers)
            .chain(deletes)
            .chain(partials)
            .collect(),
        unchanged: plan.same.len(),
        listed_size_off: plan.listed_size_off,
        kept: plan.kept,
        skipped: plan.skipped.clone(),
        conflicts: plan.conflicts.clone(),
        failed: refused.chain(unreadable).collect(),
        ..MirrorReport::default()
    }
}

/// The synced records after a run: the old ones of paths that still exist, refreshed for
/// files found equal and for files transferred, without what was deleted.
pub(super) fn next_base(
    old: &BTreeMap<String, Synced>,
    source: &Tree,
    target: &Tree,
    upload: bool,
    same: &[String],
    done: &apply::Done,
) -> BTreeMap<String, Synced> {
    let mut base: BTreeMap<String, Synced> = old
        .iter()
        .filter(|(p, _)| source.contains_key(*p) || target.contains_key(*p))
        .filter(|(p, _)| {
            !done
                .removed
                .iter()
                .any(|gone| *p == gone || is_below(p, gone))
        })
        .map(|(p, s)| (p.clone(), s.clone()))
        .collect();
    for path in same {
        let (Some(s), Some(t)) = (source.get(path), target.get(path)) else {
            continue;
        };
        let (Kind::File(s), Kind::File(t)) = (&s.kind, &t.kind) else {
            continue;
        };
        let (local, remote) = if upload { (s, t) } else { (t, s) };
        let record = Synced {
            local: Print::of(local),
            remote: Print::of(remote),
        };
        base.insert(path.clone(), record);
    }
    for (path, record) in &done.synced {
        base.insert(path.clone(), record.clone());
    }
    base
}
