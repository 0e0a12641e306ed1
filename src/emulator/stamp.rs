//! Times of items ([`Stamp`]): 8 bytes each instead of a 24-character string, since every
//! item keeps four of them and a drive may hold a million items (issue 15). Data dirs and
//! answers still carry RFC 3339 text with milliseconds, as before.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ids::{Profile, show_time};
use super::node::utc_ms;

/// A time in milliseconds since the Unix epoch, UTC. Written (JSON, answers) as RFC 3339
/// with milliseconds, e.g. `2026-01-02T03:04:05.678Z`. (Not `Copy`, so that code written
/// when times were strings, `t.clone()`, reads as it did.)
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Stamp(pub(crate) i64);

impl Stamp {
    /// The current time.
    pub(crate) fn now() -> Stamp {
        Stamp::from_time(time::OffsetDateTime::now_utc())
    }

    /// `t` to the millisecond.
    pub(crate) fn from_time(t: time::OffsetDateTime) -> Stamp {
        Stamp(i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(0))
    }

    /// An RFC 3339 time (any offset), or `None`.
    pub(crate) fn parse(text: &str) -> Option<Stamp> {
        let rfc3339 = &time::format_description::well_known::Rfc3339;
        time::OffsetDateTime::parse(text, rfc3339)
            .ok()
            .map(Stamp::from_time)
    }

    /// As `YYYY-MM-DDThh:mm:ss.mmmZ`.
    pub(crate) fn text(&self) -> String {
        let nanos = i128::from(self.0) * 1_000_000;
        let t = time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        utc_ms(t)
    }

    /// As the profile shows it (see [`show_time`]).
    pub(crate) fn show(&self, profile: Profile) -> String {
        show_time(profile, &self.text())
    }
}

impl Serialize for Stamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

impl<'de> Deserialize<'de> for Stamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        Stamp::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 time: {text}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_read_and_write_rfc3339_with_milliseconds() {
        let t = Stamp::parse("2026-01-02T03:04:05.678+01:00").unwrap();
        assert_eq!(t.text(), "2026-01-02T02:04:05.678Z");
        assert_eq!(Stamp::parse(&t.text()), Some(t.clone()));
        assert_eq!(t.show(Profile::Business), "2026-01-02T02:04:05Z");
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<Stamp>(&json).unwrap(), t);
        assert!(serde_json::from_str::<Stamp>("\"yesterday\"").is_err());
    }
}
