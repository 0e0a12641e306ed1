//! The library's one error type.
//!
//! Callers (the shell above all) need to tell a missing item from a throttled request from a
//! bad token, so that each maps to its own exit code; they must never need to parse a message.
//! Like oxalica/onedrive-api, the public [`Error`] boxes a kind enum and offers accessors, so the
//! type stays one pointer wide and new kinds do not break callers. Messages never carry tokens.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// `s` with its control characters written as escapes (`\n`, `\r`, `\t`, `\x1b`), and the
/// bidirectional marks too (`\u{202e}`), so that a name a server sent can neither drive a
/// terminal nor disguise itself. Everything else printable, non-ASCII included, is kept.
pub fn escape_controls(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c if is_bidi_control(c) => out.push_str(&format!("\\u{{{:04x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// True for the characters [`escape_controls`] rewrites.
pub(crate) fn needs_escape(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// The invisible marks that reorder text on screen (`U+202E` shows `exe.txt` as `txt.exe`).
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The result type of every fallible library call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Any failure of the library: a Graph error answer, a network fault, a local I/O error, ...
pub struct Error(Box<ErrorKind>);

/// What went wrong, for callers that need to branch on it (see also the accessors on [`Error`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Graph answered with an error status and (usually) an error body.
    #[error("{message} ({code}, HTTP {status})")]
    Graph {
        /// HTTP status code.
        status: u16,
        /// The most specific error code the body named (`itemNotFound`, `nameAlreadyExists`, ...).
        code: String,
        /// The server's human-readable message.
        message: String,
        /// `request-id` of the failed request, for support cases.
        request_id: Option<String>,
        /// The server's `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
    },
    /// Sign-in is needed, or the identity platform refused a token request.
    #[error("authentication failed: {message}")]
    Auth {
        /// What failed and how to fix it.
        message: String,
    },
    /// The request never got an HTTP answer (connection refused, reset, timeout, TLS, ...).
    #[error("network error talking to {host}: {source}")]
    Http {
        /// Host (and port) of the request, never the full URL (which may be pre-authenticated).
        host: String,
        /// The transport error.
        #[source]
        source: reqwest::Error,
    },
    /// A local file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The local path involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A response body did not have the expected shape.
    #[error("unexpected answer from the server ({context}): {detail}")]
    Decode {
        /// What was being decoded.
        context: String,
        /// The decoder's complaint.
        detail: String,
    },
    /// The configuration file is missing a value, cannot be parsed or holds a bad value.
    #[error("config {}: {message}", path.display())]
    Config {
        /// The config file.
        path: PathBuf,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A remote path or name that OneDrive would refuse, caught before any request.
    #[error("invalid name or path {name:?}: {reason}")]
    InvalidName {
        /// The offending name or path.
        name: String,
        /// Why it is refused.
        reason: String,
    },
    /// A name the server sent that cannot be one local path component (`..`, `a/b`, control
    /// characters): OneDrive never sends such names, so the server is broken or hostile.
    #[error("unsafe name {name:?} from the server: {reason}")]
    UnsafeName {
        /// The name as the server sent it.
        name: String,
        /// Why it cannot be used locally.
        reason: String,
    },
    /// A remote item was not found while resolving a path locally (without a Graph answer).
    #[error("{0}: no such file or folder")]
    NotFound(String),
    /// The library refused the operation itself, before sending any request: a folder to
    /// remove without recursion, a file where a folder must go, the drive's root.
    #[error("{name}: {reason}")]
    Refused {
        /// The item, as the caller named it.
        name: String,
        /// Why, and the fix when there is one (`it is a folder (use -r)`).
        reason: String,
        /// True when the refusal is a conflict with what exists (an exit-7 kind of failure).
        conflict: bool,
    },
    /// Downloaded or uploaded bytes did not match the size or hash the server reported.
    #[error("integrity check failed for {name}: {detail}")]
    Integrity {
        /// The file.
        name: String,
        /// What did not match.
        detail: String,
    },
    /// The server asked for a wait (`Retry-After`) longer than the retry policy allows
    /// ([`crate::RetryPolicy::max_wait`]); the request failed at once instead of sleeping.
    #[error(
        "{host} asked to wait {} before the next request (HTTP {status}, Retry-After), longer \
         than the {} this tool waits for; try again later",
        crate::graph::wait::seconds_and_human(*wait),
        crate::graph::wait::seconds_and_human(*limit)
    )]
    WaitTooLong {
        /// `host:port` that asked.
        host: String,
        /// The wait it asked for.
        wait: Duration,
        /// The longest wait the policy honours.
        limit: Duration,
        /// The HTTP status of the answer (429, 503, ...).
        status: u16,
    },
    /// A copy job OneDrive runs did not say how it ended: its status and percentage stayed
    /// the same for [`crate::RetryPolicy::max_wait`], or its monitor vanished (graph-api.md
    /// §6). The copy may still finish on the server.
    #[error(
        "OneDrive's copy of {name} {reason}; the copy may still finish on the server: check \
         with `ls` before trying again"
    )]
    CopyUnfinished {
        /// The name the copy would have.
        name: String,
        /// What the job did (`made no progress for 5 min 0 s (inProgress, 50%)`).
        reason: String,
    },
    /// The identity platform did not answer usefully (429, 5xx, `temporarily_unavailable`, a
    /// page that is not JSON) even after the retries; the saved sign-in is untouched.
    #[error(
        "the sign-in service at {host} is unavailable ({detail}); your saved sign-in is kept, \
         try again later"
    )]
    SignInUnavailable {
        /// `host:port` of the identity platform.
        host: String,
        /// What it answered.
        detail: String,
        /// The HTTP status of its answer.
        status: u16,
        /// Its `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
    },
    /// Two names that OneDrive treats as one (they differ only in case or Unicode
    /// normalisation, graph-api.md §13) among the sources of one upload, copy or move: one
    /// would replace or merge with the other. Found before any request.
    #[error(
        "{first:?} and {second:?} would be one name on OneDrive (it ignores case and Unicode \
         normalisation); rename one of them, nothing was sent"
    )]
    NameClash {
        /// The first source (a local or remote path).
        first: String,
        /// The source that clashes with it.
        second: String,
    },
    /// A write's answer names another item than the one asked for: a different name or parent
    /// (a front-end that decoded the path twice does this, graph-api.md §13).
    #[error(
        "the server answered with {answered:?} where {asked:?} was asked for (a front-end may \
         have decoded the path twice); check the drive, the operation is not reported as done"
    )]
    Misplaced {
        /// What was asked for: `parent/name`.
        asked: String,
        /// What the answer names.
        answered: String,
    },
    /// A write OneDrive refused with 403 `accessDenied`: the item is in a folder shared with
    /// the user read-only (graph-api.md §7, §13).
    #[error(
        "the shared folder is read-only for you: its owner did not allow changes ({code}, HTTP \
         {status})"
    )]
    ReadOnly {
        /// HTTP status code (403).
        status: u16,
        /// The Graph error code (`accessDenied`).
        code: String,
        /// The server's message.
        message: String,
    },
    /// The operation was cancelled (Ctrl-C).
    #[error("cancelled")]
    Cancelled,
}

impl Error {
    /// The kind of failure.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// HTTP status of a Graph error answer.
    pub fn status(&self) -> Option<u16> {
        match &*self.0 {
            ErrorKind::Graph { status, .. } | ErrorKind::ReadOnly { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Graph error code (`itemNotFound`, ...), if the server sent one.
    pub fn code(&self) -> Option<&str> {
        match &*self.0 {
            ErrorKind::Graph { code, .. } | ErrorKind::ReadOnly { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The server's `Retry-After`, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match &*self.0 {
            ErrorKind::Graph { retry_after, .. } => *retry_after,
            ErrorKind::WaitTooLong { wait, .. } => Some(*wait),
            ErrorKind::SignInUnavailable { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The HTTP status of the answer behind a transient error (Graph or the identity
    /// platform), for saying why a request is retried.
    pub(crate) fn answer_status(&self) -> Option<u16> {
        match &*self.0 {
            ErrorKind::SignInUnavailable { status, .. } => Some(*status),
            _ => self.status(),
        }
    }

    /// True for a missing remote item (HTTP 404 or a local path resolution miss).
    pub fn is_not_found(&self) -> bool {
        matches!(&*self.0, ErrorKind::NotFound(_)) || self.status() == Some(404)
    }

    /// True for failures that may pass if retried later: network faults, 429, 5xx, a wait
    /// the server asked for that was too long to sit through, an identity platform that did
    /// not answer usefully, a copy job that stalled or lost its monitor.
    pub fn is_transient(&self) -> bool {
        match &*self.0 {
            ErrorKind::Http { .. }
            | ErrorKind::WaitTooLong { .. }
            | ErrorKind::CopyUnfinished { .. }
            | ErrorKind::SignInUnavailable { .. } => true,
            ErrorKind::Graph { status, .. } => {
                *status == 429 || (*status >= 500 && *status != 501 && *status != 507)
            }
            _ => false,
        }
    }

    /// True when signing in (again) is the fix.
    pub fn is_auth(&self) -> bool {
        matches!(&*self.0, ErrorKind::Auth { .. }) || self.status() == Some(401)
    }

    /// True for conflicts and refusals: name exists, eTag mismatch, quota full, invalid or
    /// unsafe name, names that clash on OneDrive, a write to what is read-only for the user.
    pub fn is_conflict(&self) -> bool {
        matches!(
            &*self.0,
            ErrorKind::InvalidName { .. }
                | ErrorKind::UnsafeName { .. }
                | ErrorKind::Refused { conflict: true, .. }
                | ErrorKind::NameClash { .. }
                | ErrorKind::ReadOnly { .. }
        ) || matches!(self.status(), Some(409 | 412 | 507))
    }

    /// True when the operation was cancelled (Ctrl-C, a [`crate::Cancel`] flag).
    pub fn is_cancelled(&self) -> bool {
        matches!(&*self.0, ErrorKind::Cancelled)
    }

    /// Builds a Graph error answer.
    pub fn graph(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorKind::Graph {
            status,
            code: code.into(),
            message: message.into(),
            request_id: None,
            retry_after: None,
        }
        .into()
    }

    /// Builds a refusal of the library's own (no request was sent); `conflict` when what
    /// exists is in the way.
    pub fn refused(name: impl Into<String>, reason: impl Into<String>, conflict: bool) -> Self {
        ErrorKind::Refused {
            name: name.into(),
            reason: reason.into(),
            conflict,
        }
        .into()
    }

    /// Builds an authentication error.
    pub fn auth(message: impl Into<String>) -> Self {
        ErrorKind::Auth {
            message: message.into(),
        }
        .into()
    }

    /// Builds a local I/O error naming the path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ErrorKind::Io {
            path: path.into(),
            source,
        }
        .into()
    }

    /// Builds a decode error.
    pub fn decode(context: impl Into<String>, detail: impl fmt::Display) -> Self {
        ErrorKind::Decode {
            context: context.into(),
            detail: detail.to_string(),
        }
        .into()
    }

    /// Builds a config error.
    pub fn config(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        ErrorKind::Config {
            path: path.into(),
            message: message.into(),
        }
        .into()
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error(Box::new(kind))
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&*self.0)
    }
}
