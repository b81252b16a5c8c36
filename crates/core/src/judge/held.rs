//! Live MX hosts against the policies senders may still hold (the rollout's sender-cache
//! model, RFC 8461 §5.1): a sender that cached an enforce policy refuses every MX host it does
//! not list until that policy expires, whatever is published now.

use crate::evidence::{Evidence, Lookup};
use crate::finding::{Code, Finding, Severity};
use crate::rfc::{Mode, Policy};

use super::{HeldPolicy, PlanContext};

fn until(h: &HeldPolicy, now: jiff::Timestamp) -> jiff::Timestamp {
    h.until.unwrap_or_else(|| {
        now.saturating_add(jiff::SignedDuration::from_secs(i64::from(h.policy.max_age))).unwrap_or(now)
    })
}

fn when(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// Findings for live MX hosts a held enforce version does not list, and notes naming the
/// versions other than the live one that senders may hold.
pub(crate) fn check(
    ev: &Evidence,
    plan: &PlanContext,
    live: Option<&Policy>,
    live_id: Option<&crate::rfc::PolicyId>,
    now: jiff::Timestamp,
) -> (Vec<Finding>, Vec<String>) {
    let hosts: Vec<&str> = match &ev.mx {
        Lookup::Found(list) => list.iter().map(|m| m.host.as_str()).collect(),
        _ => Vec::new(),
    };
    let is_live = |h: &HeldPolicy| live_id == Some(&h.id) && live.is_some_and(|p| p.sha256_hex() == h.sha256);
    let mut findings = Vec::new();
    let mut notes = Vec::new();
    for h in plan.held.iter().filter(|h| !is_live(h)) {
        let end = until(h, now);
        if end <= now {
            continue;
        }
        let mx: Vec<String> = h.policy.mx.iter().map(ToString::to_string).collect();
        notes.push(format!(
            "senders may still hold: {}, id {} ({}) until {}",
            h.policy.mode,
            h.id,
            mx.join(", "),
            when(end)
        ));
        if h.policy.mode != Mode::Enforce {
            continue;
        }
        for host in hosts.iter().filter(|host| !h.policy.covers(host)) {
            findings.push(Finding::new(
                Code::MxNotCoveredByHeldPolicy,
                Severity::Error,
                *host,
                format!(
                    "senders that cached the enforce policy id {} (mx: {}) refuse delivery to {host} until {}: \
                     a cached policy is used until its max_age ends, whatever is published now",
                    h.id,
                    mx.join(", "),
                    when(end)
                ),
                format!(
                    "until {}, keep an MX host that policy lists in DNS and running, so those senders can \
                     deliver; next time plan the change with `mtasts plan mx {}` (new hosts in the policy \
                     first, the MX records after the old policy expired)",
                    when(end),
                    ev.domain.as_str()
                ),
            ));
        }
    }
    (findings, notes)
}
