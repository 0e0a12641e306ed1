//! Byte spans of a file: which parts a download in several ranges has written (kept in its
//! `.part.json` for a later `get -c`), which it still lacks, and how to cut those into the
//! pieces the streams take one at a time.

use serde::{Deserialize, Serialize};

/// Sorted, disjoint, non-adjacent `[start, end)` spans (bytes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct Spans(Vec<[u64; 2]>);

impl Spans {
    /// Adds `[start, end)`, merging it with the spans it touches.
    pub(crate) fn insert(&mut self, start: u64, end: u64) {
        if start >= end {
            return;
        }
        let (mut lo, mut hi) = (start, end);
        self.0.retain(|&[a, b]| {
            let apart = b < lo || a > hi;
            if !apart {
                lo = lo.min(a);
                hi = hi.max(b);
            }
            apart
        });
        let at = self.0.partition_point(|&[a, _]| a < lo);
        self.0.insert(at, [lo, hi]);
    }

    /// The spans of `[0, size)` not covered.
    pub(crate) fn missing(&self, size: u64) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let mut at = 0;
        for &[a, b] in &self.0 {
            if a >= size {
                break;
            }
            if a > at {
                out.push((at, a));
            }
            at = at.max(b);
        }
        if at < size {
            out.push((at, size));
        }
        out
    }

    /// The bytes covered.
    pub(crate) fn total(&self) -> u64 {
        self.0.iter().map(|[a, b]| b - a).sum()
    }

    /// The spans, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.0.iter().map(|&[a, b]| (a, b))
    }

    /// Whether `[0, size)` is covered.
    pub(crate) fn covers(&self, size: u64) -> bool {
        self.missing(size).is_empty()
    }
}

/// The largest piece one request fetches (bytes), as rclone's multi-thread chunk size.
const MAX_PIECE: u64 = 64 << 20;
/// Pieces are multiples of this (bytes), so that writes stay aligned.
const PIECE_UNIT: u64 = 1 << 16;

/// Cuts `todo` into pieces for `streams` streams: as many rounds as needed to keep pieces at
/// or below 64 MiB, and about `streams` pieces of one size per round, so that streams of one
/// speed end together.
pub(crate) fn pieces(todo: &[(u64, u64)], streams: usize) -> Vec<(u64, u64)> {
    let total: u64 = todo.iter().map(|(a, b)| b - a).sum();
    let streams = streams.max(1) as u64;
    let rounds = total.div_ceil(streams * MAX_PIECE).max(1);
    let piece = total.div_ceil(streams * rounds).div_ceil(PIECE_UNIT).max(1) * PIECE_UNIT;
    let mut out = Vec::new();
    for &(a, b) in todo {
        let mut at = a;
        while at < b {
            let end = b.min(at + piece);
            out.push((at, end));
            at = end;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Spans, pieces};

    #[test]
    fn spans_merge_and_say_what_is_missing() {
        let mut s = Spans::default();
        s.insert(10, 20);
        s.insert(30, 40);
        s.insert(20, 25);
        assert_eq!(s.iter().collect::<Vec<_>>(), [(10, 25), (30, 40)]);
        assert_eq!(s.missing(50), [(0, 10), (25, 30), (40, 50)]);
        s.insert(0, 35);
        assert_eq!(s.iter().collect::<Vec<_>>(), [(0, 40)]);
        assert_eq!(s.total(), 40);
        assert!(!s.covers(50));
        s.insert(40, 50);
        assert!(s.covers(50));
        assert_eq!(s.missing(50), []);
        s.insert(5, 5);
        assert_eq!(s.iter().count(), 1);
    }

    #[test]
    fn pieces_are_even_per_round_and_at_most_64_mib() {
        const MIB: u64 = 1 << 20;
        let p = pieces(&[(0, 1024 * MIB)], 4);
        assert_eq!(p.len(), 16);
        assert!(p.iter().all(|(a, b)| b - a == 64 * MIB));
        let p = pieces(&[(0, 300 * MIB)], 4);
        assert_eq!(
            p.len(),
            8,
            "two even rounds, not 4 x 64 MiB and a lone 44 MiB"
        );
        let p = pieces(&[(0, 10), (20, 100)], 4);
        assert_eq!(p, [(0, 10), (20, 100)]);
        assert_eq!(pieces(&[(0, 5 * MIB)], 1), [(0, 5 * MIB)]);
    }
}
