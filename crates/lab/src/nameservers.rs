//! Extra authoritative nameservers for lab zones: a stale secondary that serves the zone as
//! it was until told to catch up, a lame one that refuses everything, a silent one that
//! answers nothing, and a switched-off one (nothing listens at its address). Each has its own
//! loopback address at the lab's DNS port, so probes ask every nameserver on one port.

use std::sync::Arc;
use std::time::Duration;

use hickory_server::Server;
use hickory_server::zone_handler::Catalog;
use tokio::net::{TcpListener, UdpSocket};
use tokio::task::JoinHandle;

use super::authority::Authority;
use super::catalog::Served;
use super::scenario::{NsRole, NsSpec, Scenario};
use super::zones::{Delayed, Zones};
use super::{Lab, LabError};

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
            NsRole::Down => continue,
            NsRole::Silent => {
                tasks.push(tokio::spawn(swallow(UdpSocket::bind((*ip, port)).await?)));
                continue;
            }
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

/// Reads every datagram and answers none.
async fn swallow(socket: UdpSocket) {
    let mut buf = [0u8; 512];
    while socket.recv_from(&mut buf).await.is_ok() {}
}

impl Lab {
    /// Makes every stale nameserver serve what the lab's own server serves now (the secondary
    /// caught up with the zone transfer).
    pub fn sync_nameservers(&self) {
        self.live.zones().sync_stale();
    }
}
