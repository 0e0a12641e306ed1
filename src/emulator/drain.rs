//! Reading what is left of a request body before answering (graph-api.md §13, issue 12): a
//! server that answers an error while the client is still sending, and then closes, makes the
//! client's next write fail with a reset instead of letting it read the answer. Handlers get
//! the body through [`split`]; whatever they did not read is read and dropped by
//! [`Rest::drain`] before the answer goes out.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, BodyDataStream};
use futures_util::StreamExt;
use tokio::sync::Mutex;

/// At most this much is read after the handler is done (a larger body gets its answer and a
/// closed connection, as from any server).
const LIMIT: u64 = 256 << 20;
/// A client that stops sending for this long is not waited for.
const STALL: Duration = Duration::from_secs(30);

/// The part of a request body a handler left unread.
pub(crate) struct Rest(Arc<Mutex<Option<BodyDataStream>>>);

/// A body for the handler, and the handle that reads what it leaves.
pub(crate) fn split(body: Body) -> (Body, Rest) {
    let shared = Arc::new(Mutex::new(Some(body.into_data_stream())));
    let rest = Rest(shared.clone());
    let stream = futures_util::stream::unfold(shared, |shared| async move {
        let next = {
            let mut guard = shared.lock().await;
            guard.as_mut()?.next().await
        };
        next.map(|chunk| (chunk, shared))
    });
    (Body::from_stream(stream), rest)
}

impl Rest {
    /// Reads and drops what is left (up to [`LIMIT`], waiting at most [`STALL`] per chunk).
    pub(crate) async fn drain(self) {
        let mut guard = self.0.lock().await;
        let Some(stream) = guard.as_mut() else {
            return;
        };
        let mut read = 0u64;
        while read <= LIMIT {
            match tokio::time::timeout(STALL, stream.next()).await {
                Ok(Some(Ok(chunk))) => read += chunk.len() as u64,
                _ => break,
            }
        }
        *guard = None;
    }
}
