//! The request log: what each listener was asked and answered, so tests can assert on the
//! traffic (e.g. that no `Authorization` header reached a pre-authenticated URL).

use std::fs::File;
use std::io::Write;
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
    /// The `Range` (downloads) or `Content-Range` (upload fragments) header sent, if any, so
    /// tests can prove which bytes a resumed transfer asked for or re-sent.
    pub range: Option<String>,
    /// Which listener answered.
    pub listener: Listener,
}

/// An append-only, clearable log; optionally also written to a file as JSON lines, so that
/// a process outside (the benchmark harness) can count requests while the server runs.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    entries: Mutex<Vec<LoggedRequest>>,
    sink: Option<Mutex<File>>,
}

impl RequestLog {
    /// A log that also appends each entry to `sink` as one JSON line.
    pub(crate) fn with_sink(sink: File) -> Self {
        RequestLog {
            entries: Mutex::default(),
            sink: Some(Mutex::new(sink)),
        }
    }

    /// Appends one entry.
    pub(crate) fn push(&self, entry: LoggedRequest) {
        if let Some(sink) = &self.sink {
            let line = serde_json::json!({
                "method": entry.method,
                "path": entry.path,
                "status": entry.status,
                "authorization": entry.authorization,
                "range": entry.range,
                "listener": format!("{:?}", entry.listener).to_lowercase(),
            });
            let mut file = sink.lock().unwrap_or_else(|p| p.into_inner());
            if let Err(e) = writeln!(file, "{line}") {
                eprintln!("skydrive-emu: writing the request log: {e}");
            }
        }
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(entry);
    }

    /// A copy of all entries, oldest first.
    pub(crate) fn snapshot(&self) -> Vec<LoggedRequest> {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Forgets all entries.
    pub(crate) fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}
