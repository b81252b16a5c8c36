//! The domain's DNSSEC chain: keys without a DS at the parent, and validation failures.

use super::{Code, Finding, Severity};
use crate::evidence::{DnssecChain, DnssecProof, Evidence, Lookup};

/// The steps that finish "enable DNSSEC": Cloudflare's, then everyone else's.
pub const DS_STEPS: &str = "publish the DS record at your registrar: on Cloudflare, DNS → Settings → \
                            DNSSEC → Enable DNSSEC, then copy the DS record shown there to the registrar; \
                            elsewhere, take the DS (or DNSKEY) from your DNS provider and add it in the \
                            registrar's DNSSEC settings";

/// The error for an answer that fails validation (`what`: e.g. "the MX answer").
pub(crate) fn bogus(subject: &str, what: &str) -> Finding {
    Finding::new(
        Code::DnssecBogus,
        Severity::Error,
        subject,
        format!(
            "DNSSEC validation of {what} for {subject} fails: validating senders treat the answer as a \
             failure and defer mail"
        ),
        "re-sign the zone (expired or missing signatures), or make the DS at the registrar match the \
         zone's current key; if the zone is no longer signed, remove the DS at the registrar first",
    )
}

/// Findings about the chain, when it was asked.
pub(crate) fn check(ev: &Evidence) -> Vec<Finding> {
    let Some(chain) = &ev.dnssec_chain else { return Vec::new() };
    let domain = ev.domain.as_str();
    if chain.validation == DnssecProof::Bogus {
        return vec![super::bogus::root(ev, chain)];
    }
    if ds_missing(chain) {
        return vec![Finding::new(
            Code::DnssecDsMissing,
            Severity::Warning,
            domain,
            format!(
                "{domain} is signed ({}) but its parent has no DS for it: nothing is validated, so \
                 DANE and DNSSEC protect nothing",
                crate::words::count(
                    u64::try_from(chain.dnskey.found().copied().unwrap_or(0)).unwrap_or(0),
                    "DNSKEY record"
                )
            ),
            DS_STEPS,
        )];
    }
    Vec::new()
}

/// Keys at the domain and no DS at its parent.
pub fn ds_missing(chain: &DnssecChain) -> bool {
    chain.dnskey.found().is_some_and(|n| *n > 0) && matches!(chain.ds, Lookup::NoData | Lookup::NxDomain)
}

/// Whether our own validation found the domain's answers secure.
pub fn validated(ev: &Evidence) -> bool {
    ev.dnssec_chain.as_ref().is_some_and(|c| c.validation == DnssecProof::Secure)
}

fn count(l: &Lookup<usize>) -> String {
    match l {
        Lookup::Found(n) => n.to_string(),
        Lookup::NoData | Lookup::NxDomain => "none".to_owned(),
        Lookup::ServFail => "servfail".to_owned(),
        Lookup::Timeout => "timeout".to_owned(),
        Lookup::Error(_) => "error".to_owned(),
    }
}

/// `DNSKEY 1, DS at the parent 1, validation secure`, and the key tags when the DS names
/// none of the zone's keys.
pub fn chain_line(c: &DnssecChain) -> String {
    let mut line = format!(
        "DNSKEY {}, DS at the parent {}, validation {}",
        count(&c.dnskey),
        count(&c.ds),
        c.validation.as_str()
    );
    if c.ds_mismatch() {
        let tags = |v: Vec<u16>| v.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
        line.push_str(&format!(
            "; the DS names key tag {}, the zone's keys are {}",
            tags(c.ds_records.iter().map(|d| d.key_tag).collect()),
            tags(c.keys.iter().map(|k| k.key_tag).collect())
        ));
    }
    line
}

/// Whether the domain has DNSKEYs or a DS: a signed zone, or one on its way to being signed.
pub fn signed(c: &DnssecChain) -> bool {
    [&c.dnskey, &c.ds].iter().any(|l| l.found().is_some_and(|n| *n > 0))
}
