//! Extra authoritative nameservers for lab zones: a stale secondary that serves the zone as
//! it was until told to catch up, and a lame one that refuses everything. Each listens on its
//! own loopback address at the lab's DNS port, so probes ask every nameserver on one port.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use hickory_proto::rr::rdata::{A, NS};
use hickory_proto::rr::{Name, RData};
use hickory_server::Server;
use hickory_server::zone_handler::Catalog;
use tokio::net::{TcpListener, UdpSocket};
use tokio::task::JoinHandle;

use super::dns::{Delayed, Served, Zones};
use super::dnssec::{Signing, fqdn};
use super::net::next_loopback;
use super::scenario::{NsRole, NsSpec, Scenario};
use super::{Lab, LabError};

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

/// The scenario a stale nameserver serves at start: the lab's, with its old `_mta-sts`.
fn stale_view(s: &Scenario, spec: &NsSpec) -> Scenario {
    let mut out = s.clone();
    if let Some(d) = out.domains.iter_mut().find(|d| d.name.eq_ignore_ascii_case(&spec.zone))
        && !spec.sts_txt.is_empty()
    {
        d.sts_txt = spec.sts_txt.clone();
        d.sts_cname = None;
    }
    out
}

/// Starts every extra nameserver on `port`: the stale ones' zones (to be synced), and tasks.
pub(super) async fn start(
    s: &Scenario,
    auth: &Arc<Authority>,
    port: u16,
    build: impl Fn(&Scenario) -> Result<Served, LabError>,
) -> Result<(Vec<Arc<Zones>>, Vec<JoinHandle<()>>), LabError> {
    let mut stale = Vec::new();
    let mut tasks = Vec::new();
    for (spec, ip) in &auth.nameservers {
        let served = match spec.role {
            NsRole::Stale => build(&stale_view(s, spec))?,
            NsRole::Lame => Served::new(Catalog::new(), None),
        };
        let zones = Arc::new(Zones::new(served, auth.clone(), Vec::new()));
        if spec.role == NsRole::Stale {
            stale.push(zones.clone());
        }
        let udp = UdpSocket::bind((*ip, port)).await?;
        let tcp = TcpListener::bind((*ip, port)).await?;
        let mut server = Server::new(Delayed::new(zones, Duration::ZERO));
        server.register_socket(udp);
        server.register_listener(tcp, Duration::from_secs(5), 32);
        tasks.push(tokio::spawn(async move {
            let _ = server.block_until_done().await;
        }));
    }
    Ok((stale, tasks))
}

impl Lab {
    /// Makes every stale nameserver serve what the lab's own server serves now (the secondary
    /// caught up with the zone transfer).
    pub fn sync_nameservers(&self) {
        self.live.zones().sync_stale();
    }
}
