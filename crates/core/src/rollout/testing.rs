//! Progress through the testing window.
//!
//! Days are whole 24-hour periods in UTC counted from the moment testing started: day 1 runs
//! from the start to start + 24 h, day N from start + (N−1)×24 h. The window is complete when
//! `now ≥ start + window_days × 24 h`; `window_ends` is the UTC date of that instant.
//! `days_remaining` counts the whole days still to run after the current one (`total − day`,
//! 0 once complete), so "day N of W, D days left" always adds up: N + D = W. Day 1 of 30 has
//! 29 days left, day 30 is the last day.

use jiff::Timestamp;
use jiff::civil::Date;

use super::model::DomainState;
use super::phase::Phase;
use super::state::entered_at;
use super::time::{add_secs, utc_date};
use crate::words::count;

const DAY_SECS: i64 = 86_400;

/// Where the domain is in its testing window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct TestingProgress {
    /// The current day, 1-based, at most `total`.
    pub day: u32,
    /// The window length in days.
    pub total: u32,
    /// Whole days still to run after the current one (`total − day`); 0 on the last day and
    /// once complete.
    pub days_remaining: u32,
    /// When testing started.
    pub started: Timestamp,
    /// The instant the window completes.
    pub ends_at: Timestamp,
    /// The UTC date of `ends_at`.
    pub window_ends: Date,
    /// Whether `now ≥ ends_at`.
    pub complete: bool,
}

/// Progress of the testing window, or `None` when the domain is not in testing.
pub fn testing_progress(state: &DomainState, now: Timestamp) -> Option<TestingProgress> {
    if state.phase != Phase::Testing {
        return None;
    }
    let started = entered_at(state, Phase::Testing)?;
    let total = state.plan.window_days.max(1);
    let ends_at = add_secs(started, i64::from(total) * DAY_SECS);
    let elapsed = now.as_second().saturating_sub(started.as_second()).max(0);
    let day = u32::try_from(elapsed / DAY_SECS + 1).unwrap_or(u32::MAX).min(total);
    let complete = now >= ends_at;
    let days_remaining = if complete { 0 } else { total - day };
    Some(TestingProgress {
        day,
        total,
        days_remaining,
        started,
        ends_at,
        window_ends: utc_date(ends_at),
        complete,
    })
}

impl TestingProgress {
    /// Calendar days (UTC) since the window ended (0 on the day it ended), once complete.
    pub fn ended_days_ago(&self, now: Timestamp) -> Option<i64> {
        self.complete.then(|| crate::words::days_between(self.ends_at, now).max(0))
    }

    /// "day 12 of 30, 18 days left", or once complete "ended 3 days ago" / "ended today".
    pub fn words(&self, now: Timestamp) -> String {
        match self.ended_days_ago(now) {
            Some(0) => "window ended today".to_owned(),
            Some(n) => format!("window ended {} ago", count(n.unsigned_abs(), "day")),
            None => format!("day {} of {}, {}", self.day, self.total, self.left_words()),
        }
    }

    /// "18 days left", "1 day left", "the last day": what is left after today.
    pub fn left_words(&self) -> String {
        match self.days_remaining {
            0 => "the last day".to_owned(),
            n => format!("{} left", count(u64::from(n), "day")),
        }
    }
}
