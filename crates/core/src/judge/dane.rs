//! DANE for SMTP (RFC 7672): each MX host's TLSA records against the chain each of its
//! addresses presented. Pure: the certificates arrive as DER in the evidence.

use super::{Code, Finding, Severity, mx_probe};
use crate::evidence::{
    CertVerdict, DnssecProof, Evidence, Lookup, MxEvidence, TlsEvidence, TlsaEvidence, TlsaRecord, hex,
};
use crate::rfc::tlsa::{associate, selected};

/// Whether a DANE SMTP client uses `r`: usages 2 (DANE-TA) and 3 (DANE-EE), selectors 0 and
/// 1, matching types 0, 1 and 2 (RFC 7672 §3.1.3: the PKIX usages 0 and 1 are not used).
pub fn usable(r: &TlsaRecord) -> bool {
    matches!(r.usage, 2 | 3) && matches!(r.selector, 0 | 1) && matches!(r.matching, 0..=2)
}

/// Whether `r` matches `chain` (DER, leaf first): DANE-EE the leaf; DANE-TA a certificate
/// the server sent above the leaf (RFC 7671 §5.2.2 asks servers to include it).
pub fn matches(r: &TlsaRecord, chain: &[Vec<u8>]) -> bool {
    let candidates = match r.usage {
        3 => chain.get(..1).unwrap_or_default(),
        2 => chain.get(1..).unwrap_or_default(),
        _ => return false,
    };
    candidates.iter().any(|cert| {
        selected(cert, r.selector).and_then(|b| associate(&b, r.matching)).is_some_and(|d| d == r.data)
    })
}

/// Whether a DANE sender accepts this TLS session under `r`. DANE-EE ignores names and dates
/// (RFC 7672 §3.1.1); DANE-TA still needs the leaf valid for the host and in date.
fn accepts(r: &TlsaRecord, tls: &TlsEvidence) -> bool {
    let leaf_ok = !matches!(
        tls.cert.verdict,
        CertVerdict::NameMismatch | CertVerdict::Expired | CertVerdict::NotYetValid
    );
    usable(r) && matches(r, &tls.chain_der) && (r.usage == 3 || leaf_ok)
}

/// The `3 1 1` record for the leaf the server presents now, when its key can be read.
pub fn current_3_1_1(tls: &TlsEvidence) -> Option<String> {
    let leaf = tls.chain_der.first()?;
    Some(format!("3 1 1 {}", hex(&associate(&selected(leaf, 1)?, 1)?)))
}

/// What a DANE-aware sender does differently from an MTA-STS-only one, as a sentence: it
/// uses DANE where the MX host has secure TLSA records (RFC 8461 §2, RFC 7672 §2.2) and
/// defers mail to a host no record matches (Postfix at security level `dane`: "no matching
/// DANE TLSA records") or whose TLSA answer fails validation. `None` when no host differs.
pub fn senders_note(ev: &Evidence) -> Option<String> {
    let all = hosts(ev);
    // A resolver that validates the domain while our validation fails: which root is right is
    // not known (dnssec-bogus says so), so no deferral is claimed for TLSA inside the domain.
    let inside = format!(".{}", ev.domain);
    let disputed = |mx: &MxEvidence| {
        ev.sts_dnssec == Lookup::Found(true) && mx.tlsa.as_ref().is_some_and(|t| t.name.ends_with(&inside))
    };
    let deferred: Vec<String> = all
        .iter()
        .filter_map(|mx| match status(mx) {
            DaneStatus::Mismatch => Some(format!("{} (no matching DANE TLSA records)", mx.host)),
            DaneStatus::Bogus if !disputed(mx) => {
                Some(format!("{} (its TLSA answer fails DNSSEC validation)", mx.host))
            }
            _ => None,
        })
        .collect();
    if deferred.is_empty() {
        return None;
    }
    let whole = if deferred.len() == all.len() { "; no mail would be delivered" } else { "" };
    Some(format!(
        "A DANE-aware sender, which uses DANE ahead of MTA-STS (RFC 8461 §2), would defer mail to {}{whole}.",
        super::view::join(&deferred)
    ))
}

/// Whether `mx` has secure DANE-EE records that pin the key its addresses present now: then
/// a renewal with a new key breaks DANE unless the new TLSA is published first.
pub fn pins_current_key(mx: &MxEvidence) -> bool {
    let Some(TlsaEvidence { records: Lookup::Found(records), proof: DnssecProof::Secure, .. }) = &mx.tlsa
    else {
        return false;
    };
    let leaves: Vec<&TlsEvidence> = mx.probes.iter().filter_map(|p| p.tls.as_ref()).collect();
    !leaves.is_empty()
        && leaves
            .iter()
            .all(|tls| records.iter().any(|r| r.usage == 3 && usable(r) && matches(r, &tls.chain_der)))
}

/// The MX hosts senders use: the listed ones, or the implicit MX.
pub fn hosts(ev: &Evidence) -> Vec<&MxEvidence> {
    match &ev.mx {
        Lookup::Found(list) => list.iter().filter(|m| m.host != ".").collect(),
        _ => ev.implicit_mx.iter().collect(),
    }
}

const NEXT_KEY: &str = "before a certificate renewal that changes the key, publish the next key's TLSA record \
                        next to the current one and wait for the TTL to pass";

/// DANE findings for every MX host with TLSA records.
pub(crate) fn check(ev: &Evidence) -> Vec<Finding> {
    hosts(ev).into_iter().flat_map(check_mx).collect()
}

fn check_mx(mx: &MxEvidence) -> Vec<Finding> {
    let Some(tlsa) = &mx.tlsa else { return Vec::new() };
    if tlsa.proof == DnssecProof::Bogus {
        return vec![super::dnssec::bogus(&tlsa.name, "the TLSA answer")];
    }
    let Lookup::Found(records) = &tlsa.records else { return Vec::new() };
    let listed = records.iter().map(TlsaRecord::presentation).collect::<Vec<_>>().join(", ");
    if tlsa.proof != DnssecProof::Secure {
        return vec![Finding::new(
            Code::DaneTlsaInsecure,
            Severity::Info,
            &tlsa.name,
            format!(
                "{} has TLSA records ({listed}) but the answer is {}: DANE senders ignore them",
                tlsa.name,
                tlsa.proof.as_str()
            ),
            "sign the zone with DNSSEC and publish its DS at the registrar, or remove the TLSA records",
        )];
    }
    if !records.iter().any(usable) {
        return vec![Finding::new(
            Code::DaneTlsaUnusable,
            Severity::Warning,
            &tlsa.name,
            format!(
                "{} has only TLSA records DANE senders do not use ({listed}); SMTP uses usages 2 and 3, \
                 selectors 0 and 1, matching types 0, 1 and 2",
                tlsa.name
            ),
            format!("publish a `3 1 1` record (SHA-256 of the server's public key) at {}", tlsa.name),
        )];
    }
    let mut out = Vec::new();
    let mut matched = 0;
    for probe in &mx.probes {
        let Some(tls) = &probe.tls else { continue };
        if records.iter().any(|r| accepts(r, tls)) {
            matched += 1;
            continue;
        }
        let current = current_3_1_1(tls).map(|r| format!(" `{r}`")).unwrap_or_default();
        out.push(Finding::new(
            Code::DaneTlsaMismatch,
            Severity::Error,
            mx_probe::subject(probe),
            format!(
                "no TLSA record at {} ({listed}) matches the certificate chain {} presented: DANE senders \
                 refuse this MX",
                tlsa.name, probe.host
            ),
            format!(
                "publish a TLSA record for the key the server presents now{current} at {} next to the old \
                 ones (or put the matching certificate back), and remove stale records once the TTL has \
                 passed; {NEXT_KEY}",
                tlsa.name
            ),
        ));
    }
    if out.is_empty() && matched > 0 {
        out.push(Finding::new(
            Code::DaneValid,
            Severity::Info,
            &mx.host,
            format!("the secure TLSA records at {} ({listed}) match every address of {}", tlsa.name, mx.host),
            NEXT_KEY,
        ));
    }
    out
}

/// Adds the DANE warning to the certificate-expiry findings of MX hosts whose TLSA pins the
/// key presented now.
pub(crate) fn annotate_expiry(ev: &Evidence, findings: &mut [Finding]) {
    for mx in hosts(ev).into_iter().filter(|m| pins_current_key(m)) {
        let subjects: Vec<String> = mx.probes.iter().map(mx_probe::subject).collect();
        for f in
            findings.iter_mut().filter(|f| f.code == Code::MxCertExpiring && subjects.contains(&f.subject))
        {
            f.message.push_str(
                "; TLSA pins the current key, so a renewal with a new key breaks DANE unless the new TLSA \
                 is published first",
            );
            f.fix.push_str("; publish the new key's TLSA record before installing the renewed certificate");
        }
    }
}

/// DANE for one MX host, in one word, for displays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DaneStatus {
    /// No TLSA records.
    None,
    /// TLSA records DANE senders ignore (the zone is not secure).
    Insecure,
    /// The TLSA answer fails validation.
    Bogus,
    /// Secure, but no record a DANE sender uses.
    Unusable,
    /// Secure and matching every address that completed TLS.
    Valid,
    /// Secure, and some address presented a chain no record matches.
    Mismatch,
    /// Secure, but no address completed TLS to compare against.
    Untested,
}

impl DaneStatus {
    /// The kebab-case word used in text and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            DaneStatus::None => "none",
            DaneStatus::Insecure => "insecure",
            DaneStatus::Bogus => "bogus",
            DaneStatus::Unusable => "unusable",
            DaneStatus::Valid => "valid",
            DaneStatus::Mismatch => "mismatch",
            DaneStatus::Untested => "untested",
        }
    }
}

/// What a DANE sender makes of `mx`.
pub fn status(mx: &MxEvidence) -> DaneStatus {
    let Some(tlsa) = &mx.tlsa else { return DaneStatus::None };
    if tlsa.proof == DnssecProof::Bogus {
        return DaneStatus::Bogus;
    }
    let Lookup::Found(records) = &tlsa.records else { return DaneStatus::None };
    if tlsa.proof != DnssecProof::Secure {
        return DaneStatus::Insecure;
    }
    if !records.iter().any(usable) {
        return DaneStatus::Unusable;
    }
    let sessions: Vec<&TlsEvidence> = mx.probes.iter().filter_map(|p| p.tls.as_ref()).collect();
    if sessions.is_empty() {
        DaneStatus::Untested
    } else if sessions.iter().all(|tls| records.iter().any(|r| accepts(r, tls))) {
        DaneStatus::Valid
    } else {
        DaneStatus::Mismatch
    }
}
