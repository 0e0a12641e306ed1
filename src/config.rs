//! The `~/.lcrc` configuration file (design.md §5), YAML, compatible with the seed's.
//!
//! The file is shared between the user (who writes `client.id`, comments, keys of their own)
//! and the tool (which writes the `auth` tokens), and possibly between two shells refreshing
//! tokens at once. So a save takes an exclusive lock on a side lock file, re-reads the file,
//! changes only the lines of the keys we own, writes a temp file (mode 0600) and renames it
//! over the original (see [`save`] for symbolic links, unwritable folders and the seed's
//! `conf_save: false`). A file that does not parse is reported with its line and never
//! overwritten.

use std::fs;
use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};

use crate::error::{Error, Result};

mod edit;
pub mod save;
mod yaml;
pub use save::{ConfigLock, Saved, write_private, write_private_unsynced};
use yaml::{at_line, check_regular_file, key_line, parse_doc, scalar};

/// Microsoft's public-cloud Graph endpoint.
pub const DEFAULT_GRAPH_URL: &str = "https://graph.microsoft.com/v1.0";
/// Microsoft's public-cloud identity platform.
pub const DEFAULT_LOGIN_URL: &str = "https://login.microsoftonline.com";

/// The settings and tokens of one config file.
#[derive(Clone, Default, PartialEq)]
pub struct Config {
    /// Where the file lives (whether or not it exists yet).
    pub path: PathBuf,
    /// `client.id`: the app (client) id of the Entra app registration.
    pub client_id: Option<String>,
    /// `client.secret`: only for confidential registrations.
    pub client_secret: Option<String>,
    /// `client.tenant`: `common`, `consumers`, `organizations` or a tenant id.
    pub tenant: String,
    /// `api.graph_url`.
    pub graph_url: String,
    /// `api.login_url`.
    pub login_url: String,
    /// `auth.access_token`.
    pub access_token: Option<String>,
    /// `auth.refresh_token`.
    pub refresh_token: Option<String>,
    /// `auth.access_expires` (RFC 3339).
    pub access_expires: Option<String>,
    /// The owned keys' values as last read from or written to disk; a save writes only the
    /// keys changed since, so a stale copy never clobbers another process's newer token.
    on_disk: Option<Box<[Option<String>; 8]>>,
    /// The seed's top-level `conf_save: false`: never write the file back.
    no_save: bool,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("path", &self.path)
            .field("client_id", &self.client_id)
            .field("tenant", &self.tenant)
            .field("graph_url", &self.graph_url)
            .field("login_url", &self.login_url)
            .field("has_access_token", &self.access_token.is_some())
            .field("has_refresh_token", &self.refresh_token.is_some())
            .finish_non_exhaustive()
    }
}

/// The directory for the shell's history, the demo drive and the state of transfers and
/// mirrors: `$SKYDRIVE_HOME`, else the platform's data directory
/// (`~/.local/share/skydrive-cli` on Linux); `None` when neither is known (no home directory).
pub fn data_dir() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("SKYDRIVE_HOME").filter(|h| !h.is_empty()) {
        return Some(PathBuf::from(home));
    }
    directories::ProjectDirs::from("", "", "skydrive-cli").map(|d| d.data_dir().to_path_buf())
}

impl Config {
    /// The config path: `explicit` (from `--config`), else `$SKYDRIVE_CONFIG`, else `~/.lcrc`.
    pub fn default_path(explicit: Option<&Path>) -> PathBuf {
        if let Some(p) = explicit {
            return p.to_owned();
        }
        if let Some(p) = std::env::var_os("SKYDRIVE_CONFIG").filter(|p| !p.is_empty()) {
            return PathBuf::from(p);
        }
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default();
        home.join(".lcrc")
    }

    /// An empty config for `path` with the public-cloud defaults.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Config {
            path: path.into(),
            tenant: "common".to_owned(),
            graph_url: DEFAULT_GRAPH_URL.to_owned(),
            login_url: DEFAULT_LOGIN_URL.to_owned(),
            ..Config::default()
        }
    }

    /// Reads and checks `path`. A missing file is an error naming the fix; so is anything that
    /// is not a regular file (a folder, a FIFO that would block the read, a dangling link).
    pub fn load(path: &Path) -> Result<Self> {
        check_regular_file(path)?;
        let text = fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(path, &text)
    }

    /// Parses config text; `path` is only used in messages.
    pub fn parse(path: &Path, text: &str) -> Result<Self> {
        let doc = parse_doc(path, text)?;
        for section in ["client", "api", "auth"] {
            if let Some(v) = doc.get(section)
                && !(v.is_mapping() || v.is_null())
            {
                return Err(Error::config(
                    path,
                    format!(
                        "{}{section} must be a mapping of keys, e.g. `{section}:` then indented \
                         `key: value` lines",
                        at_line(key_line(text, section, None))
                    ),
                ));
            }
        }
        let scalar = |section: &str, key: &str| scalar(path, text, &doc, section, key);
        let mut cfg = Config::new(path);
        cfg.client_id = scalar("client", "id")?;
        cfg.client_secret = scalar("client", "secret")?;
        if let Some(t) = scalar("client", "tenant")? {
            cfg.tenant = t;
        }
        if let Some(u) = scalar("api", "graph_url")? {
            cfg.graph_url = u.trim_end_matches('/').to_owned();
        }
        if let Some(u) = scalar("api", "login_url")? {
            cfg.login_url = u.trim_end_matches('/').to_owned();
        }
        for (key, url) in [("graph_url", &cfg.graph_url), ("login_url", &cfg.login_url)] {
            check_endpoint(path, &format!("api.{key}"), url).map_err(|e| {
                match (e.kind(), key_line(text, "api", Some(key))) {
                    (crate::ErrorKind::Config { message, .. }, Some(n)) => {
                        Error::config(path, format!("line {n}: {message}"))
                    }
                    _ => e,
                }
            })?;
        }
        cfg.access_token = scalar("auth", "access_token")?;
        cfg.refresh_token = scalar("auth", "refresh_token")?;
        cfg.access_expires = scalar("auth", "access_expires")?;
        cfg.no_save = match doc.get("conf_save") {
            None | Some(Value::Null | Value::Bool(true)) => false,
            Some(Value::Bool(false)) => true,
            Some(_) => {
                let line = at_line(key_line(text, "conf_save", None));
                return Err(Error::config(
                    path,
                    format!(
                        "{line}conf_save must be `false` (never write this file) or absent; a \
                         path to save elsewhere is not supported, use --config for that"
                    ),
                ));
            }
        };
        cfg.on_disk = Some(Box::new(cfg.owned_values()));
        Ok(cfg)
    }

    /// True when `conf_save: false` asks never to write the file.
    pub fn saves_disabled(&self) -> bool {
        self.no_save
    }

    /// True when the keys this tool owns hold values that are not on disk (a save failed, or
    /// `conf_save: false`): the file must not be taken over these.
    pub fn has_unsaved_changes(&self) -> bool {
        self.on_disk
            .as_deref()
            .is_none_or(|old| *old != self.owned_values())
    }

    fn owned_values(&self) -> [Option<String>; 8] {
        [
            self.client_id.clone(),
            self.client_secret.clone(),
            Some(self.tenant.clone()),
            Some(self.graph_url.clone()),
            Some(self.login_url.clone()),
            self.access_token.clone(),
            self.refresh_token.clone(),
            self.access_expires.clone(),
        ]
    }

    /// The owned keys that changed since loaded (all set ones for a new config), as
    /// `(section, key, value)`; `None` means the key was cleared.
    fn changes(&self) -> Vec<(&'static str, &'static str, Option<String>)> {
        const KEYS: [(&str, &str); 8] = [
            ("client", "id"),
            ("client", "secret"),
            ("client", "tenant"),
            ("api", "graph_url"),
            ("api", "login_url"),
            ("auth", "access_token"),
            ("auth", "refresh_token"),
            ("auth", "access_expires"),
        ];
        let values = self.owned_values();
        KEYS.iter()
            .zip(values)
            .enumerate()
            .filter(|(i, (_, v))| self.on_disk.as_ref().is_none_or(|old| old[*i] != *v))
            // A fresh config does not clear what it never had.
            .filter(|(_, (_, v))| v.is_some() || self.on_disk.is_some())
            .map(|(_, ((s, k), v))| (*s, *k, v))
            .collect()
    }

    /// `changes` applied to the parsed document `doc`.
    fn merge_into(doc: &mut Value, changes: &[(&str, &str, Option<String>)]) {
        if !doc.is_mapping() {
            *doc = Value::Mapping(Mapping::new());
        }
        for (section, key, value) in changes {
            let Some(value) = value else {
                // Cleared since loaded (sign-out): drop the key.
                if let Some(sec) = doc.get_mut(*section).and_then(Value::as_mapping_mut) {
                    sec.remove(*key);
                }
                continue;
            };
            let Some(map) = doc.as_mapping_mut() else {
                return;
            };
            let sec = map
                .entry(Value::from(*section))
                .or_insert_with(|| Value::Mapping(Mapping::new()));
            if !sec.is_mapping() {
                *sec = Value::Mapping(Mapping::new());
            }
            if let Some(sec) = sec.as_mapping_mut() {
                sec.insert(Value::from(*key), Value::from(value.as_str()));
            }
        }
    }
}

/// `http://` is allowed only for loopback hosts; everything else must be `https://`.
pub fn check_endpoint(path: &Path, key: &str, value: &str) -> Result<()> {
    let url = url::Url::parse(value)
        .map_err(|e| Error::config(path, format!("{key} {value:?} is not a URL: {e}")))?;
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url.host_str().unwrap_or("")) => Ok(()),
        _ => Err(Error::config(
            path,
            format!(
                "{key} must use https:// (plain http:// is allowed only for 127.0.0.1, ::1 or localhost)"
            ),
        )),
    }
}

/// True when `url` points at this machine (`127.0.0.0/8`, `::1`, `localhost`).
pub(crate) fn url_is_loopback(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| u.host_str().is_some_and(is_loopback))
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests;
