//! A [`Listed`] in the index's byte form (`index_file.rs`): written as a walk goes
//! and read back record by record, so the form is compact (variable-length integers, one run
//! of text) and a record cut short reads as none rather than as a wrong record.

use super::{Extra, Kind, Listed, Media};

impl Listed {
    /// Appends the record to `out` in the index's form (`index_file.rs`): kind, media, size
    /// and the length of each text field as variable-length integers, the text, and a
    /// shortcut's or package's properties as JSON.
    pub(in crate::drive::walk) fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.kind as u8);
        out.push(self.media as u8);
        put_varint(out, self.size);
        let mut start = 0;
        for end in self.ends {
            put_varint(out, u64::from(end - start));
            start = end;
        }
        put_varint(
            out,
            u64::from(u32::try_from(self.text.len()).unwrap_or(0) - start),
        );
        out.extend_from_slice(self.text.as_bytes());
        let extra = self
            .extra
            .as_deref()
            .map(|e| serde_json::json!({"remoteItem": e.remote, "package": e.package}).to_string());
        let extra = extra.unwrap_or_default();
        put_varint(out, extra.len() as u64);
        out.extend_from_slice(extra.as_bytes());
    }

    /// Reads a record [`Listed::encode`] wrote at the start of `bytes` and moves past it;
    /// `None` when `bytes` holds no whole record.
    pub(in crate::drive::walk) fn decode(bytes: &mut &[u8]) -> Option<Listed> {
        let (kind, media) = (take(bytes, 1)?[0], take(bytes, 1)?[0]);
        let kind = [
            Kind::Folder,
            Kind::File,
            Kind::Flagged,
            Kind::Notebook,
            Kind::Package,
        ]
        .into_iter()
        .find(|k| *k as u8 == kind)?;
        let media = [Media::File, Media::Photo, Media::Video, Media::Audio]
            .into_iter()
            .find(|m| *m as u8 == media)?;
        let size = varint(bytes)?;
        let mut ends = [0u32; 5];
        let mut end = 0u32;
        for e in &mut ends {
            end = end.checked_add(u32::try_from(varint(bytes)?).ok()?)?;
            *e = end;
        }
        let len = end.checked_add(u32::try_from(varint(bytes)?).ok()?)? as usize;
        let text = std::str::from_utf8(take(bytes, len)?).ok()?;
        let extra_len = usize::try_from(varint(bytes)?).ok()?;
        let extra = match take(bytes, extra_len)? {
            [] => None,
            json => {
                let v: serde_json::Value = serde_json::from_slice(json).ok()?;
                let remote = serde_json::from_value(v.get("remoteItem")?.clone()).ok()?;
                let package = v.get("package").filter(|p| !p.is_null()).cloned();
                Some(Box::new(Extra { remote, package }))
            }
        };
        Some(Listed {
            text: text.into(),
            ends,
            size,
            kind,
            media,
            extra,
        })
    }
}

/// Appends `n` as a LEB128 variable-length integer (7 bits a byte, low bits first).
pub(in crate::drive::walk) fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads a [`put_varint`] integer at the start of `bytes` and moves past it.
pub(in crate::drive::walk) fn varint(bytes: &mut &[u8]) -> Option<u64> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let b = take(bytes, 1)?[0];
        n |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(n);
        }
    }
    None
}

/// The first `len` bytes of `bytes`, moving past them.
pub(in crate::drive::walk) fn take<'b>(bytes: &mut &'b [u8], len: usize) -> Option<&'b [u8]> {
    let (head, rest) = (bytes.get(..len)?, bytes.get(len..)?);
    *bytes = rest;
    Some(head)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::DriveItem;

    #[test]
    fn a_record_reads_back_as_it_was_written() {
        let shortcut: DriveItem = serde_json::from_value(serde_json::json!({
            "id": "D!s2", "name": "Shared é", "size": 300,
            "remoteItem": {"id": "R!s9", "folder": {}, "parentReference": {"driveId": "r"}}
        }))
        .unwrap();
        let notebook: DriveItem = serde_json::from_value(serde_json::json!({
            "id": "D!s3", "name": "Notes", "package": {"type": "oneNote"}
        }))
        .unwrap();
        let records = [Listed::new(shortcut, true), Listed::new(notebook, false)];
        let mut out = Vec::new();
        records.iter().for_each(|r| r.encode(&mut out));
        let mut bytes = out.as_slice();
        for r in &records {
            assert_eq!(Listed::decode(&mut bytes).as_ref(), Some(r));
        }
        assert!(bytes.is_empty() && Listed::decode(&mut bytes).is_none());
        let mut cut = &out[..out.len() - 1];
        Listed::decode(&mut cut).unwrap();
        assert!(
            Listed::decode(&mut cut).is_none(),
            "a record cut short is none"
        );
    }
}
