//! The plan's decisions that need every path seen first: which of the target's partial
//! downloads still belong to a file to come, which folders a filter left with nothing to
//! receive, and how deletions group into whole folders.

use std::collections::{BTreeSet, HashSet};

use super::{Delete, Plan, ancestors};
use crate::drive::mirror::side::{self, Kind, Tree, is_below, name_of, parent_of};
use crate::drive::walk::join_rel;
use crate::graph::transfer::partial_file_names;

/// The source file a partial download at `partial` belongs to, if the source has it.
pub(super) fn owner(source: &Tree, partial: &str) -> Option<String> {
    let (parent, name) = (parent_of(partial), name_of(partial));
    let belongs = |path: &str| {
        source.get(path).is_some_and(|e| e.file().is_some())
            && partial_file_names(name_of(path)).iter().any(|n| n == name)
    };
    let plain = name
        .strip_prefix('.')
        .and_then(|n| n.strip_suffix(".json").unwrap_or(n).strip_suffix(".part"));
    if let Some(path) = plain.map(|n| join_rel(parent, n))
        && belongs(&path)
    {
        return Some(path);
    }
    // Names too long for a partial file's name are cut and hashed: ask every sibling.
    source
        .keys()
        .filter(|p| parent_of(p) == parent && (!parent.is_empty() || !p.contains('/')))
        .find(|p| belongs(p))
        .cloned()
}

/// Without the folders a filter left with nothing to copy: with `--include`/`--exclude`, a
/// source folder is created only when a file is copied below it.
pub(super) fn prune_mkdirs(plan: &mut Plan) {
    let transfers = &plan.transfers;
    plan.mkdirs
        .retain(|dir| transfers.iter().any(|t| is_below(&t.path, dir)));
}

/// The deletions for `extras`: a folder whole when everything below it goes too, otherwise its
/// deletable contents one by one (the folder stays for what must stay).
pub(super) fn deletions(target: &Tree, extras: &BTreeSet<String>) -> Vec<Delete> {
    let mut units = Vec::new();
    let mut covered: HashSet<&str> = HashSet::new();
    for path in extras {
        if ancestors(path).any(|a| covered.contains(a)) {
            continue;
        }
        if target.get(path).is_some_and(|e| e.kind == Kind::Folder) {
            let below: Vec<&String> = side::below(target, path)
                .filter(|p| target.get(*p).is_none_or(|e| e.kind != Kind::Partial))
                .collect();
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
