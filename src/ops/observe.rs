//! Evidence + judgement → the rollout's [`Observation`]: the facts the phase gates need. Pure.

use crate::finding::Severity;
use crate::judge::Judgement;
use crate::probe::{CertVerdict, Evidence, Lookup, MxEvidence, SmtpOutcome};
use crate::rfc::{DomainName, Selection, StsRecord, TlsRptRecord, parse_strict, select};
use crate::rollout::{MxResult, Observation};

/// Builds the observation of one check made at `now`.
pub fn observe(ev: &Evidence, judgement: &Judgement, now: jiff::Timestamp) -> Observation {
    let codes = |sev: Severity| {
        let mut v: Vec<_> = judgement.findings.iter().filter(|f| f.severity == sev).map(|f| f.code).collect();
        v.dedup();
        v
    };
    let hosts = mx_hosts(ev);
    Observation {
        at: now,
        verdict: judgement.verdict,
        error_codes: codes(Severity::Error),
        warning_codes: codes(Severity::Warning),
        live_mx: live_mx(ev),
        mx_results: hosts.iter().filter_map(|mx| mx_result(mx)).collect(),
        sts_id: ev.sts_record.records.found().and_then(|a| match select::<StsRecord>(a) {
            Selection::One { record, .. } => Some(record.id),
            _ => None,
        }),
        tlsrpt_rua: ev.tlsrpt_record.records.found().and_then(|a| match select::<TlsRptRecord>(a) {
            Selection::One { record, .. } => Some(record.rua),
            _ => None,
        }),
        live_policy: live_policy(ev),
    }
}

fn mx_hosts(ev: &Evidence) -> Vec<&MxEvidence> {
    match (&ev.mx, &ev.implicit_mx) {
        (Lookup::Found(list), _) => list.iter().collect(),
        (_, Some(implicit)) => vec![implicit],
        _ => Vec::new(),
    }
}

/// The MX host names in DNS: empty for a domain without MX (or with the null MX), `None` when
/// the lookup itself failed and the set is unknown.
fn live_mx(ev: &Evidence) -> Option<Vec<DomainName>> {
    match &ev.mx {
        Lookup::Found(list) => {
            let mut hosts: Vec<DomainName> =
                list.iter().filter_map(|m| DomainName::parse(&m.host).ok()).collect();
            hosts.sort();
            hosts.dedup();
            Some(hosts)
        }
        Lookup::NoData | Lookup::NxDomain => Some(Vec::new()),
        _ => None,
    }
}

fn mx_result(mx: &MxEvidence) -> Option<MxResult> {
    let host = DomainName::parse(&mx.host).ok()?;
    let tls: Vec<_> = mx.probes.iter().map(|p| (&p.outcome, p.tls.as_ref())).collect();
    let all_tls =
        !tls.is_empty() && tls.iter().all(|(o, t)| **o == SmtpOutcome::TlsEstablished && t.is_some());
    let certs: Vec<_> = tls.iter().filter_map(|(_, t)| t.map(|t| &t.cert)).collect();
    let trusted = all_tls
        && certs
            .iter()
            .all(|c| matches!(c.verdict, CertVerdict::Trusted | CertVerdict::TrustedViaExtraAnchor));
    Some(MxResult {
        host,
        starttls_ok: all_tls,
        cert_trusted: trusted,
        name_ok: all_tls && certs.iter().all(|c| c.verdict != CertVerdict::NameMismatch),
        not_after: certs.iter().filter_map(|c| c.not_after).min(),
    })
}

/// The policy served with status 200 that strict senders accept.
fn live_policy(ev: &Evidence) -> Option<crate::rfc::Policy> {
    let fetch = &ev.policy;
    if fetch.status != Some(200) || fetch.too_large {
        return None;
    }
    parse_strict(fetch.body.as_deref()?).policy
}
