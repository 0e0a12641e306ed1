//! The comparison of source and target: what to create, transfer and delete, and what to
//! report instead (conflicts, refused names, items that are never mirrored). Pure: no I/O,
//! so every rule is tested on its own.
//!
//! The rules, in the order they apply to each path:
//! - excluded by `--exclude`/`--include`: ignored on both sides (never deleted);
//! - a source name that cannot exist on the target (refused), or that is one name on OneDrive
//!   with another source name or with a different target name (case or Unicode form): reported
//!   and skipped with all below it, and the target's item is left alone;
//! - a source item that is never mirrored (notebook, package, flagged, shortcut, link): reported
//!   and skipped, and the target's item of that path is left alone;
//! - equal files (same size and mtime to the second, or with `--checksum` the same hash):
//!   nothing to do;
//! - different files: the source is transferred, unless the file changed on both sides since
//!   the last run (by the synced record), or, with no record, the target is newer than the
//!   source: then it is a conflict, reported and left alone unless `--overwrite`;
//! - a file on one side and a folder on the other: a conflict;
//! - what only the target has: deleted with `--delete` (a folder whole when nothing below it
//!   must stay), except a file changed since the last run, which is a conflict; kept otherwise.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::Filter;
use super::side::{self, Entry, FileInfo, Kind, Tree, key, parent_of, same_time};
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
}

/// What to do.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Target folders to create, parents first.
    pub mkdirs: Vec<String>,
    /// Files to transfer.
    pub transfers: Vec<Transfer>,
    /// Target items to delete (with `--delete`).
    pub deletes: Vec<Delete>,
    /// Files equal on both sides.
    pub same: Vec<String>,
    /// Paths left alone because both sides changed (or the sides disagree on the kind).
    pub conflicts: Vec<(String, String)>,
    /// Source paths that cannot be mirrored, with why.
    pub refused: Vec<(String, String)>,
    /// Paths never mirrored, with why (not failures).
    pub skipped: Vec<(String, String)>,
    /// Target items the source lacks, kept (no `--delete`).
    pub kept: usize,
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

/// Compares `source` and `target` under `rules`.
pub(crate) fn plan(source: &Tree, target: &Tree, rules: &Rules<'_>) -> Plan {
    let source_out = excluded(source, rules.filter);
    let target_out = excluded(target, rules.filter);
    let mut walk = Walk {
        rules,
        plan: Plan::default(),
        stopped: HashSet::new(),
        extras: BTreeSet::new(),
    };
    let refusals = name_clashes(source, &source_out, target, &target_out, &mut walk.stopped);
    let paths: BTreeSet<&String> = source.keys().chain(target.keys()).collect();
    for path in paths {
        if walk.is_stopped(path) {
            continue;
        }
        if let Some(why) = refusals.get(path.as_str()) {
            walk.refuse(path, why.clone());
            continue;
        }
        let s = source.get(path).filter(|_| !source_out.contains(path));
        let t = target.get(path).filter(|_| !target_out.contains(path));
        walk.visit(path, s, t);
    }
    if rules.delete {
        walk.plan.deletes = deletions(target, &walk.extras);
    }
    walk.plan
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

/// Source paths that would become one OneDrive name with another source path, or with a
/// target path of another spelling; the target's spelling is stopped (left alone).
fn name_clashes(
    source: &Tree,
    source_out: &HashSet<String>,
    target: &Tree,
    target_out: &HashSet<String>,
    stopped: &mut HashSet<String>,
) -> HashMap<String, String> {
    let mut by_key: HashMap<String, Vec<&String>> = HashMap::new();
    for path in source.keys().filter(|p| !source_out.contains(*p)) {
        by_key.entry(key(path)).or_default().push(path);
    }
    let target_keys: HashMap<String, &String> = target
        .keys()
        .filter(|p| !target_out.contains(*p))
        .map(|p| (key(p), p))
        .collect();
    let mut out = HashMap::new();
    for (k, group) in by_key {
        if let [a, b, ..] = group.as_slice() {
            for (p, other) in group.iter().map(|p| (p, if p == a { b } else { a })) {
                let why = format!(
                    "{other:?} is the same name on OneDrive (names ignore case and Unicode form)"
                );
                out.insert((*p).clone(), why);
            }
        } else if let (Some(other), [p]) = (target_keys.get(&k), group.as_slice())
            && other != p
            && !source.contains_key(*other)
        {
            let why = format!("the target has it as {other:?}, the same name on OneDrive");
            out.insert((*p).clone(), why);
            stopped.insert((*other).clone());
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

    fn conflict(&mut self, path: &str, why: &str) {
        self.plan.conflicts.push((path.to_owned(), why.to_owned()));
        self.stop(path);
    }

    fn visit(&mut self, path: &str, s: Option<&Entry>, t: Option<&Entry>) {
        match (s.map(|e| &e.kind), t.map(|e| &e.kind)) {
            (None, None) | (Some(Kind::Folder), Some(Kind::Folder)) => {}
            (Some(Kind::Refused(why)), _) => self.refuse(path, why.clone()),
            (Some(Kind::Skip(why)), _) => {
                self.plan.skipped.push((path.to_owned(), why.clone()));
                self.stop(path);
            }
            (None, Some(Kind::Refused(why) | Kind::Skip(why))) => {
                let why = format!("left alone on the target: {why}");
                self.plan.skipped.push((path.to_owned(), why));
                self.stop(path);
            }
            (Some(_), Some(Kind::Refused(_) | Kind::Skip(_))) => {
                self.conflict(path, "the target's item of this name cannot be replaced");
            }
            (None, Some(kind)) => self.extra(path, kind),
            (Some(Kind::Folder), None) => self.plan.mkdirs.push(path.to_owned()),
            (Some(Kind::File(f)), None) => self.plan.transfers.push(Transfer {
                path: path.to_owned(),
                size: f.size,
                new: true,
            }),
            (Some(Kind::File(s)), Some(Kind::File(t))) => self.files(path, s, t),
            (Some(_), Some(_)) => self.conflict(path, "a file on one side, a folder on the other"),
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
        if same(s, t, self.rules.checksum) {
            self.plan.same.push(path.to_owned());
            return;
        }
        match self.conflict_reason(path, s, t) {
            Some(why) if !self.rules.overwrite => self.conflict(path, why),
            _ => self.plan.transfers.push(Transfer {
                path: path.to_owned(),
                size: s.size,
                new: false,
            }),
        }
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
}

/// Equal files: the same size, and the same hash (`checksum`, when both are known) or the same
/// mtime to the second.
pub(crate) fn same(s: &FileInfo, t: &FileInfo, checksum: bool) -> bool {
    if s.size != t.size {
        return false;
    }
    match (&s.hash, &t.hash) {
        (Some(a), Some(b)) if checksum => a == b,
        _ => same_time(s.mtime, t.mtime),
    }
}

/// The folders above a relative path, nearest last (`a`, `a/b` for `a/b/c`).
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(i, _)| &path[..i])
}

/// The deletions for `extras`: a folder whole when everything below it goes too, otherwise its
/// deletable contents one by one (the folder stays for what must stay).
fn deletions(target: &Tree, extras: &BTreeSet<String>) -> Vec<Delete> {
    let mut units = Vec::new();
    let mut covered: HashSet<&str> = HashSet::new();
    for path in extras {
        if ancestors(path).any(|a| covered.contains(a)) {
            continue;
        }
        if target.get(path).is_some_and(|e| e.kind == Kind::Folder) {
            let below: Vec<&String> = side::below(target, path).collect();
            if below.iter().all(|p| extras.contains(*p)) {
                covered.insert(path);
                units.push(Delete {
                    path: path.clone(),
                    folder: true,
                    items: 1 + below.len(),
                });
            }
        } else {
            units.push(Delete {
                path: path.clone(),
                folder: false,
                items: 1,
            });
        }
    }
    units
}

#[cfg(test)]
mod tests;
