//! QuickXorHash, the content hash every OneDrive drive type reports (graph-api.md §11).
//!
//! Each input byte is XORed into a 160-bit accumulator at a bit offset that advances by 11 per
//! byte (mod 160); the total length is then XORed into the last 8 bytes. Streaming: feed any
//! chunking, the result is the same. For speed, bytes are XORed into a 160-byte "lane" buffer
//! indexed by position mod 160 (positions 160 apart land on the same offset), and the lanes are
//! folded into the accumulator only at the end, so the hot loop is one XOR per byte.
//!
//! Where a byte lands depends on its position only, never on the bytes before it, so parts of
//! a file can be hashed apart and in any order ([`QuickXorHash::at_offset`]) and the states
//! merged ([`QuickXorHash::combine`]): a download in several ranges at once verifies the whole
//! file without reading it again.

use base64::Engine;

const WIDTH_BITS: usize = 160;
const SHIFT: usize = 11;
const LANES: usize = 160;

/// Streaming QuickXorHash state.
#[derive(Clone)]
pub struct QuickXorHash {
    lanes: [u8; LANES],
    pos: usize,
    len: u64,
}

impl Default for QuickXorHash {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for QuickXorHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuickXorHash")
            .field("len", &self.len)
            .finish()
    }
}

impl QuickXorHash {
    /// A fresh state.
    pub fn new() -> Self {
        QuickXorHash {
            lanes: [0; LANES],
            pos: 0,
            len: 0,
        }
    }

    /// A fresh state for bytes that start at byte `offset` of the content, to be merged with
    /// the other parts' states by [`QuickXorHash::combine`].
    pub fn at_offset(offset: u64) -> Self {
        QuickXorHash {
            lanes: [0; LANES],
            pos: (offset % LANES as u64) as usize,
            len: 0,
        }
    }

    /// Merges the state of other bytes of the same content (made with
    /// [`QuickXorHash::at_offset`], not overlapping these): the result is the state of both,
    /// its length the sum. When the parts cover the content from its start without a gap,
    /// [`QuickXorHash::update`] goes on after its end.
    pub fn combine(&mut self, other: &QuickXorHash) {
        for (a, b) in self.lanes.iter_mut().zip(&other.lanes) {
            *a ^= b;
        }
        self.len += other.len;
        self.pos = (self.len % LANES as u64) as usize;
    }

    /// The number of bytes fed (over all combined parts).
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True when no byte was fed.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Feeds more input.
    pub fn update(&mut self, mut data: &[u8]) {
        self.len += data.len() as u64;
        // Finish the current 160-byte lane cycle, then whole cycles, then the tail.
        let head = ((LANES - self.pos) % LANES).min(data.len());
        for (lane, b) in self.lanes[self.pos..self.pos + head].iter_mut().zip(data) {
            *lane ^= b;
        }
        self.pos = (self.pos + head) % LANES;
        data = &data[head..];
        let mut chunks = data.chunks_exact(LANES);
        for chunk in &mut chunks {
            for (lane, b) in self.lanes.iter_mut().zip(chunk) {
                *lane ^= b;
            }
        }
        let tail = chunks.remainder();
        for (lane, b) in self.lanes.iter_mut().zip(tail) {
            *lane ^= b;
        }
        self.pos = (self.pos + tail.len()) % LANES;
    }

    /// The 20-byte digest.
    pub fn finish(&self) -> [u8; 20] {
        let mut acc = [0u8; 20];
        for (i, &b) in self.lanes.iter().enumerate() {
            if b == 0 {
                continue;
            }
            let offset = (i * SHIFT) % WIDTH_BITS;
            let (byte, bit) = (offset / 8, offset % 8);
            acc[byte] ^= b << bit;
            if bit != 0 {
                acc[(byte + 1) % 20] ^= b >> (8 - bit);
            }
        }
        for (a, l) in acc[12..].iter_mut().zip(self.len.to_le_bytes()) {
            *a ^= l;
        }
        acc
    }

    /// The digest as standard padded Base64, the form Graph uses.
    pub fn finish_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.finish())
    }
}

/// QuickXorHash of a byte slice, as Base64.
pub fn hash_base64(data: &[u8]) -> String {
    let mut h = QuickXorHash::new();
    h.update(data);
    h.finish_base64()
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD;
    use proptest::prelude::*;

    #[test]
    fn matches_the_reference_vectors() {
        let bytes: Vec<u8> = (0..=255u8).collect();
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (b"".to_vec(), "AAAAAAAAAAAAAAAAAAAAAAAAAAA="),
            (b"a".to_vec(), "YQAAAAAAAAAAAAAAAQAAAAAAAAA="),
            (b"abc".to_vec(), "YRDDGAAAAAAAAAAAAwAAAAAAAAA="),
            (b"hello".to_vec(), "aCgDG9jwBgAAAAAABQAAAAAAAAA="),
            (b"Hello, World!".to_vec(), "SCgDG9jwBhaA4ApvnQMbyBACAAA="),
            (
                b"The quick brown fox jumps over the lazy dog".to_vec(),
                "bMSlbysmxJL6S75XwfMcQZOpcr4=",
            ),
            (bytes, "QkGEfSisZcA7k+FCh71r2dbCayY="),
            (vec![0; 1000], "AAAAAAAAAAAAAAAA6AMAAAAAAAA="),
            (vec![b'a'; 160], "////////////////X/////////8="),
            (vec![b'a'; 161], "nv//////////////Xv////////8="),
            (vec![b'a'; 1760], "////////////////H/n///////8="),
        ];
        for (input, want) in cases {
            assert_eq!(hash_base64(&input), want, "input of {} bytes", input.len());
        }
        for (input, want) in [
            ("Sg==", "SgAAAAAAAAAAAAAAAQAAAAAAAAA="),
            ("2fuxhBJXtpWFe8dOfdGeHw==", "O9tHLAghgSvYohKFyMMxnNCHaHg="),
            (
                "DWAAX5/CIfrmErgZa8ot6ZraeSbu",
                "LR2Z0PjuRYGKQB/mhQAuMrAGZbQ=",
            ),
        ] {
            assert_eq!(hash_base64(&STANDARD.decode(input).unwrap()), want);
        }
    }

    /// The algorithm as specified, one bit at a time: bit k of byte i goes to bit
    /// `(11 i + k) mod 160` of a little-endian 160-bit value, then the length (little-endian
    /// u64) is XORed into its last 8 bytes. Slow and obviously right, to check the lane trick.
    fn bitwise_reference(data: &[u8]) -> [u8; 20] {
        let mut bits = [false; WIDTH_BITS];
        for (i, b) in data.iter().enumerate() {
            for k in 0..8 {
                if b >> k & 1 == 1 {
                    bits[(i * SHIFT + k) % WIDTH_BITS] ^= true;
                }
            }
        }
        let mut out = [0u8; 20];
        for (j, byte) in out.iter_mut().enumerate() {
            *byte = (0..8).fold(0, |acc, k| acc | u8::from(bits[8 * j + k]) << k);
        }
        for (o, l) in out[12..].iter_mut().zip((data.len() as u64).to_le_bytes()) {
            *o ^= l;
        }
        out
    }

    proptest! {
        #[test]
        fn matches_the_bitwise_definition(data in proptest::collection::vec(any::<u8>(), 0..1200)) {
            prop_assert_eq!(hash_base64(&data), STANDARD.encode(bitwise_reference(&data)));
        }

        #[test]
        fn chunking_does_not_matter(data in proptest::collection::vec(any::<u8>(), 0..2000),
                                    sizes in proptest::collection::vec(1usize..400, 1..20)) {
            let mut h = QuickXorHash::new();
            let mut rest = &data[..];
            for s in sizes.iter().cycle() {
                if rest.is_empty() { break; }
                let n = (*s).min(rest.len());
                h.update(&rest[..n]);
                rest = &rest[n..];
            }
            prop_assert_eq!(h.finish_base64(), hash_base64(&data));
        }

        #[test]
        fn parts_hashed_apart_combine_in_any_order(
            data in proptest::collection::vec(any::<u8>(), 0..3000),
            cuts in proptest::collection::vec(0usize..3000, 0..8),
            rotate in 0usize..8,
        ) {
            let mut at: Vec<usize> = cuts.into_iter().map(|c| c % (data.len() + 1)).collect();
            at.push(0);
            at.push(data.len());
            at.sort_unstable();
            let mut parts: Vec<QuickXorHash> = at
                .windows(2)
                .map(|w| {
                    let mut h = QuickXorHash::at_offset(w[0] as u64);
                    h.update(&data[w[0]..w[1]]);
                    h
                })
                .collect();
            let n = parts.len();
            parts.rotate_left(rotate % n);
            let mut all = QuickXorHash::new();
            for p in &parts {
                all.combine(p);
            }
            prop_assert_eq!(all.len(), data.len() as u64);
            prop_assert_eq!(all.finish_base64(), hash_base64(&data));
        }
    }
}
