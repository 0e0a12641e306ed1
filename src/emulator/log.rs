//! The request log: what each listener was asked and answered, so tests can assert on the
//! traffic (e.g. that no `Authorization` header reached a pre-authenticated URL).

use std::sync::Mutex;

/// The listener a request arrived on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listener {
    /// The Graph API (`/v1.0/...`).
    Graph,
    /// The content listener (download URLs, upload sessions, copy monitors).
    Content,
    /// The identity authority (`/login/...` on the Graph port).
    Login,
}

/// One answered request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedRequest {
    /// HTTP method.
    pub method: String,
    /// Path and query, as sent.
    pub path: String,
    /// Status code answered.
    pub status: u16,
    /// Whether an `Authorization` header was sent.
    pub authorization: bool,
    /// Which listener answered.
    pub listener: Listener,
}

/// An append-only, clearable log.
#[derive(Debug, Default)]
pub(crate) struct RequestLog(Mutex<Vec<LoggedRequest>>);

impl RequestLog {
    /// Appends one entry.
    pub(crate) fn push(&self, entry: LoggedRequest) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(entry);
    }

    /// A copy of all entries, oldest first.
    pub(crate) fn snapshot(&self) -> Vec<LoggedRequest> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Forgets all entries.
    pub(crate) fn clear(&self) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}
