//! Starting a world: loading or seeding the store, choosing the listeners' addresses and the
//! host names their URLs use.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Mutex;

use super::{EmulatorOptions, Profile, Shared, Urls, auth, blob, faults, log, persist, resp, seed};
use crate::error::{Error, Result};

/// The address to put in URLs: a wildcard bind (`0.0.0.0`, `::`) is reached on loopback.
pub(super) fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => {
            SocketAddr::from(([127, 0, 0, 1], addr.port()))
        }
        ip if ip.is_unspecified() => SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, addr.port())),
        _ => addr,
    }
}

fn profile_name(p: Profile) -> &'static str {
    match p {
        Profile::Personal => "personal",
        Profile::Business => "business",
    }
}

/// Where the content listener binds: beside the Graph listener, except that a Graph listener
/// on `::1` gets its content listener on `127.0.0.1` (see [`other_host_name`]).
pub(super) fn content_ip(graph: std::net::IpAddr) -> std::net::IpAddr {
    if graph == std::net::Ipv6Addr::LOCALHOST {
        std::net::Ipv4Addr::LOCALHOST.into()
    } else {
        graph
    }
}

/// The host name content URLs use, never the Graph URL's (graph-api.md §13): `localhost`
/// for `127.0.0.1` (the Graph URL names the address), `127.0.0.1` when Graph is on `::1`.
pub(super) fn other_host_name(addr: SocketAddr) -> String {
    match addr.ip() {
        ip if ip == std::net::Ipv4Addr::LOCALHOST => format!("localhost:{}", addr.port()),
        _ => addr.to_string(),
    }
}

/// Unreferenced blobs older than this are removed at start (younger ones may belong to an
/// upload another process sharing the data dir is receiving).
const STRAY_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

/// Loads or seeds the world and assembles the shared state.
pub(super) fn build_shared(opts: &EmulatorOptions, urls: Urls) -> Result<Shared> {
    let blob_dir = opts.data_dir.as_ref().map(|d| d.join("blobs"));
    let blobs = blob::Blobs::open(blob_dir.clone()).map_err(|e| {
        let dir = blob_dir.as_deref().unwrap_or(Path::new("temp dir"));
        Error::io(dir.to_owned(), e)
    })?;
    let fresh = || seed::seed(opts.seed, opts.profile, &blobs);
    let (persist, store, auth) = match &opts.data_dir {
        None => (None, fresh()?, auth::Auth::default()),
        Some(dir) => {
            let p = persist::Persister::open(dir)?;
            let (store, auth, new) = p.load_or_create(&blobs, fresh)?;
            check_profile(dir, store.profile, opts.profile)?;
            if !new {
                let live = store
                    .all()
                    .flat_map(|n| n.blob.iter().chain(n.versions().iter().map(|v| &v.blob)))
                    .filter_map(|b| b.key().map(str::to_owned))
                    .collect();
                if let Err(e) = blobs.retain(&live, STRAY_AGE) {
                    eprintln!("skydrive-emu: cleaning the blob dir: {e}");
                }
            }
            (Some(p), store, auth)
        }
    };
    Ok(Shared {
        store: Mutex::new(store),
        blobs,
        auth: Mutex::new(auth),
        sessions: Mutex::new(HashMap::new()),
        jobs: Mutex::new(HashMap::new()),
        faults: faults::FaultState::new(opts.faults.clone()),
        log: match &opts.request_log_file {
            Some(path) => log::RequestLog::with_sink(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|e| Error::io(path, e))?,
            ),
            None => log::RequestLog::default(),
        },
        urls,
        secret: resp::random_hex(16),
        persist,
    })
}

/// A data dir keeps the profile it was made with.
fn check_profile(dir: &Path, have: Profile, want: Profile) -> Result<()> {
    if have == want {
        return Ok(());
    }
    Err(Error::config(
        dir.display().to_string(),
        format!(
            "this data dir holds a {} world, not {}: use its profile, or another --data DIR",
            profile_name(have),
            profile_name(want)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_binds_are_advertised_on_loopback() {
        let any: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(reachable(any).to_string(), "127.0.0.1:8080");
        let any6: SocketAddr = "[::]:9".parse().unwrap();
        assert_eq!(reachable(any6).to_string(), "[::1]:9");
        let lo: SocketAddr = "127.0.0.2:1".parse().unwrap();
        assert_eq!(reachable(lo), lo);
    }
}
