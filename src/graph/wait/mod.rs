//! The one wait policy for every request the library sends: Graph calls, pre-authenticated
//! content URLs (downloads, upload sessions, copy monitors) and the identity platform's token
//! endpoints.
//!
//! The server decides how long to wait (`Retry-After`), the client decides how much of that
//! it will sit through. A wait the server asks for is honoured in every form HTTP allows
//! (RFC 9110 §10.2.3: delta-seconds, or an HTTP-date; Graph's own throttling sample sends a
//! decimal, `2.128`, which is rounded up); a value that cannot be read falls back to
//! exponential backoff. A wait longer than [`RetryPolicy::max_wait`] is not slept through
//! silently: the request fails at once with [`crate::ErrorKind::WaitTooLong`], which says how
//! long the server asked for (41 hours were seen in the field). Waits of
//! [`RetryPolicy::announce_after`] or more are reported through [`RetryPolicy::notify`], so a
//! program can tell its user why nothing moves; the shell prints one line each.
//!
//! Microsoft's throttling guidance:
//! <https://learn.microsoft.com/en-us/graph/throttling>.

use std::time::{Duration, SystemTime};

use crate::error::{Error, ErrorKind, Result};

mod notice;

pub use notice::{COPY_ANNOUNCE_EVERY, Notice, Notify};

/// How transient failures are retried and how long the library waits.
#[derive(Clone)]
pub struct RetryPolicy {
    /// Attempts after the first one.
    pub max_retries: u32,
    /// First backoff delay when the server gave no `Retry-After` (doubles with each retry).
    pub base_delay: Duration,
    /// Upper bound of a backoff delay the client computes.
    pub max_delay: Duration,
    /// The longest wait the server may ask for (`Retry-After`) that is honoured; a longer one
    /// fails the request at once with [`ErrorKind::WaitTooLong`]. It also bounds a job the
    /// server runs (a copy): one whose status and percentage stay the same this long fails
    /// with [`ErrorKind::CopyUnfinished`].
    pub max_wait: Duration,
    /// Waits at least this long are reported to [`RetryPolicy::notify`].
    pub announce_after: Duration,
    /// Receives announced waits and the library's warnings ([`Notice`]).
    pub notify: Option<Notify>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 6,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(30),
            // Up to 5 minutes is seen on SharePoint (graph-api.md §9); honour that, not more.
            max_wait: Duration::from_secs(300),
            announce_after: Duration::from_secs(3),
            notify: None,
        }
    }
}

impl std::fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_retries", &self.max_retries)
            .field("base_delay", &self.base_delay)
            .field("max_delay", &self.max_delay)
            .field("max_wait", &self.max_wait)
            .field("announce_after", &self.announce_after)
            .finish_non_exhaustive()
    }
}

impl RetryPolicy {
    /// After attempt number `attempt` (0-based) failed with `err` at `host`: waits and returns
    /// `Ok` when the request should be sent again, or returns the error to give up (it is not
    /// transient, the retries are spent, or the server asked for a wait above
    /// [`RetryPolicy::max_wait`], see [`RetryPolicy::sleep`]).
    pub async fn pause(&self, attempt: u32, err: Error, host: &str) -> Result<()> {
        if !err.is_transient() || attempt >= self.max_retries {
            return Err(err);
        }
        self.sleep(attempt, err.retry_after(), host, err.answer_status())
            .await
    }

    /// Sleeps before retry number `attempt + 1`: for `asked` (the server's `Retry-After`) when
    /// given, else for the backoff delay. Announces the wait when it is long.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::WaitTooLong`] (transient: exit code 5 in the shell) without sleeping when
    /// `asked` exceeds [`RetryPolicy::max_wait`].
    pub async fn sleep(
        &self,
        attempt: u32,
        asked: Option<Duration>,
        host: &str,
        status: Option<u16>,
    ) -> Result<()> {
        self.check_asked(asked, host, status)?;
        let delay = asked.unwrap_or_else(|| self.backoff(attempt));
        if delay >= self.announce_after {
            self.tell(&Notice::Wait {
                host: host.to_owned(),
                delay,
                asked: asked.is_some(),
                status,
                retry: (attempt + 1, self.max_retries),
            });
        }
        tokio::time::sleep(delay).await;
        Ok(())
    }

    /// Checks a wait the server asked for (`asked`, from `Retry-After`) against
    /// [`RetryPolicy::max_wait`], without sleeping.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::WaitTooLong`] (transient) naming `host` and `status` when `asked` is
    /// longer.
    pub fn check_asked(
        &self,
        asked: Option<Duration>,
        host: &str,
        status: Option<u16>,
    ) -> Result<()> {
        match asked.filter(|w| *w > self.max_wait) {
            Some(wait) => Err(ErrorKind::WaitTooLong {
                host: host.to_owned(),
                wait,
                limit: self.max_wait,
                status: status.unwrap_or(0),
            }
            .into()),
            None => Ok(()),
        }
    }

    /// The backoff before retry number `attempt + 1` when the server named no wait:
    /// exponential from [`RetryPolicy::base_delay`] with up to 50 % jitter, at most
    /// [`RetryPolicy::max_delay`].
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.base_delay.saturating_mul(1u32 << attempt.min(16));
        (exp + jitter(exp / 2)).min(self.max_delay)
    }

    /// Passes `notice` to [`RetryPolicy::notify`], if set.
    pub fn tell(&self, notice: &Notice) {
        if let Some(n) = &self.notify {
            n(notice);
        }
    }
}

/// Reads a `Retry-After` header value: delta-seconds (`120`), a decimal (`2.128`, rounded up
/// to whole seconds), or an HTTP-date in any of RFC 9110's three formats (a date in the past
/// means no wait). `None` when the value cannot be read (then backoff applies).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        // More digits than u64 holds is still "very long".
        return Some(Duration::from_secs(v.parse().unwrap_or(u64::MAX)));
    }
    if let Some((whole, frac)) = v.split_once('.')
        && !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
    {
        let secs: u64 = whole.parse().unwrap_or(u64::MAX);
        let round_up = u64::from(frac.bytes().any(|b| b != b'0'));
        return Some(Duration::from_secs(secs.saturating_add(round_up)));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// `41 h 41 min`, `5 min 3 s`, `5 min`, `12 s`, `150 ms`, `3 d 4 h`, `more than a year`: a
/// duration as a person reads it (two units at most, a zero second unit left out).
pub fn human(d: Duration) -> String {
    const DAY: u64 = 86_400;
    let s = d.as_secs();
    let two = |big: u64, unit: &str, small: u64, small_unit: &str| match small {
        0 => format!("{big} {unit}"),
        n => format!("{big} {unit} {n} {small_unit}"),
    };
    match s {
        0 => format!("{} ms", d.as_millis()),
        1..60 => format!("{s} s"),
        60..3600 => two(s / 60, "min", s % 60, "s"),
        3600..172_800 => two(s / 3600, "h", s % 3600 / 60, "min"),
        172_800..31_536_000 => two(s / DAY, "d", s % DAY / 3600, "h"),
        _ => "more than a year".to_owned(),
    }
}

/// A wait in whole seconds (rounded up), and as a person reads it when that says more:
/// `150100 s (41 h 41 min)`, `300 s (5 min)`, `12 s`. Messages about waits the server asked
/// for give both: the number as the server sent it, the duration for people.
pub fn seconds_and_human(d: Duration) -> String {
    let secs = d.as_secs().saturating_add(u64::from(d.subsec_nanos() > 0));
    if secs < 60 {
        return format!("{secs} s");
    }
    format!("{secs} s ({})", human(d))
}

/// A random duration in `[0, max)`.
fn jitter(max: Duration) -> Duration {
    let mut buf = [0u8; 4];
    if getrandom::fill(&mut buf).is_err() || max.is_zero() {
        return Duration::ZERO;
    }
    let frac = f64::from(u32::from_le_bytes(buf)) / f64::from(u32::MAX);
    max.mul_f64(frac)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn retry_after_in_every_form_http_allows() {
        let now = at(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        let secs = |v: &str| parse_retry_after(v, now).map(|d| d.as_secs());
        assert_eq!(secs("120"), Some(120));
        assert_eq!(secs(" 0 "), Some(0));
        assert_eq!(secs("150100"), Some(150_100));
        // Graph's throttling sample: a decimal, rounded up.
        assert_eq!(secs("2.128"), Some(3));
        assert_eq!(secs("0.2"), Some(1));
        assert_eq!(secs("4.000"), Some(4));
        // RFC 9110's three date formats, 30 s after `now`; a past date is no wait.
        assert_eq!(secs("Sun, 06 Nov 1994 08:50:07 GMT"), Some(30));
        assert_eq!(secs("Sunday, 06-Nov-94 08:50:07 GMT"), Some(30));
        assert_eq!(secs("Sun Nov  6 08:50:07 1994"), Some(30));
        assert_eq!(secs("Sun, 06 Nov 1994 08:00:00 GMT"), Some(0));
        assert_eq!(secs("99999999999999999999999"), Some(u64::MAX));
        for bad in ["", "-5", "soon", "2,5", ".5", "1e3", "5 s"] {
            assert_eq!(secs(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn backoff_is_exponential_with_jitter_and_capped() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
            ..RetryPolicy::default()
        };
        for attempt in 0..4 {
            let wait = policy.backoff(attempt);
            let base = Duration::from_millis(100 * (1 << attempt));
            assert!(
                wait >= base && wait <= base + base / 2,
                "{attempt}: {wait:?}"
            );
        }
        assert_eq!(policy.backoff(10), Duration::from_secs(2));
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(human(Duration::from_secs(150_100)), "41 h 41 min");
        assert_eq!(human(Duration::from_secs(3 * 3600 + 125)), "3 h 2 min");
        assert_eq!(human(Duration::from_secs(303)), "5 min 3 s");
        assert_eq!(human(Duration::from_secs(12)), "12 s");
        assert_eq!(human(Duration::from_millis(150)), "150 ms");
        assert_eq!(human(Duration::from_secs(300)), "5 min");
        assert_eq!(human(Duration::from_secs(7200)), "2 h");
        assert_eq!(
            human(Duration::from_secs(3 * 86_400 + 4 * 3600 + 5)),
            "3 d 4 h"
        );
        assert_eq!(human(Duration::from_secs(u64::MAX)), "more than a year");
        assert_eq!(
            seconds_and_human(Duration::from_secs(150_100)),
            "150100 s (41 h 41 min)"
        );
        assert_eq!(seconds_and_human(Duration::from_millis(2_500)), "3 s");
        assert_eq!(
            seconds_and_human(Duration::from_secs(u64::MAX)),
            "18446744073709551615 s (more than a year)"
        );
    }

    #[tokio::test]
    async fn a_wait_above_the_limit_fails_at_once_and_long_waits_are_announced() {
        let heard = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = heard.clone();
        let policy = RetryPolicy {
            max_wait: Duration::from_secs(60),
            announce_after: Duration::from_millis(20),
            notify: Some(Arc::new(move |n: &Notice| {
                sink.lock().unwrap().push(n.to_string())
            })),
            ..RetryPolicy::default()
        };
        let started = std::time::Instant::now();
        let asked = Some(Duration::from_secs(150_100));
        let err = policy
            .sleep(0, asked, "graph.microsoft.com:443", Some(429))
            .await
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(err.is_transient(), "{err}");
        assert_eq!(err.retry_after(), asked);
        let text = err.to_string();
        assert!(
            text.contains("150100 s (41 h 41 min)") && text.contains("60 s (1 min)"),
            "{text}"
        );
        policy
            .sleep(1, Some(Duration::from_millis(30)), "h:1", Some(503))
            .await
            .unwrap();
        policy
            .sleep(2, Some(Duration::ZERO), "h:1", Some(503))
            .await
            .unwrap();
        let heard = heard.lock().unwrap();
        assert_eq!(heard.len(), 1, "{heard:?}");
        assert!(
            heard[0].contains("h:1 asked to wait (HTTP 503"),
            "{heard:?}"
        );
        assert!(heard[0].contains("retry 2 of 6"), "{heard:?}");
    }
}
