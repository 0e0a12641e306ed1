//! The two profiles and the id, tag and time forms each one uses (graph-api.md §1.1, §2, §13).
//!
//! Ids are opaque to clients, so the emulator derives them from its internal item numbers:
//! an id carries the number and a keyed check (a digest of drive id and number), so any id
//! can be read back without a table, and an id of one drive is never taken for another's.
//!
//! | | personal | business |
//! |---|---|---|
//! | drive id | 16 hex digits | `b!` + 64 base64url characters |
//! | root id | `{DRIVEID}!sea8cc6beffdb43d7976fbc7da445c639` | `01` + 32 base32 characters |
//! | item id | `{DRIVEID}!s` + 32 lowercase hex digits | `01` + 32 base32 characters |
//! | eTag | `a` + base64(`{id}.{version}`) | `"{GUID},{version}"`, quotes included |
//! | cTag | `a` + base64(`t:{id}.{version}`) | files `"c:{GUID},{version}"`; folders none |
//! | times | milliseconds | whole seconds |
//!
//! Personal drive ids come in both cases, as on the service since 2025 (onedrive-api-docs
//! #1902): upper case in item ids (`{DRIVEID}!s…`) and in `parentReference.driveId` of items
//! on another user's drive (a shared folder queried on its own drive, abraunegg/onedrive
//! #3072); lower case in the drive resource (`/me/drive`, `/me/drives`, `/drives/{id}`), in
//! `/me`'s id and in `parentReference.driveId` of the signed-in user's items, delta answers
//! included (rclone's delta mode, proven on the service, compares them with `/me/drive`'s id);
//! and lower case with leading zeros dropped in `remoteItem.parentReference.driveId`
//! (abraunegg #3115). Requests may use any case, with or without leading zeros.

use std::str::FromStr;

use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::store::ROOT;

/// Which kind of OneDrive the emulator behaves like.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// OneDrive for home (`driveType` personal), the default.
    #[default]
    Personal,
    /// OneDrive for work or school (`driveType` business) with a SharePoint site library.
    Business,
}

impl FromStr for Profile {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "personal" => Ok(Profile::Personal),
            "business" => Ok(Profile::Business),
            _ => Err(format!("unknown profile {s:?} (personal or business)")),
        }
    }
}

/// The fixed part of personal root ids since 2025 (onedrive-api-docs#1890).
pub(crate) const PERSONAL_ROOT: &str = "sea8cc6beffdb43d7976fbc7da445c639";

/// The RFC 4648 base32 alphabet, which business ids use.
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn digest(parts: &[&str]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    h.finalize().into()
}

/// Lower-case hex of `bytes` (ids and signatures are made for every item of every answer,
/// so without a `format!` per byte).
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// Base32 of 10 bytes: 16 characters.
fn base32(bytes: &[u8; 10]) -> String {
    let mut acc = 0u128;
    for b in bytes {
        acc = (acc << 8) | u128::from(*b);
    }
    (0..16)
        .rev()
        .map(|i| BASE32[((acc >> (i * 5)) & 31) as usize] as char)
        .collect()
}

fn unbase32(s: &str) -> Option<[u8; 10]> {
    if s.len() != 16 {
        return None;
    }
    let mut acc = 0u128;
    for c in s.bytes() {
        let v = BASE32.iter().position(|x| *x == c.to_ascii_uppercase())?;
        acc = (acc << 5) | v as u128;
    }
    let mut out = [0u8; 10];
    for (i, b) in out.iter_mut().enumerate() {
        *b = (acc >> (8 * (9 - i))) as u8;
    }
    Some(out)
}

/// The 10-byte check of item `n` on drive `drive`.
fn check(drive: &str, n: u64) -> [u8; 10] {
    let d = digest(&[&drive.to_lowercase(), &n.to_string()]);
    let mut out = [0u8; 10];
    out.copy_from_slice(&d[..10]);
    out
}

/// A business drive id: `b!` and 64 base64url characters derived from `label`.
pub(crate) fn business_drive_id(label: &str) -> String {
    let mut bytes = digest(&[label, "a"]).to_vec();
    bytes.extend_from_slice(&digest(&[label, "b"])[..16]);
    format!(
        "b!{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// A GUID (upper-case, no braces) derived from `parts`.
pub(crate) fn guid(parts: &[&str]) -> String {
    guid_form(&hex(&digest(parts)[..16]).to_uppercase())
}

/// 32 hex digits in the GUID form `8-4-4-4-12`.
pub(crate) fn guid_form(h: &str) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// The id of item `n` on drive `drive` (`root`: the drive's root).
pub(crate) fn item_id(profile: Profile, drive: &str, n: u64, root: bool) -> String {
    match profile {
        Profile::Personal if root => format!("{}!{PERSONAL_ROOT}", drive.to_uppercase()),
        Profile::Personal => format!(
            "{}!s{}{n:016x}",
            drive.to_uppercase(),
            hex(&check(drive, n)[..8])
        ),
        Profile::Business => {
            let mut num = [0u8; 10];
            num[2..].copy_from_slice(&n.to_be_bytes());
            format!("01{}{}", base32(&check(drive, n)), base32(&num))
        }
    }
}

/// The item number an id of drive `drive` carries, if the id is one of that drive's (`root`
/// ids answer `root`, which the caller knows). `None` for anything else.
pub(crate) fn parse_item_id(profile: Profile, drive: &str, id: &str, root: u64) -> Option<u64> {
    if id.eq_ignore_ascii_case("root") {
        return Some(root);
    }
    match profile {
        Profile::Personal => {
            let (d, rest) = id.split_once('!')?;
            if !same_drive(d, drive) {
                return None;
            }
            if rest.eq_ignore_ascii_case(PERSONAL_ROOT) {
                return Some(root);
            }
            let n = personal_number(rest)?;
            (rest[1..17].eq_ignore_ascii_case(&hex(&check(drive, n)[..8]))).then_some(n)
        }
        Profile::Business => {
            let n = business_number(id)?;
            (unbase32(&id[2..18])? == check(drive, n)).then_some(n)
        }
    }
}

fn personal_number(rest: &str) -> Option<u64> {
    let hex_part = rest.strip_prefix(['s', 'S'])?;
    if hex_part.len() != 32 || !hex_part.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(&hex_part[16..], 16).ok()
}

fn business_number(id: &str) -> Option<u64> {
    if id.len() != 34 || !id.starts_with("01") {
        return None;
    }
    let num = unbase32(&id[18..])?;
    let mut n = [0u8; 8];
    n.copy_from_slice(&num[2..]);
    Some(u64::from_be_bytes(n))
}

/// The item number inside any item id of either profile, unchecked (the hostile layer uses
/// it to pick items deterministically by parity); `None` for other strings. Personal root ids
/// carry no number and read as [`ROOT`] (every root's number is odd).
pub(crate) fn item_number(id: &str) -> Option<u64> {
    match id.split_once('!') {
        Some((_, rest)) if rest.eq_ignore_ascii_case(PERSONAL_ROOT) => Some(ROOT),
        Some((_, rest)) => personal_number(rest),
        None => business_number(id),
    }
}

/// Whether two drive ids name the same drive: case-insensitive, leading zeros optional
/// (personal ids come in both forms, graph-api.md §1.1).
pub(crate) fn same_drive(a: &str, b: &str) -> bool {
    a.trim_start_matches('0')
        .eq_ignore_ascii_case(b.trim_start_matches('0'))
}

/// A stored time (always with milliseconds) as the profile shows it: business drops the
/// fraction of the second, personal a fraction of `.000`.
pub(crate) fn show_time(profile: Profile, t: &str) -> String {
    match (profile, t.find('.')) {
        (Profile::Business, Some(dot)) => format!("{}Z", &t[..dot]),
        (Profile::Personal, Some(dot)) if &t[dot..] == ".000Z" => format!("{}Z", &t[..dot]),
        _ => t.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_belong_to_one_drive() {
        let d = "5D1B2C3A4F6E7D80";
        let id = item_id(Profile::Personal, d, 4242, false);
        assert_eq!(id.len(), 16 + 2 + 32);
        assert!(id.starts_with(&format!("{d}!s")));
        assert_eq!(parse_item_id(Profile::Personal, d, &id, 101), Some(4242));
        let lower = id.to_lowercase();
        assert_eq!(parse_item_id(Profile::Personal, d, &lower, 101), Some(4242));
        let other = "04A7C1E93B5D2F68";
        assert_eq!(parse_item_id(Profile::Personal, other, &id, 101), None);
        let root = item_id(Profile::Personal, d, 101, true);
        assert_eq!(root, format!("{d}!{PERSONAL_ROOT}"));
        assert_eq!(parse_item_id(Profile::Personal, d, &root, 101), Some(101));
        assert_eq!(item_number(&id), Some(4242));
        assert_eq!(item_number(&root), Some(ROOT));

        let b = business_drive_id("me");
        assert!(b.starts_with("b!") && b.len() == 66, "{b}");
        let id = item_id(Profile::Business, &b, 77, false);
        assert_eq!(id.len(), 34);
        assert!(id.starts_with("01"));
        assert!(id[2..].bytes().all(|c| BASE32.contains(&c)), "{id}");
        assert_eq!(parse_item_id(Profile::Business, &b, &id, 1), Some(77));
        let b2 = business_drive_id("site");
        assert_eq!(parse_item_id(Profile::Business, &b2, &id, 1), None);
        assert_eq!(item_number(&id), Some(77));
    }

    #[test]
    fn business_times_are_whole_seconds() {
        let t = "2026-01-02T03:04:05.678Z";
        assert_eq!(show_time(Profile::Business, t), "2026-01-02T03:04:05Z");
        assert_eq!(show_time(Profile::Personal, t), t);
        let whole = "2026-01-02T03:04:05.000Z";
        assert_eq!(show_time(Profile::Personal, whole), "2026-01-02T03:04:05Z");
        assert!(same_drive("05D1B2C3A4F6E7D8", "5d1b2c3a4f6e7d8"));
        assert!(!same_drive("5D1B2C3A4F6E7D80", "5D1B2C3A4F6E7D81"));
    }
}
