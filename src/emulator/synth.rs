//! Synthetic file contents (issue 15): the files of a `--seed-tree` drive have no bytes on
//! disk; a download makes them on demand from the blob's seed and size.
//!
//! The content of seed `s` is a 160-byte block derived from `s`, repeated and cut at the
//! size. 160 is QuickXorHash's cycle (byte `i` is XORed in at bit `11·i mod 160`, so bytes 160
//! apart land on the same bits, graph-api.md §11): the hash of a whole file follows from one
//! block, whether the count of whole blocks is odd, and the tail, in O(160) steps whatever
//! the size. Listings show that hash without reading anything, and a download is checked
//! against it like any other.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, Method};
use base64::Engine;
use bytes::Bytes;

use super::Shared;
use super::blob::Blob;
use super::content::{answer, requested_range};
use super::resp::ApiResult;
use crate::graph::quickxor::QuickXorHash;

/// Length of the repeated block, QuickXorHash's cycle (bytes).
const BLOCK: usize = 160;
/// Size of the pieces a download is made in (bytes).
const CHUNK: u64 = 256 * 1024;

/// One step of SplitMix64: a well-mixed 64-bit value from `x` (also picks sizes of
/// synthetic trees).
pub(crate) fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The block content `seed` repeats.
fn block(seed: u64) -> [u8; BLOCK] {
    let mut out = [0u8; BLOCK];
    let mut x = seed;
    for chunk in out.chunks_mut(8) {
        x = mix(x);
        chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
    }
    out
}

/// The bytes of content `block` from `offset`, `len` of them.
fn bytes_at(block: &[u8; BLOCK], offset: u64, len: usize) -> Vec<u8> {
    let start = (offset % BLOCK as u64) as usize;
    block[start..]
        .iter()
        .chain(block.iter().cycle())
        .take(len)
        .copied()
        .collect()
}

/// All the bytes of synthetic `blob` (tests; small files only).
pub(crate) fn bytes(blob: &Blob) -> Vec<u8> {
    let len = usize::try_from(blob.size).unwrap_or(0);
    bytes_at(&block(blob.seed().unwrap_or_default()), 0, len)
}

/// Base64 quickXorHash of the `size` bytes of content `seed`.
pub(crate) fn quick_xor(seed: u64, size: u64) -> String {
    let block = block(seed);
    let tail = (size % BLOCK as u64) as usize;
    let odd = (size / BLOCK as u64) % 2 == 1;
    let mut h = QuickXorHash::new();
    if odd {
        h.update(&block);
    }
    h.update(&block[..tail]);
    // `finish` XORs in the length fed; the file's length is `size`.
    let fed = if odd { BLOCK + tail } else { tail } as u64;
    let mut digest = h.finish();
    let lengths = fed.to_le_bytes().into_iter().zip(size.to_le_bytes());
    for (d, (a, b)) in digest[12..].iter_mut().zip(lengths) {
        *d ^= a ^ b;
    }
    base64::engine::general_purpose::STANDARD.encode(digest)
}

/// The download answer for synthetic `blob` (named `name`): `Range`, `HEAD`, and the
/// `drop_every` and `download_rate` faults as for stored content.
pub(crate) fn serve(
    shared: &Arc<Shared>,
    method: &Method,
    blob: &Blob,
    name: &str,
    headers: &HeaderMap,
) -> ApiResult {
    let total = blob.size;
    let range = requested_range(headers, total)?;
    let (start, len) = range.unwrap_or((0, total));
    let drop_at = (method == Method::GET && shared.faults.drop_download()).then_some(len / 2);
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        let block = block(blob.seed().unwrap_or_default());
        stream(
            block,
            start,
            len,
            drop_at,
            shared.faults.get().download_rate,
        )
    };
    answer(name, range, total, body)
}

/// `len` bytes of `block`'s content from `start`; fails after `drop_at` bytes when set;
/// at most `rate` bytes per second when not 0.
fn stream(block: [u8; BLOCK], start: u64, len: u64, drop_at: Option<u64>, rate: u64) -> Body {
    let limit = drop_at.unwrap_or(len);
    let pieces = futures_util::stream::unfold(0u64, move |sent| async move {
        if sent >= limit {
            if drop_at.is_some() && sent < len {
                tokio::time::sleep(Duration::from_millis(50)).await;
                let err = std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "fault: connection dropped",
                );
                return Some((Err(err), len));
            }
            return None;
        }
        let n = (limit - sent).min(if rate > 0 {
            rate.clamp(1, CHUNK)
        } else {
            CHUNK
        });
        if rate > 0 {
            tokio::time::sleep(Duration::from_secs_f64(n as f64 / rate as f64)).await;
        }
        let piece = bytes_at(&block, start + sent, usize::try_from(n).unwrap_or(0));
        Some((Ok(Bytes::from(piece)), sent + n))
    });
    Body::from_stream(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::quickxor::hash_base64;

    #[test]
    fn the_listed_hash_is_the_hash_of_the_bytes() {
        for size in [0u64, 1, 159, 160, 161, 319, 320, 321, 1000, 12_345, 65_536] {
            let block = block(size * 7 + 3);
            let bytes = bytes_at(&block, 0, size as usize);
            assert_eq!(
                quick_xor(size * 7 + 3, size),
                hash_base64(&bytes),
                "size {size}"
            );
        }
    }

    #[test]
    fn pieces_join_into_the_whole() {
        let block = block(42);
        let whole = bytes_at(&block, 0, 1000);
        let mut joined = bytes_at(&block, 0, 333);
        joined.extend(bytes_at(&block, 333, 667));
        assert_eq!(joined, whole);
        assert_ne!(block, super::block(43));
    }
}
