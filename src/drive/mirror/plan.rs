//! The comparison of source and target: what to create, transfer and delete, and what to
//! report instead (conflicts, refused names, items that are never mirrored). Pure: no I/O,
//! so every rule is tested on its own. What a dry run prints is this plan, so it is exactly
//! what the real run does (but for transfers that fail when tried).
//!
//! The rules, in the order they apply to each path:
//! - excluded by `--exclude`/`--include`: ignored on both sides (never deleted); with a filter,
//!   a source folder is created only when something below it is copied;
//! - the target's items are filed under the source's spelling of their names ([`super::align`]);
//!   a source name that cannot exist on the target (refused), or that is one name on OneDrive
//!   with another source name: reported and skipped with all below it, and the target's item
//!   is left alone;
//! - an item that cannot be read, on either side: reported as failed and left alone;
//! - a source item that is never mirrored (notebook, package, flagged, shortcut, link): reported
//!   and skipped, and the target's item of that path is left alone;
//! - equal files ([`super::likeness`]: the same quickXorHash when both are known, whatever
//!   the listed sizes; else the same size and mtime to the second, or with `--checksum` the
//!   same hash), or files neither side changed since the last run left them equal: nothing
//!   to do;
//! - different files: the source is transferred, unless the file changed on both sides since
//!   the last run (by the synced record), or, with no record, the target is newer than the
//!   source: then it is a conflict, reported and left alone unless `--overwrite`;
//! - a file on one side and a folder on the other: a conflict; with `--overwrite` the target's
//!   item is removed first and the source's put in its place;
//! - what only the target has: deleted with `--delete` (a folder whole when nothing below it
//!   must stay), except a file changed since the last run, which is a conflict; kept otherwise.
//!   This tool's partial downloads in a local target go with `--delete` once their file is no
//!   longer to be fetched.
//!
//! Deletions are held back, all of them, when anything failed or is in conflict, when there
//! are more than `--max-delete`, and when a local target would lose items that no earlier
//! run of this pair recorded (a local deletion is permanent) unless forced.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};

use self::whole::{deletions, owner, prune_mkdirs};
use super::Filter;
use super::align::align;
use super::likeness::{By, Likeness, likeness};
use super::side::{self, Entry, FileInfo, Kind, Tree, is_below, parent_of};
use super::state::Synced;

/// How to compare.
pub(crate) struct Rules<'a> {
    /// The synced records of the last run.
    pub base: &'a BTreeMap<String, Synced>,
    /// True for uploads (`mirror -R`).
    pub source_is_local: bool,
    /// Delete what the source lacks.
    pub delete: bool,
    /// The source wins conflicts.
    pub overwrite: bool,
    /// Equal sizes are compared by hash, not mtime.
    pub checksum: bool,
    /// Which paths take part.
    pub filter: Option<&'a Filter>,
    /// Never delete more items than this.
    pub max_delete: Option<usize>,
    /// Local deletions may go ahead although no earlier run of this pair is recorded: true
    /// when a run is recorded, or when forced.
    pub local_deletes_vouched: bool,
}

/// What to do.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Target items removed first, so that the source's item of the other kind can take their
    /// place (a file facing a folder, with `--overwrite`).
    pub replaced: Vec<Delete>,
    /// Target folders to create, parents first.
    pub mkdirs: Vec<String>,
    /// Files to transfer.
    pub transfers: Vec<Transfer>,
    /// Target items to delete (with `--delete`).
    pub deletes: Vec<Delete>,
    /// This tool's partial downloads in the local target that no file needs any more.
    pub partials: Vec<String>,
    /// Files equal on both sides.
    pub same: Vec<String>,
    /// Of `same`, the files whose quickXorHashes match while their sizes do not (a listed
    /// size that is not the content's, graph-api.md §13).
    pub listed_size_off: usize,
    /// Paths left alone because both sides changed (or the sides disagree on the kind).
    pub conflicts: Vec<(String, String)>,
    /// Source paths that cannot be mirrored for their name, with why.
    pub refused: Vec<(String, String)>,
    /// Paths that could not be read (on either side), with why.
    pub unreadable: Vec<(String, String)>,
    /// Paths never mirrored, with why (not failures).
    pub skipped: Vec<(String, String)>,
    /// Target items the source lacks, kept (no `--delete`).
    pub kept: usize,
    /// The limit on deletions.
    pub max_delete: Option<usize>,
    /// The deletions are of local items no earlier run recorded, and not forced.
    pub unvouched: bool,
    /// The target as compared: its items filed under the source's spellings.
    pub target: Tree,
}

/// One file to transfer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Transfer {
    /// Relative path.
    pub path: String,
    /// Bytes.
    pub size: u64,
    /// The target has no item of this path.
    pub new: bool,
}

/// One target item to delete.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Delete {
    /// Relative path.
    pub path: String,
    /// A folder, deleted with everything below it.
    pub folder: bool,
    /// Items that disappear (the folder and all below it).
    pub items: usize,
}

impl Plan {
    /// Items that fail before anything is tried: refused names, unreadable items, conflicts.
    pub fn failures(&self) -> usize {
        self.refused.len() + self.unreadable.len() + self.conflicts.len()
    }

    /// Why the deletions must not run, given `failures` items failed or in conflict in all:
    /// anything failed, more than `max_delete`, or local items no earlier run recorded.
    pub fn hold(&self, failures: usize) -> Option<String> {
        let items: usize = self.deletes.iter().map(|d| d.items).sum();
        if items == 0 {
            None
        } else if failures > 0 {
            Some(format!(
                "{items} deletions not done: {failures} items failed or are in conflict"
            ))
        } else if let Some(m) = self.max_delete.filter(|m| items > *m) {
            Some(format!(
                "{items} deletions not done: more than --max-delete {m}; nothing deleted"
            ))
        } else if self.unvouched {
            Some(format!(
                "{items} deletions not done: no earlier mirror into this local folder is \
                 recorded and local deletions are permanent; check them with --dry-run, then \
                 run again with --force"
            ))
        } else {
            None
        }
    }
}

/// Compares `source` and `target` under `rules`.
pub(crate) fn plan(source: &Tree, target: &Tree, rules: &Rules<'_>) -> Plan {
    let source = kept(source, rules.filter);
    let aligned = align(&source, target);
    let target = aligned.target;
    let target_out = excluded(&target, rules.filter);
    let mut walk = Walk {
        rules,
        plan: Plan::default(),
        stopped: aligned.stopped,
        extras: BTreeSet::new(),
        partials: Vec::new(),
    };
    let paths: BTreeSet<&String> = source.keys().chain(target.keys()).collect();
    for path in paths {
        if walk.is_stopped(path) {
            continue;
        }
        if let Some(why) = aligned.refused.get(path.as_str()) {
            walk.refuse(path, why.clone());
            continue;
        }
        let t = target.get(path).filter(|_| !target_out.contains(path));
        walk.visit(path, source.get(path), t);
    }
    let (mut plan, extras) = walk.finish(&source);
    if rules.filter.is_some() {
        prune_mkdirs(&mut plan);
    }
    if rules.delete {
        // Against the whole target: a folder holding an excluded item is never deleted whole.
        plan.deletes = deletions(&target, &extras);
        let folders: Vec<&Delete> = plan.deletes.iter().filter(|d| d.folder).collect();
        plan.partials
            .retain(|p| !folders.iter().any(|d| is_below(p, &d.path)));
    }
    for r in plan.replaced.iter_mut().filter(|r| r.folder) {
        r.items += side::below(&target, &r.path).count();
    }
    plan.max_delete = rules.max_delete;
    plan.unvouched = !rules.source_is_local && !rules.local_deletes_vouched;
    plan.target = target;
    plan
}

/// `tree` without what `filter` leaves out (an excluded folder with all below it).
pub(crate) fn kept<'a>(tree: &'a Tree, filter: Option<&Filter>) -> Cow<'a, Tree> {
    let out = excluded(tree, filter);
    if out.is_empty() {
        return Cow::Borrowed(tree);
    }
    let rest = tree.iter().filter(|(p, _)| !out.contains(*p));
    Cow::Owned(rest.map(|(p, e)| (p.clone(), e.clone())).collect())
}

/// The paths the filter leaves out, with everything below an excluded folder.
pub(crate) fn excluded(tree: &Tree, filter: Option<&Filter>) -> HashSet<String> {
    let mut out = HashSet::new();
    let Some(keep) = filter else {
        return out;
    };
    for (path, e) in tree {
        if out.contains(parent_of(path)) || !keep(path, e.kind == Kind::Folder) {
            out.insert(path.clone());
        }
    }
    out
}

/// The comparison's running state.
struct Walk<'a> {
    rules: &'a Rules<'a>,
    plan: Plan,
    /// Paths handled whole: nothing at or below them is compared, transferred or deleted.
    stopped: HashSet<String>,
    /// Target paths to delete.
    extras: BTreeSet<String>,
    /// The target's partial downloads, to judge once every file is.
    partials: Vec<String>,
}

impl Walk<'_> {
    fn is_stopped(&self, path: &str) -> bool {
        self.stopped.contains(path) || ancestors(path).any(|a| self.stopped.contains(a))
    }

    fn stop(&mut self, path: &str) {
        self.stopped.insert(path.to_owned());
    }

    fn refuse(&mut self, path: &str, why: String) {
        self.plan.refused.push((path.to_owned(), why));
        self.stop(path);
    }

    fn unreadable(&mut self, path: &str, why: &str) {
        self.plan.unreadable.push((path.to_owned(), why.to_owned()));
        self.stop(path);
    }

    fn conflict(&mut self, path: &str, why: &str) {
        self.plan.conflicts.push((path.to_owned(), why.to_owned()));
        self.stop(path);
    }

    fn visit(&mut self, path: &str, s: Option<&Entry>, t: Option<&Entry>) {
        match (s.map(|e| &e.kind), t.map(|e| &e.kind)) {
            (None | Some(Kind::Partial), None) | (Some(Kind::Folder), Some(Kind::Folder)) => {}
            (_, Some(Kind::Partial)) => self.partials.push(path.to_owned()),
            (Some(Kind::Unreadable(why)), _) => self.unreadable(path, why),
            (Some(_), Some(Kind::Unreadable(why))) => self.unreadable(path, why),
            (None, Some(Kind::Unreadable(why))) if self.rules.delete => {
                self.unreadable(path, why);
            }
            (Some(Kind::Refused(why)), _) => self.refuse(path, why.clone()),
            (Some(Kind::Skip(why)), _) => {
                self.plan.skipped.push((path.to_owned(), why.clone()));
                self.stop(path);
            }
            (None | Some(Kind::Partial), Some(Kind::Refused(why) | Kind::Skip(why))) => {
                let why = format!("left alone on the target: {why}");
                self.plan.skipped.push((path.to_owned(), why));
                self.stop(path);
            }
            (Some(_), Some(Kind::Refused(_) | Kind::Skip(_))) => {
                self.conflict(path, "the target's item of this name cannot be replaced");
            }
            (None | Some(Kind::Partial), Some(kind)) => self.extra(path, kind),
            (Some(Kind::Folder), None) => self.plan.mkdirs.push(path.to_owned()),
            (Some(Kind::File(f)), None) => self.transfer(path, f, true),
            (Some(Kind::File(s)), Some(Kind::File(t))) => self.files(path, s, t),
            (Some(_), Some(kind)) => self.kinds_differ(path, s, kind),
        }
    }

    fn transfer(&mut self, path: &str, f: &FileInfo, new: bool) {
        self.plan.transfers.push(Transfer {
            path: path.to_owned(),
            size: f.size,
            new,
        });
    }

    /// A file on one side, a folder on the other: a conflict, or with `--overwrite` the
    /// target's item makes way for the source's.
    fn kinds_differ(&mut self, path: &str, s: Option<&Entry>, target_kind: &Kind) {
        if !self.rules.overwrite {
            let why =
                "a file on one side, a folder on the other (--overwrite replaces the target's)";
            self.conflict(path, why);
            return;
        }
        let folder = *target_kind == Kind::Folder;
        self.plan.replaced.push(Delete {
            path: path.to_owned(),
            folder,
            items: 1,
        });
        match s.and_then(Entry::file) {
            Some(f) => {
                self.transfer(path, f, true);
                self.stop(path);
            }
            None => self.plan.mkdirs.push(path.to_owned()),
        }
    }

    fn extra(&mut self, path: &str, kind: &Kind) {
        if !self.rules.delete {
            self.plan.kept += 1;
            return;
        }
        if let (Kind::File(f), Some(b)) = (kind, self.rules.base.get(path)) {
            let print = if self.rules.source_is_local {
                &b.remote
            } else {
                &b.local
            };
            if print.changed(f) {
                let why = "deleted on the source, but changed on the target since the last mirror";
                self.conflict(path, why);
                return;
            }
        }
        self.extras.insert(path.to_owned());
    }

    fn files(&mut self, path: &str, s: &FileInfo, t: &FileInfo) {
        let by = if self.rules.checksum {
            By::Checksum
        } else {
            By::Time
        };
        let found = likeness(s, t, by);
        if found.is_same() || self.unchanged_since_synced(path, s, t) {
            self.plan.listed_size_off += usize::from(found == Likeness::SameListedSizeOff);
            self.plan.same.push(path.to_owned());
            return;
        }
        match self.conflict_reason(path, s, t) {
            Some(why) if !self.rules.overwrite => self.conflict(path, why),
            _ => self.transfer(path, s, false),
        }
    }

    /// True when neither side changed since the last run left them equal: they still are,
    /// whatever their sizes say (a listed size that is off, with no hash to prove it).
    fn unchanged_since_synced(&self, path: &str, s: &FileInfo, t: &FileInfo) -> bool {
        self.rules.base.get(path).is_some_and(|b| {
            let (sp, tp) = if self.rules.source_is_local {
                (&b.local, &b.remote)
            } else {
                (&b.remote, &b.local)
            };
            !sp.changed(s) && !tp.changed(t)
        })
    }

    /// Why replacing the target's `t` by the source's `s` would lose a change.
    fn conflict_reason(&self, path: &str, s: &FileInfo, t: &FileInfo) -> Option<&'static str> {
        match self.rules.base.get(path) {
            Some(b) => {
                let (sp, tp) = if self.rules.source_is_local {
                    (&b.local, &b.remote)
                } else {
                    (&b.remote, &b.local)
                };
                (sp.changed(s) && tp.changed(t))
                    .then_some("changed on both sides since the last mirror")
            }
            None => match (s.mtime, t.mtime) {
                (Some(sm), Some(tm)) if tm >= sm + 1000 => {
                    Some("the target is newer than the source, and no earlier mirror recorded it")
                }
                _ => None,
            },
        }
    }

    /// The plan and the target paths to delete, once the target's partial downloads are
    /// judged: one goes (with `--delete`) unless its file is one the source has and the target
    /// does not have equal (to be fetched now, or left in conflict or failed for a later run).
    fn finish(mut self, source: &Tree) -> (Plan, BTreeSet<String>) {
        if self.rules.delete {
            let same: HashSet<&str> = self.plan.same.iter().map(String::as_str).collect();
            for partial in std::mem::take(&mut self.partials) {
                let wanted = owner(source, &partial).is_some_and(|o| !same.contains(o.as_str()));
                if !wanted {
                    self.plan.partials.push(partial);
                }
            }
        }
        (self.plan, self.extras)
    }
}

/// The folders above a relative path, nearest last (`a`, `a/b` for `a/b/c`).
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(i, _)| &path[..i])
}

mod whole;

#[cfg(test)]
mod tests;
