//! Synthetic trees (`skydrive-emu --seed-tree FOLDERS,FILES[,DEPTH]`, [`Seed::Tree`]): a drive
//! of a million items made in seconds, for benchmarks and tests at scale (issue 15). The same
//! shape always gives the same tree (names, numbers and so ids, sizes, times, contents), so
//! tests and benchmarks can name paths in advance:
//!
//! - `/Big` holds `min(100000, FILES / 2)` files: the one very large folder.
//! - The other `FOLDERS - 1` folders form a balanced tree under the root, at most `DEPTH`
//!   levels deep (default 3): every folder has at most `k` subfolders, `k` as small as the
//!   depth allows, named `d` and their index among their siblings, zero-padded to the digits
//!   of `k - 1` (at least two): `/d00/d07/d13` with `k` = 15.
//! - The other files spread evenly over those folders in that order (the first ones get one
//!   more when the division is not exact), or into the root when `FOLDERS` is 1; each folder's
//!   files are `f` and their index zero-padded to the digits of the folder's file count minus
//!   one (at least two), `.bin`: `/Big/f00000.bin` ... `/Big/f99999.bin`.
//! - Sizes vary with the item number: 1 in 64 files is empty, 1 in 64 is 64-512 KiB, the rest
//!   1 B-8 KiB (about 12 KiB on average). Contents are made on demand (`synth`), never stored.
//! - Times are fixed: the root's are 2025-01-01T00:00:00Z, and item `n` was created and last
//!   modified `n` seconds after (plus a few milliseconds).
//!
//! The items are made in one change of the drive (one sequence number), directly in the item
//! table, without the per-item bookkeeping of [`Store::insert`]. A data dir keeps only the
//! shape and the items changed since (see [`restore`] and `table`), so `--data` with a
//! synthetic tree writes a small snapshot and rebuilds the tree at each start.

use std::str::FromStr;

use compact_str::{CompactString, format_compact};
use serde::{Deserialize, Serialize};

use super::blob::Blob;
use super::node::{Node, Stamp, new_node};
use super::store::Store;
use super::synth::mix;

/// The size of a synthetic tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeShape {
    /// Folders, `/Big` included (at least 1).
    pub folders: u64,
    /// Files.
    pub files: u64,
    /// Most levels of folders below the root (at least 1).
    pub depth: u32,
}

/// The most items a synthetic tree may have (memory: about 200 bytes each).
const MAX_ITEMS: u64 = 20_000_000;
/// The largest folder's file count.
const BIG: u64 = 100_000;
/// 2025-01-01T00:00:00Z in milliseconds since the epoch.
const EPOCH_MS: i64 = 1_735_689_600_000;

impl FromStr for TreeShape {
    type Err = String;

    /// `FOLDERS,FILES[,DEPTH]`, e.g. `50000,950000` or `50000,950000,4`.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "bad tree shape {s:?}: give FOLDERS,FILES[,DEPTH], e.g. 50000,950000 or \
                 50000,950000,4 (FOLDERS >= 1, DEPTH 1-64, at most {MAX_ITEMS} items)"
            )
        };
        let nums: Vec<u64> = s
            .split(',')
            .map(|p| p.trim().parse::<u64>())
            .collect::<Result<_, _>>()
            .map_err(|_| bad())?;
        let (folders, files, depth) = match nums.as_slice() {
            [f, n] => (*f, *n, 3),
            [f, n, d] => (*f, *n, *d),
            _ => return Err(bad()),
        };
        let depth = u32::try_from(depth).map_err(|_| bad())?;
        let ok =
            folders >= 1 && (1..=64).contains(&depth) && folders.saturating_add(files) <= MAX_ITEMS;
        ok.then_some(TreeShape {
            folders,
            files,
            depth,
        })
        .ok_or_else(bad)
    }
}

/// A tree made in a drive: its shape and where its numbers are, enough to make it again.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub(crate) struct Planted {
    pub(crate) shape: TreeShape,
    /// Index of the drive it was made in.
    pub(crate) drive: usize,
    /// Its first and last item numbers.
    pub(crate) first: u64,
    pub(crate) last: u64,
    /// The drive change sequence it was made at.
    pub(crate) seq: u64,
}

impl Planted {
    /// Whether item `node` is one of the tree's, unchanged since it was made.
    pub(crate) fn untouched(&self, node: &Node) -> bool {
        (self.first..=self.last).contains(&node.n) && node.seq <= self.seq && node.cseq <= self.seq
    }
}

/// Makes a tree of `shape` in drive `drive` as one change, and remembers it in the store.
pub(crate) fn plant(s: &mut Store, drive: usize, shape: TreeShape) {
    let Some(d) = s.drives.get_mut(drive) else {
        return;
    };
    d.seq += 1;
    let first = s.next;
    let p = Planted {
        shape,
        drive,
        first,
        last: first + shape.folders + shape.files - 1,
        seq: d.seq,
    };
    s.next = p.last + 1;
    s.changes.drives.insert(drive);
    s.changes.other = true;
    s.tree = Some(p);
    build(s, &p);
    let root = s.drives[drive].root;
    if let Some(node) = s.node_mut(root) {
        node.cseq = p.seq;
        for t in [
            &mut node.created,
            &mut node.modified,
            &mut node.fs_created,
            &mut node.fs_modified,
        ] {
            *t = Stamp(EPOCH_MS);
        }
    }
    s.nodes.reindex();
}

/// Completes a world just read from a data dir: makes its synthetic tree again under the
/// saved items (which replace the tree's; the tree's deleted items stay deleted), then
/// rebuilds the children and folder sizes.
pub(crate) fn restore(s: &mut Store) {
    if let Some(p) = s.tree {
        let saved = std::mem::take(&mut s.nodes);
        build(s, &p);
        for t in s
            .tombstones
            .iter()
            .filter(|t| (p.first..=p.last).contains(&t.n))
        {
            s.nodes.remove(&t.n);
        }
        for node in saved.into_values() {
            s.nodes.insert(node.n, node);
        }
    }
    s.nodes.reindex();
}

/// Puts the items of `p` in the item table (children and sizes are left to
/// `Nodes::reindex`).
pub(crate) fn build(s: &mut Store, p: &Planted) {
    let shape = p.shape;
    let root = s.drives[p.drive].root;
    let owner = s.drives[p.drive].owner;
    s.nodes.reserve_to(p.last);
    s.nodes.set_planted(Some(*p));
    let mut n = p.first;
    let mut put = |parent: u64, name: CompactString, file: bool| {
        let t = Stamp(EPOCH_MS + (n as i64) * 1000 + (mix(n) % 1000) as i64);
        let blob = file.then(|| Blob::synthetic(n, size_of(n)));
        let mut node = new_node(n, p.drive, &name, Some(parent), blob, t, owner);
        (node.seq, node.cseq) = (p.seq, p.seq);
        s.nodes.insert(n, node);
        n += 1;
        n - 1
    };
    let big_files = BIG.min(shape.files / 2);
    let big = put(root, "Big".into(), false);
    let width = digits(big_files.saturating_sub(1));
    for j in 0..big_files {
        put(big, format_compact!("f{j:0width$}.bin"), true);
    }
    let others = shape.folders - 1;
    let k = fanout(others, shape.depth);
    let width = digits(k.saturating_sub(1));
    let mut folders = Vec::with_capacity(usize::try_from(others).unwrap_or(0));
    for i in 0..others {
        let parent = if i < k {
            root
        } else {
            folders[(i / k - 1) as usize]
        };
        folders.push(put(parent, format_compact!("d{:0width$}", i % k), false));
    }
    let rest = shape.files - big_files;
    let homes = if folders.is_empty() {
        vec![root]
    } else {
        folders
    };
    let (each, extra) = (rest / homes.len() as u64, rest % homes.len() as u64);
    for (i, home) in homes.into_iter().enumerate() {
        let count = each + u64::from((i as u64) < extra);
        let width = digits(count.saturating_sub(1));
        for j in 0..count {
            put(home, format_compact!("f{j:0width$}.bin"), true);
        }
    }
}

/// The size of synthetic file `n` (bytes).
fn size_of(n: u64) -> u64 {
    let r = mix(n ^ 0x5EED);
    match r % 64 {
        0 => 0,
        1 => 64 * 1024 + (r >> 8) % (448 * 1024),
        _ => 1 + (r >> 8) % 8192,
    }
}

/// The fewest subfolders per folder that fit `folders` folders in `depth` levels.
fn fanout(folders: u64, depth: u32) -> u64 {
    if depth == 1 {
        return folders.max(2);
    }
    (2..)
        .find(|k: &u64| {
            let mut total = 0u64;
            let mut level = 1u64;
            for _ in 0..depth {
                level = level.saturating_mul(*k);
                total = total.saturating_add(level);
            }
            total >= folders
        })
        .unwrap_or(2)
}

/// The digits of `n`, at least two.
fn digits(n: u64) -> usize {
    n.to_string().len().max(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_parse_and_bad_ones_say_how() {
        let s: TreeShape = "50000,950000".parse().unwrap();
        assert_eq!((s.folders, s.files, s.depth), (50_000, 950_000, 3));
        assert_eq!("10, 20, 5".parse::<TreeShape>().unwrap().depth, 5);
        for bad in ["", "10", "0,5", "1,2,0", "1,2,3,4", "a,b", "30000000,1"] {
            let e = bad.parse::<TreeShape>().unwrap_err();
            assert!(e.contains("FOLDERS,FILES[,DEPTH]"), "{e}");
        }
    }

    #[test]
    fn fanout_fits_the_depth() {
        assert_eq!(fanout(49_999, 3), 37);
        assert_eq!(fanout(14, 3), 2);
        assert_eq!(fanout(5, 1), 5);
        assert_eq!(digits(36), 2);
        assert_eq!(digits(99_999), 5);
        let sizes: Vec<u64> = (0..6400).map(size_of).collect();
        assert!(sizes.contains(&0) && sizes.iter().any(|s| *s > 64 * 1024));
    }
}
