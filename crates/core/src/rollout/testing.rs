//! Progress through the testing window.
//!
//! Days are whole 24-hour periods in UTC counted from the moment testing started: day 1 runs
//! from the start to start + 24 h, day N from start + (N−1)×24 h. The window is complete when
//! `now ≥ start + window_days × 24 h`; `window_ends` is the UTC date of that instant.
//! `days_remaining` counts the periods still to run, the current one included
//! (`⌈(end − now) / 24 h⌉`, 0 once complete), so day 1 of 30 has 30 days remaining and day
//! 30 has 1.

use jiff::Timestamp;
use jiff::civil::Date;

use super::model::DomainState;
use super::phase::Phase;
use super::state::entered_at;
use super::time::{add_secs, utc_date};

const DAY_SECS: i64 = 86_400;

/// Where the domain is in its testing window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct TestingProgress {
    /// The current day, 1-based, at most `total`.
    pub day: u32,
    /// The window length in days.
    pub total: u32,
    /// Days still to run, including the current one; 0 once complete.
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
    let left = ends_at.as_second().saturating_sub(now.as_second()).max(0);
    let days_remaining = u32::try_from((left + DAY_SECS - 1) / DAY_SECS).unwrap_or(u32::MAX);
    Some(TestingProgress {
        day,
        total,
        days_remaining,
        started,
        ends_at,
        window_ends: utc_date(ends_at),
        complete: now >= ends_at,
    })
}

impl TestingProgress {
    /// Whole days since the window ended (0 on the day it ended), once complete.
    pub fn ended_days_ago(&self, now: Timestamp) -> Option<i64> {
        self.complete.then(|| now.as_second().saturating_sub(self.ends_at.as_second()).max(0) / DAY_SECS)
    }

    /// "day 12 of 30, 19 days left", or once complete "ended 3 days ago" / "ended today".
    pub fn words(&self, now: Timestamp) -> String {
        match self.ended_days_ago(now) {
            Some(0) => "window ended today".to_owned(),
            Some(1) => "window ended 1 day ago".to_owned(),
            Some(n) => format!("window ended {n} days ago"),
            None => format!("day {} of {}, {} days left", self.day, self.total, self.days_remaining),
        }
    }
}
