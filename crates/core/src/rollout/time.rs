//! Time arithmetic and formats the whole rollout shares: saturating offsets, UTC dates and the
//! short stamps shown in sentences.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// `ts + secs`, saturating at the representable range.
pub(crate) fn add_secs(ts: Timestamp, secs: i64) -> Timestamp {
    let fallback = if secs < 0 { Timestamp::MIN } else { Timestamp::MAX };
    ts.saturating_add(SignedDuration::from_secs(secs)).unwrap_or(fallback)
}

/// The UTC calendar date of an instant.
pub fn utc_date(ts: Timestamp) -> Date {
    ts.to_zoned(TimeZone::UTC).date()
}

/// "2026-12-08 09:00 UTC".
pub fn short_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}
