//! DNSSEC-validated questions: TLSA per MX host (DANE) and the domain's chain (DNSKEY, DS at
//! the parent and how they compare, validation), validated by mtasts itself from a
//! configurable anchor. Every question goes to the resolver with the CD bit ([`CdHandle`]), so
//! a validating resolver's SERVFAIL over a broken chain still yields the records to judge.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use hickory_resolver::net::dnssec::DnssecDnsHandle;
use hickory_resolver::net::xfer::FirstAnswer;
use hickory_resolver::net::{DnsError, DnsHandle, NetError};
use hickory_resolver::proto::dnssec::{Proof, TrustAnchors};
use hickory_resolver::proto::op::{DnsRequestOptions, Message, Query, ResponseCode};
use hickory_resolver::proto::rr::{RData, Record, RecordType};
use tokio::time::{Instant, timeout_at};

use super::cd::CdHandle;
use super::dns::{Dns, classify, fqdn, step_deadline};
use super::dnssec_keys::{compared, dnskeys, ds_records, zone_keys};
use super::wire;
use mtasts_core::evidence::{DnssecChain, DnssecProof, Lookup, TlsaEvidence, TlsaRecord};

/// Most TLSA records kept for one MX host.
pub const MAX_TLSA_RECORDS: usize = 16;
/// Largest TLSA association data kept (bytes; a SHA-512 is 64, a whole certificate a few KiB).
const MAX_TLSA_DATA: usize = 16 * 1024;

/// Parses a trust anchor file's text (DNSKEY records in zone-file form).
pub fn parse_trust_anchor(text: &str) -> Result<(), String> {
    TrustAnchors::from_str(text).map(|_| ()).map_err(|e| e.to_string())
}

/// The validator of one run: hickory's DNSSEC validation over questions with the CD bit.
pub(crate) struct Validator {
    handle: Result<(DnssecDnsHandle<CdHandle>, CdHandle), String>,
    step: Duration,
    anchor_configured: bool,
}

/// Options of a validating question: EDNS with the DO bit, recursion desired.
fn dnssec_options() -> DnsRequestOptions {
    let mut opts = DnsRequestOptions::default();
    opts.use_edns = true;
    opts.edns_set_dnssec_ok = true;
    opts.recursion_desired = true;
    opts
}

impl Validator {
    /// Validates from `anchor` (DNSKEY records as text), or from the root's anchors, asking
    /// `dns`'s resolver over its sockets.
    pub(crate) fn new(dns: &Dns, anchor: Option<&str>, step: Duration) -> Self {
        let anchors = match anchor {
            Some(text) => TrustAnchors::from_str(text).map_err(|e| format!("trust anchor: {e}")),
            None => Ok(TrustAnchors::default()),
        };
        let handle = anchors.and_then(|anchors| {
            let server = dns.resolver_addr().ok_or("no name server configured")?;
            let cd = CdHandle::new(dns.wire(), server, step);
            Ok((DnssecDnsHandle::with_trust_anchor(cd.clone(), Arc::new(anchors)), cd))
        });
        Self { handle, step, anchor_configured: anchor.is_some() }
    }

    /// Asks `name`/`rtype` with validation: the matching answer records and their proof.
    async fn validated(&self, name: &str, rtype: RecordType, deadline: Instant) -> Validated {
        let (handle, _) = match &self.handle {
            Ok(h) => h,
            Err(e) => return Validated::failed(Lookup::Error(e.clone()), DnssecProof::Indeterminate),
        };
        let qname = match fqdn(name) {
            Ok(n) => n,
            Err(e) => return Validated::failed(Lookup::Error(e), DnssecProof::Indeterminate),
        };
        let asked = handle.lookup(Query::query(qname, rtype), dnssec_options()).first_answer();
        match timeout_at(step_deadline(self.step, deadline), asked).await {
            Err(_) => Validated::failed(Lookup::Timeout, DnssecProof::Indeterminate),
            Ok(Ok(response)) => {
                let records: Vec<Record> =
                    response.answers.iter().filter(|r| r.record_type() == rtype).cloned().collect();
                if records.is_empty() {
                    let insecure = !response.authorities.is_empty()
                        && response.authorities.iter().all(|r| r.proof == Proof::Insecure);
                    let answer = match response.metadata.response_code {
                        ResponseCode::NXDomain => Lookup::NxDomain,
                        _ => Lookup::NoData,
                    };
                    let proof = if insecure { DnssecProof::Insecure } else { DnssecProof::Secure };
                    return Validated { answer, proof, detail: None };
                }
                let proof =
                    records.iter().map(|r| proof(r.proof)).min().unwrap_or(DnssecProof::Indeterminate);
                let detail = (proof == DnssecProof::Bogus).then(|| {
                    format!(
                        "no valid signature over the {rtype} records of {name} chains to the trust anchor"
                    )
                });
                Validated { answer: Lookup::Found(records), proof, detail }
            }
            Ok(Err(NetError::Dns(DnsError::Nsec { response, proof: p, .. }))) => {
                let answer = match response.metadata.response_code {
                    ResponseCode::NXDomain => Lookup::NxDomain,
                    _ => Lookup::NoData,
                };
                Validated { answer, proof: proof(p), detail: None }
            }
            Ok(Err(e @ NetError::Dns(DnsError::DnssecBogus))) => {
                Validated { answer: Lookup::ServFail, proof: DnssecProof::Bogus, detail: Some(e.to_string()) }
            }
            Ok(Err(e)) => Validated {
                answer: classify(&e),
                proof: DnssecProof::Indeterminate,
                detail: Some(e.to_string()),
            },
        }
    }

    /// `name`/`rtype` asked with CD and DO, not validated (DNSKEY and DS for the comparison).
    async fn raw(&self, dns: &Dns, name: &str, rtype: RecordType, deadline: Instant) -> Lookup<Message> {
        let (_, cd) = match &self.handle {
            Ok(h) => h,
            Err(e) => return Lookup::Error(e.clone()),
        };
        let qname = match fqdn(name) {
            Ok(n) => n,
            Err(e) => return Lookup::Error(e),
        };
        let Some(_permit) = dns.permit(deadline).await else { return Lookup::Timeout };
        let request = wire::request(Query::query(qname, rtype), dnssec_options());
        match timeout_at(step_deadline(self.step, deadline), cd.ask(&request)).await {
            Err(_) => Lookup::Timeout,
            Ok(Err(e)) => classify(&e),
            Ok(Ok(r)) if r.metadata.response_code == ResponseCode::NXDomain => Lookup::NxDomain,
            Ok(Ok(r)) if !r.answers.iter().any(|a| a.record_type() == rtype) => Lookup::NoData,
            Ok(Ok(r)) => Lookup::Found(r.into_message()),
        }
    }

    /// The TLSA records of `_25._tcp.HOST` for an MX host, with their proof. Asked plainly
    /// first: only records that exist (or that a validating resolver withholds with SERVFAIL)
    /// are validated (a name without TLSA is no DANE at all).
    pub(crate) async fn tlsa(&self, dns: &Dns, host: &str, port: u16, deadline: Instant) -> TlsaEvidence {
        let name = format!("_{port}._tcp.{host}");
        let plain = dns.query(&name, RecordType::TLSA, deadline).await;
        if !matches!(plain, Lookup::Found(_) | Lookup::ServFail) {
            return TlsaEvidence {
                name,
                records: plain.map(|_| Vec::new()),
                proof: DnssecProof::Indeterminate,
            };
        }
        let v = self.validated(&name, RecordType::TLSA, deadline).await;
        let records = v.answer.map(|recs| {
            recs.iter()
                .filter_map(|r| match &r.data {
                    RData::TLSA(t) if t.cert_data.len() <= MAX_TLSA_DATA => Some(TlsaRecord {
                        usage: t.cert_usage.into(),
                        selector: t.selector.into(),
                        matching: t.matching.into(),
                        data: t.cert_data.clone(),
                    }),
                    _ => None,
                })
                .take(MAX_TLSA_RECORDS)
                .collect()
        });
        TlsaEvidence { name, records, proof: v.proof }
    }

    /// The domain's DNSKEYs and the DS at its parent (asked with CD, and compared) and, when
    /// either exists, what our own validation says about its MX answer (a zone with neither
    /// is plainly unsigned).
    pub(crate) async fn chain(&self, domain: &str, dns: &Dns, deadline: Instant) -> DnssecChain {
        let (keys, ds) = tokio::join!(
            self.raw(dns, domain, RecordType::DNSKEY, deadline),
            self.raw(dns, domain, RecordType::DS, deadline)
        );
        let count = |l: &Lookup<Message>, rtype: RecordType| {
            l.clone().map(|m| m.answers.iter().filter(|r| r.record_type() == rtype).count())
        };
        let mut chain = DnssecChain {
            anchor_configured: self.anchor_configured,
            ..DnssecChain::counted(
                count(&keys, RecordType::DNSKEY),
                count(&ds, RecordType::DS),
                DnssecProof::Indeterminate,
            )
        };
        if let Ok(zone) = fqdn(domain) {
            let current: Vec<_> = keys.found().map(|m| dnskeys(m, &zone).collect()).unwrap_or_default();
            chain.keys = zone_keys(current.iter().copied(), &zone);
            if let Some(m) = ds.found() {
                chain.ds_records = compared(ds_records(m, &zone), &current, &zone);
            }
        }
        let signed = [&chain.dnskey, &chain.ds].iter().any(|l| l.found().is_some_and(|n| *n > 0));
        if !signed {
            let answered = [&chain.dnskey, &chain.ds]
                .iter()
                .all(|l| matches!(l, Lookup::Found(_) | Lookup::NoData | Lookup::NxDomain));
            chain.validation = if answered { DnssecProof::Insecure } else { DnssecProof::Indeterminate };
            return chain;
        }
        let v = self.validated(domain, RecordType::MX, deadline).await;
        chain.validation = v.proof;
        chain.detail = v.detail;
        chain
    }
}

/// A validated answer: the matching records, the proof, and the error text on failure.
struct Validated {
    answer: Lookup<Vec<Record>>,
    proof: DnssecProof,
    detail: Option<String>,
}

impl Validated {
    fn failed(answer: Lookup<Vec<Record>>, proof: DnssecProof) -> Self {
        let detail = match &answer {
            Lookup::Error(e) => Some(e.clone()),
            _ => None,
        };
        Self { answer, proof, detail }
    }
}

fn proof(p: Proof) -> DnssecProof {
    match p {
        Proof::Secure => DnssecProof::Secure,
        Proof::Insecure => DnssecProof::Insecure,
        Proof::Bogus => DnssecProof::Bogus,
        Proof::Indeterminate => DnssecProof::Indeterminate,
    }
}
