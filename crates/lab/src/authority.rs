//! The lab's DNS authority: its signing keys and the extra nameservers (each on its own
//! loopback address), fixed for the lab's lifetime, and the NS records naming them.

use std::net::Ipv4Addr;

use hickory_proto::rr::rdata::{A, NS};
use hickory_proto::rr::{Name, RData};

use super::LabError;
use super::dnssec::{Signing, fqdn};
use super::net::next_loopback;
use super::scenario::{NsSpec, Scenario};

/// The lab's keys and the extra nameservers, fixed for the lab's lifetime.
pub(super) struct Authority {
    pub signing: Signing,
    /// Each extra nameserver with its loopback address.
    pub nameservers: Vec<(NsSpec, Ipv4Addr)>,
}

impl Authority {
    /// Keys from `signing`, and a fresh loopback address per extra nameserver.
    pub(super) fn new(s: &Scenario, signing: Signing) -> Authority {
        Authority {
            signing,
            nameservers: s.nameservers.iter().map(|n| (n.clone(), next_loopback())).collect(),
        }
    }

    /// The NS records (and their addresses) of zones with extra nameservers: `ns1.ZONE` is the
    /// lab's own server on 127.0.0.1, `ns2.ZONE`… the extra ones.
    pub(super) fn ns_records(&self) -> Result<Vec<(Name, RData)>, LabError> {
        let mut out = Vec::new();
        let mut zones: Vec<&str> = self.nameservers.iter().map(|(n, _)| n.zone.as_str()).collect();
        zones.sort_unstable();
        zones.dedup();
        for zone in zones {
            let apex = fqdn(zone)?;
            let mut servers = vec![Ipv4Addr::LOCALHOST];
            servers.extend(self.nameservers.iter().filter(|(n, _)| n.zone == zone).map(|(_, ip)| *ip));
            for (i, ip) in servers.into_iter().enumerate() {
                let host = fqdn(&format!("ns{}.{zone}", i + 1))?;
                out.push((apex.clone(), RData::NS(NS(host.clone()))));
                out.push((host, RData::A(A(ip))));
            }
        }
        Ok(out)
    }
}
