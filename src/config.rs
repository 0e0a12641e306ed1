//! The `~/.lcrc` configuration file (design.md §5), YAML, compatible with the seed's.
//!
//! The file is shared between the user (who writes `client.id`) and the tool (which writes the
//! `auth` tokens), and possibly between two shells refreshing tokens at once. So a save takes an
//! exclusive lock on a side lock file, re-reads the file, changes only the keys we own, writes a
//! temp file (mode 0600) and renames it over the original. Unknown keys are kept. A file that
//! does not parse is reported with its line and never overwritten.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};

use crate::error::{Error, Result};

mod yaml;
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
}

/// An exclusive lock on a config file (a side `.lock` file), held until dropped.
#[derive(Debug)]
pub struct ConfigLock {
    _file: fs::File,
}

impl ConfigLock {
    /// Blocks until the lock on the config at `path` is ours.
    pub fn acquire(path: &Path) -> Result<Self> {
        let lock_path = sibling(path, ".lock");
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io(&lock_path, e))?;
        file.lock().map_err(|e| Error::io(&lock_path, e))?;
        Ok(ConfigLock { _file: file })
    }

    /// [`ConfigLock::acquire`] without blocking the async runtime.
    pub async fn acquire_async(path: &Path) -> Result<Self> {
        let path = path.to_owned();
        tokio::task::spawn_blocking(move || ConfigLock::acquire(&path))
            .await
            .map_err(|e| Error::config("config lock", e.to_string()))?
    }
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
        cfg.on_disk = Some(Box::new(cfg.owned_values()));
        Ok(cfg)
    }

    /// Saves the keys this tool owns that changed since this config was loaded (all set keys
    /// for a config made with [`Config::new`]), keeping every other key as it is on disk now.
    /// Locked, atomic, mode 0600. Afterwards `self` holds the merged result, so tokens another
    /// process saved meanwhile are picked up.
    pub fn save(&mut self) -> Result<()> {
        let lock = ConfigLock::acquire(&self.path)?;
        self.save_locked(&lock)
    }

    /// [`Config::save`] while the caller already holds the file's lock.
    pub fn save_locked(&mut self, _lock: &ConfigLock) -> Result<()> {
        let mut doc = match fs::read_to_string(&self.path) {
            Ok(text) => parse_doc(&self.path, &text)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // Gone since we read it: write everything we know, not only the changes.
                self.on_disk = None;
                Value::Mapping(Mapping::new())
            }
            Err(e) => return Err(Error::io(&self.path, e)),
        };
        self.merge_into(&mut doc);
        let text =
            serde_yaml::to_string(&doc).map_err(|e| Error::config(&self.path, e.to_string()))?;
        write_private(&self.path, text.as_bytes())?;
        *self = Config::parse(&self.path, &text)?;
        Ok(())
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

    fn merge_into(&self, doc: &mut Value) {
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
        let changed = |i: usize| match &self.on_disk {
            Some(old) => old[i] != values[i],
            None => true,
        };
        let fields = KEYS
            .iter()
            .zip(values.iter())
            .enumerate()
            .filter(|(i, _)| changed(*i))
            .map(|(_, ((s, k), v))| (*s, *k, v.as_ref()));
        if !doc.is_mapping() {
            *doc = Value::Mapping(Mapping::new());
        }
        for (section, key, value) in fields {
            let Some(value) = value else {
                // Cleared since loaded (sign-out): drop the key. A fresh config leaves it.
                if self.on_disk.is_some()
                    && let Some(sec) = doc.get_mut(section).and_then(Value::as_mapping_mut)
                {
                    sec.remove(key);
                }
                continue;
            };
            let Some(map) = doc.as_mapping_mut() else {
                return;
            };
            let sec = map
                .entry(Value::from(section))
                .or_insert_with(|| Value::Mapping(Mapping::new()));
            if !sec.is_mapping() {
                *sec = Value::Mapping(Mapping::new());
            }
            if let Some(sec) = sec.as_mapping_mut() {
                sec.insert(Value::from(key), Value::from(value.as_str()));
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

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// Writes `bytes` to `path` atomically (temp file beside it, then rename), mode 0600.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".lcrc-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o600));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(tmp.path(), e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io(tmp.path(), e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests;
