//! The wait on one copy job (see the parent module): when the job's answer last changed,
//! when the wait was last told, and how long to sleep before the next poll.

use std::time::{Duration, Instant};

use crate::error::{Error, ErrorKind, Result};
use crate::graph::model::AsyncJobStatus;
use crate::graph::wait::{COPY_ANNOUNCE_EVERY, Notice, RetryPolicy, human};

/// The first wait between two polls of a copy monitor; it doubles after each poll.
pub(super) const POLL_FIRST: Duration = Duration::from_millis(200);
/// The longest wait between two polls the library picks itself (a `Retry-After` may ask for
/// more, up to [`RetryPolicy::max_wait`]).
const POLL_MAX: Duration = Duration::from_secs(3);

/// How the wait on one copy job goes: when its status last changed, when it was last told,
/// and the next poll interval.
pub(super) struct Watch<'a> {
    policy: &'a RetryPolicy,
    name: &'a str,
    started: Instant,
    /// The last status and percentage (as bits: any change counts) and when they changed.
    last: Option<(String, u64)>,
    changed: Instant,
    told: Option<Instant>,
    interval: Duration,
}

impl<'a> Watch<'a> {
    pub(super) fn new(policy: &'a RetryPolicy, name: &'a str, first: Duration) -> Self {
        let now = Instant::now();
        Watch {
            policy,
            name,
            started: now,
            last: None,
            changed: now,
            told: None,
            interval: first,
        }
    }

    /// Takes the answer of a job that still runs: a change resets the clock; the same answer
    /// for [`RetryPolicy::max_wait`] is [`ErrorKind::CopyUnfinished`]. Tells the wait when due.
    pub(super) fn running(&mut self, st: &AsyncJobStatus) -> Result<()> {
        let now = Instant::now();
        let seen = (st.status.clone(), st.percentage_complete.to_bits());
        if self.last.as_ref() != Some(&seen) {
            self.last = Some(seen);
            self.changed = now;
        } else if now - self.changed >= self.policy.max_wait {
            let reason = format!(
                "made no progress for {} ({}, {}%)",
                human(now - self.changed),
                st.status,
                percent(st.percentage_complete)
            );
            return Err(self.unfinished(&reason));
        }
        let waited = now - self.started;
        let due = self.told.is_none_or(|t| now - t >= COPY_ANNOUNCE_EVERY);
        if waited >= self.policy.announce_after && due {
            self.told = Some(now);
            self.policy.tell(&Notice::Copying {
                name: self.name.to_owned(),
                status: st.status.clone(),
                percent: percent(st.percentage_complete),
                waited,
            });
        }
        Ok(())
    }

    /// The wait before the next poll: the interval (then doubled, up to [`POLL_MAX`]), cut
    /// to end when the job would count as stalled, but never shorter than `asked`.
    pub(super) fn next_delay(&mut self, asked: Option<Duration>) -> Duration {
        let left = self.policy.max_wait.saturating_sub(self.changed.elapsed());
        let delay = self.interval.min(left).max(asked.unwrap_or_default());
        self.interval = (self.interval * 2).min(POLL_MAX);
        delay
    }

    /// [`ErrorKind::CopyUnfinished`] for this copy, saying what the job did.
    pub(super) fn unfinished(&self, reason: &str) -> Error {
        ErrorKind::CopyUnfinished {
            name: self.name.to_owned(),
            reason: reason.to_owned(),
        }
        .into()
    }
}

/// A `percentageComplete` as a whole percentage, 0 to 100.
fn percent(p: f64) -> u8 {
    // In range after the clamp; NaN becomes 0.
    p.clamp(0.0, 100.0).round() as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_poll_interval_grows_stops_at_the_bound_and_honours_retry_after() {
        let policy = RetryPolicy::default();
        let mut watch = Watch::new(&policy, "x", POLL_FIRST);
        let ms = |d: Duration| d.as_millis();
        let delays: Vec<u128> = (0..6).map(|_| ms(watch.next_delay(None))).collect();
        assert_eq!(delays, [200, 400, 800, 1600, 3000, 3000]);
        assert_eq!(ms(watch.next_delay(Some(Duration::from_secs(7)))), 7000);

        let short = RetryPolicy {
            max_wait: Duration::from_millis(500),
            ..RetryPolicy::default()
        };
        let mut watch = Watch::new(&short, "x", Duration::from_secs(2));
        let cut = watch.next_delay(None);
        assert!(cut <= Duration::from_millis(500), "{cut:?}");
        let asked = watch.next_delay(Some(Duration::from_secs(1)));
        assert_eq!(asked, Duration::from_secs(1));
    }

    #[test]
    fn an_unchanged_job_fails_after_the_bound_and_a_change_resets_it() {
        let policy = RetryPolicy {
            max_wait: Duration::from_millis(50),
            ..RetryPolicy::default()
        };
        let mut watch = Watch::new(&policy, "Copy.txt", POLL_FIRST);
        let at = |p: f64| AsyncJobStatus {
            status: "inProgress".into(),
            percentage_complete: p,
            ..AsyncJobStatus::default()
        };
        watch.running(&at(10.0)).unwrap();
        std::thread::sleep(Duration::from_millis(60));
        watch.running(&at(10.5)).unwrap();
        std::thread::sleep(Duration::from_millis(60));
        let err = watch.running(&at(10.5)).unwrap_err();
        assert!(err.is_transient(), "{err}");
        let text = err.to_string();
        assert!(
            text.starts_with("OneDrive's copy of Copy.txt made no progress for ")
                && text.contains("(inProgress, 11%)"),
            "{text}"
        );
    }

    #[test]
    fn a_long_wait_is_told_once_per_30_s() {
        let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = heard.clone();
        let policy = RetryPolicy {
            announce_after: Duration::ZERO,
            notify: Some(std::sync::Arc::new(move |n: &Notice| {
                sink.lock().unwrap().push(n.to_string())
            })),
            ..RetryPolicy::default()
        };
        let mut watch = Watch::new(&policy, "Docs", POLL_FIRST);
        let st = AsyncJobStatus {
            status: "notStarted".into(),
            ..AsyncJobStatus::default()
        };
        for _ in 0..3 {
            watch.running(&st).unwrap();
        }
        let heard = heard.lock().unwrap();
        assert_eq!(heard.len(), 1, "{heard:?}");
        assert!(
            heard[0].starts_with("waiting for OneDrive to copy Docs (not started, "),
            "{heard:?}"
        );
    }
}
