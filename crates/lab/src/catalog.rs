//! What the lab's DNS serves, built from a scenario: one in-memory zone per domain (and one
//! per outside name such as a CNAME target or a provider's MX host), signed with the lab's
//! keys when it signs zones, and the root that answers DS questions as a parent would.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::sync::Arc;

use hickory_proto::rr::rdata::{A, CNAME, MX, NS, SOA, TXT};
use hickory_proto::rr::{LowerName, Name, RData, Record, RecordType};
use hickory_server::dnssec::NxProofKind;
use hickory_server::server::Request;
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneHandler, ZoneType};

use super::LabError;
use super::authority::Authority;
use super::dnssec::Signing;
use super::scenario::Scenario;

const TTL: u32 = 300;

/// What is served: every zone, and (when the lab signs zones) the root alone, which answers
/// the DS questions for zone apexes as a parent would.
pub(super) struct Served {
    all: Catalog,
    parent: Option<Catalog>,
}

impl Served {
    /// Serves `all`, with `parent` answering DS questions for zone apexes.
    pub(super) fn new(all: Catalog, parent: Option<Catalog>) -> Served {
        Served { all, parent }
    }

    /// The catalog that answers `request`: the parent for a DS question about a zone apex,
    /// every zone otherwise.
    pub(super) fn answering(&self, request: &Request) -> &Catalog {
        match &self.parent {
            Some(parent) if asks_parent(&self.all, request) => parent,
            _ => &self.all,
        }
    }
}

/// Extra TXT records published at names other than `_mta-sts` and `_smtp._tls` (owner → records).
pub(super) type ExtraTxt = BTreeMap<String, Vec<Vec<String>>>;

fn name(s: &str) -> Result<Name, LabError> {
    super::dnssec::fqdn(s)
}

/// `label.ORIGIN` (`label.lab-root.` for the root).
fn under(origin: &Name, label: &str) -> Result<Name, LabError> {
    if origin.is_root() { name(&format!("{label}.lab-root")) } else { name(&format!("{label}.{origin}")) }
}

/// Every record the scenario publishes, as (owner, data).
pub(super) fn records(
    s: &Scenario,
    mx_addrs: &BTreeMap<String, Ipv4Addr>,
    extra: &ExtraTxt,
    signing: &Signing,
) -> Result<Vec<(Name, RData)>, LabError> {
    let mut out = Vec::new();
    for d in &s.domains {
        let apex = name(&d.name)?;
        if d.null_mx {
            out.push((apex.clone(), RData::MX(MX::new(0, Name::root()))));
        } else {
            for m in &d.mx {
                out.push((apex.clone(), RData::MX(MX::new(m.preference, name(&m.host)?))));
            }
        }
        let sts = name(&format!("_mta-sts.{}", d.name))?;
        let sts_owner = match &d.sts_cname {
            Some(target) => {
                out.push((sts, RData::CNAME(CNAME(name(target)?))));
                name(target)?
            }
            None => sts,
        };
        for (i, strings) in d.sts_txt.iter().enumerate() {
            let mut strings = strings.clone();
            if let (0, Some(filler)) = (i, &d.sts_txt_filler) {
                strings.extend(filler.strings());
            }
            out.push((sts_owner.clone(), RData::TXT(TXT::new(strings))));
        }
        for c in &d.cnames {
            out.push((name(&c.name)?, RData::CNAME(CNAME(name(&c.target)?))));
        }
        let rpt = name(&format!("_smtp._tls.{}", d.name))?;
        for strings in &d.tlsrpt_txt {
            out.push((rpt.clone(), RData::TXT(TXT::new(strings.clone()))));
        }
        if d.policy_host_resolves {
            out.push((name(&format!("mta-sts.{}", d.name))?, RData::A(A(Ipv4Addr::LOCALHOST))));
        }
    }
    for (host, ip) in mx_addrs {
        out.push((name(host)?, RData::A(A(*ip))));
    }
    for (owner, recs) in extra {
        for strings in recs {
            out.push((name(owner)?, RData::TXT(TXT::new(strings.clone()))));
        }
    }
    out.extend(signing.tlsa().iter().cloned());
    Ok(out)
}

/// Groups records into zones: each scenario domain, plus the owner name itself for records
/// under none of them. A record goes to the deepest zone that contains it.
fn zones(s: &Scenario, records: Vec<(Name, RData)>) -> Result<BTreeMap<Name, Vec<Record>>, LabError> {
    let mut zones: BTreeMap<Name, Vec<Record>> = BTreeMap::new();
    for d in &s.domains {
        zones.insert(name(&d.name)?, Vec::new());
    }
    for (owner, data) in records {
        let origin = zones
            .keys()
            .filter(|z| z.zone_of(&owner))
            .max_by_key(|z| z.num_labels())
            .cloned()
            .unwrap_or_else(|| owner.clone());
        zones.entry(origin).or_default().push(Record::from_rdata(owner, TTL, data));
    }
    Ok(zones)
}

fn handler(origin: Name, records: Vec<Record>, signing: &Signing) -> Result<InMemoryZoneHandler, LabError> {
    let signer = signing.signer(&origin)?;
    let proofs = signer.as_ref().map(|_| NxProofKind::Nsec);
    let mut zone = InMemoryZoneHandler::empty(origin.clone(), ZoneType::Primary, AxfrPolicy::Deny, proofs);
    let soa = SOA::new(under(&origin, "ns")?, under(&origin, "hostmaster")?, 1, 3600, 600, 86400, 60);
    let mut all = vec![Record::from_rdata(origin.clone(), TTL, RData::SOA(soa))];
    if signing.active() {
        let ns = under(&origin, "ns")?;
        all.push(Record::from_rdata(origin.clone(), TTL, RData::NS(NS(ns.clone()))));
        if !origin.is_root() {
            all.push(Record::from_rdata(ns, TTL, RData::A(A(Ipv4Addr::LOCALHOST))));
        }
    }
    all.extend(records);
    for r in all {
        let owner = r.name.clone();
        if !zone.upsert_mut(r, 1) {
            return Err(LabError::Dns(format!("cannot add a record for {owner} to zone {origin}")));
        }
    }
    if let Some(signer) = signer {
        zone.add_zone_signing_key_mut(signer).map_err(|e| LabError::Dns(format!("{origin}: {e}")))?;
        zone.secure_zone_mut().map_err(|e| LabError::Dns(format!("signing {origin}: {e}")))?;
    }
    Ok(zone)
}

/// The lab root: a delegation (NS) for every zone, and the DS records the scenario publishes.
fn root_records(zones: &BTreeMap<Name, Vec<Record>>, signing: &Signing) -> Result<Vec<Record>, LabError> {
    let mut out = Vec::new();
    for origin in zones.keys().filter(|z| !z.is_root()) {
        out.push(Record::from_rdata(origin.clone(), TTL, RData::NS(NS(under(origin, "ns")?))));
        if let Some(ds) = signing.ds(origin)? {
            out.push(Record::from_rdata(origin.clone(), TTL, ds));
        }
    }
    Ok(out)
}

/// Whether `request` is a DS question for a zone apex below the root: the parent answers it.
fn asks_parent(all: &Catalog, request: &Request) -> bool {
    let Ok(info) = request.request_info() else { return false };
    let (qname, qtype) = (info.query.name(), info.query.query_type());
    qtype == RecordType::DS
        && !qname.is_root()
        && all.find(qname).and_then(|zs| zs.first()).is_some_and(|z| z.origin() == qname)
}
/// The whole catalog for a scenario, its MX hosts' addresses and extra TXT records, signed
/// with the lab's keys, with NS records naming the extra nameservers.
pub(super) fn catalog(
    s: &Scenario,
    mx_addrs: &BTreeMap<String, Ipv4Addr>,
    extra: &ExtraTxt,
    auth: &Authority,
) -> Result<Served, LabError> {
    let signing = &auth.signing;
    let mut all = Catalog::new();
    let mut recs = records(s, mx_addrs, extra, signing)?;
    recs.extend(auth.ns_records()?);
    let mut zones = zones(s, recs)?;
    let mut parent = None;
    if signing.active() {
        let root = root_records(&zones, signing)?;
        zones.entry(Name::root()).or_default().extend(root);
    }
    for (origin, recs) in zones {
        let zone: Arc<dyn ZoneHandler> = Arc::new(handler(origin.clone(), recs, signing)?);
        if origin.is_root() {
            let mut only = Catalog::new();
            only.upsert(LowerName::new(&origin), vec![zone.clone()]);
            parent = Some(only);
        }
        all.upsert(LowerName::new(&origin), vec![zone]);
    }
    Ok(Served { all, parent })
}
