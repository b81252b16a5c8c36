//! DNSSEC in the lab: a root key whose DNSKEY the probes take as trust anchor, one key per
//! signed zone, the DS records the root publishes (or withholds, or gets wrong), and the TLSA
//! records computed from the certificates the MX hosts present.

use std::collections::BTreeMap;
use std::time::Duration;

use hickory_proto::dnssec::crypto::Ed25519SigningKey;
use hickory_proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS};
use hickory_proto::dnssec::{DigestType, DnssecSigner, PublicKey, SigningKey};
use hickory_proto::rr::rdata::TLSA;
use hickory_proto::rr::rdata::tlsa::{CertUsage, Matching, Selector};
use hickory_proto::rr::{Name, RData};
use rustls::pki_types::{CertificateDer, PrivatePkcs8KeyDer};

use super::LabError;
use super::ca::LabCa;
use super::scenario::{CertKind, DsState, Scenario, TlsaOf};
use mtasts_core::rfc::tlsa::{associate, selected};

/// How long the lab's signatures stay valid.
const SIG_VALIDITY: Duration = Duration::from_secs(7 * 86_400);

fn err(e: impl std::fmt::Display) -> LabError {
    LabError::Dns(format!("dnssec: {e}"))
}

/// One Ed25519 zone key.
struct Key {
    pkcs8: PrivatePkcs8KeyDer<'static>,
    dnskey: DNSKEY,
}

impl Key {
    fn generate() -> Result<Key, LabError> {
        let pkcs8 = Ed25519SigningKey::generate_pkcs8().map_err(err)?;
        let public = Ed25519SigningKey::from_pkcs8(&pkcs8).map_err(err)?.to_public_key().map_err(err)?;
        Ok(Key { pkcs8, dnskey: DNSKEY::from_key(&public) })
    }

    fn signer(&self, origin: &Name) -> Result<DnssecSigner, LabError> {
        let key = Ed25519SigningKey::from_pkcs8(&self.pkcs8).map_err(err)?;
        Ok(DnssecSigner::new(self.dnskey.clone(), Box::new(key), origin.clone(), SIG_VALIDITY))
    }

    fn ds(&self, owner: &Name) -> Result<DS, LabError> {
        let tag = self.dnskey.calculate_key_tag().map_err(err)?;
        let digest = self.dnskey.to_digest(owner, DigestType::SHA256).map_err(err)?;
        Ok(DS::new(tag, self.dnskey.public_key().algorithm(), DigestType::SHA256, digest.as_ref().to_owned()))
    }
}

/// The lab's keys, fixed for its lifetime so that republishing keeps the chain intact.
pub(super) struct Signing {
    root: Option<Key>,
    zones: BTreeMap<Name, (Key, DsState)>,
    /// A key no zone signs with, for [`DsState::Wrong`].
    stranger: Option<Key>,
    /// TLSA records per `_25._tcp.HOST` owner.
    tlsa: Vec<(Name, RData)>,
}

pub(super) fn fqdn(s: &str) -> Result<Name, LabError> {
    let text = if s.ends_with('.') { s.to_owned() } else { format!("{s}.") };
    Name::from_ascii(&text).map_err(|e| LabError::Dns(format!("{s}: {e}")))
}

impl Signing {
    /// No DNSSEC at all (the scenario signs nothing and publishes no TLSA).
    pub(super) fn none() -> Signing {
        Signing { root: None, zones: BTreeMap::new(), stranger: None, tlsa: Vec::new() }
    }

    /// Keys for the scenario's signed zones and the TLSA records of its MX hosts, from the
    /// leaves each host presents (`leaves`: host → DER).
    pub(super) fn new(
        s: &Scenario,
        leaves: &BTreeMap<String, Vec<u8>>,
        ca: &LabCa,
    ) -> Result<Signing, LabError> {
        let mut out = Signing::none();
        let tlsa = s.all_mx_hosts().iter().any(|h| !h.tlsa.is_empty());
        if !s.signed_zones.is_empty() || tlsa {
            out.root = Some(Key::generate()?);
            out.stranger = Some(Key::generate()?);
        }
        for z in &s.signed_zones {
            out.zones.insert(fqdn(&z.name)?, (Key::generate()?, z.ds));
        }
        for host in s.all_mx_hosts() {
            for spec in &host.tlsa {
                let cert: Vec<u8> = match spec.of {
                    TlsaOf::Current => {
                        leaves.get(&host.name.to_ascii_lowercase()).cloned().unwrap_or_default()
                    }
                    TlsaOf::Previous => ca.issue(&host.name, &CertKind::Valid)?.leaf().as_ref().to_vec(),
                    TlsaOf::Ca => CertificateDer::as_ref(ca.cert_der()).to_vec(),
                };
                let data = selected(&cert, spec.selector)
                    .and_then(|b| associate(&b, spec.matching))
                    .ok_or_else(|| {
                        LabError::Scenario(format!(
                            "TLSA {} {} {} for {}",
                            spec.usage, spec.selector, spec.matching, host.name
                        ))
                    })?;
                let rdata = TLSA::new(
                    CertUsage::from(spec.usage),
                    Selector::from(spec.selector),
                    Matching::from(spec.matching),
                    data,
                );
                out.tlsa.push((fqdn(&format!("_25._tcp.{}", host.name))?, RData::TLSA(rdata)));
            }
        }
        Ok(out)
    }

    /// Whether the lab serves a signed root (some zone is signed, or some host has TLSA).
    pub(super) fn active(&self) -> bool {
        self.root.is_some()
    }

    /// The trust anchor for probes: the root's DNSKEY in zone-file form.
    pub(super) fn anchor(&self) -> Option<String> {
        self.root.as_ref().map(|k| format!(". 86400 IN DNSKEY {}\n", k.dnskey))
    }

    /// The TLSA records to publish.
    pub(super) fn tlsa(&self) -> &[(Name, RData)] {
        &self.tlsa
    }

    /// The signer for `zone` (the root included), when the lab signs it.
    pub(super) fn signer(&self, zone: &Name) -> Result<Option<DnssecSigner>, LabError> {
        let key = if zone.is_root() { self.root.as_ref() } else { self.zones.get(zone).map(|(k, _)| k) };
        key.map(|k| k.signer(zone)).transpose()
    }

    /// How a resolver validating from the lab root sees `name`: the state of the DS of the
    /// deepest signed zone holding it (`None` when no signed zone holds it: insecure).
    pub(super) fn chain_of(&self, name: &Name) -> Option<DsState> {
        self.zones
            .iter()
            .filter(|(z, _)| z.zone_of(name))
            .max_by_key(|(z, _)| z.num_labels())
            .map(|(_, (_, ds))| *ds)
    }

    /// The DS record the root publishes for `zone`, if any.
    pub(super) fn ds(&self, zone: &Name) -> Result<Option<RData>, LabError> {
        let key = match self.zones.get(zone) {
            Some((k, DsState::Published)) => k,
            Some((_, DsState::Wrong)) => match &self.stranger {
                Some(k) => k,
                None => return Ok(None),
            },
            _ => return Ok(None),
        };
        Ok(Some(RData::DNSSEC(DNSSECRData::DS(key.ds(zone)?))))
    }
}
