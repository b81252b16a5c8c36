//! A DNSSEC chain that fails validation, named as the one fault it is: the DS at the
//! registrar against the zone's current keys, or our validation against a resolver that
//! validates the zone from another root; and the record findings it causes (a validating
//! resolver answers SERVFAIL for every name in the zone) marked as its consequences.

use super::{Code, Finding, Severity};
use crate::evidence::{DnssecChain, Evidence, Lookup, ZoneKey};

/// The error for a chain that fails our validation.
pub(crate) fn root(ev: &Evidence, chain: &DnssecChain) -> Finding {
    let domain = ev.domain.as_str();
    if resolver_validates(ev) {
        return disagreement(domain, chain);
    }
    let servfail = if resolver_servfails(ev) {
        "; your resolver answers SERVFAIL for the zone's names, as every validating resolver does, so \
         validating senders defer mail"
    } else {
        "; validating resolvers answer SERVFAIL for the zone's names, so validating senders defer mail"
    };
    if chain.ds_mismatch() {
        return mismatch(domain, chain, servfail);
    }
    let why = chain.detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
    Finding::new(
        Code::DnssecBogus,
        Severity::Error,
        domain,
        format!("DNSSEC validation of the MX answer for {domain} fails{why}{servfail}"),
        "re-sign the zone (expired or missing signatures), or make the DS at the registrar match the \
         zone's current key; if the zone is no longer signed, remove the DS at the registrar first",
    )
}

/// The words of the disagreement, as the issue of a private root puts it.
pub const PRIVATE_ROOT: &str = "your resolver validates this zone but the public root does not; if you use a private root, pass \
     --trust-anchor";

/// The resolver sets AD on the zone's answers while our validation fails: it validates from
/// another root than ours.
fn disagreement(domain: &str, chain: &DnssecChain) -> Finding {
    let (message, fix) = if chain.anchor_configured {
        (
            format!(
                "your resolver validates {domain} but the trust anchor given with --trust-anchor does not: \
                 the two validate from different roots"
            ),
            "give --trust-anchor the root key your resolver validates from (its DNSKEY records in zone-file \
             form), or leave it out to validate from the public root"
                .to_owned(),
        )
    } else {
        (
            format!(
                "{PRIVATE_ROOT} ({domain} does not chain to the public root, while your resolver sets the AD \
                 bit on its answers)"
            ),
            "pass --trust-anchor FILE with your root's DNSKEY records (zone-file form); if the zone is meant \
             to be public, make it chain to the public root: its parent must publish a DS for its current key"
                .to_owned(),
        )
    };
    Finding::new(Code::DnssecBogus, Severity::Error, domain, message, fix)
}

/// The DS at the parent names none of the zone's current keys.
fn mismatch(domain: &str, chain: &DnssecChain, servfail: &str) -> Finding {
    let tags = |v: Vec<u16>| v.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
    let ds = tags(chain.ds_records.iter().map(|d| d.key_tag).collect());
    let ksks: Vec<&ZoneKey> = chain.keys.iter().filter(|k| k.is_ksk()).collect();
    let wanted: Vec<&ZoneKey> = if ksks.is_empty() { chain.keys.iter().collect() } else { ksks };
    let keys = tags(wanted.iter().map(|k| k.key_tag).collect());
    let records: Vec<String> = wanted.iter().map(|k| format!("`{}`", k.ds_presentation(domain))).collect();
    Finding::new(
        Code::DnssecBogus,
        Severity::Error,
        domain,
        format!(
            "the DS at the registrar for {domain} names key tag {ds}, which matches none of the zone's \
             current keys (key tag {keys}): the chain of trust is broken{servfail}"
        ),
        format!(
            "at the registrar, replace the DS with key tag {ds} by the DS of the zone's current key (key tag \
             {keys}): {}; the old DS stays in resolvers' caches for its TTL",
            records.join(" or ")
        ),
    )
}

/// Whether the resolver set the AD bit on the zone's `_mta-sts` answer.
fn resolver_validates(ev: &Evidence) -> bool {
    ev.sts_dnssec == Lookup::Found(true)
}

/// Whether the resolver answered SERVFAIL for the zone's names.
fn resolver_servfails(ev: &Evidence) -> bool {
    ev.mx == Lookup::ServFail || ev.sts_dnssec == Lookup::ServFail
}

/// Marks what the bogus chain of the domain causes as its consequences: the other validation
/// failures inside the zone (a TLSA answer under it), and the findings a SERVFAIL from the
/// resolver produced (validating resolvers withhold the records, whatever the zone holds).
pub(crate) fn mark_consequences(ev: &Evidence, findings: &mut [Finding]) {
    let domain = ev.domain.as_str();
    let inside = format!(".{domain}");
    let servfails = resolver_servfails(ev) && !resolver_validates(ev);
    for f in findings.iter_mut().filter(|f| !(f.code == Code::DnssecBogus && f.subject == domain)) {
        let hidden = match f.code {
            Code::DnssecBogus => f.subject.ends_with(&inside),
            Code::StsRecordMissing | Code::StsRecordInvalid => {
                servfails && ev.sts_record.records == Lookup::ServFail
            }
            Code::TlsRptRecordMissing | Code::TlsRptRecordInvalid => {
                servfails && ev.tlsrpt_record.records == Lookup::ServFail
            }
            Code::PolicyHostUnresolvable | Code::PolicyFetchFailed => {
                servfails && ev.policy_host_addresses == Lookup::ServFail
            }
            Code::MxMissing | Code::MxUnreachable => servfails && ev.mx == Lookup::ServFail,
            _ => false,
        };
        if hidden {
            f.caused_by = Some(Code::DnssecBogus);
            f.message = format!("{} (a consequence of dnssec-bogus for {domain})", f.message);
            f.fix = format!(
                "nothing of its own: fixing dnssec-bogus for {domain} fixes this, since validation fails for \
                 every answer in the zone until its chain of trust is repaired"
            );
        }
    }
}
