//! The DNS records: `_mta-sts` (RFC 8461 §3.1), `_smtp._tls` (RFC 8460 §3), the obsolete
//! `_smtp-tlsrpt` name, and whether the `_mta-sts` answer was DNSSEC-validated.

use crate::evidence::{Evidence, Lookup, TxtEvidence};
use crate::finding::{Code, Finding, Severity};
use crate::rfc::{Selection, StsRecord, TlsRptRecord, TxtRecord, select};

/// What senders make of the `_mta-sts` record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StsState {
    /// Exactly one valid record.
    Valid(StsRecord),
    /// No record at all.
    Missing,
    /// Something is there, but senders cannot use it (invalid, several, or the lookup failed).
    Unusable,
}

/// The `_mta-sts` record: its state and findings. `policy_served` changes what a missing record
/// means (a served policy nobody fetches versus MTA-STS not being configured at all).
pub(crate) fn sts(ev: &Evidence, policy_served: bool) -> (StsState, Vec<Finding>) {
    let rec = &ev.sts_record;
    let domain = ev.domain.as_str();
    let missing = || {
        if let Some((message, fix)) = cname_problem(rec) {
            return Finding::new(Code::StsRecordMissing, Severity::Error, &rec.name, message, fix);
        }
        let (message, fix) = if policy_served {
            (
                format!(
                    "a policy is served at {}, but there is no TXT record beginning with \"v=STSv1;\" at \
                     {}: senders only fetch the policy after seeing that record, so they never fetch it",
                    ev.policy.url, rec.name
                ),
                format!("publish a TXT record at {}, e.g. \"v=STSv1; id=20260101T000000\"", rec.name),
            )
        } else {
            (
                format!(
                    "MTA-STS is not configured for {domain}: no TXT record beginning with \"v=STSv1;\" at \
                     {} and no policy at {}",
                    rec.name, ev.policy.url
                ),
                format!(
                    "serve a policy at {} first, then publish a TXT record at {} such as \
                     \"v=STSv1; id=20260101T000000\" (`mtasts add {domain}` walks you through it)",
                    ev.policy.url, rec.name
                ),
            )
        };
        Finding::new(Code::StsRecordMissing, Severity::Error, &rec.name, message, fix)
    };
    match &rec.records {
        Lookup::Found(answer) => match select::<StsRecord>(answer) {
            Selection::One { record, .. } => (StsState::Valid(record), Vec::new()),
            Selection::Missing => (StsState::Missing, vec![missing()]),
            other => (StsState::Unusable, other.findings(&rec.name)),
        },
        Lookup::NxDomain | Lookup::NoData => (StsState::Missing, vec![missing()]),
        failed => {
            (StsState::Unusable, vec![lookup_failed(rec, failed, Code::StsRecordMissing, Severity::Error)])
        }
    }
}

/// When the record is missing behind a CNAME: the loop or the dangling target, and the fix.
fn cname_problem(rec: &TxtEvidence) -> Option<(String, String)> {
    let last = rec.cname_chain.last()?;
    let looped = *last == rec.name || rec.cname_chain[..rec.cname_chain.len() - 1].contains(last);
    let path = std::iter::once(rec.name.as_str())
        .chain(rec.cname_chain.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" → ");
    Some(if looped {
        (
            format!(
                "{} is a CNAME loop ({path}): resolvers give up on it, so senders find no TXT record \
                 beginning with \"v=STSv1;\" and ignore MTA-STS",
                rec.name
            ),
            format!(
                "break the loop: point the CNAME at {} to the name that holds the TXT record, or replace \
                 it with the TXT record itself",
                rec.name
            ),
        )
    } else {
        (
            format!(
                "{} is a CNAME ({path}), but {last} has no TXT record beginning with \"v=STSv1;\", so \
                 senders ignore MTA-STS",
                rec.name
            ),
            format!("publish the TXT record at {last}, or replace the CNAME at {} with it", rec.name),
        )
    })
}

/// The TLS-RPT records, the obsolete name, and DNSSEC context.
pub(crate) fn reporting(ev: &Evidence) -> Vec<Finding> {
    let mut out = Vec::new();
    let rec = &ev.tlsrpt_record;
    match &rec.records {
        Lookup::Found(answer) => {
            let selection = select::<TlsRptRecord>(answer);
            out.extend(selection.findings(&rec.name));
            if let Selection::One { record, .. } = &selection {
                out.extend(rua_several(&rec.name, record));
            }
        }
        Lookup::NxDomain | Lookup::NoData => {
            out.extend(Selection::<TlsRptRecord>::Missing.findings(&rec.name))
        }
        failed => out.push(lookup_failed(rec, failed, Code::TlsRptRecordMissing, Severity::Warning)),
    }
    let legacy = &ev.tlsrpt_legacy_record;
    if legacy.records.found().is_some_and(|r| !r.is_empty()) {
        out.push(Finding::new(
            Code::TlsRptRecordInvalid,
            Severity::Warning,
            &legacy.name,
            format!(
                "a TXT record exists at {}, the name of an obsolete draft; RFC 8460 senders only read {}",
                legacy.name, rec.name
            ),
            format!("delete the TXT record at {} and keep the TLS-RPT record at {}", legacy.name, rec.name),
        ));
    }
    if ev.sts_dnssec == Lookup::Found(false) {
        out.push(Finding::new(
            Code::DnssecUnsigned,
            Severity::Info,
            &ev.sts_record.name,
            format!(
                "the answer for {} is not DNSSEC-validated; MTA-STS does not require DNSSEC, but a signed \
                 zone keeps an on-path attacker from hiding the record",
                ev.sts_record.name
            ),
            "optionally sign the zone with DNSSEC at your DNS provider",
        ));
    }
    out
}

/// `tlsrpt-rua-several`: RFC 8460 allows several `rua` URIs, but some large senders deliver
/// only to the first one (Microsoft among them). Also used by the wizard for the planned record.
pub fn rua_several(name: &str, record: &TlsRptRecord) -> Option<Finding> {
    let [first, _, ..] = record.rua.as_slice() else { return None };
    Some(Finding::new(
        Code::TlsRptRuaSeveral,
        Severity::Warning,
        name,
        format!(
            "the TLS-RPT record lists {} rua URIs; some large senders (Microsoft among them) send their \
             reports only to the first one ({first})",
            record.rua.len()
        ),
        "put the address you read first in rua, or keep a single rua and forward reports from there",
    ))
}

fn lookup_failed<T>(rec: &TxtEvidence, lookup: &Lookup<T>, code: Code, severity: Severity) -> Finding {
    let what = match lookup {
        Lookup::ServFail => "the resolver answered SERVFAIL (often a broken DNSSEC signature)".to_owned(),
        Lookup::Timeout => "no answer arrived in time".to_owned(),
        Lookup::Error(e) => format!("the lookup failed: {e}"),
        _ => "the lookup failed".to_owned(),
    };
    let kind = if code == Code::StsRecordMissing { StsRecord::KIND } else { TlsRptRecord::KIND };
    Finding::new(
        code,
        severity,
        &rec.name,
        format!("the TXT record at {} could not be read: {what}; senders treat it as absent", rec.name),
        format!(
            "make the authoritative DNS servers answer TXT queries for {} (a {} record)",
            rec.name,
            kind.version()
        ),
    )
}
