//! Fault injection: latency, throttling (429 + Retry-After), 503s, dropped downloads, lost
//! upload fragments, slow download bodies, copy monitors that stall or lie, and the identity
//! authority's answers (transient, registration errors, sign-outs), so that client retry and
//! sign-in logic can be tested deterministically.
//!
//! Each "every N" fault counts only requests of its own kind and fires on the Nth, 2Nth, ...
//! one; 0 switches it off. Counters restart whenever the faults are replaced.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Which faults to inject; 0 (or `None`) switches a fault off.
#[derive(Clone, Debug)]
pub struct Faults {
    /// Delay added before every request is answered.
    pub latency: Duration,
    /// Every Nth Graph API request answers `429 activityLimitReached` with `Retry-After`.
    pub throttle_every: u32,
    /// The `Retry-After` of throttled answers, in any form a server may send: `1`, a decimal
    /// `2.128`, `date:+5` (an HTTP-date 5 s ahead), a huge `150100`, or anything else
    /// verbatim.
    pub retry_after: String,
    /// Every Nth Graph API request answers `503 serviceNotAvailable` without `Retry-After`.
    pub fail_every: u32,
    /// Every Nth content download drops the connection half-way through the body.
    pub drop_every: u32,
    /// Every Nth stored upload fragment is answered with `500 generalException` (the retry
    /// then gets 416 and must resume from the session status).
    pub lose_fragment_every: u32,
    /// Download bodies are sent at most this many bytes per second (0: as fast as possible), so
    /// that a test can stop a client reliably in the middle of a download.
    pub download_rate: u64,
    /// Access tokens issued from now on expire after this long.
    pub token_ttl: Option<Duration>,
    /// How the identity authority answers device-code polls.
    pub device_flow: DeviceFlow,
    /// Ways the answers lie (see [`super::Hostile`]); empty: an honest server.
    pub hostile: Vec<super::Hostile>,
    /// Every file's listed `size` in Graph answers is off by this many bytes, while downloads
    /// and hashes stay true (a known service quirk, graph-api.md §13); 0: honest.
    pub listed_size_delta: i64,
    /// How the identity authority misbehaves; `None`: it answers honestly.
    pub login_fault: Option<LoginFault>,
    /// How many identity requests get [`Faults::login_fault`] before it stops (0: all).
    pub login_fault_times: u32,
    /// How copy monitors answer (graph-api.md §6): honestly, or stalled, slow, busy or gone.
    pub copy_monitor: CopyMonitor,
}

/// How a copy job's monitor answers its polls, to test a client's wait on a job the server
/// runs: it must be bounded, visible, and honour `Retry-After`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CopyMonitor {
    /// `inProgress` (50 %) on the first poll, then the result.
    #[default]
    Honest,
    /// `inProgress` at 50 % on every poll, forever: a job that stalled.
    Stall,
    /// `notStarted` (0 %), then `inProgress` at 25, 50 and 75 %, then the result: a job that
    /// takes five polls but moves at each.
    Slow,
    /// `503 serviceNotAvailable` with `Retry-After` ([`Faults::retry_after`]), then
    /// `inProgress` with the same `Retry-After`, then the result.
    Busy,
    /// `inProgress` on the first poll, then `404 itemNotFound`: a monitor that expired when
    /// its job ended, before the client read the result.
    Gone,
}

impl CopyMonitor {
    /// Every mode with its command-line name.
    pub const ALL: [(&'static str, CopyMonitor); 5] = [
        ("honest", CopyMonitor::Honest),
        ("stall", CopyMonitor::Stall),
        ("slow", CopyMonitor::Slow),
        ("busy", CopyMonitor::Busy),
        ("gone", CopyMonitor::Gone),
    ];
}

impl std::str::FromStr for CopyMonitor {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        by_name(&CopyMonitor::ALL, "copy monitor mode", s)
    }
}

/// What the identity authority answers instead of the honest answer (graph-api.md §10), to
/// test how a client reads each kind: transient, the registration or config wrong, signed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginFault {
    /// `429` with `Retry-After` ([`Faults::retry_after`]) to token and device-code requests.
    Throttled,
    /// `503` with `temporarily_unavailable` to token and device-code requests.
    Unavailable,
    /// `400 temporarily_unavailable` (AADSTS90033) to token and device-code requests.
    TemporarilyUnavailable,
    /// `502` with a gateway's HTML page to token and device-code requests.
    HtmlGateway,
    /// `200` with an HTML page (a captive portal) to token and device-code requests.
    HtmlOk,
    /// The registration has "Allow public client flows" off: token requests without a secret
    /// answer `401 invalid_client` AADSTS7000218.
    PublicClientOff,
    /// A personal-accounts-only registration: every endpoint under tenant `common` answers
    /// `400 invalid_request` AADSTS9002331 (authorize redirects with it).
    ConsumersOnly,
    /// Refreshes answer `400 interaction_required` AADSTS50076 (MFA needed).
    InteractionRequired,
    /// Token answers send `expires_in` as a string (`"3599"`), as some endpoints do; not a
    /// failure, and not limited by [`Faults::login_fault_times`].
    ExpiresInString,
}

impl LoginFault {
    /// Every fault with its command-line name.
    pub const ALL: [(&'static str, LoginFault); 9] = [
        ("throttled", LoginFault::Throttled),
        ("unavailable", LoginFault::Unavailable),
        (
            "temporarily-unavailable",
            LoginFault::TemporarilyUnavailable,
        ),
        ("html-gateway", LoginFault::HtmlGateway),
        ("html-ok", LoginFault::HtmlOk),
        ("public-client-off", LoginFault::PublicClientOff),
        ("consumers-only", LoginFault::ConsumersOnly),
        ("interaction-required", LoginFault::InteractionRequired),
        ("expires-in-string", LoginFault::ExpiresInString),
    ];
}

impl std::str::FromStr for LoginFault {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        by_name(&LoginFault::ALL, "login fault", s)
    }
}

/// The value named `s` among `all` (command-line names and values), or an error naming
/// `what` and listing the names.
fn by_name<T: Copy>(all: &[(&'static str, T)], what: &str, s: &str) -> Result<T, String> {
    all.iter()
        .find(|(n, _)| *n == s)
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|(n, _)| *n).collect();
            format!("unknown {what} {s:?} (one of: {})", names.join(", "))
        })
}

/// How device-code polls are answered, to test a client's polling rules (graph-api.md §10).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DeviceFlow {
    /// `authorization_pending` once, then the grant.
    #[default]
    Grant,
    /// `slow_down` once, `authorization_pending` once, then the grant.
    SlowDown,
    /// `authorization_declined`: the user refused.
    Declined,
    /// `expired_token`: the code timed out before the user signed in.
    Expired,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            latency: Duration::ZERO,
            throttle_every: 0,
            retry_after: "1".to_owned(),
            fail_every: 0,
            drop_every: 0,
            lose_fragment_every: 0,
            download_rate: 0,
            token_ttl: None,
            device_flow: DeviceFlow::Grant,
            hostile: Vec::new(),
            listed_size_delta: 0,
            login_fault: None,
            login_fault_times: 0,
            copy_monitor: CopyMonitor::Honest,
        }
    }
}

/// What to do with a Graph API request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum GraphFault {
    /// Answer 429 with this Retry-After header value.
    Throttle(String),
    /// Answer 503.
    Fail,
}

/// The active faults and their counters.
#[derive(Debug, Default)]
pub(crate) struct FaultState {
    faults: std::sync::Mutex<Faults>,
    graph: AtomicU64,
    downloads: AtomicU64,
    fragments: AtomicU64,
    logins: AtomicU64,
}

impl FaultState {
    /// Starts with `faults` and zeroed counters.
    pub(crate) fn new(faults: Faults) -> Self {
        FaultState {
            faults: std::sync::Mutex::new(faults),
            ..FaultState::default()
        }
    }

    /// Replaces the faults and restarts the counters.
    pub(crate) fn set(&self, faults: Faults) {
        *self.faults.lock().unwrap_or_else(|p| p.into_inner()) = faults;
        for c in [&self.graph, &self.downloads, &self.fragments, &self.logins] {
            c.store(0, Ordering::SeqCst);
        }
    }

    /// A copy of the current faults.
    pub(crate) fn get(&self) -> Faults {
        self.faults
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Counts one request on `counter` and says whether its fault fires (`every` = the period).
    fn tick(counter: &AtomicU64, every: u32) -> bool {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        every > 0 && n.is_multiple_of(u64::from(every))
    }

    /// Counts a Graph API request; throttling wins over failing when both fire.
    pub(crate) fn graph_request(&self) -> Option<GraphFault> {
        let f = self.get();
        let n = self.graph.fetch_add(1, Ordering::SeqCst) + 1;
        let hits = |every: u32| every > 0 && n.is_multiple_of(u64::from(every));
        if hits(f.throttle_every) {
            Some(GraphFault::Throttle(retry_after_value(
                &f.retry_after,
                std::time::SystemTime::now(),
            )))
        } else if hits(f.fail_every) {
            Some(GraphFault::Fail)
        } else {
            None
        }
    }

    /// Counts an identity request the login fault applies to; the fault when it still fires.
    pub(crate) fn login_request(&self) -> Option<LoginFault> {
        let f = self.get();
        let fault = f.login_fault?;
        let n = self.logins.fetch_add(1, Ordering::SeqCst) + 1;
        (f.login_fault_times == 0 || n <= u64::from(f.login_fault_times)).then_some(fault)
    }

    /// Counts a download; true when this one must be dropped half-way.
    pub(crate) fn drop_download(&self) -> bool {
        let every = self.get().drop_every;
        Self::tick(&self.downloads, every)
    }

    /// Counts a fragment PUT; true when its answer must be lost (500 after storing).
    pub(crate) fn lose_fragment(&self) -> bool {
        let every = self.get().lose_fragment_every;
        Self::tick(&self.fragments, every)
    }
}

/// The `Retry-After` header value for the spec `spec` at time `now`: `date:+N` becomes the
/// HTTP-date N seconds after `now` (RFC 9110's IMF-fixdate); anything else is sent as written.
pub(crate) fn retry_after_value(spec: &str, now: std::time::SystemTime) -> String {
    match spec
        .strip_prefix("date:+")
        .and_then(|n| n.trim().parse::<u64>().ok())
    {
        Some(secs) => httpdate::fmt_http_date(now + Duration::from_secs(secs)),
        None => spec.to_owned(),
    }
}

/// Parses `50ms`, `2s`, `1m`, `1500` (milliseconds) into a duration.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num.parse().map_err(|_| format!("bad duration {s:?}"))?;
    match unit {
        "ms" | "" => Ok(Duration::from_millis(n)),
        "s" => Ok(Duration::from_secs(n)),
        "m" => Ok(Duration::from_secs(n * 60)),
        _ => Err(format!("bad duration unit in {s:?} (use ms, s or m)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_n_fires_on_multiples_only_and_restarts() {
        let st = FaultState::new(Faults {
            throttle_every: 3,
            fail_every: 2,
            ..Faults::default()
        });
        let got: Vec<_> = (0..6).map(|_| st.graph_request()).collect();
        assert_eq!(got[0], None);
        assert_eq!(got[1], Some(GraphFault::Fail));
        assert_eq!(got[2], Some(GraphFault::Throttle("1".into())));
        assert_eq!(got[5], Some(GraphFault::Throttle("1".into())));
        st.set(Faults {
            drop_every: 2,
            ..Faults::default()
        });
        assert!(!st.drop_download());
        assert!(st.drop_download());
        assert_eq!(st.graph_request(), None);
    }

    #[test]
    fn login_faults_fire_the_given_number_of_times() {
        let st = FaultState::new(Faults {
            login_fault: Some(LoginFault::Unavailable),
            login_fault_times: 2,
            ..Faults::default()
        });
        let got: Vec<_> = (0..3).map(|_| st.login_request()).collect();
        assert_eq!(
            got,
            [
                Some(LoginFault::Unavailable),
                Some(LoginFault::Unavailable),
                None
            ]
        );
        assert_eq!("html-ok".parse(), Ok(LoginFault::HtmlOk));
        assert!(
            "nope"
                .parse::<LoginFault>()
                .unwrap_err()
                .contains("consumers-only")
        );
    }

    #[test]
    fn copy_monitor_modes_parse_by_name() {
        for (name, mode) in CopyMonitor::ALL {
            assert_eq!(name.parse(), Ok(mode));
        }
        let err = "stuck".parse::<CopyMonitor>().unwrap_err();
        assert!(err.contains("stall, slow, busy, gone"), "{err}");
    }

    #[test]
    fn retry_after_values_in_each_form() {
        let now = std::time::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(
            retry_after_value("date:+30", now),
            "Sun, 06 Nov 1994 08:50:07 GMT"
        );
        for verbatim in ["2.128", "150100", "0", "soon"] {
            assert_eq!(retry_after_value(verbatim, now), verbatim);
        }
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("50ms"), Ok(Duration::from_millis(50)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert!(parse_duration("3h").is_err());
    }
}
