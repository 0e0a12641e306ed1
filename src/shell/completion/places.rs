//! Completion of places, the names that are no path of the current folder: after `shared:`
//! in any argument taking a remote item (`cd shared:Sh<Tab>`, `get shared:bu<Tab>`), the
//! names `shared` lists; and `drive`'s argument, the drive names `drives` shows. Each list is
//! asked once and kept as long as a folder's listing ([`cache::DEFAULT_TTL`]), since it
//! changes as rarely; a Tab waits for it at most [`FETCH_BUDGET`], after which the request
//! goes on and fills the list for the next Tab. Names compare ignoring case, as OneDrive
//! compares them; a name is inserted escaped as any path is, so it runs as the name.
//! Below a shared item (`shared:NAME/…`) nothing is completed yet: the path there belongs
//! to another drive, which the listing cache of the current place does not hold.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use rustyline::completion::Pair;

use super::{ArgKind, FETCH_BUDGET, ShellHelper, candidate};
use crate::graph::GraphClient;
use crate::shell::cache;
use crate::shell::lexer::Tail;

/// A list of names (and whether each is a folder), as fetched at a time.
type Names = Option<(Instant, Vec<(String, bool)>)>;

/// The lists places are completed from, shared with the requests that fill them.
#[derive(Debug, Default)]
pub struct Places {
    shared: Arc<Mutex<Names>>,
    drives: Arc<Mutex<Names>>,
}

/// Which list a place comes from.
#[derive(Debug, Clone, Copy)]
enum Which {
    Shared,
    Drives,
}

impl ShellHelper {
    /// The candidates when `value`, argument `index` of command `cmd` (its real name) of
    /// `kind`, names a place: `shared:PREFIX` in a remote argument (folders only where
    /// `kind` takes folders only), or `drive`'s argument; `None` when it is a path.
    pub(super) fn places(
        &self,
        cmd: &str,
        index: usize,
        kind: ArgKind,
        value: &str,
        tail: &Tail,
    ) -> Option<Vec<Pair>> {
        let (which, dir, prefix) = match (cmd, index, kind) {
            ("drive", 0, _) => (Which::Drives, "", value),
            (_, _, ArgKind::Remote | ArgKind::RemoteFolder) => {
                let prefix = value.strip_prefix("shared:")?;
                if prefix.contains('/') {
                    return Some(Vec::new());
                }
                (Which::Shared, "shared:", prefix)
            }
            _ => return None,
        };
        let folders_only = kind == ArgKind::RemoteFolder;
        let p = prefix.to_lowercase();
        let pairs = self
            .place_names(which)
            .into_iter()
            .filter(|(name, folder)| {
                name.to_lowercase().starts_with(&p) && (*folder || !folders_only)
            })
            .map(|(name, folder)| match which {
                Which::Shared => candidate(dir, &name, folder, tail.open_quote),
                Which::Drives => candidate(dir, &name, false, tail.open_quote),
            })
            .collect();
        Some(pairs)
    }

    /// The names of list `which`, from the kept list when fresh, else fetched within the
    /// budget (empty when the server is slower or fails).
    fn place_names(&self, which: Which) -> Vec<(String, bool)> {
        let list = match which {
            Which::Shared => self.places.shared.clone(),
            Which::Drives => self.places.drives.clone(),
        };
        let fresh = |l: &Names| {
            l.as_ref()
                .filter(|(at, _)| at.elapsed() < cache::DEFAULT_TTL)
                .map(|(_, names)| names.clone())
        };
        if let Some(names) = fresh(&lock(&list)) {
            return names;
        }
        let client = self
            .client
            .lock()
            .map(|c| c.clone())
            .unwrap_or_else(|p| p.into_inner().clone());
        let (done, fetched) = std::sync::mpsc::channel();
        let kept = list.clone();
        self.handle.spawn(async move {
            if let Some(names) = fetch(&client, which).await {
                *lock(&kept) = Some((Instant::now(), names));
            }
            let _ = done.send(());
        });
        if fetched.recv_timeout(FETCH_BUDGET).is_err() {
            return Vec::new();
        }
        fresh(&lock(&list)).unwrap_or_default()
    }
}

/// List `which` from the server (`GET /me/drive/sharedWithMe`, `GET /me/drives`: the same
/// wherever the session is); `None` when the request fails.
async fn fetch(client: &GraphClient, which: Which) -> Option<Vec<(String, bool)>> {
    let mut names: Vec<(String, bool)> = match which {
        Which::Shared => client
            .shared_with_me()
            .await
            .ok()?
            .into_iter()
            .map(|i| {
                let folder = i.is_folder();
                (i.name, folder)
            })
            .collect(),
        Which::Drives => client
            .drives()
            .await
            .ok()?
            .into_iter()
            .map(|d| (d.name.unwrap_or(d.id), false))
            .collect(),
    };
    names.sort();
    names.dedup();
    Some(names)
}

fn lock(list: &Mutex<Names>) -> std::sync::MutexGuard<'_, Names> {
    list.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(all(test, feature = "emulator"))]
mod tests {
    use super::*;
    use crate::emulator::{Emulator, EmulatorOptions, Profile, Seed};
    use crate::graph::StaticToken;
    use crate::shell::cache::DirCache;

    /// Completes `line` at its end with a helper on the `kinds` drive of `profile`, served on
    /// loopback; the replacements.
    fn complete(profile: Profile, lines: &[&str]) -> Vec<Vec<String>> {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let emu = rt
            .block_on(Emulator::start(EmulatorOptions {
                profile,
                seed: Seed::Kinds,
                ..EmulatorOptions::default()
            }))
            .unwrap();
        let token = Arc::new(StaticToken(emu.access_token().to_owned()));
        let client = GraphClient::new(emu.graph_url(), token).unwrap();
        let h = ShellHelper::new(
            Arc::new(Mutex::new(client)),
            Arc::new(Mutex::new(DirCache::default())),
            Arc::new(Mutex::new("/".into())),
            rt.handle().clone(),
        );
        lines
            .iter()
            .map(|l| {
                h.complete_at(l, l.len())
                    .1
                    .into_iter()
                    .map(|p| p.replacement)
                    .collect()
            })
            .collect()
    }

    #[test]
    fn shared_names_and_drive_names_complete() {
        for profile in [Profile::Personal, Profile::Business] {
            let got = complete(
                profile,
                &[
                    "ls shared:",
                    "cd shared:",
                    "get 'shared:bu",
                    "cat shared:r",
                    "cd shared:Shared\\ Folder/",
                    "drive ",
                    "drive doc",
                    "ls sh",
                ],
            );
            let business = profile == Profile::Business;
            assert_eq!(
                got[0],
                [
                    "shared:Read-only\\ Folder/",
                    "shared:Shared\\ Folder/",
                    "shared:budget.txt "
                ]
            );
            assert_eq!(
                got[1],
                ["shared:Read-only\\ Folder/", "shared:Shared\\ Folder/"]
            );
            assert_eq!(got[2], ["'shared:budget.txt' "]);
            assert_eq!(got[3], ["shared:Read-only\\ Folder/"]);
            assert!(got[4].is_empty(), "{:?}", got[4]);
            let drives: &[&str] = if business {
                &["Documents ", "OneDrive "]
            } else {
                &["OneDrive "]
            };
            assert_eq!(got[5], drives);
            let docs: &[&str] = if business { &["Documents "] } else { &[] };
            assert_eq!(got[6], docs);
            assert_eq!(got[7], ["Shared\\ Folder/"], "a path is still a path");
        }
    }
}
