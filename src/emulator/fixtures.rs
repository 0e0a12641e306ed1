//! What tests and `--demo` reach into directly: files put and read without HTTP, the drive
//! ids of the world, the second user's token.

use super::drives;
use super::store::ROOT;
use super::{Emulator, Profile, session, synth};

impl Emulator {
    /// Stores a file at `path` (`/`-separated, from the root), creating folders; returns its id.
    /// An existing file is replaced.
    ///
    /// # Panics
    ///
    /// When the blob directory cannot be written (a test setup failure).
    pub fn put_file(&self, path: &str, bytes: &[u8]) -> String {
        let (dir, name) = path
            .trim_matches('/')
            .rsplit_once('/')
            .unwrap_or(("", path));
        let name = name.trim_matches('/');
        let parent = self.mkdir_n(dir);
        let blob = match self.shared.blobs.write_bytes(bytes) {
            Ok(b) => b,
            Err(e) => panic!("emulator: cannot write a blob: {e}"),
        };
        let (id, old) = self.shared.mutate(|s| match s.child(parent, name) {
            Some(n) if s.get(n).is_some_and(|node| node.is_file()) => {
                (s.id_of(n), s.set_content(n, blob))
            }
            _ => {
                let n = s.insert(parent, name, Some(blob));
                (s.id_of(n), Vec::new())
            }
        });
        self.shared.blobs.remove_all(old);
        id
    }

    /// The profile this emulator answers as.
    pub fn profile(&self) -> Profile {
        self.shared.lock_store().profile
    }

    /// The signed-in user's drive id (personal: 16 upper-case hex digits, the prefix of item
    /// ids; business: `b!…`).
    pub fn drive_id(&self) -> String {
        self.shared.lock_store().drives[0].id.clone()
    }

    /// The second user's drive id (the one sharing folders with the signed-in user).
    pub fn other_drive_id(&self) -> String {
        let s = self.shared.lock_store();
        s.drives
            .iter()
            .find(|d| d.owner == drives::OTHER)
            .map(|d| d.id.clone())
            .unwrap_or_default()
    }

    /// The site document library's drive id (business only).
    pub fn site_drive_id(&self) -> Option<String> {
        let s = self.shared.lock_store();
        s.drives
            .iter()
            .find(|d| d.kind == "documentLibrary")
            .map(|d| d.id.clone())
    }

    /// A valid access token of the second user, so a test can act as them (their drive is
    /// `/me/drive` for it, the signed-in user's shared folders are theirs to grant).
    pub fn other_user_token(&self) -> String {
        let token = self
            .shared
            .lock_auth()
            .current_access(Some(std::time::Duration::from_secs(10 * 365 * 24 * 3600)));
        self.shared.mutate(|s| {
            s.user_tokens.insert(token.clone(), drives::OTHER);
            s.changes.other = true;
        });
        token
    }

    /// Creates the folder `path` and any missing parents; returns its id.
    pub fn mkdir_p(&self, path: &str) -> String {
        let n = self.mkdir_n(path);
        self.shared.lock_store().id_of(n)
    }

    fn mkdir_n(&self, path: &str) -> u64 {
        self.shared.mutate(|s| {
            path.split('/')
                .filter(|p| !p.is_empty())
                .fold(ROOT, |cur, name| match s.child(cur, name) {
                    Some(n) => n,
                    None => s.insert(cur, name, None),
                })
        })
    }

    /// The bytes of the file at `path`, for byte-exact assertions in tests.
    pub fn file_bytes(&self, path: &str) -> Option<Vec<u8>> {
        let blob = {
            let s = self.shared.lock_store();
            let n = path
                .split('/')
                .filter(|p| !p.is_empty())
                .try_fold(ROOT, |cur, name| s.child(cur, name))?;
            s.get(n)?.blob.clone()?
        };
        match blob.key() {
            Some(key) => self.shared.blobs.read(key).ok(),
            None => Some(synth::bytes(&blob)),
        }
    }

    /// Makes every open upload session expire now (to test expiry without waiting).
    pub fn expire_upload_sessions(&self) {
        session::expire_all(&self.shared);
    }
}
