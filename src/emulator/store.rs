//! The emulated drive: an in-memory tree of items.

use std::collections::HashMap;

use crate::graph::model::{DriveItem, FileFacet, FolderFacet, Hashes, ItemReference};

/// One stored item.
#[derive(Debug, Clone)]
pub struct Node {
    /// Numeric part of the id.
    pub n: u64,
    /// Name as given (case kept).
    pub name: String,
    /// Parent's number; `None` for the root.
    pub parent: Option<u64>,
    /// `Some(content)` for files, `None` for folders.
    pub content: Option<Vec<u8>>,
    /// Children's numbers (folders only).
    pub children: Vec<u64>,
    /// Bumped on every change (eTag).
    pub version: u64,
    /// Creation time, RFC 3339.
    pub created: String,
    /// Modification time, RFC 3339.
    pub modified: String,
}

/// The whole drive.
#[derive(Debug)]
pub struct Store {
    /// 16 uppercase hex digits.
    pub drive_id: String,
    nodes: HashMap<u64, Node>,
    next: u64,
}

/// Number of the root folder.
pub const ROOT: u64 = 101;

impl Store {
    /// An empty drive.
    pub fn new(drive_id: &str) -> Self {
        let now = now_rfc3339();
        let root = Node {
            n: ROOT,
            name: "root".into(),
            parent: None,
            content: None,
            children: Vec::new(),
            version: 1,
            created: now.clone(),
            modified: now,
        };
        Store {
            drive_id: drive_id.to_owned(),
            nodes: HashMap::from([(ROOT, root)]),
            next: ROOT + 1,
        }
    }

    /// The drive of the seed README: `Documents/README.txt`, `Pics/image1.jpg`, `Pics/image2.jpg`.
    pub fn demo(drive_id: &str) -> Self {
        let mut s = Store::new(drive_id);
        let docs = s.insert(ROOT, "Documents", None);
        let pics = s.insert(ROOT, "Pics", None);
        s.insert(
            docs,
            "README.txt",
            Some(b"Welcome to the skydrive-cli demo drive.\n".to_vec()),
        );
        s.insert(pics, "image1.jpg", Some(fake_jpeg(1)));
        s.insert(pics, "image2.jpg", Some(fake_jpeg(2)));
        s
    }

    /// Adds a child (a file when `content` is set) and returns its number.
    pub fn insert(&mut self, parent: u64, name: &str, content: Option<Vec<u8>>) -> u64 {
        let n = self.next;
        self.next += 1;
        let now = now_rfc3339();
        self.nodes.insert(
            n,
            Node {
                n,
                name: name.to_owned(),
                parent: Some(parent),
                content,
                children: Vec::new(),
                version: 1,
                created: now.clone(),
                modified: now,
            },
        );
        if let Some(p) = self.nodes.get_mut(&parent) {
            p.children.push(n);
        }
        n
    }

    /// The node with number `n`.
    pub fn get(&self, n: u64) -> Option<&Node> {
        self.nodes.get(&n)
    }

    /// Resolves a percent-encoded `/`-separated path below `from`, ignoring case.
    pub fn resolve(&self, from: u64, path: &str) -> Option<u64> {
        let mut cur = from;
        for seg in path.split('/').filter(|s| !s.is_empty()) {
            let name = percent_encoding::percent_decode_str(seg)
                .decode_utf8()
                .ok()?;
            let node = self.nodes.get(&cur)?;
            cur = *node.children.iter().find(|c| {
                self.nodes
                    .get(c)
                    .is_some_and(|n| n.name.to_lowercase() == name.to_lowercase())
            })?;
        }
        Some(cur)
    }

    /// The item id of number `n`.
    pub fn id_of(&self, n: u64) -> String {
        format!("{}!{n}", self.drive_id)
    }

    /// Total bytes of a node and its descendants.
    pub fn size(&self, n: u64) -> u64 {
        self.nodes.get(&n).map_or(0, |node| match &node.content {
            Some(c) => c.len() as u64,
            None => node.children.iter().map(|c| self.size(*c)).sum(),
        })
    }

    /// `/drive/root:/A/B` path of the folder holding `n`'s children.
    pub fn path_of(&self, n: u64) -> String {
        let mut parts = Vec::new();
        let mut cur = self.nodes.get(&n);
        while let Some(node) = cur {
            if node.parent.is_none() {
                break;
            }
            parts.push(node.name.as_str());
            cur = node.parent.and_then(|p| self.nodes.get(&p));
        }
        parts.reverse();
        if parts.is_empty() {
            "/drive/root:".to_owned()
        } else {
            format!("/drive/root:/{}", parts.join("/"))
        }
    }

    /// The driveItem JSON model of `n`.
    pub fn to_item(&self, n: u64) -> Option<DriveItem> {
        let node = self.nodes.get(&n)?;
        let mut item = DriveItem {
            id: self.id_of(n),
            name: node.name.clone(),
            size: Some(self.size(n)),
            e_tag: Some(format!("\"{{{}}},{}\"", self.id_of(n), node.version)),
            created_date_time: Some(node.created.clone()),
            last_modified_date_time: Some(node.modified.clone()),
            ..DriveItem::default()
        };
        match &node.content {
            Some(bytes) => {
                item.file = Some(FileFacet {
                    mime_type: Some("application/octet-stream".into()),
                    hashes: Some(Hashes {
                        quick_xor_hash: Some(crate::graph::quickxor::hash_base64(bytes)),
                        ..Hashes::default()
                    }),
                });
            }
            None => {
                item.folder = Some(FolderFacet {
                    child_count: node.children.len() as u64,
                });
            }
        }
        item.parent_reference = Some(match node.parent {
            Some(p) => ItemReference {
                drive_id: Some(self.drive_id.to_lowercase()),
                drive_type: Some("personal".into()),
                id: Some(self.id_of(p)),
                path: Some(self.path_of(p)),
                ..ItemReference::default()
            },
            None => {
                item.root = Some(serde_json::json!({}));
                ItemReference {
                    drive_id: Some(self.drive_id.to_lowercase()),
                    drive_type: Some("personal".into()),
                    ..ItemReference::default()
                }
            }
        });
        Some(item)
    }
}

fn fake_jpeg(seed: u8) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0];
    v.extend((0..2048u32).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    v.extend([0xFF, 0xD9]);
    v
}

/// The current time as RFC 3339 UTC with milliseconds.
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now
        .replace_nanosecond(now.millisecond() as u32 * 1_000_000)
        .unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
