//! Unit tests of the rollout, all with a fixed `now`.

mod adopt;
mod change;
mod emergency;
mod enforce;
mod fleet;
mod gates;
mod maintenance;
mod props;
mod removal;
mod settle;
mod status;
mod window;

use jiff::Timestamp;

use super::*;
use crate::finding::Verdict;
use crate::rfc::{DomainName, MxPattern};

pub(super) fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

pub(super) fn dn(s: &str) -> DomainName {
    DomainName::parse(s).unwrap()
}

pub(super) fn plus_secs(t: Timestamp, secs: i64) -> Timestamp {
    super::time::add_secs(t, secs)
}

pub(super) const DAY: i64 = 86_400;
pub(super) const T0: &str = "2026-11-01T10:00:00Z";

/// example.com with MX mx1/mx2.example.com, created at T0, two external testers ticked.
pub(super) fn fresh() -> DomainState {
    let s = new_domain(
        dn("example.com"),
        vec![MxPattern::parse("mx1.example.com").unwrap(), MxPattern::parse("mx2.example.com").unwrap()],
        Vec::new(),
        None,
        at(T0),
    );
    tick_tester(tick_tester(s, Tester::Hardenize, at(T0)), Tester::InternetNl, at(T0))
}

/// A clean check at `when` showing exactly the plan live.
pub(super) fn good_obs(state: &DomainState, when: Timestamp) -> Observation {
    let hosts = vec![dn("mx1.example.com"), dn("mx2.example.com")];
    Observation {
        at: when,
        verdict: Verdict::Pass,
        error_codes: Vec::new(),
        warning_codes: Vec::new(),
        mx_results: hosts
            .iter()
            .map(|h| MxResult {
                host: h.clone(),
                starttls_ok: true,
                cert_trusted: true,
                name_ok: true,
                not_after: Some(plus_secs(when, 90 * DAY)),
            })
            .collect(),
        live_mx: Some(hosts),
        sts_id: Some(state.plan.id.clone()),
        tlsrpt_rua: Some(state.plan.rua.clone()),
        live_policy: Some(state.plan.policy()),
        ns_sts: None,
    }
}

pub(super) fn reports_ok() -> ReportTally {
    ReportTally {
        reports: 4,
        failed_sessions: 0,
        successful_sessions: 120,
        failures_by_type: Vec::new(),
        authenticated_reports: 4,
        authenticated_successful_sessions: 120,
    }
}

/// Advances once with a clean check at `when`.
pub(super) fn step(state: DomainState, when: Timestamp) -> DomainState {
    let obs = good_obs(&state, when);
    let state = record_check(state, &obs);
    advance(state, Some(&obs), Some(&reports_ok()), None, when).unwrap().0
}

/// A domain that entered testing at T0 + 1 day.
pub(super) fn testing() -> DomainState {
    let mut s = fresh();
    let start = plus_secs(at(T0), DAY);
    s = step(s, at(T0));
    s = step(s, at(T0));
    s = set_hosting(s, HostingPath::Nginx);
    s = step(s, at(T0));
    s = step(s, start);
    assert_eq!(s.phase, Phase::Testing);
    s
}

/// A domain enforced at T0 + 32 days (plan id live, enforce policy live).
pub(super) fn enforced() -> DomainState {
    let s = testing();
    let done = plus_secs(at(T0), 31 * DAY);
    let s = step(s, done);
    assert_eq!(s.phase, Phase::Enforce);
    let s = step(s, plus_secs(done, DAY));
    assert_eq!(s.phase, Phase::Enforced);
    s
}

pub(super) fn kinds(g: &Gate) -> Vec<BlockerKind> {
    g.blockers.iter().map(|b| b.kind).collect()
}
