//! A domain bouncing mail: the policy served live is `mode: enforce` and something makes
//! enforcing senders refuse delivery now (an MX certificate expired or untrusted, a host
//! without STARTTLS, an MX host the policy does not list). Fixing that is best; when it
//! cannot wait, the way out is the certificate-emergency plan (RFC 8461 §8.3): publish
//! `mode: none` with a new id, keep serving it for as long as senders may hold the enforce
//! policy (its `max_age`), then decide — resume testing or remove MTA-STS. The plan itself is
//! [`plan_rollback`](super::plan_rollback); this says when it is needed and what it does.

use jiff::Timestamp;

use super::model::{DomainState, ROLLBACK_MAX_AGE};
use super::next::{Next, Verb};
use super::observe::{MxResult, Observation};
use super::phase::Phase;
use super::time::add_secs;
use crate::rfc::{DomainName, Mode};
use crate::words::span;

/// Why a host the live policy does not list is refused.
const UNLISTED: &str = "the live policy does not list it";

/// One live MX host enforcing senders refuse, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Refusal {
    /// The MX host.
    pub host: DomainName,
    /// Why, in a few words ("its certificate expired on 2026-11-25").
    pub why: String,
}

/// Mail to the domain is refused now.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Emergency {
    /// Every live MX host enforcing senders refuse.
    pub refused: Vec<Refusal>,
    /// The live MX hosts they still deliver to (empty: every message waits, then bounces).
    pub accepted: Vec<DomainName>,
    /// The longest `max_age` senders may hold an enforce policy for, in seconds.
    pub held_max_age: u32,
}

/// Why enforcing senders refuse `r`, if they do, as of `now` (the first reason of several).
fn refused(r: &MxResult, now: Timestamp) -> Option<String> {
    if !r.starttls_ok {
        return Some("it does not complete STARTTLS".to_owned());
    }
    if let Some(t) = r.not_after.filter(|t| *t <= now) {
        return Some(format!("its certificate expired on {}", t.strftime("%Y-%m-%d")));
    }
    if !r.name_ok {
        return Some(format!("its certificate is not valid for the name {}", r.host));
    }
    (!r.cert_trusted).then(|| "its certificate does not chain to a publicly trusted root".to_owned())
}

/// Whether mail to the domain is refused now, by the check `obs`: the live policy is
/// `mode: enforce` and at least one live MX host fails it. `None` while rolling back (the way
/// out is already taken), when the MX hosts or the live policy are unknown, or when every
/// live MX host passes.
pub fn emergency(state: &DomainState, obs: &Observation, now: Timestamp) -> Option<Emergency> {
    if state.phase == Phase::Rollback {
        return None;
    }
    let live = obs.live_policy.as_ref().filter(|p| p.mode == Mode::Enforce)?;
    let hosts = obs.live_mx.as_ref().filter(|l| !l.is_empty())?;
    let mut out = Emergency { refused: Vec::new(), accepted: Vec::new(), held_max_age: live.max_age };
    for host in hosts {
        let why = if !live.covers(host.as_str()) {
            Some(UNLISTED.to_owned())
        } else {
            obs.mx_result(host).and_then(|r| refused(r, now))
        };
        match why {
            Some(why) => out.refused.push(Refusal { host: host.clone(), why }),
            None => out.accepted.push(host.clone()),
        }
    }
    let published = state.published.iter().filter(|p| p.mode == Mode::Enforce).map(|p| p.max_age);
    out.held_max_age = published.fold(out.held_max_age, u32::max);
    (!out.refused.is_empty()).then_some(out)
}

impl Emergency {
    /// "mx1.example.com (its certificate expired on 2026-11-25) and mx2.example.com (…)".
    pub fn hosts(&self) -> String {
        let each: Vec<String> = self.refused.iter().map(|r| format!("{} ({})", r.host, r.why)).collect();
        match each.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    }

    /// What happens to mail now, in one sentence.
    pub fn consequence(&self) -> String {
        if self.accepted.is_empty() {
            "mail waits in senders' queues and then bounces".to_owned()
        } else {
            let ok: Vec<&str> = self.accepted.iter().map(DomainName::as_str).collect();
            format!("they deliver only to {}", ok.join(", "))
        }
    }

    /// Whether publishing the plan ends the refusals: a planned policy that does not enforce,
    /// or one that lists every host refused only for being unlisted. The plan's publication
    /// steps are then the way forward, and the next step names them instead of the way out.
    pub fn fixed_by_plan(&self, state: &DomainState, obs: &Observation) -> bool {
        let plan = state.plan.policy();
        if obs.live_policy.as_ref() == Some(&plan) {
            return false;
        }
        plan.mode != Mode::Enforce
            || self.refused.iter().all(|r| r.why == UNLISTED && plan.covers(r.host.as_str()))
    }

    /// The gate's blocker text.
    pub fn message(&self) -> String {
        format!(
            "mail is refused now: the live policy is mode: enforce and enforcing senders refuse {}; {}",
            self.hosts(),
            self.consequence()
        )
    }

    /// The next step while mail is refused: the way out first (it must be one step away),
    /// then the fix.
    pub fn next(&self) -> Next {
        Next::text("Mail is refused now. Stop enforcing (").verb(Verb::RollBack).then(format!(
            ": mode: none with a new id), or fix {} at once: senders deliver at their next retry.",
            self.hosts()
        ))
    }

    /// Exactly what the way out does, for the confirmation: the problem, the fix, the plan
    /// and the order of publishing, the wait and the choice at its end.
    pub fn plan(&self, state: &DomainState, now: Timestamp) -> Vec<Next> {
        let d = &state.domain;
        let wait = span(u64::from(self.held_max_age));
        let until = add_secs(now, i64::from(self.held_max_age)).strftime("%Y-%m-%d");
        vec![
            Next::text(format!(
                "Mail to {d} is refused now: the live policy enforces and senders refuse {}; {}.",
                self.hosts(),
                self.consequence()
            )),
            Next::text("Best: fix that; senders deliver at their next retry, nothing else changes."),
            Next::text(format!(
                "Or stop enforcing now: this plans mode: none with max_age {ROLLBACK_MAX_AGE} and a new \
                 id (phase rollback). Serve that policy at {} first, then its id in TXT {}: senders \
                 that fetch it stop enforcing.",
                d.policy_url(),
                d.child("_mta-sts")
            )),
            Next::text(format!(
                "Senders that cached the enforce policy keep it for its max_age ({wait}): keep mode: \
                 none served that long (to about {until}), then resume testing ("
            ))
            .verb(Verb::Resume)
            .then(") or remove MTA-STS (")
            .verb(Verb::Retire)
            .then(")."),
        ]
    }
}
