//! Evidence + judgement → the rollout's [`Observation`]: the facts the phase gates need. Pure.

use mtasts_core::evidence::{CertVerdict, Evidence, Lookup, MxEvidence, SmtpOutcome};
use mtasts_core::finding::Severity;
use mtasts_core::judge::Judgement;
use mtasts_core::rfc::{DomainName, Selection, StsRecord, TlsRptRecord, parse_strict, select};
use mtasts_core::rollout::{MxResult, NsSts, Observation};

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
        ns_sts: mtasts_core::judge::ns::sts_agreement(ev).map(|(id, ttl)| NsSts {
            id,
            ttl,
            skipped: mtasts_core::judge::ns::skipped(ev),
        }),
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

/// The results of MX hosts probed outside the MX lookup (the planned hosts): a host with no
/// address and so no probe has no result (it was not probed).
pub fn mx_results(planned: &[MxEvidence]) -> Vec<MxResult> {
    planned.iter().filter(|m| !m.probes.is_empty()).filter_map(mx_result).collect()
}

fn mx_result(mx: &MxEvidence) -> Option<MxResult> {
    let host = DomainName::parse(&mx.host).ok()?;
    let tls: Vec<_> = mx.probes.iter().map(|p| (&p.outcome, p.tls.as_ref())).collect();
    let all_tls =
        !tls.is_empty() && tls.iter().all(|(o, t)| **o == SmtpOutcome::TlsEstablished && t.is_some());
    let certs: Vec<_> = tls.iter().filter_map(|(_, t)| t.map(|t| &t.cert)).collect();
    // "Chains to a trusted root" on its own: expiry and the name are separate facts
    // (`not_after`, `name_ok`), so an expired certificate is reported as expired, not untrusted.
    let trusted = all_tls
        && certs.iter().all(|c| {
            matches!(
                c.verdict,
                CertVerdict::Trusted
                    | CertVerdict::TrustedViaExtraAnchor
                    | CertVerdict::Expired
                    | CertVerdict::NameMismatch
            )
        });
    Some(MxResult {
        host,
        starttls_ok: all_tls,
        cert_trusted: trusted,
        name_ok: all_tls && certs.iter().all(|c| c.verdict != CertVerdict::NameMismatch),
        not_after: certs.iter().filter_map(|c| c.not_after).min(),
    })
}

/// The policy served with status 200 that strict senders accept.
fn live_policy(ev: &Evidence) -> Option<mtasts_core::rfc::Policy> {
    let fetch = &ev.policy;
    if fetch.status != Some(200) || fetch.too_large {
        return None;
    }
    parse_strict(fetch.body.as_deref()?).policy
}

#[cfg(test)]
mod tests {
    use super::*;
    use mtasts_core::evidence::SmtpStage;
    use mtasts_core::judge::fixtures::{cert, failed_probe, healthy, probe, run, set_probe};
    use mtasts_core::rfc::Mode;

    fn observe_of(ev: &Evidence) -> Observation {
        observe(ev, &run(ev), mtasts_core::judge::fixtures::now())
    }

    #[test]
    fn a_healthy_domain_yields_its_records_policy_and_mx_results() {
        let obs = observe_of(&healthy("testing"));
        assert_eq!(obs.sts_id.as_ref().map(|i| i.as_str()), Some("20261101T000000"));
        assert_eq!(obs.tlsrpt_rua.as_ref().map(|r| r[0].as_str()), Some("mailto:tlsrpt@example.com"));
        assert_eq!(obs.live_policy.as_ref().map(|p| p.mode), Some(Mode::Testing));
        let hosts: Vec<&str> = obs.live_mx.as_ref().unwrap().iter().map(|d| d.as_str()).collect();
        assert_eq!(hosts, ["mx1.example.com", "mx2.example.com"]);
        assert!(obs.mx_results.iter().all(|r| r.starttls_ok && r.cert_trusted && r.name_ok));
        assert!(obs.error_codes.is_empty());
    }

    #[test]
    fn an_expired_certificate_is_expired_not_untrusted() {
        let mut ev = healthy("enforce");
        let mut p = probe("mx1.example.com", 2);
        if let Some(tls) = p.tls.as_mut() {
            tls.cert = cert("mx1.example.com", CertVerdict::Expired);
        }
        set_probe(&mut ev, 0, p);
        let obs = observe_of(&ev);
        let r = &obs.mx_results[0];
        assert!(r.cert_trusted && r.name_ok && r.starttls_ok);
        assert!(obs.error_codes.contains(&mtasts_core::finding::Code::MxCertExpired));
    }

    #[test]
    fn untrusted_mismatched_and_failed_hosts() {
        let mut ev = healthy("enforce");
        let mut p = probe("mx1.example.com", 2);
        if let Some(tls) = p.tls.as_mut() {
            tls.cert = cert("mx1.example.com", CertVerdict::SelfSigned);
        }
        set_probe(&mut ev, 0, p);
        set_probe(
            &mut ev,
            1,
            failed_probe("mx2.example.com", 3, SmtpOutcome::Timeout { stage: SmtpStage::Ehlo }),
        );
        let obs = observe_of(&ev);
        assert!(!obs.mx_results[0].cert_trusted);
        assert!(!obs.mx_results[1].starttls_ok && obs.mx_results[1].not_after.is_none());
    }

    #[test]
    fn a_policy_that_is_not_a_200_is_not_live() {
        let mut ev = healthy("enforce");
        ev.policy.status = Some(404);
        assert!(observe_of(&ev).live_policy.is_none());
        ev.mx = Lookup::ServFail;
        assert!(observe_of(&ev).live_mx.is_none());
        ev.mx = Lookup::NoData;
        assert_eq!(observe_of(&ev).live_mx, Some(Vec::new()));
    }
}
