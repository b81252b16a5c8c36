//! The MX set against the policy (RFC 8461 §4.1) and each MX host's SMTP probes.

use crate::evidence::{Evidence, Lookup, MxEvidence};
use crate::finding::{Code, Finding, Severity};
use crate::rfc::{Mode, MxPattern, Policy};

use super::JudgeContext;
use super::mx_probe::judge_probe;

/// How a strict sender fares with one MX host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HostState {
    /// The MX host name.
    pub host: String,
    /// Why an enforcing sender would not deliver there (None: it would, over TLS).
    pub refused: Option<String>,
}

/// What the MX checks found.
#[derive(Debug, Clone, Default)]
pub(crate) struct MxOutcome {
    /// The findings.
    pub findings: Vec<Finding>,
    /// Each MX host (or the implicit MX), in preference order.
    pub hosts: Vec<HostState>,
    /// The domain publishes a null MX: it receives no mail.
    pub null_mx: bool,
}

/// Judges the MX set; `policy` is the live policy when one could be parsed.
pub(crate) fn check(ev: &Evidence, ctx: &JudgeContext, policy: Option<&Policy>) -> MxOutcome {
    let mut out = MxOutcome::default();
    let domain = ev.domain.as_str();
    let subject = domain.to_owned();
    if ev.null_mx {
        out.null_mx = true;
        out.findings.push(Finding::new(
            Code::MxMissing,
            Severity::Info,
            subject,
            format!(
                "{domain} publishes a null MX (RFC 7505): it receives no mail and needs no MTA-STS policy"
            ),
            "nothing to do; remove the MTA-STS records if the domain will never receive mail",
        ));
        return out;
    }
    let mut sorted: Vec<&MxEvidence>;
    let listed = match &ev.mx {
        Lookup::Found(list) if !list.is_empty() => {
            sorted = list.iter().collect();
            sorted.sort_by_key(|m| m.preference);
            sorted
        }
        other => {
            let (severity, message, fix) = missing(domain, other, ev.implicit_mx.as_ref());
            out.findings.push(Finding::new(Code::MxMissing, severity, subject, message, fix));
            ev.implicit_mx.iter().collect()
        }
    };
    let enforceable = policy.filter(|p| p.mode != Mode::None);
    if let Some(p) = enforceable {
        coverage(&listed, p, &ev.policy.url, &mut out.findings);
    }
    for mx in listed {
        let mut refused =
            enforceable.filter(|p| !p.covers(&mx.host)).map(|_| "not covered by the policy".to_owned());
        let mut ok_somewhere = false;
        let mut first_reason = None;
        match &mx.addresses {
            Lookup::Found(addrs) if !addrs.is_empty() => {}
            _ => {
                out.findings.push(Finding::new(
                    Code::MxUnreachable,
                    Severity::Error,
                    &mx.host,
                    format!("the MX host {} has no A or AAAA record, so no sender can connect", mx.host),
                    format!("publish an address record for {} or remove it from the MX set", mx.host),
                ));
                first_reason = Some("no address".to_owned());
            }
        }
        for probe in &mx.probes {
            let (findings, reason) = judge_probe(probe, ctx);
            out.findings.extend(findings);
            match reason {
                None => ok_somewhere = true,
                Some(r) => {
                    first_reason.get_or_insert(r);
                }
            }
        }
        if !ok_somewhere {
            refused = refused.or(first_reason).or_else(|| Some("not probed".to_owned()));
        }
        out.hosts.push(HostState { host: mx.host.clone(), refused });
    }
    out
}

fn missing(
    domain: &str,
    lookup: &Lookup<Vec<MxEvidence>>,
    implicit: Option<&MxEvidence>,
) -> (Severity, String, String) {
    let usable_implicit = implicit.is_some_and(|m| m.addresses.found().is_some_and(|a| !a.is_empty()));
    match lookup {
        Lookup::NxDomain => (
            Severity::Error,
            format!("{domain} does not exist (NXDOMAIN), so no mail can be delivered to it"),
            format!("create the zone for {domain} with MX records for its mail servers"),
        ),
        Lookup::ServFail | Lookup::Timeout | Lookup::Error(_) => (
            Severity::Error,
            format!(
                "the MX lookup for {domain} failed ({}); senders cannot find its mail servers",
                lookup_word(lookup)
            ),
            format!("make the authoritative DNS servers of {domain} answer MX queries"),
        ),
        _ if usable_implicit => (
            Severity::Warning,
            format!(
                "{domain} has no MX records, so senders fall back to its own address (the implicit MX, \
                 RFC 5321 §5.1) and the policy must list {domain} itself"
            ),
            format!("publish MX records for {domain} naming its mail servers, and list them in the policy"),
        ),
        _ => (
            Severity::Error,
            format!("{domain} has no MX records and no address, so no mail can be delivered to it"),
            format!("publish MX records for {domain}, or a null MX (`MX 0 .`) if it receives no mail"),
        ),
    }
}

fn lookup_word<T>(l: &Lookup<T>) -> String {
    match l {
        Lookup::ServFail => "SERVFAIL".to_owned(),
        Lookup::Timeout => "timeout".to_owned(),
        Lookup::Error(e) => e.clone(),
        _ => "no answer".to_owned(),
    }
}

fn coverage(mx: &[&MxEvidence], policy: &Policy, url: &str, out: &mut Vec<Finding>) {
    for m in mx.iter().filter(|m| !policy.covers(&m.host)) {
        let near = policy.mx.iter().filter(|p| p.is_wildcard()).find_map(|p| near_miss(p, &m.host));
        let message = match &near {
            Some(why) => format!("no policy pattern matches the MX host {}: {why}", m.host),
            None => format!(
                "no policy pattern ({}) matches the MX host {}; an enforcing sender refuses to deliver there",
                list(&policy.mx),
                m.host
            ),
        };
        out.push(Finding::new(
            Code::MxNotCovered,
            Severity::Error,
            &m.host,
            message,
            match near.as_ref().and(m.host.split_once('.')) {
                Some((_, parent)) => format!(
                    "add `mx: {}` (or `mx: *.{parent}`) to the policy at {url} and publish a new id",
                    m.host
                ),
                None => format!("add `mx: {}` to the policy at {url} and publish a new id", m.host),
            },
        ));
    }
    for p in policy.mx.iter().filter(|p| !mx.iter().any(|m| p.matches(&m.host))) {
        out.push(Finding::new(
            Code::MxPatternUnused,
            Severity::Warning,
            url,
            format!("the policy pattern `mx: {p}` matches none of the DNS MX hosts ({})", hosts(mx)),
            format!(
                "remove `mx: {p}` from the policy (with a new id), unless an MX record for it is about to be added"
            ),
        ));
    }
}

/// Why a wildcard that nearly matches does not (RFC 8461 §4.1: exactly one leftmost label).
fn near_miss(p: &MxPattern, host: &str) -> Option<String> {
    let base = p.base().as_str();
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host == base {
        return Some(format!("`{p}` does not cover {base} itself (the wildcard needs one label in front)"));
    }
    let prefix = host.strip_suffix(base)?.strip_suffix('.')?;
    let labels = prefix.split('.').count();
    (labels > 1).then(|| {
        format!(
            "`{p}` covers exactly one label in place of `*` (RFC 8461 §4.1), but {host} has {labels} labels \
             ({prefix}) in front of {base}"
        )
    })
}

fn list(patterns: &[MxPattern]) -> String {
    patterns.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", ")
}

fn hosts(mx: &[&MxEvidence]) -> String {
    if mx.is_empty() {
        return "there are none".to_owned();
    }
    mx.iter().map(|m| m.host.as_str()).collect::<Vec<_>>().join(", ")
}
