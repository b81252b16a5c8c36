//! The individual gate items, each returning the blockers it finds.

use jiff::Timestamp;

use super::blocker::{Blocker, BlockerKind};
use super::model::DomainState;
use super::observe::Observation;
use super::steps::policy_one_line;
use super::time::{add_secs, short_time};
use crate::finding::Code;
use crate::rfc::{DomainName, Policy, RuaUri, StsRecord, TlsRptRecord};

/// A check older than this no longer counts for a gate.
const MAX_CHECK_AGE_SECS: i64 = 86_400;
/// Certificates must stay valid this long before enforcing.
pub const CERT_MARGIN_DAYS: i64 = 14;
/// A check older than this is old news: a front end checks again before showing its facts as
/// current (well within the day after which a gate refuses it).
pub const RECHECK_AFTER_SECS: i64 = 4 * 3600;

/// Whether a check made at `at` is old at `now` ([`RECHECK_AFTER_SECS`]).
pub fn check_is_old(at: Timestamp, now: Timestamp) -> bool {
    add_secs(at, RECHECK_AFTER_SECS) <= now
}

/// The check must be recent.
pub(crate) fn stale(obs: &Observation, now: Timestamp) -> Vec<Blocker> {
    if add_secs(obs.at, MAX_CHECK_AGE_SECS) < now {
        vec![Blocker::hard(
            BlockerKind::CheckStale,
            format!("the last check ran at {}, more than a day ago; run a new check", short_time(obs.at)),
        )]
    } else {
        Vec::new()
    }
}

/// The MX hosts the gate looks at: live ones, or the plan's exact hosts when DNS named none
/// (the check probes those instead).
fn mx_hosts(state: &DomainState, obs: &Observation) -> Vec<DomainName> {
    match &obs.live_mx {
        Some(live) if !live.is_empty() => live.clone(),
        _ => planned_hosts(state),
    }
}

fn planned_hosts(state: &DomainState) -> Vec<DomainName> {
    state.plan.mx.iter().filter(|p| !p.is_wildcard()).map(|p| p.base().clone()).collect()
}

/// ", so the planned MX hosts (a, b) were probed instead" when the check did so.
fn probed_instead(state: &DomainState, obs: &Observation) -> String {
    let hosts = planned_hosts(state);
    if hosts.iter().any(|h| obs.mx_result(h).is_some()) {
        let names: Vec<&str> = hosts.iter().map(DomainName::as_str).collect();
        format!("; the planned MX hosts ({}) were probed instead", names.join(", "))
    } else {
        String::new()
    }
}

/// MX set known and covered by the plan; every MX host passes STARTTLS.
pub(crate) fn preflight(state: &DomainState, obs: &Observation, now: Timestamp) -> Vec<Blocker> {
    let mut out = Vec::new();
    match &obs.live_mx {
        None => out.push(Blocker::hard(
            BlockerKind::MxUnknown,
            format!(
                "the MX records of {} could not be looked up: the DNS resolver did not answer — check the \
                 network or --resolver{}",
                state.domain,
                probed_instead(state, obs)
            ),
        )),
        Some(live) if live.is_empty() => out.push(Blocker::hard(
            BlockerKind::MxUnknown,
            format!(
                "DNS lists no MX host for {} (no MX records, or the domain does not exist); MTA-STS \
                 protects mail to MX hosts{}",
                state.domain,
                probed_instead(state, obs)
            ),
        )),
        Some(live) => {
            for host in live.iter().filter(|h| !state.plan.policy().covers(h.as_str())) {
                out.push(Blocker::hard(
                    BlockerKind::MxNotCovered,
                    format!("MX host {host} is not covered by any planned mx pattern"),
                ));
            }
        }
    }
    if state.plan.mx.is_empty() {
        out.push(Blocker::hard(BlockerKind::MxUnknown, "the plan has no mx patterns"));
    }
    out.extend(mx_tls(state, obs, now, false));
    out
}

/// STARTTLS and certificate items per MX host. `strict` (before enforcing): failures cannot
/// be overridden and certificates must stay valid for [`CERT_MARGIN_DAYS`] more days.
pub(crate) fn mx_tls(state: &DomainState, obs: &Observation, now: Timestamp, strict: bool) -> Vec<Blocker> {
    let make = |kind, msg: String| {
        if strict { Blocker::hard(kind, msg) } else { Blocker::soft(kind, msg) }
    };
    let margin = add_secs(now, CERT_MARGIN_DAYS * 86_400);
    let mut out = Vec::new();
    for host in mx_hosts(state, obs) {
        let Some(r) = obs.mx_result(&host) else {
            let msg = if obs.live_mx.as_ref().is_some_and(|l| !l.is_empty()) {
                format!("MX host {host} was not probed")
            } else {
                format!("planned MX host {host} could not be probed: no address for it came back from DNS")
            };
            out.push(make(BlockerKind::MxNotChecked, msg));
            continue;
        };
        if !r.starttls_ok {
            out.push(make(
                BlockerKind::MxStarttlsMissing,
                format!("MX host {host} does not complete STARTTLS"),
            ));
            continue;
        }
        if !r.cert_trusted {
            out.push(make(
                BlockerKind::MxCertUntrusted,
                format!("the certificate of {host} does not chain to a publicly trusted root"),
            ));
        }
        if !r.name_ok {
            out.push(make(
                BlockerKind::MxCertNameMismatch,
                format!("the certificate of {host} is not valid for the name {host}"),
            ));
        }
        match r.not_after {
            None => out
                .push(make(BlockerKind::MxNotChecked, format!("no certificate expiry was seen for {host}"))),
            Some(t) if t <= now => out.push(make(
                BlockerKind::MxCertExpired,
                format!("the certificate of {host} expired at {}", short_time(t)),
            )),
            Some(t) if strict && t < margin => out.push(Blocker::soft(
                BlockerKind::MxCertExpiring,
                format!(
                    "the certificate of {host} expires at {}, within {CERT_MARGIN_DAYS} days",
                    short_time(t)
                ),
            )),
            Some(_) => {}
        }
    }
    out
}

fn rua_set(rua: &[RuaUri]) -> Vec<&str> {
    let mut v: Vec<&str> = rua.iter().map(RuaUri::as_str).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The `_mta-sts` and `_smtp._tls` records are live as planned.
pub(crate) fn records(state: &DomainState, obs: &Observation) -> Vec<Blocker> {
    let mut out = Vec::new();
    let sts_name = state.domain.child("_mta-sts");
    let want = StsRecord::new(state.plan.id.clone()).render();
    match &obs.sts_id {
        None => out.push(Blocker::hard(
            BlockerKind::StsRecordNotLive,
            format!("no valid TXT record at {sts_name}; publish \"{want}\""),
        )),
        Some(id) if id != &state.plan.id => out.push(Blocker::hard(
            BlockerKind::StsRecordNotLive,
            format!("{sts_name} has id {id} but the plan says {}; publish \"{want}\"", state.plan.id),
        )),
        Some(_) => {}
    }
    let rpt_name = state.domain.child("_smtp._tls");
    let want = TlsRptRecord::new(state.plan.rua.clone()).render();
    match &obs.tlsrpt_rua {
        None => out.push(Blocker::hard(
            BlockerKind::TlsRptRecordNotLive,
            format!("no valid TXT record at {rpt_name}; publish \"{want}\""),
        )),
        Some(live) if rua_set(live) != rua_set(&state.plan.rua) => out.push(Blocker::hard(
            BlockerKind::TlsRptRecordNotLive,
            format!(
                "{rpt_name} reports to {} but the plan says {}; publish \"{want}\"",
                rua_set(live).join(","),
                rua_set(&state.plan.rua).join(",")
            ),
        )),
        Some(_) => {}
    }
    out
}

/// How a live policy differs from the plan, in words.
pub fn policy_diff(live: &Policy, plan: &Policy) -> Vec<String> {
    let mut out = Vec::new();
    if live.mode != plan.mode {
        out.push(format!("mode is {} (plan: {})", live.mode, plan.mode));
    }
    if live.max_age != plan.max_age {
        out.push(format!("max_age is {} (plan: {})", live.max_age, plan.max_age));
    }
    if live.mx != plan.mx {
        let list = |p: &Policy| p.mx.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        out.push(format!("mx is {} (plan: {})", list(live), list(plan)));
    }
    out
}

/// The live policy equals the planned one (parsed, and as canonical text).
pub(crate) fn policy_live(state: &DomainState, obs: &Observation) -> Vec<Blocker> {
    let plan = state.plan.policy();
    let url = state.domain.policy_url();
    match &obs.live_policy {
        None => vec![Blocker::hard(
            BlockerKind::PolicyNotLive,
            format!("no policy could be fetched from {url}; serve: {}", policy_one_line(&plan)),
        )],
        Some(live) if live != &plan || live.render() != plan.render() => {
            let worker = if state.plan.hosting == Some(super::phase::HostingPath::WorkerMulti) {
                " — the shared Worker is behind: redeploy it (it serves every path-C domain's plan)"
            } else {
                ""
            };
            vec![Blocker::hard(
                BlockerKind::PolicyNotLive,
                format!(
                    "the policy at {url} differs from the plan: {}{worker}",
                    policy_diff(live, &plan).join("; ")
                ),
            )]
        }
        Some(_) => Vec::new(),
    }
}

/// A hosting path is chosen and the policy is served.
pub(crate) fn hosting(state: &DomainState, obs: &Observation) -> Vec<Blocker> {
    let mut out = Vec::new();
    if state.plan.hosting.is_none() {
        out.push(Blocker::hard(
            BlockerKind::HostingNotChosen,
            "no hosting path chosen (nginx, apache, caddy, static-headers, worker, worker-multi)",
        ));
    }
    out.extend(policy_live(state, obs));
    out
}

/// Records and policy are both live as planned.
pub(crate) fn plan_live(state: &DomainState, obs: &Observation) -> Vec<Blocker> {
    let mut out = records(state, obs);
    out.extend(policy_live(state, obs));
    out
}

/// The check found no errors other than `allowed`.
pub(crate) fn failing(obs: &Observation, allowed: &[Code]) -> Vec<Blocker> {
    let codes: Vec<&str> =
        obs.error_codes.iter().filter(|c| !allowed.contains(c)).map(|c| c.as_str()).collect();
    if codes.is_empty() && (obs.verdict != crate::finding::Verdict::Fail || !obs.error_codes.is_empty()) {
        return Vec::new();
    }
    let what = if codes.is_empty() { "errors".to_owned() } else { format!("errors: {}", codes.join(", ")) };
    vec![Blocker::hard(
        BlockerKind::CheckFailing,
        format!("the last check found {what}; fix them and check again"),
    )]
}
