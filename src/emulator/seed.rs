//! The drives the emulator starts with: the seed README's demo tree (`--demo`, the default;
//! the shell's tests list it) or an empty drive.

use super::blob::Blobs;
use super::store::{ROOT, Store};
use super::{DEMO_DRIVE_ID, Seed};
use crate::error::{Error, Result};

/// A new drive with the given seed.
pub(crate) fn seed(seed: Seed, blobs: &Blobs) -> Result<Store> {
    let mut s = Store::new(DEMO_DRIVE_ID);
    if seed == Seed::Demo {
        let docs = s.insert(ROOT, "Documents", None);
        let pics = s.insert(ROOT, "Pics", None);
        let files: [(u64, &str, Vec<u8>); 3] = [
            (
                docs,
                "README.txt",
                b"Welcome to the skydrive-cli demo drive.\n".to_vec(),
            ),
            (pics, "image1.jpg", fake_jpeg(1)),
            (pics, "image2.jpg", fake_jpeg(2)),
        ];
        for (parent, name, bytes) in files {
            let blob = blobs
                .write_bytes(&bytes)
                .map_err(|e| Error::io("blob dir", e))?;
            s.insert(parent, name, Some(blob));
        }
    }
    Ok(s)
}

fn fake_jpeg(seed: u8) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0];
    v.extend((0..2048u32).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    v.extend([0xFF, 0xD9]);
    v
}
