//! DNSSEC-validated questions: TLSA per MX host (DANE) and the domain's chain (DNSKEY, DS at
//! the parent, validation), through a validating hickory resolver with a configurable anchor.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::dnssec::{Proof, TrustAnchors};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{RData, Record, RecordType};
use hickory_resolver::{Resolver, TokioResolver};
use tokio::time::{Instant, timeout_at};

use super::ResolverChoice;
use super::dns::{Dns, classify, fqdn, resolver_config, step_deadline};
use mtasts_core::evidence::{DnssecChain, DnssecProof, Lookup, TlsaEvidence, TlsaRecord};

/// Most TLSA records kept for one MX host.
pub const MAX_TLSA_RECORDS: usize = 16;
/// Largest TLSA association data kept (bytes; a SHA-512 is 64, a whole certificate a few KiB).
const MAX_TLSA_DATA: usize = 16 * 1024;

/// Parses a trust anchor file's text (DNSKEY records in zone-file form).
pub fn parse_trust_anchor(text: &str) -> Result<(), String> {
    TrustAnchors::from_str(text).map(|_| ()).map_err(|e| e.to_string())
}

/// A validating resolver for one run.
pub(crate) struct Validator {
    resolver: Result<TokioResolver, String>,
    step: Duration,
}

impl Validator {
    /// Validates from `anchor` (DNSKEY records as text), or from the root's anchors.
    pub(crate) fn new(choice: &ResolverChoice, anchor: Option<&str>, step: Duration) -> Self {
        let anchors = match anchor {
            Some(text) => TrustAnchors::from_str(text).map_err(|e| format!("trust anchor: {e}")),
            None => Ok(TrustAnchors::default()),
        };
        let resolver = anchors.and_then(|anchors| {
            let (config, mut opts) = resolver_config(choice)?;
            opts.timeout = step;
            opts.attempts = 1;
            opts.validate = true;
            Resolver::builder_with_config(config, TokioRuntimeProvider::default())
                .with_options(opts)
                .with_trust_anchor(Arc::new(anchors))
                .build()
                .map_err(|e| format!("building the validating resolver: {e}"))
        });
        Self { resolver, step }
    }

    /// Asks `name`/`rtype` with validation: the matching answer records and their proof.
    async fn validated(&self, name: &str, rtype: RecordType, deadline: Instant) -> Validated {
        let resolver = match &self.resolver {
            Ok(r) => r,
            Err(e) => return Validated::failed(Lookup::Error(e.clone()), DnssecProof::Indeterminate),
        };
        let qname = match fqdn(name) {
            Ok(n) => n,
            Err(e) => return Validated::failed(Lookup::Error(e), DnssecProof::Indeterminate),
        };
        match timeout_at(step_deadline(self.step, deadline), resolver.lookup(qname, rtype)).await {
            Err(_) => Validated::failed(Lookup::Timeout, DnssecProof::Indeterminate),
            Ok(Ok(lookup)) => {
                let records: Vec<Record> =
                    lookup.answers().iter().filter(|r| r.record_type() == rtype).cloned().collect();
                let proof =
                    records.iter().map(|r| proof(r.proof)).min().unwrap_or(DnssecProof::Indeterminate);
                let answer = if records.is_empty() { Lookup::NoData } else { Lookup::Found(records) };
                Validated { answer, proof, detail: None }
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

    /// The TLSA records of `_25._tcp.HOST` for an MX host, with their proof. Asked plainly
    /// first: only records that exist are validated (a name without TLSA is no DANE at all).
    pub(crate) async fn tlsa(&self, dns: &Dns, host: &str, port: u16, deadline: Instant) -> TlsaEvidence {
        let name = format!("_{port}._tcp.{host}");
        let plain = dns.query(&name, RecordType::TLSA, deadline).await;
        if !matches!(plain, Lookup::Found(_)) {
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

    /// The domain's DNSKEYs and DS (asked through the plain resolver) and, when either exists,
    /// what validation says about its MX answer (a zone with neither is plainly unsigned).
    pub(crate) async fn chain(&self, domain: &str, dns: &Dns, deadline: Instant) -> DnssecChain {
        let count = |rtype: RecordType| async move {
            dns.query(domain, rtype, deadline)
                .await
                .map(|msg| msg.answers.iter().filter(|r| r.record_type() == rtype).count())
        };
        let (dnskey, ds) = tokio::join!(count(RecordType::DNSKEY), count(RecordType::DS));
        let signed = [&dnskey, &ds].iter().any(|l| l.found().is_some_and(|n| *n > 0));
        if !signed {
            let answered = [&dnskey, &ds]
                .iter()
                .all(|l| matches!(l, Lookup::Found(_) | Lookup::NoData | Lookup::NxDomain));
            let validation = if answered { DnssecProof::Insecure } else { DnssecProof::Indeterminate };
            return DnssecChain { dnskey, ds, validation, detail: None };
        }
        let v = self.validated(domain, RecordType::MX, deadline).await;
        DnssecChain { dnskey, ds, validation: v.proof, detail: v.detail }
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
