//! What the library tells its caller although nothing failed ([`Notice`]): waits worth
//! announcing (a retry's delay, a server-side copy still running) and warnings (a listed size
//! that is not the content's, tokens saved in place). The shell prints each as one line.

use std::sync::Arc;
use std::time::Duration;

use super::human;

/// A wait on a server's job that was announced ([`Notice::Copying`]) is announced again at
/// most this often: 30 s.
pub const COPY_ANNOUNCE_EVERY: Duration = Duration::from_secs(30);

/// Receives [`Notice`]s: waits worth announcing and warnings that do not fail the operation.
pub type Notify = Arc<dyn Fn(&Notice) + Send + Sync>;

/// Something the user should hear about although nothing failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Notice {
    /// The library is about to wait before retrying a request.
    Wait {
        /// `host:port` the request went to.
        host: String,
        /// How long it will wait.
        delay: Duration,
        /// True when the server asked for this wait (`Retry-After`), false for backoff.
        asked: bool,
        /// The HTTP status that caused the wait (`None` for a network fault).
        status: Option<u16>,
        /// Which retry comes after the wait (1-based), and how many are allowed.
        retry: (u32, u32),
    },
    /// A downloaded file's listed size differs from the bytes served, and the quickXorHash of
    /// those bytes matched: the file is complete (graph-api.md §13, "Listed size vs content").
    SizeDiffers {
        /// The remote file's name.
        name: String,
        /// The size its metadata listed, in bytes.
        listed: u64,
        /// The bytes received (and verified by hash).
        actual: u64,
    },
    /// The library is still waiting for a job the server runs: a copy
    /// (graph-api.md §6). Given once the wait passes [`super::RetryPolicy::announce_after`], then at
    /// most every [`COPY_ANNOUNCE_EVERY`].
    Copying {
        /// The name the copy will have.
        name: String,
        /// The job's `status` (`notStarted`, `inProgress`, ...).
        status: String,
        /// Its `percentageComplete`, rounded to 0 to 100.
        percent: u8,
        /// How long the library has waited so far.
        waited: Duration,
    },
    /// New sign-in tokens could not be saved to the config file; they are used for this run
    /// only.
    TokensNotSaved {
        /// The config file.
        path: std::path::PathBuf,
        /// Why, with the fix.
        reason: String,
    },
    /// New sign-in tokens were saved by rewriting the config file in place, because its
    /// folder takes no new file: not atomically (a crash during the write could cut it short).
    TokensSavedInPlace {
        /// The config file.
        path: std::path::PathBuf,
    },
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Notice::Wait {
                host,
                delay,
                asked,
                status,
                retry: (n, of),
            } => {
                let why = match (asked, status) {
                    (true, Some(s)) => format!("{host} asked to wait (HTTP {s}, Retry-After)"),
                    (_, Some(s)) => format!("{host} answered HTTP {s}"),
                    (_, None) => format!("no answer from {host}"),
                };
                write!(f, "waiting {}: {why}; retry {n} of {of}", human(*delay))
            }
            Notice::SizeDiffers {
                name,
                listed,
                actual,
            } => write!(
                f,
                "warning: {name}: OneDrive lists {listed} bytes but served {actual}; the \
                 quickXorHash matches, so the file is complete"
            ),
            Notice::Copying {
                name,
                status,
                percent,
                waited,
            } => {
                let at = match status.as_str() {
                    "notStarted" => "not started".to_owned(),
                    _ => format!("{percent}%"),
                };
                write!(
                    f,
                    "waiting for OneDrive to copy {name} ({at}, {} so far)",
                    human(*waited)
                )
            }
            Notice::TokensNotSaved { path, reason } => write!(
                f,
                "warning: the new sign-in could not be saved to {} ({reason}); it is used for \
                 this run only",
                path.display()
            ),
            Notice::TokensSavedInPlace { path } => write!(
                f,
                "warning: {}: its folder takes no new file, so the new sign-in was saved by \
                 rewriting the file in place, not atomically; make the folder writable so that \
                 saves cannot be cut short",
                path.display()
            ),
        }
    }
}
