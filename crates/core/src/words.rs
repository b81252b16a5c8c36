//! Numbers and times in words, one rule each, so that every screen and command says the same
//! thing and nothing flips from one redraw to the next:
//!
//! - whole days between two instants are counted in UTC calendar days ([`days_between`]): "in
//!   7 days" stays true all day and changes at midnight UTC, never seconds after it was shown;
//! - a count is written with its noun in the right number ([`count`]: "1 day", "2 days") and
//!   with thousands separators ([`thousands`]: 3,251,855);
//! - time left under a day is rounded up to what remains ([`left`]), never beyond a bound the
//!   caller knows (a TTL of 300 s never has 6 minutes left).

use jiff::Timestamp;
use jiff::tz::TimeZone;

const DAY: i64 = 86_400;

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` and its noun: "1 day", "3 days", "1,204 reports". `noun` is the singular; the plural
/// adds an "s".
pub fn count(n: u64, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{} {noun}s", thousands(n)) }
}

/// Calendar days (UTC) from `from` to `to`: 0 on the same UTC day, 1 for the next day,
/// negative when `to` is earlier.
pub fn days_between(from: Timestamp, to: Timestamp) -> i64 {
    let day = |t: Timestamp| t.to_zoned(TimeZone::UTC).date();
    let (a, b) = (day(from), day(to));
    // Whole days between two dates: their difference in seconds at midnight UTC.
    let midnight = |d: jiff::civil::Date| {
        d.to_zoned(TimeZone::UTC).map(|z| z.timestamp().as_second()).unwrap_or_default()
    };
    (midnight(b) - midnight(a)).div_euclid(DAY)
}

/// When `at` is as seen at `now`, in calendar days: "today", "tomorrow", "in 3 days",
/// "yesterday", "5 days ago".
pub fn relative_day(now: Timestamp, at: Timestamp) -> String {
    match days_between(now, at) {
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        -1 => "yesterday".to_owned(),
        d if d > 1 => format!("in {}", count(d.unsigned_abs(), "day")),
        d => format!("{} ago", count(d.unsigned_abs(), "day")),
    }
}

/// How long ago `at` was, plainly: "just now", "5 minutes ago", "3 hours ago" (under a day),
/// then in calendar days as [`days_between`] counts them: "yesterday", "15 days ago".
pub fn age(now: Timestamp, at: Timestamp) -> String {
    let secs = now.as_second().saturating_sub(at.as_second()).max(0);
    match secs {
        0..60 => "just now".to_owned(),
        60..3600 => format!("{} ago", count((secs / 60) as u64, "minute")),
        3600..DAY => format!("{} ago", count((secs / 3600) as u64, "hour")),
        _ => match days_between(at, now) {
            1 => "yesterday".to_owned(),
            d => format!("{} ago", count(d.max(1).unsigned_abs(), "day")),
        },
    }
}

/// The short form of [`age`] for narrow columns: "now", "5m", "3h", "2d".
pub fn age_short(now: Timestamp, at: Timestamp) -> String {
    let secs = now.as_second().saturating_sub(at.as_second()).max(0);
    match secs {
        0..60 => "now".to_owned(),
        60..3600 => format!("{}m", secs / 60),
        3600..DAY => format!("{}h", secs / 3600),
        _ => format!("{}d", days_between(at, now).max(1)),
    }
}

/// Time left until an instant `secs` away, never more than `bound` seconds (what the caller
/// knows the wait cannot exceed, e.g. a TTL): "45 s", "5 min", "3 h 20 min". Minutes are
/// rounded up, so "0 min" is never said while something is left.
pub fn left(secs: i64, bound: Option<i64>) -> String {
    let s = bound.map_or(secs, |b| secs.min(b)).max(1);
    match s {
        s if s < 120 => format!("{s} s"),
        s if s <= 90 * 60 => format!("{} min", (s + 59) / 60),
        s => {
            let m = (s + 59) / 60;
            match m % 60 {
                0 => count((m / 60) as u64, "hour"),
                r => format!("{} h {r} min", m / 60),
            }
        }
    }
}

/// A whole-second span (a `max_age`, a TTL) in its largest whole unit: "1 day", "7 days",
/// "2 hours", "300 s".
pub fn span(secs: u64) -> String {
    match secs {
        s if s >= DAY as u64 && s % DAY as u64 == 0 => count(s / DAY as u64, "day"),
        s if s >= 3600 && s % 3600 == 0 => count(s / 3600, "hour"),
        s => format!("{} s", thousands(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(3_251_855), "3,251,855");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn counts_agree_in_number() {
        assert_eq!(count(0, "day"), "0 days");
        assert_eq!(count(1, "day"), "1 day");
        assert_eq!(count(2, "report"), "2 reports");
        assert_eq!(count(3758, "session"), "3,758 sessions");
    }

    #[test]
    fn calendar_days_do_not_tick_within_a_day() {
        let due = at("2026-12-12T10:00:00Z");
        // Shown a second before, and a second after, the due time a week earlier: the same.
        assert_eq!(relative_day(at("2026-12-05T09:59:59Z"), due), "in 7 days");
        assert_eq!(relative_day(at("2026-12-05T10:00:01Z"), due), "in 7 days");
        assert_eq!(relative_day(at("2026-12-05T23:59:59Z"), due), "in 7 days");
        assert_eq!(relative_day(at("2026-12-06T00:00:00Z"), due), "in 6 days");
    }

    #[test]
    fn the_due_day_is_today_not_one_day_ago() {
        let due = at("2026-12-11T09:00:00Z");
        assert_eq!(relative_day(at("2026-12-11T15:00:00Z"), due), "today");
        assert_eq!(relative_day(at("2026-12-12T08:00:00Z"), due), "yesterday");
        assert_eq!(relative_day(at("2026-12-13T08:00:00Z"), due), "2 days ago");
        assert_eq!(relative_day(at("2026-12-10T23:00:00Z"), due), "tomorrow");
        assert_eq!(days_between(at("2026-12-11T23:59:59Z"), at("2026-12-12T00:00:00Z")), 1);
        assert_eq!(days_between(at("2026-12-12T00:00:00Z"), at("2026-12-11T23:59:59Z")), -1);
    }

    #[test]
    fn ages_are_plain_and_days_are_calendar_days() {
        let now = at("2026-12-20T12:00:00Z");
        assert_eq!(age(now, at("2026-12-20T11:59:30Z")), "just now");
        assert_eq!(age(now, at("2026-12-20T11:59:00Z")), "1 minute ago");
        assert_eq!(age(now, at("2026-12-20T09:00:00Z")), "3 hours ago");
        assert_eq!(age(now, at("2026-12-19T23:00:00Z")), "13 hours ago");
        assert_eq!(age(now, at("2026-12-19T01:00:00Z")), "yesterday");
        assert_eq!(age(now, at("2026-12-18T13:00:00Z")), "2 days ago");
        assert_eq!(age(now, at("2026-12-05T13:00:00Z")), "15 days ago");
        assert_eq!(age_short(now, at("2026-12-05T13:00:00Z")), "15d");
        assert_eq!(age_short(now, at("2026-12-20T09:00:00Z")), "3h");
        // Just after midnight, a check from late yesterday is hours old, not a day.
        assert_eq!(age(at("2026-12-20T00:30:00Z"), at("2026-12-19T23:00:00Z")), "1 hour ago");
    }

    #[test]
    fn time_left_never_exceeds_its_bound_and_never_says_zero() {
        // The TTL is 300 s; a check stamped a second after "now" leaves 301 s: still 5 min.
        assert_eq!(left(301, Some(300)), "5 min");
        assert_eq!(left(300, Some(300)), "5 min");
        assert_eq!(left(299, Some(300)), "5 min");
        assert_eq!(left(241, None), "5 min");
        assert_eq!(left(240, None), "4 min");
        assert_eq!(left(0, None), "1 s");
        assert_eq!(left(45, None), "45 s");
        assert_eq!(left(3 * 3600, None), "3 hours");
        assert_eq!(left(3 * 3600 + 20 * 60, None), "3 h 20 min");
    }

    #[test]
    fn spans_say_their_unit() {
        assert_eq!(span(86_400), "1 day");
        assert_eq!(span(604_800), "7 days");
        assert_eq!(span(7200), "2 hours");
        assert_eq!(span(300), "300 s");
        assert_eq!(span(90_001), "90,001 s");
    }
}
