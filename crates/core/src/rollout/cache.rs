//! The sender-cache model: which policy versions a sending MTA may still hold at a given
//! time, until when, and what each would do with today's MX hosts.
//!
//! RFC 8461 §5.1: a sender caches a policy for its `max_age` and refreshes it when it sees a
//! new id. A sender that does not send in the meantime, or cannot read the TXT record, keeps
//! the old policy until it expires, so the worst case for a version is "the last moment it
//! may have been live + `max_age`" ([`PolicyVersion::live_until`]). The version live now is
//! held for as long as it stays live and `max_age` after.

use jiff::Timestamp;

use super::time::{add_secs, short_time};
use super::timeline::PolicyVersion;
use crate::rfc::{DomainName, Mode, MxPattern, PolicyId};

/// One version senders may still hold.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HeldVersion {
    /// Its id.
    pub id: PolicyId,
    /// Its mode.
    pub mode: Mode,
    /// Its `mx` patterns.
    pub mx: Vec<MxPattern>,
    /// Its `max_age` in seconds.
    pub max_age: u32,
    /// Whether it is the version live as of the latest check.
    pub live: bool,
    /// Until when a sender may hold it; for the live version, the earliest this can be
    /// (`now + max_age`), later if it stays live.
    pub until: Timestamp,
    /// Live MX hosts this version does not list: a sender holding it in `enforce` refuses
    /// them, in `testing` delivers and reports a failure.
    pub not_covered: Vec<DomainName>,
}

impl HeldVersion {
    /// Whether a sender holding this version refuses some live MX host.
    pub fn refuses(&self) -> bool {
        self.mode == Mode::Enforce && !self.not_covered.is_empty()
    }

    /// "enforce, id 20261201T0900 (mx1.example.com, mx2.example.com) until 2026-12-08 09:00 UTC".
    pub fn describe(&self) -> String {
        let mx: Vec<String> = self.mx.iter().map(ToString::to_string).collect();
        let until = if self.live {
            format!("while live, and {} after", max_age_words(self.max_age))
        } else {
            format!("until {}", short_time(self.until))
        };
        format!("{}, id {} ({}) {until}", self.mode, self.id, mx.join(", "))
    }
}

/// `max_age` in words: "7 days", "1 day", "3 h".
pub fn max_age_words(secs: u32) -> String {
    match secs {
        s if s >= 86_400 && s % 86_400 == 0 => match s / 86_400 {
            1 => "1 day".to_owned(),
            d => format!("{d} days"),
        },
        s if s >= 3600 => format!("{:.1} days", f64::from(s) / 86_400.0),
        s => format!("{s} s"),
    }
}

/// When a sender may last hold `v`, as seen at `now`.
pub fn held_until(v: &PolicyVersion, now: Timestamp) -> Timestamp {
    add_secs(v.live_until(now), i64::from(v.max_age))
}

/// [`held_until`], with the live version counted as replaced at `live_replaced`.
pub fn projected_until(v: &PolicyVersion, live_replaced: Timestamp, now: Timestamp) -> Timestamp {
    match v.replaced_seen {
        Some(_) => held_until(v, now),
        None => add_secs(live_replaced.max(v.last_seen).max(now), i64::from(v.max_age)),
    }
}

/// The versions senders may hold at `now` (oldest first), with what each does with
/// `live_mx` (when known). A version is held while it is live, and until its last possibly
/// live moment plus its `max_age`; never after.
pub fn held_versions(
    history: &[PolicyVersion],
    live_mx: Option<&[DomainName]>,
    now: Timestamp,
) -> Vec<HeldVersion> {
    history
        .iter()
        .filter(|v| v.replaced_seen.is_none() || held_until(v, now) > now)
        .map(|v| HeldVersion {
            id: v.id.clone(),
            mode: v.mode,
            mx: v.mx.clone(),
            max_age: v.max_age,
            live: v.replaced_seen.is_none(),
            until: held_until(v, now),
            not_covered: live_mx
                .unwrap_or_default()
                .iter()
                .filter(|h| !v.mx.iter().any(|p| p.matches(h.as_str())))
                .cloned()
                .collect(),
        })
        .collect()
}

/// Whether a sender holding a policy with `mx` would refuse (in `enforce`) some host that
/// `wanted` allows: `wanted` is neither listed nor, as an exact host, matched.
pub fn lacks(mx: &[MxPattern], wanted: &MxPattern) -> bool {
    !mx.contains(wanted) && (wanted.is_wildcard() || !mx.iter().any(|p| p.matches(wanted.base().as_str())))
}

/// The first moment from which no sender can hold a version (other than mode `none`) that
/// lacks one of `wanted`, assuming the live version is replaced at `live_replaced` (when it
/// lacks one too). `None` when no such version is held.
pub fn no_version_lacks(
    history: &[PolicyVersion],
    wanted: &[MxPattern],
    live_replaced: Timestamp,
    now: Timestamp,
) -> Option<Timestamp> {
    history
        .iter()
        .filter(|v| v.mode != Mode::None)
        .filter(|v| wanted.iter().any(|w| lacks(&v.mx, w)))
        .map(|v| projected_until(v, live_replaced, now))
        .filter(|t| *t > now)
        .max()
}

/// The first moment from which no sender can hold any version other than `keep` (the
/// `mode: none` policy of a rollback): the records may be removed then (RFC 8461 §8.3).
pub fn none_held_but(history: &[PolicyVersion], keep: &PolicyId, now: Timestamp) -> Option<Timestamp> {
    history.iter().filter(|v| &v.id != keep).map(|v| held_until(v, now)).max()
}
